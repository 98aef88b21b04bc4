/*
** fleet_load.c -- load for `make bench-fleet`: N concurrent HTTP clients
** against a running fleetd, for a number of seconds, over libcurl's multi
** interface (one thread, N connections kept alive).
**
**   fleet_load URL TOKEN CLIENTS SECONDS PATH [PATH...]
**
** Each client sends GET PATH (round robin over the paths) again as soon as
** its answer is in. Prints one JSON line: requests, errors (not 2xx), the
** rate, and latency percentiles in milliseconds. CA: $FLEET_LOAD_CA, or no
** check for a self-signed bench certificate on loopback.
*/
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *u) {
  (void)p;
  (void)u;
  return s * n;
}

typedef struct client {
  CURL *e;
  double t0;
  int next;
} client;

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: fleet_load URL TOKEN CLIENTS SECONDS PATH [PATH...]\n");
    return 2;
  }
  const char *base = argv[1];
  int nc = atoi(argv[3]);
  double secs = atof(argv[4]);
  char **paths = argv + 5;
  int np = argc - 5;
  if (nc < 1 || nc > 1000 || secs <= 0) {
    fprintf(stderr, "fleet_load: 1..1000 clients, a positive duration\n");
    return 2;
  }
  const char *ca = getenv("FLEET_LOAD_CA");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  char auth[512];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[2]);
  struct curl_slist *h = curl_slist_append(NULL, auth);
  CURLM *m = curl_multi_init();
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)nc);
  client *cl = calloc((size_t)nc, sizeof *cl);
  size_t cap = 1 << 16, nl = 0;
  double *lat = malloc(cap * sizeof *lat);
  char url[2048];
  long errors = 0;
  double start = now_s(), end = start + secs;
  for (int i = 0; i < nc; i++) {
    cl[i].e = curl_easy_init();
    curl_easy_setopt(cl[i].e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(cl[i].e, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(cl[i].e, CURLOPT_PRIVATE, &cl[i]);
    curl_easy_setopt(cl[i].e, CURLOPT_TIMEOUT, 30L);
    if (ca) curl_easy_setopt(cl[i].e, CURLOPT_CAINFO, ca);
    else curl_easy_setopt(cl[i].e, CURLOPT_SSL_VERIFYPEER, 0L), curl_easy_setopt(cl[i].e, CURLOPT_SSL_VERIFYHOST, 0L);
    cl[i].next = i % np;
    snprintf(url, sizeof url, "%s%s", base, paths[cl[i].next]);
    curl_easy_setopt(cl[i].e, CURLOPT_URL, url);
    cl[i].t0 = now_s();
    curl_multi_add_handle(m, cl[i].e);
  }
  int running = nc;
  while (running) {
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      client *c;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
      long st = 0;
      curl_easy_getinfo(c->e, CURLINFO_RESPONSE_CODE, &st);
      double t = now_s();
      if (msg->data.result != CURLE_OK || st < 200 || st >= 300) errors++;
      if (nl == cap) lat = realloc(lat, (cap *= 2) * sizeof *lat);
      lat[nl++] = (t - c->t0) * 1000;
      curl_multi_remove_handle(m, c->e);
      if (t < end) {
        c->next = (c->next + 1) % np;
        snprintf(url, sizeof url, "%s%s", base, paths[c->next]);
        curl_easy_setopt(c->e, CURLOPT_URL, url);
        c->t0 = t;
        curl_multi_add_handle(m, c->e);
        running++;
      }
    }
    if (running) curl_multi_poll(m, NULL, 0, 100, NULL);
  }
  double el = now_s() - start;
  qsort(lat, nl, sizeof *lat, cmp);
#define PCT(p) (nl ? lat[(size_t)((double)(nl - 1) * (p))] : 0.0)
  printf("{\"clients\": %d, \"seconds\": %.2f, \"requests\": %zu, \"errors\": %ld, \"per_s\": %.1f, "
         "\"p50_ms\": %.2f, \"p95_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
         nc, el, nl, errors, (double)nl / el, PCT(0.5), PCT(0.95), PCT(0.99), nl ? lat[nl - 1] : 0.0);
  for (int i = 0; i < nc; i++) curl_easy_cleanup(cl[i].e);
  curl_multi_cleanup(m);
  curl_slist_free_all(h);
  free(cl);
  free(lat);
  curl_global_cleanup();
  return errors ? 1 : 0;
}
