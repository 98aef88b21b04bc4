/*
** fdm.c -- fleetd's work beside the HTTP server (fleet_daemon.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet_cmd.h"
#include "fleet_daemon.h"
#include "fleet_ingest.h"
#include "fleet_metrics.h"
#include "fleet_otlp.h"
#include "fleet_rollout.h"
#include "fleet_store.h"

struct fdm {
  fdm_cfg c;
  char *public_url, *owner;
  fst_store *is;                /* the ingest thread's */
  fst_store *rs;                /* the caller's: ticks, retention */
  fin_client *mq;
  fotl *ot;
  frl_sender snd;
  int64_t next_retain;
  fin_stats last;               /* the ingest's counts already added to the metrics */
  frl_err last_tick;
};

static int64_t mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the sender: jobs/notify over MQTT ----------------------------------- */

static int send_notify(void *user, const char *device, const char *job, const char *json) {
  fdm *d = user;
  (void)job;
  if (!d->mq) return -1;
  char topic[256];
  snprintf(topic, sizeof topic, "fleet/devices/%s/jobs/notify", device);
  return fin_publish(d->mq, topic, json, strlen(json), true, 0) == FIN_CLIENT_OK ? 0 : -1;
}

static int sign_url(void *user, const char *sha, const char *device, long long exp_s, char *out, size_t cap) {
  fdm *d = user;
  return fapi_content_url(d->c.api, d->public_url, sha, device, exp_s, out, cap);
}

/* ---- commands: published with their MQTT 5 expiry ------------------------ */

static int cmd_publish(void *user, const char *topic, const void *payload, size_t len, uint32_t expiry_s) {
  fdm *d = user;
  return d->mq && fin_publish(d->mq, topic, payload, len, false, expiry_s) == FIN_CLIENT_OK ? 0 : -1;
}

int fdm_slot_publish(void *slot, const char *topic, const void *payload, size_t len, uint32_t expiry_s) {
  fdm_slot *sl = slot;
  pthread_mutex_lock(&sl->mu);
  int r = sl->d ? cmd_publish(sl->d, topic, payload, len, expiry_s) : -1;
  pthread_mutex_unlock(&sl->mu);
  return r;
}

/* A rollback installs the previous program restamped (fapi_restamp). */
static int restamp(void *user, fst_store *s, const char *sha, char out[65]) {
  fdm *d = user;
  int r = fapi_restamp(d->c.api, s, sha, out);
  if (r == 0) fprintf(stderr, "cockpit fleetd: rollback: %s restamped as %s\n", sha, out);
  return r;
}

/* ---- ingest callbacks (the ingest thread, its store) ------------------- */

static void on_cmd(void *user, const char *device, const fin_cmd_response *r, const fin_stamp *st) {
  fdm *d = user;
  (void)st;
  int64_t id = 0;
  fst_err e = fcmd_on_response(d->is, device, r->id, r->ok, r->reason, r->value, fst_now_ms(), &id);
  fprintf(stderr, "cockpit fleetd: command %lld (%s) on %s: %s%s%s%s%s\n", (long long)id, r->id, device,
          r->ok ? "ok" : "refused ", r->ok ? "" : r->reason, e ? ": " : "", e ? fst_err_str(e) : "",
          e == FST_ERR_CONFLICT ? " (answered already)" : "");
}

static void on_job(void *user, const fin_job_update *u) {
  fdm *d = user;
  frl_job_update ju = { u->device, u->job, fst_job_state_name(u->state), u->phase, u->reason, u->percent, u->seq,
                        u->sha256[0] ? u->sha256 : NULL, 0 };
  frl_err e = frl_on_job_update(d->is, &ju);
  fprintf(stderr, "cockpit fleetd: job %s on %s: %s%s%s seq %lld%s%s\n", u->job, u->device,
          fst_job_state_name(u->state), u->reason[0] ? " " : "", u->reason, (long long)u->seq, e ? ": " : "",
          e ? frl_err_str(e) : "");
}

