/*
** cmd_fleetd.c -- `cockpit fleetd`: the fleet backend's HTTPS server
** (libmicrohttpd around src/fleet/api), and `cockpit fleetd token` /
** `cockpit fleetd routes`. Parsing and wiring only; the API is fleet_api.h,
** the store fleet_store.h.
*/
#define _DEFAULT_SOURCE   /* realpath */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "fleet_api.h"
#include "fleet_daemon.h"
#include "sha256.h"

static const char usage[] =
  "usage: cockpit fleetd --data DIR --listen HOST:PORT [--tls-cert F --tls-key F]\n"
  "                      [--db postgresql://...] [--max-body BYTES]\n"
  "                      [--broker mqtts://HOST:PORT --ca CA.pem --cert F --key F [--no-share]\n"
  "                       [--ingest-batch N] [--ingest-flush-ms MS]]\n"
  "                      [--otlp URL] [--public-url URL] [--retain-days N]\n"
  "                      [--retain-artifacts-days N]\n"
  "       cockpit fleetd token --data DIR --role admin|operator|viewer --name NAME [--db URL]\n"
  "       cockpit fleetd token --data DIR --list | --revoke ID [--db URL]\n"
  "       cockpit fleetd routes\n\n"
  "The fleet backend: the HTTP API of docs/fleet-api.md over HTTPS. Keeps its\n"
  "SQLite store (DIR/fleet.db, WAL) and the fleet signing key (DIR/fleet.key,\n"
  "mode 0600, generated at first start) in DIR; --db puts the store in\n"
  "PostgreSQL instead (the key stays in DIR). Prints \"listening on URL\" once\n"
  "it serves (PORT 0 picks a free port) and stops on SIGINT or SIGTERM.\n\n"
  "  --data DIR          data directory (created, mode 0700)\n"
  "  --listen HOST:PORT  address to serve on ([::1]:PORT for IPv6)\n"
  "  --tls-cert F        server certificate (PEM), e.g. from `cockpit ca`\n"
  "  --tls-key F         its private key (PEM); without both, fleetd serves\n"
  "                      HTTPS with --cert/--key, or plain HTTP on a loopback\n"
  "                      address only\n"
  "  --db URL            postgresql://... (or sqlite:PATH)\n"
  "  --max-body BYTES    largest request body (default 1048576): 413 above\n"
  "  --broker URL        mqtts://HOST:PORT: ingest what the devices' copilots\n"
  "                      send (status, heartbeats, telemetry, logs, events,\n"
  "                      blackbox, job updates, command responses) into the\n"
  "                      store, over MQTT 5 shared subscriptions\n"
  "                      ($share/fleetd/fleet/devices/+/...), so several\n"
  "                      fleetd split the work; reconnects with backoff\n"
  "  --no-share          plain subscriptions instead (one fleetd only): unlike\n"
  "                      shared ones, mosquitto 2.0 keeps them over its own\n"
  "                      restart, so nothing a copilot sends right after a\n"
  "                      broker restart is lost before fleetd is back\n"
  "  --ingest-batch N    records per batch transaction (default 500)\n"
  "  --ingest-flush-ms MS  a batch is written at most MS after its first\n"
  "                      record (default 200); SIGTERM writes it at once\n"
  "  --ca F, --cert F, --key F\n"
  "                      with --broker: the fleet CA, and fleetd's own\n"
  "                      certificate and key (`cockpit ca issue --server fleetd`)\n"
  "  --otlp URL          export device logs and fleetd's metrics as OTLP/HTTP\n"
  "                      JSON to the collector at URL (http://HOST:4318)\n"
  "  --public-url URL    where copilots reach this fleetd for artifacts\n"
  "                      (default: the --listen address)\n"
  "  --retain-days N     prune telemetry and logs older than N days\n"
  "  --retain-artifacts-days N\n"
  "                      prune artifacts older than N days that no deployment,\n"
  "                      job or device refers to\n\n"
  "token: create a bearer token with a role and print it (only its SHA-256\n"
  "is stored); --list prints id, role, name, created and revoked of every\n"
  "token; --revoke ID refuses that token from then on. routes: print the route table (fleet_routes.def) as Markdown.\n";

