/*
** run_telem.c -- the guest's named metrics: telemetry(name, value) keeps
** the latest value of each name; the supervisor samples them with the
** host's own at the set interval. A guest calling in a loop costs itself
** budget, and at most RUN_TELEM_CALLS calls a second are taken: the
** rest, and names beyond the table, are dropped and counted.
*/
#include "run.h"

void run_telem_init(run_telem *t, uint32_t interval_ms) {
  __builtin_memset(t, 0, sizeof *t);
  t->interval_ms = interval_ms;
}

static bool same(const char *a, uint32_t na, const char *b, uint32_t nb) {
  if (na != nb) return false;
  for (uint32_t i = 0; i < na; i++)
    if (a[i] != b[i]) return false;
  return true;
}

bool run_telem_put(run_telem *t, const char *name, uint32_t len, int32_t value) {
  uint64_t ms = hal_time_us() / 1000u;
  if (ms - t->second_ms >= 1000u) {      /* a new second */
    t->second_ms = ms;
    t->calls = 0;
  }
  if (t->calls >= RUN_TELEM_CALLS || len == 0 || len > LINK_NAME_MAX) {
    t->dropped++;
    return false;
  }
  t->calls++;
  for (uint32_t i = 0; i < t->n; i++)
    if (same(t->g[i].name, t->g[i].len, name, len)) {
      t->g[i].value = value;
      return true;
    }
  if (t->n == RUN_TELEM_GUEST) {
    t->dropped++;
    return false;
  }
  __builtin_memcpy(t->g[t->n].name, name, len);
  t->g[t->n].len = (uint8_t)len;
  t->g[t->n].value = value;
  t->n++;
  return true;
}
