/*
** fst_stats.c -- counts over the whole store for fleetd's /metrics: devices
** online, jobs by state, deployments by state. Three GROUP BY queries, no
** table scan beyond what their indexes give.
*/
#include <stdlib.h>
#include <string.h>

#include "fst_int.h"

static fst_err grouped(fst_store *s, const char *sql, int64_t *out, int n, int (*parse)(const char *)) {
  fst_rows r = {0};
  fst_err e = s->b->exec(s, sql, NULL, 0, &r, NULL);
  if (e) return e;
  for (int i = 0; i < r.nrows; i++) {
    const fst_cell *k = fst_cell_at(&r, i, 0), *v = fst_cell_at(&r, i, 1);
    int st = k->s ? parse(k->s) : -1;
    if (st >= 0 && st < n && v->s) out[st] += strtoll(v->s, NULL, 10);
  }
  fst_rows_free(&r);
  return FST_ERR_OK;
}

fst_err fst_stats_get(fst_store *s, fst_stats *st) {
  memset(st, 0, sizeof *st);
  fst_rows r = {0};
  fst_err e = s->b->exec(s, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN online <> 0 THEN 1 ELSE 0 END), 0) FROM devices",
                         NULL, 0, &r, NULL);
  if (e) return e;
  if (r.nrows == 1) {
    const fst_cell *a = fst_cell_at(&r, 0, 0), *b = fst_cell_at(&r, 0, 1);
    st->devices = a->s ? strtoll(a->s, NULL, 10) : 0;
    st->devices_online = b->s ? strtoll(b->s, NULL, 10) : 0;
  }
  fst_rows_free(&r);
  if ((e = grouped(s, "SELECT state, COUNT(*) FROM jobs GROUP BY state", st->jobs, FST_JOB__COUNT,
                   fst_job_state_parse)))
    return e;
  return grouped(s, "SELECT state, COUNT(*) FROM deployments GROUP BY state", st->deployments, FST_DEPLOY__COUNT,
                 fst_deploy_state_parse);
}
