/*
** fleet_otlp.h -- OTLP/HTTP JSON export of fleetd's logs and metrics.
**
** `fotl_start` starts one worker thread that POSTs, to the collector at
** `url` (its root, e.g. http://127.0.0.1:4318):
**   URL/v1/logs     the device log lines handed to fotl_log, in batches
**   URL/v1/metrics  every metric of fleet_metrics.def, every metrics_ms
** in the JSON encoding of the OTLP protobuf messages (ExportLogsService-
** Request, ExportMetricsServiceRequest; opentelemetry-proto's
** docs/specification.md: lowerCamelCase names, 64-bit integers as decimal
** strings, enums as numbers).
**
** fotl_log never blocks: a line goes into a bounded queue, or, when the
** queue is full, is dropped and counted (fotl_stats.dropped and the
** fleet_otlp_dropped_total metric). A batch the collector answers 429, 502,
** 503 or 504, or cannot be reached for, is sent again after an exponential
** backoff with jitter (Retry-After honoured, capped); any other refusal
** drops the batch, counted as failed. fotl_stop sends what is queued and a
** last metrics export for at most stop_ms, then counts the rest as dropped.
*/
#ifndef FLEET_OTLP_H
#define FLEET_OTLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fotl fotl;

typedef struct fotl_cfg {
  const char *url;            /* http://HOST:PORT or https://... (the root) */
  const char *ca;             /* CA file for an https collector; NULL: the system's */
  const char *service;        /* service.name (default "cockpit-fleetd") */
  const char *instance;       /* service.instance.id (default: host name and pid) */
  size_t queue_max;           /* log lines kept while the collector is away (default 10000) */
  int batch_max;              /* lines per request (default 512) */
  int flush_ms;               /* a partial batch waits at most this (default 1000) */
  int metrics_ms;             /* metrics every (0: default 10000; < 0: never) */
  int backoff_max_ms;         /* the longest wait between retries (default 30000) */
  int stop_ms;                /* fotl_stop's deadline (default 5000) */
  int timeout_ms;             /* one request (default 10000) */
} fotl_cfg;

typedef enum fotl_severity {   /* OTLP SeverityNumber */
  FOTL_DEBUG = 5, FOTL_INFO = 9, FOTL_WARN = 13, FOTL_ERROR = 17
} fotl_severity;

typedef struct fotl_stats {
  uint64_t queued, sent, dropped, failed, retries, requests, metric_exports;
  int last_status;            /* HTTP status of the last request, 0 if it did not get one */
} fotl_stats;

/* NULL (with the reason in err) for a URL that is not http(s)://. */
fotl *fotl_start(const fotl_cfg *cfg, char *err, size_t errlen);
/* A device's log line; time_ms is its wall-clock time. false: dropped. */
bool fotl_log(fotl *o, int64_t time_ms, fotl_severity sev, const char *device, const char *boot_id, int64_t seq,
              const char *text);
void fotl_get_stats(fotl *o, fotl_stats *st);
/* Flush (bounded by stop_ms), join, free; the final counts into *last if
** not NULL. NULL o is fine. */
void fotl_stop(fotl *o, fotl_stats *last);

#endif /* FLEET_OTLP_H */
