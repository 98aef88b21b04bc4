/*
** fapi_metrics.c -- GET /metrics: fleetd's counters (fleet_metrics.def)
** and the store's counts at scrape time, in the Prometheus text format.
** No token: the figures are counts only, no device ids or names.
*/
#include "fapi_int.h"
#include "fleet_metrics.h"

void fapi_h_metrics(fapi_ctx *c) {
  fst_stats st;
  fst_err e = fst_stats_get(c->s, &st);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  fmet_buf b = {0};
  fmet_render(&b);
  double dev[2] = { (double)st.devices_online, (double)(st.devices - st.devices_online) };
  const char *dev_l[2] = { "online", "offline" };
  fmet_render_gauge(&b, "fleet_devices", "devices known, by whether they are online now", "state", dev_l, dev, 2);
  fmet_render_gauge(&b, "fleet_devices_online", "devices online now", NULL, NULL, dev, 1);
  const char *job_l[FST_JOB__COUNT];
  double job_v[FST_JOB__COUNT];
  for (int i = 0; i < FST_JOB__COUNT; i++) {
    job_l[i] = fst_job_state_name((fst_job_state)i);
    job_v[i] = (double)st.jobs[i];
  }
  fmet_render_gauge(&b, "fleet_jobs", "install jobs, by state", "state", job_l, job_v, FST_JOB__COUNT);
  const char *dep_l[FST_DEPLOY__COUNT];
  double dep_v[FST_DEPLOY__COUNT];
  for (int i = 0; i < FST_DEPLOY__COUNT; i++) {
    dep_l[i] = fst_deploy_state_name((fst_deploy_state)i);
    dep_v[i] = (double)st.deployments[i];
  }
  fmet_render_gauge(&b, "fleet_deployments", "deployments, by state", "state", dep_l, dep_v, FST_DEPLOY__COUNT);
  if (b.failed) {
    fmet_buf_free(&b);
    fapi_fail(c, FAPI_ERR_INTERNAL, "out of memory");
    return;
  }
  fapi_bytes(c, 200, "text/plain; version=0.0.4; charset=utf-8", (const uint8_t *)b.s, b.len);
  fmet_buf_free(&b);
}
