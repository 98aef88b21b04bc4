/* copl.h - the copilot's Linux side: its transports, with no knowledge of
 * the portable core (src/copilot/core) that will drive them.
 *
 *   copl_mqtt_  an MQTT client over libmosquitto: mqtts:// only, mutual
 *               TLS against the fleet CA (TLS 1.2 minimum, hostname
 *               checked), MQTT 5 with a fallback to 3.1.1, a retained last
 *               will with a will delay, message expiry, reconnects with
 *               exponential backoff and jitter; refused publishes and
 *               subscriptions (MQTT 5 PUBACK / SUBACK reason codes)
 *               reported, not waited on; driven by copl_mqtt_poll.
 *   copl_dl_    an HTTPS download over libcurl's multi interface into a
 *               file that is its own resume state (Range requests), checked
 *               against the fleet CA; driven by copl_dl_poll.
 *   copl_sha256_file  the digest of a finished download (OpenSSL EVP).
 *
 * Nothing here blocks for long except where noted (copl_mqtt_poll's TCP
 * connect, see docs/copilot.md). Every call that can fail returns a
 * copl_err; the object's copl_*_errmsg says what exactly went wrong.
 */
#ifndef COPL_H
#define COPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  COPL_OK = 0,
  COPL_INPROGRESS,  /* a download still running (copl_dl_poll) */
  COPL_EARG,        /* a bad argument or configuration */
  COPL_EURL,        /* a malformed URL */
  COPL_ESCHEME,     /* a URL scheme other than the one allowed */
  COPL_ENOMEM,      /* out of memory */
  COPL_EFILE,       /* a file cannot be read or written */
  COPL_ETLS,        /* TLS set-up or handshake failed */
  COPL_EPEER,       /* the server's certificate is not trusted */
  COPL_ECONNECT,    /* no connection to the server */
  COPL_EREFUSED,    /* the broker refused the connection (CONNACK) */
  COPL_ENOCONN,     /* not connected now */
  COPL_EPROTO,      /* a protocol error */
  COPL_EMQTT,       /* another libmosquitto error */
  COPL_EHTTP,       /* an HTTP status the download cannot use */
  COPL_ENOTFOUND,   /* HTTP 404 */
  COPL_ERANGE,      /* HTTP 416 twice, or a Content-Range that does not fit */
  COPL_ETOOBIG,     /* the body is larger than the expected size */
  COPL_ESHORT,      /* the transfer was cut; the partial file is kept */
  COPL_ETIMEOUT,    /* too slow (low-speed limit) or no answer in time */
  COPL_ECERT,       /* our own certificate: refused by the broker (a TLS alert), or
                       one it will refuse (expired, not of the CA, not the key's) */
  COPL_ECURL,       /* another libcurl error */
} copl_err;

/* A short fixed text for each code ("download cut; partial file kept"). */
const char *copl_strerror(copl_err e);
/* Set *err (if err) and the reason in why[cap] (if why), return e: how the
 * copl_* functions report a failure. */
__attribute__((format(printf, 5, 6)))
copl_err copl_fail(copl_err *err, char *why, size_t cap, copl_err e, const char *fmt, ...);

/* ---- URLs -------------------------------------------------------------- */

/* Parse "mqtts://HOST[:PORT][/]" strictly: HOST a DNS name, an IPv4
 * address or "[IPv6]"; PORT 1..65535 (default 8883); no user, path, query
 * or fragment. Any other scheme (mqtt://, ws://, ...) is COPL_ESCHEME: the
 * copilot speaks TLS only. `why` (may be NULL) gets the reason. */
copl_err copl_parse_mqtts(const char *url, char *host, size_t hostcap, int *port,
                          char *why, size_t whycap);

/* ---- MQTT -------------------------------------------------------------- */

typedef enum {
  COPL_MQTT_IDLE,        /* not started, or disconnected on purpose */
  COPL_MQTT_CONNECTING,  /* TCP/TLS up, waiting for CONNACK */
  COPL_MQTT_CONNECTED,   /* CONNACK accepted */
  COPL_MQTT_BACKOFF,     /* lost or refused; waiting to try again */
} copl_mqtt_state;

const char *copl_mqtt_state_name(copl_mqtt_state s);

typedef struct {
  const char *topic;
  const void *payload;
  size_t len;
  int qos;
  bool retain;
  bool has_expiry;     /* the MQTT 5 message-expiry property was present */
  uint32_t expiry_s;   /* its value: the seconds left when the broker sent it */
} copl_msg;

typedef struct copl_mqtt copl_mqtt;

