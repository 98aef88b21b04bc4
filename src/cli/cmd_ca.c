/*
** cmd_ca.c -- `cockpit ca init|issue|broker-config`: the fleet's
** certificate authority (src/ca), parsing and messages only.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ca.h"
#include "cli.h"

static const char usage[] =
  "usage: cockpit ca init DIR [--alg p256|ed25519] [--name CN] [--days N]\n"
  "       cockpit ca issue DIR (--device ID | --server NAME [--alt NAME]...)\n"
  "                            [--days N | --not-after DATE]\n"
  "       cockpit ca broker-config DIR --port N [--server NAME] [--backend NAME]\n"
  "                            [--out FILE] [--acl FILE] [--user NAME]\n"
  "                            [--persistence DIR]\n\n"
  "The fleet's certificate authority, for mutual TLS between devices, the\n"
  "broker (mosquitto) and the backend. See docs/provisioning.md.\n\n"
  "init: make a CA in DIR (created if missing): DIR/ca.key (mode 0600),\n"
  "DIR/ca.crt (self-signed, CA:TRUE, keyCertSign), DIR/serial, DIR/index.txt.\n"
  "Refuses a DIR that already holds a CA.\n"
  "  --alg ALG        p256 (EC P-256, ECDSA with SHA-256; the default) or\n"
  "                   ed25519; every key the CA issues is of this kind\n"
  "  --name CN        the CA's common name (default \"CockpitVM fleet CA\")\n"
  "  --days N         validity, 1..36500 days (default 3650)\n\n"
  "issue: a new key and certificate, never over an existing one.\n"
  "  --device ID      DIR/devices/ID.crt + ID.key: CN = ID, clientAuth\n"
  "  --server NAME    DIR/servers/NAME.crt + NAME.key: CN = NAME, serverAuth\n"
  "                   and clientAuth, subjectAltName DNS:NAME (an IPv4 NAME is\n"
  "                   IP:NAME; localhost adds IP:127.0.0.1 and IP:::1). For the\n"
  "                   broker, and for the backend, which serves HTTPS and\n"
  "                   connects to the broker with it as user NAME\n"
  "  --alt NAME       one more subjectAltName of a server (up to 8)\n"
  "  --days N         validity, 1..36500 days (default 365)\n"
  "  --not-after DATE valid until DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ,\n"
  "                   UTC) instead; a DATE in the past makes a certificate\n"
  "                   that is already expired (for tests), valid for the\n"
  "                   one day before DATE\n"
  "IDs and NAMEs: 1..64 characters of A-Z a-z 0-9 . _ - (they become MQTT\n"
  "topic levels and user names); device ids and server names share one\n"
  "namespace. No certificate outlives the CA's own.\n\n"
  "broker-config: a mosquitto configuration for the CA: one TLS listener on\n"
  "127.0.0.1 port N, require_certificate, use_identity_as_username, TLS 1.2\n"
  "at least, no anonymous clients, and an ACL file split by direction: a\n"
  "device ID publishes only on fleet/devices/ID/ status, heartbeat, telemetry,\n"
  "logs, events, blackbox, jobs/+/update and cmd/response, and reads only its\n"
  "jobs/notify and cmd; the backend's identity reads and writes fleet/#.\n"
  "Needs the server certificates of the broker and of the backend.\n"
  "  --port N         the listener's port (required)\n"
  "  --server NAME    the broker's certificate (default localhost)\n"
  "  --backend NAME   the backend's identity (default fleetd)\n"
  "  --out FILE       the configuration (default DIR/mosquitto.conf)\n"
  "  --acl FILE       the ACL (default FILE with .conf replaced by .acl)\n"
  "  --user NAME      a `user` line: the account mosquitto runs as when\n"
  "                   started as root (it must read the CA's files)\n"
  "  --persistence DIR  keep sessions, queued and retained messages in DIR (an\n"
  "                   existing folder) across a restart (default: none)\n"
  "Then: mosquitto -c FILE\n";

static int fail(const char *what, ca_err e, const ca_diag *d) {
  if (e == CA_ERR_IO)
    return cli_error("ca", "%s%s%s", d->path, d->path[0] ? ": " : "", strerror(d->sys));
  if (e == CA_ERR_CRYPTO)
    return cli_error("ca", "%s: %s (%s)", what, ca_err_str(e), d->ssl);
  if (d->path[0]) return cli_error("ca", "%s: %s", d->path, ca_err_str(e));
  return cli_error("ca", "%s: %s", what, ca_err_str(e));
}

static bool parse_days(const char *v, uint32_t *days) {
  return cli_parse_u32(v, days) && *days >= 1 && *days <= CA_DAYS_MAX;
}

static void print_time(const char *label, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  char buf[32];
  if (gmtime_r(&tt, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
    printf("%s%s", label, buf);
}

static int ca_init_cmd(int argc, char **argv) {
  ca_init_opts o = { CA_ALG_P256, NULL, 0 };
  const char *dir = NULL, *v;
  for (int i = 1; i < argc;) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--alg", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (strcmp(v, "p256") == 0) o.alg = CA_ALG_P256;
      else if (strcmp(v, "ed25519") == 0) o.alg = CA_ALG_ED25519;
      else return cli_usage_error("ca", "unknown --alg '%s' (p256 or ed25519)", v);
    } else if ((r = cli_opt(argc, argv, &i, "--name", &o.cn)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!*o.cn || strlen(o.cn) > 64) return cli_usage_error("ca", "--name: 1 to 64 characters");
    } else if ((r = cli_opt(argc, argv, &i, "--days", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!parse_days(v, &o.days)) return cli_usage_error("ca", "bad --days '%s' (1..36500)", v);
    } else if (argv[i][0] == '-') {
      return cli_usage_error("ca", "unknown option '%s'", argv[i]);
    } else if (dir) {
      return cli_usage_error("ca", "more than one DIR");
    } else {
      dir = argv[i++];
    }
  }
  if (!dir) return cli_usage_error("ca", "init: missing DIR");
  ca_diag d;
  ca_err e = ca_init(dir, &o, &d);
  if (e) return fail(dir, e, &d);
  printf("made an %s certificate authority in %s: ca.crt, ca.key (keep it secret)\n",
         o.alg == CA_ALG_ED25519 ? "Ed25519" : "EC P-256", dir);
  return CLI_EXIT_OK;
}

static int ca_issue_cmd(int argc, char **argv) {
  ca_issue_opts o;
  memset(&o, 0, sizeof o);
  const char *dir = NULL, *v, *device = NULL, *server = NULL, *notafter = NULL;
  bool days = false;
  for (int i = 1; i < argc;) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--device", &device)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--server", &server)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--not-after", &notafter)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if ((r = cli_opt(argc, argv, &i, "--alt", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (o.nalt == CA_MAX_ALT) return cli_usage_error("ca", "at most %d --alt names", CA_MAX_ALT);
      o.alt[o.nalt++] = v;
    } else if ((r = cli_opt(argc, argv, &i, "--days", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!parse_days(v, &o.days))
        return cli_usage_error("ca", "bad --days '%s' (1..36500; for an expired certificate use "
                                     "--not-after with a past date)", v);
      days = true;
    } else if (argv[i][0] == '-') {
      return cli_usage_error("ca", "unknown option '%s'", argv[i]);
    } else if (dir) {
      return cli_usage_error("ca", "more than one DIR");
    } else {
      dir = argv[i++];
    }
  }
  if (!dir) return cli_usage_error("ca", "issue: missing DIR");
  if (!device == !server) return cli_usage_error("ca", "issue: give one of --device ID or --server NAME");
  if (device && o.nalt) return cli_usage_error("ca", "--alt is for server certificates");
  if (days && notafter) return cli_usage_error("ca", "--days and --not-after exclude each other");
  o.kind = device ? CA_DEVICE : CA_SERVER;
  o.name = device ? device : server;
  if (!ca_name_ok(o.name))
    return cli_usage_error("ca", "invalid %s '%s': 1 to 64 characters of A-Z a-z 0-9 . _ -",
                           device ? "device ID" : "server NAME", o.name);
  for (unsigned k = 0; k < o.nalt; k++)
    if (!ca_name_ok(o.alt[k]))
      return cli_usage_error("ca", "invalid --alt '%s': 1 to 64 characters of A-Z a-z 0-9 . _ -", o.alt[k]);
  if (notafter) {
    if (ca_parse_time(notafter, &o.not_after) != CA_ERR_OK)
      return cli_usage_error("ca", "bad --not-after '%s' (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", notafter);
    o.has_not_after = true;
  }
  ca_diag d;
  ca_issued out;
  ca_err e = ca_issue(dir, &o, &out, &d);
  if (e) return fail(o.name, e, &d);
  printf("issued %s certificate %s (serial %s, key %s)\n", device ? "device" : "server", out.crt,
         out.serial, out.key);
  print_time("valid ", out.not_before);
  print_time(" to ", out.not_after);
  printf("%s\n", out.not_after <= (int64_t)time(NULL) ? " (already expired)" : "");
  return CLI_EXIT_OK;
}

static int ca_broker_cmd(int argc, char **argv) {
  ca_broker_opts o;
  memset(&o, 0, sizeof o);
  const char *dir = NULL, *port = NULL;
  for (int i = 1; i < argc;) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--port", &port)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--server", &o.server)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--backend", &o.backend)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--out", &o.out)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--acl", &o.acl)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--user", &o.user)) != 0 ||
        (r = cli_opt(argc, argv, &i, "--persistence", &o.persist)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if (argv[i][0] == '-') {
      return cli_usage_error("ca", "unknown option '%s'", argv[i]);
    } else if (dir) {
      return cli_usage_error("ca", "more than one DIR");
    } else {
      dir = argv[i++];
    }
  }
  if (!dir) return cli_usage_error("ca", "broker-config: missing DIR");
  if (!port) return cli_usage_error("ca", "broker-config: missing --port N");
  if (!cli_parse_u32(port, &o.port) || o.port < 1 || o.port > 65535)
    return cli_usage_error("ca", "bad --port '%s' (1..65535)", port);
  const char *names[3] = { o.server, o.backend, o.user };
  for (int k = 0; k < 3; k++)
    if (names[k] && !ca_name_ok(names[k]))
      return cli_usage_error("ca", "invalid name '%s': 1 to 64 characters of A-Z a-z 0-9 . _ -", names[k]);
  if (o.out && !*o.out) return cli_usage_error("ca", "--out: empty FILE");
  if (o.acl && !*o.acl) return cli_usage_error("ca", "--acl: empty FILE");
  if (o.persist && !*o.persist) return cli_usage_error("ca", "--persistence: empty DIR");
  ca_diag d;
  ca_broker_files f;
  ca_err e = ca_broker_config(dir, &o, &f, &d);
  if (e == CA_ERR_NO_SERVER)
    return cli_error("ca", "%s: %s", d.path, ca_err_str(e));
  if (e) return fail(dir, e, &d);
  printf("wrote %s and %s (listener 127.0.0.1:%u); run: mosquitto -c %s\n", f.conf, f.acl,
         (unsigned)o.port, f.conf);
  return CLI_EXIT_OK;
}

int cmd_ca(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  if (argc < 2) return cli_usage_error("ca", "missing action (init, issue, broker-config)");
  const char *a = argv[1];
  argv[1] = argv[0];   /* the action's argv[0] is "ca", for cli_opt's messages */
  if (strcmp(a, "init") == 0) return ca_init_cmd(argc - 1, argv + 1);
  if (strcmp(a, "issue") == 0) return ca_issue_cmd(argc - 1, argv + 1);
  if (strcmp(a, "broker-config") == 0) return ca_broker_cmd(argc - 1, argv + 1);
  return cli_usage_error("ca", "unknown action '%s' (init, issue, broker-config)", a);
}
