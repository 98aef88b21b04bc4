/* test_copl_dl.c CASE ROOT COCKPIT - the copilot's downloader (copl_dl_*) against
 * tests/copilot/https_server.py over real TLS, and the URL parser and
 * backoff rule of copl.h.
 *   unit       copl_parse_mqtts, cop_backoff_ms (as copl_mqtt uses it), copl_strerror
 *   full       a whole download; progress; the digest
 *   resume     a cut download, resumed with a Range request from the
 *              bytes the file holds; the digest matches
 *   cutalways  every response cut: resumed again and again to the end
 *   norange    a server that ignores Range: started over from 0
 *   range416   a file already as long as the resource: 416, start over
 *   wrongca    a server certificate from another CA: refused
 *   toobig     a body larger than expected: refused, nothing written
 *   notfound   404; the error page never reaches the file
 *   e500       500
 *   stall      a server that goes silent: the low-speed timeout
 *   token      a bearer token: refused without it, served with it
 *   scheme     http:// and bad URLs refused before any request
 */
#define _GNU_SOURCE
#include "copl.h"
#include "cop.h"
#include "tcheck.h"

#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[64], ca[128], otherca[128], art[128], url[256], root[512], cockpit[512];
static pid_t srv_pid;
static const char *srv_cert = "localhost";
static int port;
static size_t art_size = 300000;
static uint8_t *art_data;

static void stop_server(void)
{
  if (srv_pid > 0) {
    kill(srv_pid, SIGTERM);
    waitpid(srv_pid, NULL, 0);
    srv_pid = 0;
  }
}

static void cleanup(void)
{
  stop_server();
  if (dir[0]) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "cannot remove %s\n", dir);
  }
}

static void die(const char *what)
{
  fprintf(stderr, "test_copl_dl: %s\n", what);
  exit(1);
}

/* Certificates (`cockpit ca`: the fleet CA in DIR/certs with the servers
 * localhost and elsewhere.example, another CA in DIR/other), the artifact
 * (random bytes) in DIR/www. */
static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/copl-dl.XXXXXX");
  if (!mkdtemp(dir))
    die("mkdtemp");
  atexit(cleanup);
  char cmd[3072];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && { '%s' ca init certs && '%s' ca issue certs --server localhost && "
           "'%s' ca issue certs --server elsewhere.example && '%s' ca init other; } >/dev/null && "
           "mkdir www", dir, cockpit, cockpit, cockpit, cockpit);
  if (system(cmd) != 0)
    die("cockpit ca failed");
  snprintf(ca, sizeof ca, "%s/certs/ca.crt", dir);
  snprintf(otherca, sizeof otherca, "%s/other/ca.crt", dir);
  snprintf(art, sizeof art, "%s/art.bin", dir);
  art_data = malloc(art_size);
  rndbytes(art_data, art_size);
  char p[160];
  snprintf(p, sizeof p, "%s/www/art.bin", dir);
  FILE *f = fopen(p, "wb");
  if (!f || fwrite(art_data, 1, art_size, f) != art_size || fclose(f))
    die("cannot write the artifact");
}

/* Start the server with extra options (NULL-terminated). */
static void start_server(const char *opt, ...)
{
  stop_server();
  const char *argv[32];
  int n = 0;
  char script[600], wwwd[128], cert[128], key[128], pf[128], lg[128];
  snprintf(script, sizeof script, "%s/tests/copilot/https_server.py", root);
  snprintf(wwwd, sizeof wwwd, "%s/www", dir);
  snprintf(cert, sizeof cert, "%s/certs/servers/%s.crt", dir, srv_cert);
  snprintf(key, sizeof key, "%s/certs/servers/%s.key", dir, srv_cert);
  snprintf(pf, sizeof pf, "%s/port", dir);
  snprintf(lg, sizeof lg, "%s/log", dir);
  unlink(pf);
  unlink(lg);
  argv[n++] = "python3", argv[n++] = script, argv[n++] = "--root", argv[n++] = wwwd;
  argv[n++] = "--cert", argv[n++] = cert, argv[n++] = "--key", argv[n++] = key;
  argv[n++] = "--port-file", argv[n++] = pf, argv[n++] = "--log", argv[n++] = lg;
  va_list ap;
  va_start(ap, opt);
  for (const char *o = opt; o && n < 31; o = va_arg(ap, const char *))
    argv[n++] = o;
  va_end(ap);
  argv[n] = NULL;
  srv_pid = fork();
  if (srv_pid < 0)
    die("fork");
  if (srv_pid == 0) {
    execvp("python3", (char *const *)argv);
    _exit(127);
  }
  for (int i = 0; i < 200; i++) {
    FILE *f = fopen(pf, "r");
    if (f) {
      int ok = fscanf(f, "%d", &port) == 1;
      fclose(f);
      if (ok) {
        snprintf(url, sizeof url, "https://127.0.0.1:%d/art.bin", port);
        return;
      }
    }
    if (waitpid(srv_pid, NULL, WNOHANG) == srv_pid) {
      srv_pid = 0;
      die("the HTTPS server exited at start");
    }
    usleep(25000);
  }
  die("no port from the HTTPS server after 5 s");
}