/* ---- token, routes ------------------------------------------------------ */

static int open_store(const char *dir, const char *db, fst_store **s) {
  if (dir && mkdir(dir, 0700) != 0 && errno != EEXIST)
    return cli_error("fleetd", "%s: %s", dir, strerror(errno));
  char err[512];
  fst_err e = fst_open(dir, db, s, err, sizeof err);
  if (e) return cli_error("fleetd", "store: %s", err);
  return CLI_EXIT_OK;
}

static int token_list(fst_store *s) {
  fst_token *v;
  size_t n;
  fst_err e = fst_token_list(s, &v, &n);
  if (e) return cli_error("fleetd", "token: %s", fst_errmsg(s)[0] ? fst_errmsg(s) : fst_err_str(e));
  printf("%-6s %-8s %-14s %-14s %s\n", "id", "role", "created_ms", "revoked_ms", "name");
  for (size_t i = 0; i < n; i++)
  {
    char rv[24] = "-";
    if (v[i].revoked) snprintf(rv, sizeof rv, "%lld", (long long)v[i].revoked);
    printf("%-6lld %-8s %-14lld %-14s %s\n", (long long)v[i].id, fst_role_name(v[i].role), (long long)v[i].created,
           rv, v[i].name);
  }
  free(v);
  return CLI_EXIT_OK;
}

static int cmd_token(int argc, char **argv) {
  const char *dir = NULL, *db = NULL, *role = NULL, *name = NULL, *revoke = NULL;
  bool list = false;
  for (int i = 1; i < argc;) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--data", &dir)) || (r = cli_opt(argc, argv, &i, "--db", &db)) ||
        (r = cli_opt(argc, argv, &i, "--role", &role)) || (r = cli_opt(argc, argv, &i, "--name", &name)) ||
        (r = cli_opt(argc, argv, &i, "--revoke", &revoke))) {
      if (r < 0) return CLI_EXIT_USAGE;
      continue;
    }
    if (!strcmp(argv[i], "--list")) {
      list = true;
      i++;
      continue;
    }
    return cli_usage_error("fleetd", "token: unexpected argument '%s'", argv[i]);
  }
  if (!dir && !db) return cli_usage_error("fleetd", "token: missing --data DIR");
  if ((list || revoke) && (role || name || (list && revoke)))
    return cli_usage_error("fleetd", "token: --list, --revoke and --role/--name go alone");
  long long rid = 0;
  if (revoke) {
    char *end;
    rid = strtoll(revoke, &end, 10);
    if (!*revoke || *end || rid <= 0) return cli_usage_error("fleetd", "token: --revoke takes a token id, not '%s'", revoke);
  }
  fst_role r = FST_ROLE_NONE;
  if (!list && !revoke) {
    if (!role) return cli_usage_error("fleetd", "token: missing --role admin|operator|viewer");
    if (!name || !*name) return cli_usage_error("fleetd", "token: missing --name NAME");
    r = fst_role_parse(role);
    if (r == FST_ROLE_NONE) return cli_usage_error("fleetd", "token: unknown role '%s' (admin, operator, viewer)", role);
  }
  fst_store *s;
  int rc = open_store(dir, db, &s);
  if (rc) return rc;
  if (list) {
    rc = token_list(s);
  } else if (revoke) {
    fst_err e = fst_token_revoke(s, rid);
    if (e) rc = cli_error("fleetd", "token: %s", fst_errmsg(s)[0] ? fst_errmsg(s) : fst_err_str(e));
    else printf("token %lld revoked\n", rid);
  } else {
    char tok[FAPI_TOKEN_LEN + 1];
    fst_err e = fapi_token_create(s, r, name, tok, NULL);
    if (e) rc = cli_error("fleetd", "token: %s", fst_errmsg(s)[0] ? fst_errmsg(s) : fst_err_str(e));
    else printf("%s\n", tok);
  }
  fst_close(s);
  return rc;
}