typedef struct {
  const char *url;          /* mqtts://HOST:PORT */
  const char *client_id;    /* required; also the session's identity */
  const char *ca_file;      /* the fleet CA: the broker's certificate must chain to it */
  const char *cert_file;    /* this client's certificate */
  const char *key_file;     /* and its key (unencrypted PEM) */
  int keepalive_s;          /* 0: 30 */
  uint32_t connect_timeout_ms; /* no CONNACK by then: drop and back off; 0: 10000 */

  /* The last will (optional): published by the broker, retained, when the
   * connection is lost and not back within will_delay_s (MQTT 5). */
  const char *will_topic;
  const void *will_payload;
  size_t will_len;
  int will_qos;
  uint32_t will_delay_s;
  /* Session expiry asked for in CONNECT (MQTT 5). The broker sends the will
   * at the earlier of the will delay and the session's end, so 0 means
   * max(will_delay_s, 60) -- but with neither keep_session nor a will
   * delay, 0 is 0: the session ends with the connection. */
  uint32_t session_expiry_s;

  /* Reconnects: the core's cop_backoff_ms(n, random) (exponential from
   * COP_BACKOFF_MIN_MS to COP_BACKOFF_MAX_MS, full jitter); n counts
   * attempts since the last stable connection (one that lasted stable_ms). */
  uint32_t stable_ms;       /* 0: 30000 */
  uint32_t backoff_max_ms;  /* 0: the core's schedule as it is; else no wait is longer
                               (a backend's one connection, not a fleet's thousands) */
  bool v311_only;           /* skip MQTT 5 (tests; brokers known to be old) */
  bool keep_session;        /* clean start off: the broker keeps our subscriptions
                               and queued QoS 1 messages for session_expiry_s */

  /* Callbacks (any may be NULL), called from copl_mqtt_poll only. */
  void (*on_state)(void *user, copl_mqtt_state s, copl_err why, const char *detail);
  void (*on_message)(void *user, const copl_msg *m);
  /* QoS 0 sent, QoS 1/2 acknowledged. reason: the MQTT 5 PUBACK reason
   * code (0 under 3.1.1 and for QoS 0; 0x10 "no matching subscribers" is
   * a success); >= 0x80 the broker refused the message (not authorized:
   * the ACL), after on_refused. Either way the broker is done with it. */
  void (*on_published)(void *user, int mid, int reason);
  /* The broker refused a publish (PUBACK reason >= 0x80, MQTT 5 only:
   * 3.1.1 drops it silently) or a subscription (SUBACK 0x80 and up, both
   * versions). topic: the publish's topic ("?" if no longer known) or the
   * filter; text: the reason in words. */
  void (*on_refused)(void *user, bool subscribe, const char *topic, int reason, const char *text);
  void *user;
} copl_mqtt_cfg;

typedef struct {
  uint64_t attempts;      /* connection attempts, first one included */
  uint64_t connects;      /* CONNACKs accepted */
  uint64_t reconnects;    /* connects after the first */
  uint64_t losses;        /* connections lost (not asked for) */
  uint64_t refusals;      /* CONNACKs refused */
  uint64_t fallbacks;     /* times MQTT 5 was refused and 3.1.1 taken */
  uint64_t backoffs;      /* backoff waits scheduled */
  uint64_t msgs_in, msgs_out;
  uint64_t pub_refused;   /* publishes the broker refused (PUBACK >= 0x80) */
  uint64_t sub_refused;   /* subscriptions the broker refused (SUBACK >= 0x80) */
  uint32_t last_backoff_ms;
  unsigned backoff_step;  /* attempts since the last stable connection */
  int protocol;           /* 5 or 4 (3.1.1): the one in use or last tried */
} copl_mqtt_stats;

/* Check the configuration (URL, files readable, will) and make the client;
 * no connection yet. On failure NULL, *err and `why` say why. */
copl_mqtt *copl_mqtt_new(const copl_mqtt_cfg *cfg, copl_err *err, char *why, size_t whycap);
void copl_mqtt_free(copl_mqtt *m);

/* The first connection attempt is made by the first copl_mqtt_poll after
 * copl_mqtt_start; later ones by the backoff schedule. */
copl_err copl_mqtt_start(copl_mqtt *m);

/* Drive the client for up to timeout_ms: network I/O, keepalive, the
 * connect timeout, reconnects when due. Returns COPL_OK unless the client
 * is broken beyond reconnecting (then the error). */
copl_err copl_mqtt_poll(copl_mqtt *m, int timeout_ms);

/* Publish; expiry_s > 0 adds the MQTT 5 message-expiry property (ignored
 * under 3.1.1). Only while connected (COPL_ENOCONN otherwise: the core's
 * queue keeps what cannot go now). *mid (may be NULL) for on_published. */
copl_err copl_mqtt_publish(copl_mqtt *m, const char *topic, const void *payload, size_t len,
                           int qos, bool retain, uint32_t expiry_s, int *mid);