static uint64_t last_have, last_total;
static unsigned nprogress;
static void on_progress(void *user, uint64_t have, uint64_t total)
{
  (void)user;
  CHECK(have >= last_have || have == 0, "progress went back: %llu after %llu",
        (unsigned long long)have, (unsigned long long)last_have);
  last_have = have, last_total = total;
  nprogress++;
}

/* Run one download to its end; its info in *info. */
static copl_err run(const char *u, const char *cafile, uint64_t expected, const char *bearer,
                    long lsb, long lss, copl_dl_info *info)
{
  copl_dl_cfg c = {.url = u, .ca_file = cafile, .path = art, .expected_size = expected,
                   .bearer = bearer, .low_speed_bps = lsb, .low_speed_s = lss,
                   .on_progress = on_progress};
  copl_err e;
  char why[512];
  last_have = 0;
  copl_dl *d = copl_dl_start(&c, &e, why, sizeof why);
  if (!d) {
    printf("  start: %s: %s\n", copl_strerror(e), why);
    memset(info, 0, sizeof *info);
    return e;
  }
  time_t t0 = time(NULL);
  while ((e = copl_dl_poll(d, 100)) == COPL_INPROGRESS)
    if (time(NULL) - t0 > 30) {
      printf("  download still running after 30 s\n");
      break;
    }
  copl_dl_get_info(d, info);
  printf("  %s%s%s (have %llu, from %llu, requests %u, restarts %u, status %ld)\n", copl_strerror(e),
         e ? ": " : "", e ? copl_dl_errmsg(d) : "", (unsigned long long)info->have,
         (unsigned long long)info->resumed_from, info->requests, info->restarts, info->http_status);
  copl_dl_free(d);
  return e;
}

static off_t fsize(const char *p)
{
  struct stat sb;
  return stat(p, &sb) == 0 ? sb.st_size : -1;
}

/* The file matches the artifact: every byte, and the digest. */
static void check_file(void)
{
  CHECK(fsize(art) == (off_t)art_size, "size %lld", (long long)fsize(art));
  char want[65], got[65];
  char p[160];
  snprintf(p, sizeof p, "%s/www/art.bin", dir);
  CHECK(copl_sha256_file(p, NULL, want) == COPL_OK, "digest of the original");
  CHECK(copl_sha256_file(art, NULL, got) == COPL_OK, "digest of the download");
  CHECK(strcmp(want, got) == 0, "digest %s, want %s", got, want);
  FILE *f = fopen(art, "rb");
  uint8_t *b = malloc(art_size + 1);
  size_t n = f ? fread(b, 1, art_size + 1, f) : 0;
  if (f)
    fclose(f);
  CHECK(n == art_size && memcmp(b, art_data, art_size) == 0, "bytes differ from the artifact");
  free(b);
}

/* The server's log holds a line containing s. */
static int logged(const char *s)
{
  char p[160], line[256];
  snprintf(p, sizeof p, "%s/log", dir);
  FILE *f = fopen(p, "r");
  int found = 0;
  while (f && fgets(line, sizeof line, f))
    found |= strstr(line, s) != NULL;
  if (f)
    fclose(f);
  return found;
}