static int cmd_routes(void) {
  printf("| method | path | role | query | what |\n|---|---|---|---|---|\n");
  for (size_t i = 0; i < fapi_nroutes; i++) {
    const fapi_route_info *r = &fapi_routes[i];
    printf("| %s | `%s` | %s | %s | %s |\n", r->method, r->pattern, r->role, r->query[0] ? r->query : "-", r->summary);
  }
  return CLI_EXIT_OK;
}

/* ---- the server --------------------------------------------------------- */

typedef struct conn_state {
  char *uri;                 /* raw, with the query */
  uint8_t *body;
  size_t len, cap;
  bool too_large;
  bool started;              /* the first call (headers only) is past */
} conn_state;

typedef struct server {
  fapi *api;
  size_t max_body;
} server;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)cls;
  (void)conn;
  conn_state *st = calloc(1, sizeof *st);
  if (st) st->uri = strdup(uri ? uri : "");
  return st;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)conn;
  (void)toe;
  conn_state *st = *con_cls;
  if (st) {
    free(st->uri);
    free(st->body);
    free(st);
  }
  *con_cls = NULL;
}

/* Every request header, for the API (it picks what it needs). */
static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  fapi_request *rq = cls;
  fapi_header *h = (fapi_header *)rq->headers;
  if (rq->nheaders < FAPI_MAX_REQUEST_HEADERS && key) h[rq->nheaders++] = (fapi_header){ key, value ? value : "" };
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version;
  server *sv = cls;
  conn_state *st = *con_cls;
  if (!st) return MHD_NO;
  if (!st->started) {
    st->started = true;
    return MHD_YES;
  }
  if (*upload_size) {
    /* keep at most max_body + 1 bytes: the API answers 413 past the limit */
    size_t want = st->len + *upload_size;
    if (want > sv->max_body + 1) {
      st->too_large = true;
      want = sv->max_body + 1;
    }
    if (want > st->cap) {
      size_t nc = st->cap ? st->cap : 4096;
      while (nc < want) nc *= 2;
      uint8_t *nb = realloc(st->body, nc);
      if (!nb) return MHD_NO;
      st->body = nb;
      st->cap = nc;
    }
    size_t take = want - st->len;
    memcpy(st->body + st->len, upload, take);
    st->len += take;
    *upload_size = 0;
    return MHD_YES;
  }
  fapi_request rq = { method, st->uri && st->uri[0] ? st->uri : url, NULL, 0, st->body, st->len };
  fapi_header h[FAPI_MAX_REQUEST_HEADERS];
  rq.headers = h;
  MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, &rq);
  fapi_response rs;
  fapi_handle(sv->api, &rq, &rs);
  struct MHD_Response *r = MHD_create_response_from_buffer(rs.len, rs.body, MHD_RESPMEM_MUST_FREE);
  if (!r) {
    fapi_response_free(&rs);
    return MHD_NO;
  }
  rs.body = NULL;    /* MHD owns it now */
  fapi_header out[FAPI_MAX_RESPONSE_HEADERS];
  for (size_t i = 0, n = fapi_response_headers(&rs, out, FAPI_MAX_RESPONSE_HEADERS); i < n; i++)
    MHD_add_response_header(r, out[i].name, out[i].value);
  enum MHD_Result ok = MHD_queue_response(conn, (unsigned)rs.status, r);
  MHD_destroy_response(r);
  return ok;
}

/* ---- MQTT ingest and the rest (src/fleet/daemon) ------------------------ */

