/*
** fmet.c -- fleetd's metrics (fleet_metrics.h). Counters and histogram
** buckets are atomic integers; gauges and histogram sums are doubles kept
** as their bit patterns in atomic 64-bit words.
*/
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_metrics.h"

static const struct {
  fmet_type type;
  const char *name, *help;
} tab[FMET__COUNT] = {
#define X(id, type, name, help) [FMET_##id] = { FMET_##type, name, help },
#include "fleet_metrics.def"
#undef X
};

const double fmet_bounds[FMET_NBUCKETS] = FMET_BUCKETS;
#define bounds fmet_bounds

static _Atomic uint64_t val[FMET__COUNT];                    /* counter, or gauge bits */
static _Atomic uint64_t hcount[FMET__COUNT][FMET_NBUCKETS + 1];
static _Atomic uint64_t hsum[FMET__COUNT];                   /* double bits */

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }
static double dbl(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }

static int ok(fmet_id m, fmet_type t) { return (unsigned)m < FMET__COUNT && tab[m].type == t; }

void fmet_add(fmet_id m, uint64_t n) {
  if (ok(m, FMET_COUNTER)) atomic_fetch_add(&val[m], n);
}

void fmet_set(fmet_id m, double v) {
  if (ok(m, FMET_GAUGE)) atomic_store(&val[m], bits(v));
}

void fmet_observe(fmet_id m, double s) {
  if (!ok(m, FMET_HISTOGRAM)) return;
  int i = 0;
  while (i < FMET_NBUCKETS && s > bounds[i]) i++;
  atomic_fetch_add(&hcount[m][i], 1);
  uint64_t old = atomic_load(&hsum[m]);
  while (!atomic_compare_exchange_weak(&hsum[m], &old, bits(dbl(old) + s))) {}
}

uint64_t fmet_get(fmet_id m) {
  if ((unsigned)m >= FMET__COUNT) return 0;
  if (tab[m].type != FMET_HISTOGRAM) return atomic_load(&val[m]);
  uint64_t n = 0;
  for (int i = 0; i <= FMET_NBUCKETS; i++) n += atomic_load(&hcount[m][i]);
  return n;
}

void fmet_reset(void) {
  for (int m = 0; m < FMET__COUNT; m++) {
    atomic_store(&val[m], tab[m].type == FMET_GAUGE ? bits(0) : 0);
    atomic_store(&hsum[m], bits(0));
    for (int i = 0; i <= FMET_NBUCKETS; i++) atomic_store(&hcount[m][i], 0);
  }
}

void fmet_read(fmet_id m, fmet_value *v) {
  memset(v, 0, sizeof *v);
  if ((unsigned)m >= FMET__COUNT) return;
  v->type = tab[m].type;
  if (v->type == FMET_COUNTER) {
    v->count = atomic_load(&val[m]);
    v->value = (double)v->count;
  } else if (v->type == FMET_GAUGE) {
    v->value = dbl(atomic_load(&val[m]));
  } else {
    for (int i = 0; i <= FMET_NBUCKETS; i++) v->count += v->buckets[i] = atomic_load(&hcount[m][i]);
    v->sum = dbl(atomic_load(&hsum[m]));
  }
}

const char *fmet_help(fmet_id m) { return (unsigned)m < FMET__COUNT ? tab[m].help : "?"; }

const char *fmet_name(fmet_id m) { return (unsigned)m < FMET__COUNT ? tab[m].name : "?"; }
fmet_type fmet_type_of(fmet_id m) { return (unsigned)m < FMET__COUNT ? tab[m].type : FMET_COUNTER; }

void fmet_printf(fmet_buf *b, const char *fmt, ...) {
  if (b->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) { b->failed = 1; return; }
    if (b->s && (size_t)n < room) { b->len += (size_t)n; return; }
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap - b->len <= (size_t)n) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) { free(b->s); b->s = NULL; b->len = b->cap = 0; b->failed = 1; return; }
    b->s = s;
    b->cap = cap;
  }
}

void fmet_buf_free(fmet_buf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}

/* Prometheus floats: integers without a fraction, others with %.17g. */
static void num(fmet_buf *b, double v) {
  if (v == (double)(int64_t)v && v > -9e15 && v < 9e15) fmet_printf(b, "%lld", (long long)v);
  else fmet_printf(b, "%.17g", v);
}

static const char *type_word(fmet_type t) {
  return t == FMET_COUNTER ? "counter" : t == FMET_GAUGE ? "gauge" : "histogram";
}

void fmet_render(fmet_buf *b) {
  for (int m = 0; m < FMET__COUNT; m++) {
    fmet_printf(b, "# HELP %s %s\n# TYPE %s %s\n", tab[m].name, tab[m].help, tab[m].name, type_word(tab[m].type));
    if (tab[m].type == FMET_COUNTER) {
      fmet_printf(b, "%s %llu\n", tab[m].name, (unsigned long long)atomic_load(&val[m]));
    } else if (tab[m].type == FMET_GAUGE) {
      fmet_printf(b, "%s ", tab[m].name);
      num(b, dbl(atomic_load(&val[m])));
      fmet_printf(b, "\n");
    } else {
      uint64_t cum = 0;
      for (int i = 0; i <= FMET_NBUCKETS; i++) {
        cum += atomic_load(&hcount[m][i]);
        if (i < FMET_NBUCKETS) {
          fmet_printf(b, "%s_bucket{le=\"", tab[m].name);
          num(b, bounds[i]);
          fmet_printf(b, "\"} %llu\n", (unsigned long long)cum);
        } else {
          fmet_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", tab[m].name, (unsigned long long)cum);
        }
      }
      fmet_printf(b, "%s_sum ", tab[m].name);
      num(b, dbl(atomic_load(&hsum[m])));
      fmet_printf(b, "\n%s_count %llu\n", tab[m].name, (unsigned long long)cum);
    }
  }
}

void fmet_render_gauge(fmet_buf *b, const char *name, const char *help, const char *label,
                       const char *const *labels, const double *values, size_t n) {
  fmet_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
  for (size_t i = 0; i < n; i++) {
    if (label) fmet_printf(b, "%s{%s=\"%s\"} ", name, label, labels[i]);
    else fmet_printf(b, "%s ", name);
    num(b, values[i]);
    fmet_printf(b, "\n");
  }
}