static void seed(size_t n, int garbage)
{
  FILE *f = fopen(art, "wb");
  if (!f)
    die("seed");
  if (garbage)
    for (size_t i = 0; i < n; i++)
      fputc(0x5a, f);
  else
    fwrite(art_data, 1, n, f);
  fclose(f);
}

static void t_unit(void)
{
  char h[256], why[256];
  int p = 0;
  CHECK(copl_parse_mqtts("mqtts://broker.example.com:8884", h, sizeof h, &p, why, sizeof why) ==
                COPL_OK && !strcmp(h, "broker.example.com") && p == 8884,
        "%s", why);
  CHECK(copl_parse_mqtts("MQTTS://10.0.0.1", h, sizeof h, &p, why, sizeof why) == COPL_OK &&
                !strcmp(h, "10.0.0.1") && p == 8883,
        "%s", why);
  CHECK(copl_parse_mqtts("mqtts://[::1]:1/", h, sizeof h, &p, why, sizeof why) == COPL_OK &&
                !strcmp(h, "::1") && p == 1,
        "%s", why);
  struct { const char *u; copl_err e; const char *says; } bad[] = {
      {"mqtt://host:1883", COPL_ESCHEME, "TLS only"},
      {"ws://host:80", COPL_ESCHEME, "not allowed"},
      {"https://host", COPL_ESCHEME, "not allowed"},
      {"host:8883", COPL_EURL, "not a URL"},
      {"mqtts://", COPL_EURL, "no host"},
      {"mqtts://host:", COPL_EURL, "port missing"},
      {"mqtts://host:0", COPL_EURL, "out of range"},
      {"mqtts://host:65536", COPL_EURL, "out of range"},
      {"mqtts://host:123456", COPL_EURL, "out of range"},
      {"mqtts://host:88x", COPL_EURL, "unexpected"},
      {"mqtts://user@host", COPL_EURL, "user information"},
      {"mqtts://host/topic", COPL_EURL, "unexpected"},
      {"mqtts://host?x=1", COPL_EURL, "bad character"},
      {"mqtts://-host", COPL_EURL, "malformed"},
      {"mqtts://a..b", COPL_EURL, "malformed"},
      {"mqtts://[::1", COPL_EURL, "unterminated"},
      {"mqtts://[zz]", COPL_EURL, "bad character"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    copl_err e = copl_parse_mqtts(bad[i].u, h, sizeof h, &p, why, sizeof why);
    CHECK(e == bad[i].e && strstr(why, bad[i].says), "%s: %s (%s)", bad[i].u, copl_strerror(e), why);
  }
  /* backoff: the core's cop_backoff_ms, as copl_mqtt uses it: full jitter
   * from COP_BACKOFF_MIN_MS / 2 under a cap doubling from the minimum */
  for (unsigned a = 0; a < 12; a++) {
    uint32_t cap = COP_BACKOFF_MIN_MS << (a < 6 ? a : 6);
    if (cap > COP_BACKOFF_MAX_MS)
      cap = COP_BACKOFF_MAX_MS;
    for (int k = 0; k < 100; k++) {
      uint32_t v = cop_backoff_ms(a, (uint32_t)rnd());
      CHECK(v >= COP_BACKOFF_MIN_MS / 2 && v <= cap, "attempt %u: %u outside [%u, %u]", a, v,
            COP_BACKOFF_MIN_MS / 2, cap);
    }
  }
  CHECK(cop_backoff_ms(1000, 7) <= COP_BACKOFF_MAX_MS, "a huge attempt count stays at the cap");
  for (int e = COPL_OK; e <= COPL_ECURL; e++)
    CHECK(strcmp(copl_strerror((copl_err)e), "unknown error") != 0, "code %d has no text", e);
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: test_copl_dl CASE ROOT COCKPIT\n");
    return 2;
  }
  const char *c = argv[1];
  snprintf(root, sizeof root, "%s", argv[2]);
  snprintf(cockpit, sizeof cockpit, "%s", argv[3]);
  signal(SIGPIPE, SIG_IGN);
  copl_dl_info in;
  copl_err e;
  if (!strcmp(c, "unit")) {
    t_unit();
    return t_done("copilot.dl.unit");
  }
  setup();
  if (!strcmp(c, "full")) {
    start_server(NULL);
    nprogress = 0;
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_OK, "%s", copl_strerror(e));
    CHECK(in.requests == 1 && in.resumed_from == 0 && in.http_status == 200, "one whole request");
    CHECK(nprogress > 0 && last_have == art_size && last_total == art_size, "progress %llu/%llu",
          (unsigned long long)last_have, (unsigned long long)last_total);
    check_file();
    /* unknown size: the announced length is the total */
    unlink(art);
    e = run(url, ca, 0, NULL, 0, 0, &in);
    CHECK(e == COPL_OK && in.total == art_size, "%s, total %llu", copl_strerror(e),
          (unsigned long long)in.total);
    check_file();
    /* complete already: no request */
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_OK && in.requests == 0, "%s, %u requests", copl_strerror(e), in.requests);
  } else if (!strcmp(c, "resume")) {
    start_server("--cut-after", "100000", NULL);
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_ESHORT, "a cut transfer: %s", copl_strerror(e));
    off_t kept = fsize(art);
    CHECK(kept > 0 && kept <= 100000 && (uint64_t)kept == in.have, "kept %lld of the first 100000",
          (long long)kept);
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_OK, "resumed: %s", copl_strerror(e));
    CHECK(in.resumed_from == (uint64_t)kept && in.http_status == 206, "from %llu, status %ld",
          (unsigned long long)in.resumed_from, in.http_status);
    char r[64];
    snprintf(r, sizeof r, "bytes=%lld- 206", (long long)kept);
    CHECK(logged(r), "the server saw no Range request '%s'", r);
    check_file();
  } else if (!strcmp(c, "cutalways")) {
    start_server("--cut-after", "40000", "--cut-always", NULL);
    int tries = 0;
    uint64_t prev = 0;
    do {
      e = run(url, ca, art_size, NULL, 0, 0, &in);
      CHECK(e == COPL_OK || e == COPL_ESHORT, "try %d: %s", tries, copl_strerror(e));
      CHECK(in.resumed_from == prev, "try %d resumed from %llu, not %llu", tries,
            (unsigned long long)in.resumed_from, (unsigned long long)prev);
      prev = in.have;
    } while (e == COPL_ESHORT && ++tries < 20);
    CHECK(e == COPL_OK && tries >= 7, "done after %d tries: %s", tries, copl_strerror(e));
    check_file();
  } else if (!strcmp(c, "norange")) {
    start_server("--ignore-range", NULL);
    seed(5000, 1);  /* not even the right bytes: it must all be fetched again */
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_OK && in.restarts == 1 && in.resumed_from == 0, "%s, %u restarts",
          copl_strerror(e), in.restarts);
    CHECK(logged("bytes=5000- 200"), "the Range request was made");
    check_file();
  } else if (!strcmp(c, "range416")) {
    start_server(NULL);
    seed(art_size, 1);
    e = run(url, ca, 0, NULL, 0, 0, &in);  /* size unknown: ask from the end */
    CHECK(e == COPL_OK && in.restarts == 1, "%s, %u restarts", copl_strerror(e), in.restarts);
    char r[64];
    snprintf(r, sizeof r, "bytes=%zu- 416", art_size);
    CHECK(logged(r), "no 416 logged");
    check_file();
    seed(art_size + 10, 1);  /* longer than expected: truncated, no request for it */
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_OK && in.resumed_from == 0, "%s", copl_strerror(e));
    check_file();
  } else if (!strcmp(c, "wrongca")) {
    start_server(NULL);
    e = run(url, otherca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_EPEER, "another CA's server: %s", copl_strerror(e));
    CHECK(fsize(art) == 0, "nothing written");
    srv_cert = "elsewhere.example";  /* the fleet CA's, for a name that is not 127.0.0.1 */
    start_server(NULL);
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_EPEER, "a certificate for another host name: %s", copl_strerror(e));
    CHECK(fsize(art) == 0, "nothing written");
  } else if (!strcmp(c, "toobig")) {
    start_server(NULL);
    e = run(url, ca, art_size - 10, NULL, 0, 0, &in);
    CHECK(e == COPL_ETOOBIG, "%s", copl_strerror(e));
    CHECK(fsize(art) == 0, "nothing written, %lld", (long long)fsize(art));
    seed(1000, 0);  /* a resumed body larger than expected */
    e = run(url, ca, art_size - 10, NULL, 0, 0, &in);
    CHECK(e == COPL_ETOOBIG, "resumed: %s", copl_strerror(e));
    CHECK(fsize(art) <= (off_t)art_size - 10, "never past the expected size");
  } else if (!strcmp(c, "notfound")) {
    start_server(NULL);
    char u2[128];
    snprintf(u2, sizeof u2, "https://127.0.0.1:%d/nope.bin", port);
    e = run(u2, ca, 1000, NULL, 0, 0, &in);
    CHECK(e == COPL_ENOTFOUND && in.http_status == 404, "%s", copl_strerror(e));
    CHECK(fsize(art) == 0, "the error page is not in the file");
  } else if (!strcmp(c, "e500")) {
    start_server("--status", "500", NULL);
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_EHTTP && in.http_status == 500, "%s", copl_strerror(e));
    CHECK(fsize(art) == 0, "the error page is not in the file");
  } else if (!strcmp(c, "stall")) {
    start_server("--stall-after", "20000", "--stall-secs", "20", NULL);
    time_t t0 = time(NULL);
    e = run(url, ca, art_size, NULL, 1000, 2, &in);
    CHECK(e == COPL_ETIMEOUT, "%s", copl_strerror(e));
    CHECK(time(NULL) - t0 < 10, "the low-speed limit took %ld s", (long)(time(NULL) - t0));
    CHECK(in.have == 20000 && fsize(art) == 20000, "kept %llu", (unsigned long long)in.have);
  } else if (!strcmp(c, "token")) {
    start_server("--token", "s3cret", NULL);
    e = run(url, ca, art_size, NULL, 0, 0, &in);
    CHECK(e == COPL_EHTTP && in.http_status == 401, "no token: %s", copl_strerror(e));
    e = run(url, ca, art_size, "wrong", 0, 0, &in);
    CHECK(e == COPL_EHTTP && in.http_status == 401, "wrong token: %s", copl_strerror(e));
    e = run(url, ca, art_size, "s3cret", 0, 0, &in);
    CHECK(e == COPL_OK, "token: %s", copl_strerror(e));
    check_file();
    e = run(url, ca, art_size, "a\r\nX-Evil: 1", 0, 0, &in);
    CHECK(e == COPL_EARG, "a token with a line break: %s", copl_strerror(e));
  } else if (!strcmp(c, "scheme")) {
    e = run("http://127.0.0.1:1/art.bin", ca, 0, NULL, 0, 0, &in);
    CHECK(e == COPL_ESCHEME, "http://: %s", copl_strerror(e));
    e = run("ftp://127.0.0.1/art.bin", ca, 0, NULL, 0, 0, &in);
    CHECK(e == COPL_ESCHEME, "ftp://: %s", copl_strerror(e));
    e = run("127.0.0.1/art.bin", ca, 0, NULL, 0, 0, &in);
    CHECK(e == COPL_EURL, "no scheme: %s", copl_strerror(e));
    e = run("https:///art.bin", ca, 0, NULL, 0, 0, &in);
    CHECK(e == COPL_EURL, "no host: %s", copl_strerror(e));
    e = run("https://127.0.0.1:1/art.bin", "/nonexistent/ca.pem", 0, NULL, 0, 0, &in);
    CHECK(e == COPL_EFILE, "no CA file: %s", copl_strerror(e));
    e = run("https://127.0.0.1:1/art.bin", ca, 0, NULL, 0, 0, &in);
    CHECK(e == COPL_ECONNECT, "nobody listening: %s", copl_strerror(e));
  } else {
    fprintf(stderr, "unknown case %s\n", c);
    return 2;
  }
  char name[64];
  snprintf(name, sizeof name, "copilot.dl.%s", c);
  return t_done(name);
}