/* The MQTT client id: stable for one fleetd (host and data folder), so its
** broker session (the shared subscription, QoS 1 messages while it is
** away) survives a restart, and distinct between fleetd sharing a host. */
static void ingest_id(const char *dir, char *out, size_t cap) {
  char host[64] = "", real[4096];
  gethostname(host, sizeof host - 1);
  for (char *p = host; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')) *p = '-';
  if (!realpath(dir, real)) snprintf(real, sizeof real, "%s", dir);
  uint8_t h[32];
  sha256(real, strlen(real), h);
  snprintf(out, cap, "fleetd-%.32s-%02x%02x%02x%02x", host, h[0], h[1], h[2], h[3]);
}

static bool is_loopback(const char *host) {
  return !strcmp(host, "127.0.0.1") || !strcmp(host, "::1") || !strcmp(host, "localhost") ||
         !strncmp(host, "127.", 4);
}

/* HOST:PORT or [V6]:PORT -> host, port. */
static bool split_listen(const char *s, char *host, size_t cap, unsigned *port) {
  const char *colon;
  if (s[0] == '[') {
    const char *rb = strchr(s, ']');
    if (!rb || rb[1] != ':') return false;
    snprintf(host, cap, "%.*s", (int)(rb - s - 1), s + 1);
    colon = rb + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || colon == s) return false;
    snprintf(host, cap, "%.*s", (int)(colon - s), s);
  }
  uint32_t p;
  if (!cli_parse_u32(colon + 1, &p) || p > 65535) return false;
  *port = p;
  return true;
}