static void on_msg(void *user, const fin_msg *m) {
  fdm *d = user;
  if (m->kind == FIN_K_STATUS && m->u.status.online) {
    /* a device back online gets its pending job's notify again */
    frl_err e = frl_device_online(d->is, m->device);
    if (e && e != FRL_ERR_NOTFOUND) fprintf(stderr, "cockpit fleetd: %s online: %s\n", m->device, frl_err_str(e));
  } else if (m->kind == FIN_K_LOG && d->ot) {
    fotl_severity sev = m->u.log.level >= 3 ? FOTL_ERROR : m->u.log.level == 2 ? FOTL_WARN : FOTL_INFO;
    fotl_log(d->ot, m->st.time_ms, sev, m->device, m->st.boot_id, m->u.log.line, m->u.log.text);
  }
}

static void on_state(void *user, const char *state, const char *detail) {
  (void)user;
  fprintf(stderr, "cockpit fleetd: broker: %s%s%s\n", state, detail && detail[0] ? ": " : "", detail ? detail : "");
}

/* ---- start, pass, stop --------------------------------------------------- */

static fst_store *open_store(const fdm_cfg *c, char *why, size_t cap) {
  fst_store *s = NULL;
  char err[512];
  if (fst_open(c->dir, c->db, &s, err, sizeof err)) {
    snprintf(why, cap, "store: %s", err);
    return NULL;
  }
  return s;
}

fdm *fdm_start(const fdm_cfg *cfg, bool *usage, char *why, size_t whycap) {
  *usage = false;
  fdm *d = calloc(1, sizeof *d);
  if (!d) {
    snprintf(why, whycap, "out of memory");
    return NULL;
  }
  d->c = *cfg;
  d->public_url = strdup(cfg->public_url ? cfg->public_url : "");
  d->owner = strdup(cfg->owner ? cfg->owner : "fleetd");
  if (!d->public_url || !d->owner || !(d->rs = open_store(cfg, why, whycap))) goto fail;
  d->snd = (frl_sender){ d, send_notify, send_notify, d->public_url, sign_url, restamp };
  if (cfg->otlp) {
    fotl_cfg oc = { .url = cfg->otlp };
    if (!(d->ot = fotl_start(&oc, why, whycap))) {
      *usage = true;
      goto fail;
    }
  }
  if (cfg->broker) {
    if (!(d->is = open_store(cfg, why, whycap))) goto fail;
    char journal[4096];
    snprintf(journal, sizeof journal, "%s/ingest.journal", cfg->dir);
    fin_client_cfg cc = {
      .journal = journal,
      .url = cfg->broker, .ca_file = cfg->ca, .cert_file = cfg->cert, .key_file = cfg->key,
      .client_id = cfg->client_id, .share_group = cfg->share ? "fleetd" : "",
      .writer = { .store = d->is, .batch_max = cfg->ingest_batch, .flush_ms = cfg->ingest_flush_ms,
                  .on_job_update = on_job, .on_cmd_response = on_cmd, .on_msg = on_msg, .user = d },
      .on_state = on_state, .user = d,
    };
    fin_client_err e;
    if (!(d->mq = fin_client_start(&cc, &e, why, whycap))) {
      *usage = e == FIN_CLIENT_ARG;
      goto fail;
    }
    fprintf(stderr, "cockpit fleetd: ingest from %s as %s (%s subscriptions)\n", cfg->broker, cfg->client_id,
            cfg->share ? "shared" : "plain");
  }
  d->next_retain = mono_ms() + 5000;
  if (cfg->slot) {
    pthread_mutex_lock(&cfg->slot->mu);
    cfg->slot->d = d;
    pthread_mutex_unlock(&cfg->slot->mu);
  }
  return d;
fail:
  fdm_stop(d);
  return NULL;
}

