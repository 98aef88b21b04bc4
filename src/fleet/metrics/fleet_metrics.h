/*
** fleet_metrics.h -- fleetd's own counters, gauges and histograms, safe to
** update from any thread (C11 atomics), rendered in the Prometheus text
** exposition format (version 0.0.4).
**
**   fmet_add(FMET_INGEST_MESSAGES, 1);
**   fmet_observe(FMET_BUILD_SECONDS, 0.25);
**   fmet_render(&buf, extra_text);
**
** The metrics are one table, fleet_metrics.def.
*/
#ifndef FLEET_METRICS_H
#define FLEET_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef enum fmet_id {
#define X(id, type, name, help) FMET_##id,
#include "fleet_metrics.def"
#undef X
  FMET__COUNT
} fmet_id;

typedef enum fmet_type { FMET_COUNTER, FMET_GAUGE, FMET_HISTOGRAM } fmet_type;

/* Histogram bucket upper bounds, in seconds (then +Inf). */
#define FMET_BUCKETS { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 }
#define FMET_NBUCKETS 11

void fmet_add(fmet_id m, uint64_t n);        /* counters */
void fmet_set(fmet_id m, double v);          /* gauges */
void fmet_observe(fmet_id m, double seconds); /* histograms */
uint64_t fmet_get(fmet_id m);                /* a counter's value (tests, logs) */
void fmet_reset(void);                       /* all to zero (tests) */

/* One metric's value now: a counter's count, a gauge's value, or a
** histogram's count, sum and per-bucket (not cumulative) counts, the last
** one for +Inf. */
typedef struct fmet_value {
  fmet_type type;
  uint64_t count;
  double value, sum;
  uint64_t buckets[FMET_NBUCKETS + 1];
} fmet_value;
void fmet_read(fmet_id m, fmet_value *v);
extern const double fmet_bounds[FMET_NBUCKETS];

const char *fmet_name(fmet_id m);
const char *fmet_help(fmet_id m);
fmet_type fmet_type_of(fmet_id m);

/* A growing text buffer (malloc'd; s NULL after an allocation failure). */
typedef struct fmet_buf { char *s; size_t len, cap; int failed; } fmet_buf;
void fmet_printf(fmet_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fmet_buf_free(fmet_buf *b);

/* Append every metric of the table: # HELP, # TYPE and the samples. */
void fmet_render(fmet_buf *b);
/* Append one gauge family with labelled samples: `label` is the label's
** name, values[i] belongs to labels[i]. */
void fmet_render_gauge(fmet_buf *b, const char *name, const char *help, const char *label,
                       const char *const *labels, const double *values, size_t n);

#endif /* FLEET_METRICS_H */