int cmd_fleetd(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "token")) {
    if (cli_help(argc - 1, argv + 1, usage)) return CLI_EXIT_OK;
    return cmd_token(argc - 1, argv + 1);
  }
  if (argc >= 2 && !strcmp(argv[1], "routes")) return argc == 2 ? cmd_routes() : cli_usage_error("fleetd", "routes takes no arguments");
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  const char *dir = NULL, *listen = NULL, *cert = NULL, *key = NULL, *db = NULL, *maxb = NULL;
  const char *broker = NULL, *ca = NULL, *mcert = NULL, *mkey = NULL, *otlp = NULL;
  const char *public_url = NULL, *retain = NULL, *retain_art = NULL;
  const char *ibatch_s = NULL, *iflush_s = NULL;
  bool no_share = false;
  for (int i = 1; i < argc;) {
    int r;
    if (!strcmp(argv[i], "--no-share")) {
      no_share = true;
      i++;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--data", &dir)) || (r = cli_opt(argc, argv, &i, "--listen", &listen)) ||
        (r = cli_opt(argc, argv, &i, "--tls-cert", &cert)) || (r = cli_opt(argc, argv, &i, "--tls-key", &key)) ||
        (r = cli_opt(argc, argv, &i, "--db", &db)) || (r = cli_opt(argc, argv, &i, "--max-body", &maxb)) ||
        (r = cli_opt(argc, argv, &i, "--broker", &broker)) || (r = cli_opt(argc, argv, &i, "--ca", &ca)) ||
        (r = cli_opt(argc, argv, &i, "--cert", &mcert)) || (r = cli_opt(argc, argv, &i, "--key", &mkey)) ||
        (r = cli_opt(argc, argv, &i, "--otlp", &otlp)) || (r = cli_opt(argc, argv, &i, "--public-url", &public_url)) ||
        (r = cli_opt(argc, argv, &i, "--retain-days", &retain)) ||
        (r = cli_opt(argc, argv, &i, "--retain-artifacts-days", &retain_art)) ||
        (r = cli_opt(argc, argv, &i, "--ingest-batch", &ibatch_s)) ||
        (r = cli_opt(argc, argv, &i, "--ingest-flush-ms", &iflush_s))) {
      if (r < 0) return CLI_EXIT_USAGE;
      continue;
    }
    return cli_usage_error("fleetd", "unexpected argument '%s'", argv[i]);
  }
  if (!dir) return cli_usage_error("fleetd", "missing --data DIR");
  if (!listen) return cli_usage_error("fleetd", "missing --listen HOST:PORT");
  char host[256];
  unsigned port;
  if (!split_listen(listen, host, sizeof host, &port))
    return cli_usage_error("fleetd", "bad --listen '%s' (expected HOST:PORT)", listen);
  if (!cert != !key) return cli_usage_error("fleetd", "--tls-cert and --tls-key go together");
  /* fleetd's own certificate (a `cockpit ca issue --server` one: server and
  ** client use) serves HTTPS too unless --tls-cert gives another */
  if (!cert && mcert && mkey) {
    cert = mcert;
    key = mkey;
  }
  if (!cert && !is_loopback(host))
    return cli_usage_error("fleetd", "plain HTTP only on a loopback address: give --tls-cert and --tls-key");
  uint32_t max_body = FAPI_MAX_BODY_DEFAULT;
  if (maxb && (!cli_parse_u32(maxb, &max_body) || max_body == 0))
    return cli_usage_error("fleetd", "bad --max-body '%s'", maxb);
  if ((ca || mcert || mkey || no_share || ibatch_s || iflush_s) && !broker)
    return cli_usage_error("fleetd", "--ca, --cert, --key, --no-share and --ingest-* go with --broker");
  uint32_t ibatch = 0, iflush = 0;
  if (ibatch_s && (!cli_parse_u32(ibatch_s, &ibatch) || ibatch == 0 || ibatch > 100000))
    return cli_usage_error("fleetd", "bad --ingest-batch '%s' (1..100000)", ibatch_s);
  if (iflush_s && (!cli_parse_u32(iflush_s, &iflush) || iflush == 0 || iflush > 3600000))
    return cli_usage_error("fleetd", "bad --ingest-flush-ms '%s' (1..3600000)", iflush_s);
  if (broker && (!ca || !mcert || !mkey))
    return cli_usage_error("fleetd", "--broker needs --ca CA.pem --cert fleetd.crt --key fleetd.key");
  uint32_t retain_days = 0, retain_art_days = 0;
  if (retain && (!cli_parse_u32(retain, &retain_days) || retain_days == 0 || retain_days > 36500))
    return cli_usage_error("fleetd", "bad --retain-days '%s' (1..36500)", retain);
  if (retain_art && (!cli_parse_u32(retain_art, &retain_art_days) || retain_art_days == 0 || retain_art_days > 36500))
    return cli_usage_error("fleetd", "bad --retain-artifacts-days '%s' (1..36500)", retain_art);
  if (public_url && strncmp(public_url, "https://", 8) && strncmp(public_url, "http://", 7))
    return cli_usage_error("fleetd", "bad --public-url '%s' (expected https://HOST[:PORT])", public_url);

  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
  char portstr[8];
  snprintf(portstr, sizeof portstr, "%u", port);
  int gr = getaddrinfo(host, portstr, &hints, &ai);
  if (gr) return cli_error("fleetd", "--listen %s: %s", listen, gai_strerror(gr));

  /* --tls-cert's files are read now; --cert's (serving HTTPS too) after the
  ** broker's options were checked, so their errors come first */
  bool borrowed = cert && cert == mcert;
  char *cert_pem = NULL, *key_pem = NULL;
  size_t n;
  if (cert && !borrowed &&
      (!(cert_pem = cli_read_file("fleetd", cert, &n)) || !(key_pem = cli_read_file("fleetd", key, &n)))) {
    free(cert_pem);
    freeaddrinfo(ai);
    return CLI_EXIT_ERROR;
  }
  fst_store *s = NULL;
  int rc = open_store(dir, db, &s);
  if (rc) goto out;
  char keypath[4096], kerr[512];
  if (fapi_fleet_key(dir, keypath, sizeof keypath, kerr, sizeof kerr) != FAPI_KEY_OK) {
    rc = cli_error("fleetd", "fleet key: %s", kerr);
    goto out;
  }
  static fdm_slot cmd_slot = FDM_SLOT_INIT;   /* commands from the API go out through the daemon's client */
  fapi_config cfg = { .store = s, .key_path = keypath, .max_body = max_body, .secure_cookie = cert != NULL,
                      .publish = fdm_slot_publish, .publish_user = &cmd_slot };
  server sv = { fapi_new(&cfg), max_body };
  if (!sv.api) {
    rc = cli_error("fleetd", "out of memory");
    goto out;
  }
  /* SIGINT and SIGTERM are taken by sigtimedwait below: blocked before any
  ** thread starts (threads inherit the mask), so none of them is killed by
  ** one and the ingest writes its last batch; a broken connection's SIGPIPE
  ** is an error return, not the end */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  char url[600], pub[600], mqid[128], owner[128], why[512];
  ingest_id(dir, mqid, sizeof mqid);
  char hn[64] = "fleetd";
  gethostname(hn, sizeof hn - 1);
  snprintf(owner, sizeof owner, "%.60s:%d", hn, (int)getpid());
  fdm_cfg dc = { .dir = dir, .db = db, .api = sv.api, .public_url = public_url, .owner = owner, .broker = broker,
                 .ca = ca, .cert = mcert, .key = mkey, .client_id = mqid, .share = !no_share, .ingest_batch = ibatch,
                 .ingest_flush_ms = iflush, .otlp = otlp, .retain_ms = (int64_t)retain_days * 86400000,
                 .retain_artifacts_ms = (int64_t)retain_art_days * 86400000, .slot = &cmd_slot };
  bool usage_err;
  fdm *dm = fdm_start(&dc, &usage_err, why, sizeof why);
  if (!dm) {
    rc = usage_err ? cli_usage_error("fleetd", "%s", why) : cli_error("fleetd", "%s", why);
    fapi_free(sv.api);
    goto out;
  }
  if (borrowed &&
      (!(cert_pem = cli_read_file("fleetd", cert, &n)) || !(key_pem = cli_read_file("fleetd", key, &n)))) {
    rc = CLI_EXIT_ERROR;
    fdm_stop(dm);
    fapi_free(sv.api);
    goto out;
  }
  /* one polling thread: requests are handled one at a time, so the API and
  ** its store connection need no locks */
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (cert_pem) flags |= MHD_USE_TLS;
  struct MHD_Daemon *d;
  if (cert_pem)
    d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                         MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                         MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_END);
  else
    d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                         MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
  if (!d) {
    rc = cli_error("fleetd", "cannot serve on %s (address in use, or a bad certificate/key)", listen);
    fdm_stop(dm);
    fapi_free(sv.api);
    goto out;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned bound = info ? info->port : port;
  snprintf(url, sizeof url, "%s://%s%s%s:%u", cert_pem ? "https" : "http", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", bound);
  /* where copilots download artifacts: --public-url, else the address served */
  snprintf(pub, sizeof pub, "%s", public_url ? public_url : url);
  size_t pl = strlen(pub);
  while (pl && pub[pl - 1] == '/') pub[--pl] = 0;
  if (fdm_set_public_url(dm, pub) != 0) {
    rc = cli_error("fleetd", "out of memory");
    fdm_stop(dm);
    MHD_stop_daemon(d);
    fapi_free(sv.api);
    goto out;
  }
  printf("listening on %s (store %s)\n", url, fst_backend(s));
  fflush(stdout);
  int sig;
  for (;;) {
    int wait_ms = fdm_pass(dm);
    struct timespec ts = { wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L };
    sig = sigtimedwait(&set, NULL, &ts);
    if (sig == SIGINT || sig == SIGTERM) break;
  }
  fdm_stop(dm);                /* the ingest's last batch is written */
  MHD_stop_daemon(d);
  fapi_free(sv.api);
  fprintf(stderr, "cockpit fleetd: stopped (signal %d)\n", sig);
out:
  fst_close(s);
  free(cert_pem);
  free(key_pem);
  freeaddrinfo(ai);
  return rc;
}