/* The ingest's counts since the last pass, into the metrics. */
static void metrics(fdm *d) {
  if (!d->mq) return;
  fin_stats st;
  fin_client_stats(d->mq, &st);
  fmet_add(FMET_INGEST_MESSAGES, st.received - d->last.received);
  fmet_add(FMET_INGEST_REJECTED, st.refused - d->last.refused);
  fmet_add(FMET_INGEST_STORED, st.rows_written - d->last.rows_written);
  fmet_add(FMET_INGEST_DUPLICATES, st.duplicates - d->last.duplicates);
  fmet_add(FMET_INGEST_BATCHES, st.batches - d->last.batches);
  fmet_set(FMET_INGEST_LAG, (double)st.lag_ms / 1000.0);
  d->last = st;
}

static void retention(fdm *d) {
  int64_t now = fst_now_ms(), tel = 0, logs = 0, arts = 0;
  if (d->c.retain_ms > 0 && fst_prune(d->rs, now - d->c.retain_ms, &tel, &logs) == FST_ERR_OK && (tel || logs))
    fprintf(stderr, "cockpit fleetd: retention: %lld telemetry points and %lld log lines pruned\n", (long long)tel,
            (long long)logs);
  if (d->c.retain_artifacts_ms > 0 &&
      fst_artifact_prune(d->rs, now - d->c.retain_artifacts_ms, &arts) == FST_ERR_OK && arts)
    fprintf(stderr, "cockpit fleetd: retention: %lld unreferenced artifacts pruned\n", (long long)arts);
}

int fdm_set_public_url(fdm *d, const char *url) {
  char *u = strdup(url ? url : "");
  if (!u) return -1;
  free(d->public_url);
  d->public_url = u;
  d->snd.public_url = u;
  if (strncmp(u, "https://", 8))
    fprintf(stderr, "cockpit fleetd: note: deployments are not advanced: copilots download artifacts over HTTPS only, "
                    "and %s is not https:// (serve TLS with --cert/--key or --tls-cert/--tls-key, or give "
                    "--public-url https://...)\n", u);
  return 0;
}

int fdm_pass(fdm *d) {
  int64_t now = fst_now_ms();
  for (int i = 0; i < FDM_TICKS_PER_PASS; i++) {
    if (strncmp(d->public_url, "https://", 8)) break;   /* said at the start */
    frl_err e = frl_tick(d->rs, now, d->owner, &d->snd);
    if (e != d->last_tick && e != FRL_ERR_OK && e != FRL_ERR_IDLE)
      fprintf(stderr, "cockpit fleetd: rollout: %s%s\n", frl_err_str(e),
              e == FRL_ERR_SEND ? " (the broker is away; sent again on the next tick)" : "");
    d->last_tick = e;
    if (e == FRL_ERR_IDLE || e == FRL_ERR_SEND || e == FRL_ERR_STORE) break;
  }
  /* with the broker away only expiry runs (a claim given back every tick is no use) */
  fcmd_publisher pub = { d->mq && fin_client_connected(d->mq) ? cmd_publish : NULL, d };
  fcmd_pass_stats cs;
  if (fcmd_pass(d->rs, now, &pub, &cs) == FST_ERR_OK && (cs.sent || cs.expired))
    fprintf(stderr, "cockpit fleetd: commands: %lld sent, %lld expired\n", (long long)cs.sent, (long long)cs.expired);
  if (mono_ms() >= d->next_retain) {
    retention(d);
    d->next_retain = mono_ms() + FDM_RETAIN_EVERY_MS;
  }
  metrics(d);
  return FDM_TICK_MS;
}

void fdm_stop(fdm *d) {
  if (!d) return;
  if (d->c.slot) {
    /* no API publish past here (one in flight is waited for) */
    pthread_mutex_lock(&d->c.slot->mu);
    if (d->c.slot->d == d) d->c.slot->d = NULL;
    pthread_mutex_unlock(&d->c.slot->mu);
  }
  fin_client_stop(d->mq);    /* the last batch is written */
  fst_close(d->is);
  fotl_stop(d->ot, NULL);
  fst_close(d->rs);
  free(d->public_url);
  free(d->owner);
  free(d);
}
