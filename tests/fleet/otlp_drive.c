/*
** otlp_drive.c -- drives the OTLP exporter (fleet_otlp.h) for otlp_test.py:
**   otlp_drive URL LINES QUEUE_MAX STOP_MS
** counts metrics up, logs LINES lines (device dev-N, seq i), stops, and
** prints the exporter's counts as one JSON line for the test to reconcile
** with what its collector received.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fleet_metrics.h"
#include "fleet_otlp.h"

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: otlp_drive URL LINES QUEUE_MAX STOP_MS\n");
    return 2;
  }
  int lines = atoi(argv[2]);
  fotl_cfg c = { .url = argv[1], .queue_max = (size_t)atoi(argv[3]), .batch_max = 100, .flush_ms = 200,
                 .metrics_ms = 300, .backoff_max_ms = 400, .stop_ms = atoi(argv[4]), .timeout_ms = 2000,
                 .instance = "otlp-drive" };
  char err[256];
  fotl *bad = fotl_start(&(fotl_cfg){ .url = "ftp://x" }, err, sizeof err);
  if (bad || !err[0]) {
    fprintf(stderr, "a bad URL was taken\n");
    return 1;
  }
  fotl *o = fotl_start(&c, err, sizeof err);
  if (!o) {
    fprintf(stderr, "fotl_start: %s\n", err);
    return 1;
  }
  fmet_add(FMET_INGEST_MESSAGES, 42);
  fmet_set(FMET_INGEST_LAG, 0.5);
  fmet_observe(FMET_BUILD_SECONDS, 0.02);
  fmet_observe(FMET_BUILD_SECONDS, 3);
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  long long now_ms = (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
  int taken = 0;
  for (int i = 0; i < lines; i++) {
    char dev[16], text[64];
    snprintf(dev, sizeof dev, "dev-%d", i % 7);
    snprintf(text, sizeof text, "line %d \"quoted\" \\ \xc3\xa9", i);
    taken += fotl_log(o, now_ms + i, i % 3 ? FOTL_INFO : FOTL_WARN, dev, "b00t", i, text);
  }
  /* let a metrics export or two go out, then stop */
  nanosleep(&(struct timespec){ 0, 700 * 1000000L }, NULL);
  fotl_stats e;
  fotl_stop(o, &e);
  printf("{\"taken\": %d, \"queued\": %llu, \"sent\": %llu, \"dropped\": %llu, \"failed\": %llu, "
         "\"dropped_metric\": %llu, \"retries\": %llu, \"requests\": %llu, \"metric_exports\": %llu}\n",
         taken, (unsigned long long)e.queued, (unsigned long long)e.sent, (unsigned long long)e.dropped,
         (unsigned long long)e.failed, (unsigned long long)fmet_get(FMET_OTLP_DROPPED),
         (unsigned long long)e.retries, (unsigned long long)e.requests, (unsigned long long)e.metric_exports);
  return 0;
}