/* Subscribe; remembered and renewed on every (re)connection. Up to 16. */
copl_err copl_mqtt_subscribe(copl_mqtt *m, const char *filter, int qos);

/* A clean DISCONNECT (no will); the client stays IDLE until copl_mqtt_start. */
copl_err copl_mqtt_stop(copl_mqtt *m);

copl_mqtt_state copl_mqtt_get_state(const copl_mqtt *m);
void copl_mqtt_get_stats(const copl_mqtt *m, copl_mqtt_stats *st);
const char *copl_mqtt_errmsg(const copl_mqtt *m);  /* the last error, in words */

/* ---- HTTPS download ---------------------------------------------------- */

typedef struct copl_dl copl_dl;

typedef struct {
  const char *url;          /* https:// only */
  const char *ca_file;      /* the fleet CA; peer and host are verified */
  const char *path;         /* the file; what it holds already is resumed */
  uint64_t expected_size;   /* 0: unknown; else a larger body is refused */
  const char *bearer;       /* optional: "Authorization: Bearer <token>" */
  long low_speed_bps;       /* slower than this ... (0: 1 byte/s) */
  long low_speed_s;         /* ... for this long is COPL_ETIMEOUT (0: 30) */
  long connect_timeout_ms;  /* 0: 15000 */
  /* progress: bytes in the file so far, and the total (0 if unknown) */
  void (*on_progress)(void *user, uint64_t have, uint64_t total);
  void *user;
} copl_dl_cfg;

typedef struct {
  uint64_t resumed_from;    /* the file's size when the last request went out */
  uint64_t have;            /* bytes in the file now */
  uint64_t total;           /* the expected or announced total, 0 if unknown */
  long http_status;         /* of the last response */
  unsigned requests;        /* requests made by this download */
  unsigned restarts;        /* times it started over from 0 (Range ignored, 416) */
} copl_dl_info;

/* Check the configuration, open (or create) the file and start the
 * request: a Range request from the file's size if it has bytes. A file
 * already of expected_size finishes at the first poll without a request.
 * NULL on failure, *err and `why` say why. */
copl_dl *copl_dl_start(const copl_dl_cfg *cfg, copl_err *err, char *why, size_t whycap);

/* Drive it for up to timeout_ms: COPL_INPROGRESS while it runs, then
 * COPL_OK (the file is complete and synced) or the error (the file keeps
 * what arrived, for the next copl_dl_start to resume). */
copl_err copl_dl_poll(copl_dl *d, int timeout_ms);

void copl_dl_get_info(const copl_dl *d, copl_dl_info *info);
const char *copl_dl_errmsg(const copl_dl *d);
void copl_dl_free(copl_dl *d);  /* aborts a running transfer, keeps the file */

/* SHA-256 of a file: out (32 bytes) and/or hex (65 chars), either may be NULL. */
copl_err copl_sha256_file(const char *path, uint8_t out[32], char hex[65]);

/* ---- the bridge: `cockpit copilot` (copl_run.c) ------------------------- */

typedef struct {
  const char *uart;         /* the device's serial port or pty */
  uint32_t baud;            /* 0: 115200 */
  uint32_t link_timeout_ms; /* per answer; 0: 1000 */
  const char *broker;       /* mqtts://HOST:PORT */
  const char *ca_file, *cert_file, *key_file;
  const char *state_dir;    /* job record, artifact, queue, replay table */
  const char *id;           /* NULL: the certificate's CN */
  uint32_t queue_size;      /* bytes of the on-disk queue; 0: 1 MiB */
  uint32_t will_delay_s;    /* 0: 10 */
  uint32_t status_ms;       /* STATUS poll while a trial runs; 0: 1000 */
} copl_run_cfg;

/* The certificate's subject CN into out (cap bytes). COPL_EFILE when the
 * file cannot be read as PEM, COPL_EARG when it has no usable CN. */
copl_err copl_cert_cn(const char *cert_file, char *out, size_t cap, char *why, size_t whycap);

/* Would a broker of the CA in ca_file take this client certificate at
 * time now_s (seconds since 1970)? COPL_OK, or COPL_ECERT with the reason
 * in why: expired (since when), not yet valid, not issued by that CA, not
 * the key's, not for TLS clients; COPL_EFILE for an unreadable file. */
copl_err copl_cert_check(const char *cert_file, const char *key_file, const char *ca_file,
                         int64_t now_s, char *why, size_t whycap);

/* Run the bridge until SIGINT/SIGTERM: 0 on a clean stop, 1 on a fatal
 * error (said on stderr as "cockpit copilot: ..."). */
int copl_run(const copl_run_cfg *cfg);

#endif
