/*
** ca.h -- the fleet's certificate authority (`cockpit ca`), host only:
** libc and OpenSSL's libcrypto (EVP, X509), no openssl command.
**
** A CA lives in one folder (docs/provisioning.md):
**   ca.key  ca.crt          the CA's key (mode 0600) and self-signed cert
**   serial                  the next serial number, hex; also the lock
**                           that serialises issuing
**   index.txt               one line per certificate issued
**   devices/ID.crt, .key    device certificates: CN = ID, clientAuth
**   servers/NAME.crt, .key  broker and backend: CN = NAME, serverAuth and
**                           clientAuth (the backend connects to the broker
**                           with it), subjectAltName
** Device ids and server names share one namespace (with
** use_identity_as_username the CN is the MQTT user name, and the ACL gives
** the backend's name every topic), so a name is issued once, as one kind.
*/
#ifndef COCKPIT_CA_H
#define COCKPIT_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CA_ERRORS(X) \
  X(OK,          "ok") \
  X(ARG,         "invalid argument") \
  X(NAME,        "invalid name: 1 to 64 characters from A-Z a-z 0-9 . _ - (names become MQTT topic levels and user names)") \
  X(EXISTS,      "a certificate authority already exists there (not overwritten)") \
  X(NO_CA,       "no certificate authority there (ca.key and ca.crt; see `cockpit ca init`)") \
  X(CA_EXPIRED,  "the CA's own certificate has expired: it can issue nothing valid (only --not-after certificates, for tests)") \
  X(CA_BROKEN,   "the CA's key or certificate is unreadable, or they do not belong together") \
  X(ISSUED,      "a certificate with that name was already issued (not overwritten; remove both files to issue again)") \
  X(NAME_TAKEN,  "that name is already issued as the other kind (device ids and server names share one namespace)") \
  X(NO_SERVER,   "no server certificate with that name (see `cockpit ca issue DIR --server NAME`)") \
  X(BACKEND_IS_DEVICE, "the backend's name belongs to a device certificate: that device would reach every topic") \
  X(VALIDITY,    "validity out of range (--days 1..36500; --not-after must be a date after 1970)") \
  X(SERIAL,      "the serial file is corrupt (expected a hex number)") \
  X(PATH,        "path unusable in a mosquitto configuration (control characters or trailing spaces)") \
  X(IO,          "cannot read or write file") \
  X(CRYPTO,      "OpenSSL failure") \
  X(WEAK_KEY,    "the generated Ed25519 key failed the trust-store check (small order or non-canonical)") \
  X(NOMEM,       "out of memory")

typedef enum ca_err {
#define X(name, msg) CA_ERR_##name,
  CA_ERRORS(X)
#undef X
  CA_ERR__COUNT
} ca_err;

const char *ca_err_str(ca_err e);
const char *ca_err_name(ca_err e);

/* What went wrong where: the file concerned (may be empty) and errno for
** CA_ERR_IO; OpenSSL's first error string for CA_ERR_CRYPTO. */
typedef struct ca_diag {
  char path[1024];
  int sys;
  char ssl[256];
} ca_diag;

typedef enum ca_alg { CA_ALG_P256, CA_ALG_ED25519 } ca_alg;
typedef enum ca_kind { CA_DEVICE, CA_SERVER } ca_kind;

#define CA_NAME_MAX 64
#define CA_DAYS_MAX 36500u
#define CA_MAX_ALT 8

/* [A-Za-z0-9._-]{1,64}, and not "." or "..". */
bool ca_name_ok(const char *s);

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) to seconds since 1970. */
ca_err ca_parse_time(const char *s, int64_t *t);

typedef struct ca_init_opts {
  ca_alg alg;
  const char *cn;              /* NULL: "CockpitVM fleet CA" */
  uint32_t days;               /* 0: 3650 */
} ca_init_opts;

/* Make the CA in dir (created, mode 0700, if it does not exist). */
ca_err ca_init(const char *dir, const ca_init_opts *o, ca_diag *d);

typedef struct ca_issue_opts {
  ca_kind kind;
  const char *name;            /* device id or server name (the CN) */
  uint32_t days;               /* 0: 365 */
  bool has_not_after;          /* not_after instead of days (may be past) */
  int64_t not_after;
  const char *alt[CA_MAX_ALT]; /* servers: more DNS names / IPv4 literals */
  unsigned nalt;
} ca_issue_opts;

typedef struct ca_issued {
  char crt[1100], key[1100];
  char serial[40];             /* hex */
  int64_t not_before, not_after;
  ca_alg alg;
} ca_issued;

/* Issue a certificate and a new key (of the CA's algorithm). A not-after
** beyond the CA's own is cut to the CA's. */
ca_err ca_issue(const char *dir, const ca_issue_opts *o, ca_issued *out, ca_diag *d);

typedef struct ca_broker_opts {
  uint32_t port;               /* 1..65535 */
  const char *server;          /* the broker's certificate; NULL: "localhost" */
  const char *backend;         /* the backend's identity; NULL: "fleetd" */
  const char *out;             /* NULL: DIR/mosquitto.conf */
  const char *acl;             /* NULL: out with .conf -> .acl (or + .acl) */
  const char *user;            /* NULL: no `user` line */
  const char *persist;         /* an existing folder: persistence there (sessions and
                                  retained messages survive a restart); NULL: none */
} ca_broker_opts;

typedef struct ca_broker_files {
  char conf[1100], acl[1100];
} ca_broker_files;

/* Write a mosquitto configuration and its ACL file for the CA in dir:
** one TLS listener on 127.0.0.1, client certificates required and their
** CN as user name, TLS 1.2 at least, no anonymous clients. The ACL splits
** by direction: a device publishes only its own status, heartbeat,
** telemetry, logs, events, blackbox, jobs/+/update and cmd/response and
** reads only its own jobs/notify and cmd; the backend reads and writes
** fleet/#. */
ca_err ca_broker_config(const char *dir, const ca_broker_opts *o, ca_broker_files *f,
                        ca_diag *d);

#endif
