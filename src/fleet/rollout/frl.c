/*
** frl.c -- the rollout engine (fleet_rollout.h): deployments made, advanced
** stage by stage, halted, canceled, rolled back; device job updates applied.
**
** Every job write goes through job_edit: read, decide (an edit function
** that changes a copy and says whether to write), compare-and-set
** (fst_job_put); when another writer came first the job is read again and
** the decision made again. So the engine under its lease, updates from
** ingest and cancels from the API can interleave in any order.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fleet_rollout.h"

/* ---- tables ------------------------------------------------------------ */

static const char *const err_msg[] = {
#define X(n, m) m,
  FRL_ERRORS(X)
#undef X
};
static const char *const err_name[] = {
#define X(n, m) #n,
  FRL_ERRORS(X)
#undef X
};
const char *frl_err_str(frl_err e) { return (unsigned)e < FRL_ERR__COUNT ? err_msg[e] : "unknown error"; }
const char *frl_err_name(frl_err e) { return (unsigned)e < FRL_ERR__COUNT ? err_name[e] : "UNKNOWN"; }

/* The IN_PROGRESS phases in their order (docs/fleet-protocol.md); a cancel
** is taken only before PH_PROGRAMMING. */
static const char *const phases[] = { "", "downloading", "verifying", "programming", "activating", "trial" };
enum { PH_NONE, PH_DOWNLOADING, PH_VERIFYING, PH_PROGRAMMING, PH_ACTIVATING, PH_TRIAL, PH__COUNT };
static int phase_rank(const char *p) {
  if (!p) return PH_NONE;
  for (int i = 0; i < PH__COUNT; i++)
    if (!strcmp(p, phases[i])) return i;
  return -1;
}

/* Reasons the engine itself gives (docs/fleet-api.md). */
#define R_HALTED "halted"           /* CANCELED: never sent, the deployment halted */
#define R_CANCELED "canceled"       /* CANCELED: never sent, the deployment was canceled */
#define R_DEADLINE "deadline"       /* TIMED_OUT */
#define R_TRIAL_TIMEOUT "trial_timeout"
#define R_NO_ARTIFACT "no_artifact" /* FAILED rollback: the previous program is not in the store */

#define ARTIFACT_PATH "/api/v1/artifacts/"
#define CONTENT_PATH "/content"

/* ---- ids and checks ---------------------------------------------------- */

void frl_job_id(char out[FRL_JOB_ID_MAX + 1], int64_t deployment, int64_t job) {
  snprintf(out, FRL_JOB_ID_MAX + 1, "rollout-%lld.%lld", (long long)deployment, (long long)job);
}

/* Decimal digits only, 1..18 of them, not 0. */
static bool parse_pos(const char *p, size_t n, int64_t *v) {
  if (n == 0 || n > 18 || p[0] == '0') return false;
  int64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return false;
    x = x * 10 + (p[i] - '0');
  }
  *v = x;
  return true;
}

bool frl_job_id_parse(const char *id, int64_t *deployment, int64_t *job) {
  static const char pre[] = "rollout-";
  if (!id || strncmp(id, pre, sizeof pre - 1)) return false;
  const char *p = id + sizeof pre - 1, *dot = strchr(p, '.');
  return dot && parse_pos(p, (size_t)(dot - p), deployment) && parse_pos(dot + 1, strlen(dot + 1), job);
}

bool frl_good_device_id(const char *id) {
  size_t n = id ? strlen(id) : 0;
  if (n < 1 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

static bool good_sha(const char *h) {
  if (!h || strlen(h) != 64) return false;
  for (int i = 0; i < 64; i++)
    if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) return false;
  return true;
}

/* A reason as the protocol spells them: 1..64 of [a-z0-9_]. */
static bool good_reason(const char *r) {
  size_t n = strlen(r);
  if (n > 64) return false;
  for (size_t i = 0; i < n; i++)
    if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '0' && r[i] <= '9') || r[i] == '_')) return false;
  return true;
}

/* https://, printable ASCII without quotes, backslashes or spaces, short
** enough for the artifact path to fit the protocol's url. */
static bool good_public_url(const char *u) {
  size_t n = u ? strlen(u) : 0;
  if (n <= 8 || strncmp(u, "https://", 8) || u[n - 1] == '/') return false;
  if (n + strlen(ARTIFACT_PATH) + 64 + strlen(CONTENT_PATH) > FRL_URL_MAX) return false;
  for (size_t i = 0; i < n; i++)
    if (u[i] <= 0x20 || u[i] >= 0x7f || u[i] == '"' || u[i] == '\\') return false;
  return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

const char *frl_check_spec(const frl_spec *sp) {
  if (!good_sha(sp->artifact)) return "artifact must be 64 lowercase hex digits";
  if (sp->nstages < 1 || sp->nstages > FST_MAX_STAGES || !sp->stages) return "stages: 1 to 16 percentages";
  for (int i = 0; i < sp->nstages; i++) {
    if (sp->stages[i] < 1 || sp->stages[i] > 100) return "stages: each percentage is 1..100";
    if (i && sp->stages[i] <= sp->stages[i - 1]) return "stages: percentages are cumulative, strictly increasing";
  }
  if (sp->stages[sp->nstages - 1] != 100) return "stages: the last stage is 100 (every device of the target)";
  if (sp->max_failures < 0 || sp->max_failures > FRL_MAX_DEVICES) return "max_failures: 0..100000";
  if (sp->job_timeout_s < 1 || sp->job_timeout_s > FRL_TIMEOUT_MAX_S) return "job_timeout_s: 1..2592000";
  if (sp->ndevices < 1 || !sp->devices) return "the target has no device";
  if (sp->ndevices > FRL_MAX_DEVICES) return "the target has more than 100000 devices";
  for (size_t i = 0; i < sp->ndevices; i++)
    if (!frl_good_device_id(sp->devices[i])) return "device ids are 1..64 of letters, digits, '.', '_', '-'";
  const char **v = malloc(sp->ndevices * sizeof *v);
  if (!v) return "out of memory";
  memcpy(v, sp->devices, sp->ndevices * sizeof *v);
  qsort(v, sp->ndevices, sizeof *v, cmp_str);
  bool dup = false;
  for (size_t i = 1; i < sp->ndevices && !dup; i++) dup = !strcmp(v[i], v[i - 1]);
  free(v);
  if (dup) return "the target names a device twice";
  if (sp->created_by && strlen(sp->created_by) >= sizeof((fst_deployment *)0)->created_by)
    return "created_by is too long";
  return NULL;
}

static frl_err from_fst(fst_err e) {
  switch (e) {
  case FST_ERR_OK: return FRL_ERR_OK;
  case FST_ERR_NOTFOUND: return FRL_ERR_NOTFOUND;
  case FST_ERR_CONFLICT: return FRL_ERR_CONFLICT;
  case FST_ERR_INVALID: return FRL_ERR_INVALID;
  default: return FRL_ERR_STORE;
  }
}

int64_t frl_failures(const fst_job *jobs, size_t n) {
  int64_t f = 0;
  for (size_t i = 0; i < n; i++)
    if (!jobs[i].rollback &&
        (jobs[i].state == FST_JOB_FAILED || jobs[i].state == FST_JOB_REJECTED || jobs[i].state == FST_JOB_TIMED_OUT))
      f++;
  return f;
}

/* ---- create ------------------------------------------------------------ */

frl_err frl_create(fst_store *s, const frl_spec *sp, int64_t *id) {
  if (!s || !sp || frl_check_spec(sp)) return FRL_ERR_INVALID;
  fst_job *jobs = calloc(sp->ndevices, sizeof *jobs);
  if (!jobs) return FRL_ERR_STORE;
  frl_err r = FRL_ERR_OK;
  size_t n = sp->ndevices;
  int k = 0;
  for (size_t i = 0; i < n && !r; i++) {
    /* stage k holds the devices below ceil(n * p_k / 100) */
    while ((uint64_t)i >= ((uint64_t)n * (uint64_t)sp->stages[k] + 99) / 100) k++;
    fst_device d;
    fst_err e = fst_device_get(s, sp->devices[i], &d);
    if (e) {
      r = from_fst(e);
      break;
    }
    snprintf(jobs[i].device, sizeof jobs[i].device, "%s", sp->devices[i]);
    snprintf(jobs[i].previous_sha, sizeof jobs[i].previous_sha, "%s", d.running_sha);
    jobs[i].stage = k;
    fst_device_free(&d);
  }
  if (!r) {
    fst_deployment d = { .nstages = sp->nstages, .max_failures = sp->max_failures,
                         .job_timeout_s = sp->job_timeout_s, .rollback = sp->rollback, .state = FST_DEPLOY_running };
    snprintf(d.artifact, sizeof d.artifact, "%s", sp->artifact);
    memcpy(d.stages, sp->stages, (size_t)sp->nstages * sizeof d.stages[0]);
    d.target = (char *)(sp->target ? sp->target : "");
    snprintf(d.created_by, sizeof d.created_by, "%s", sp->created_by ? sp->created_by : "");
    r = from_fst(fst_deployment_create(s, &d, jobs, n));
    if (!r && id) *id = d.id;
  }
  free(jobs);
  return r;
}

/* ---- job edits ---------------------------------------------------------- */

typedef bool edit_fn(fst_job *j, const void *arg);

/* Decide on the job as stored, write it if the decision says so; again
** when someone else wrote it first. *wrote (may be NULL): it was written. */
static frl_err job_edit(fst_store *s, fst_job *j, edit_fn *fn, const void *arg, int64_t now, bool *wrote) {
  if (wrote) *wrote = false;
  for (int tries = 0; tries < 32; tries++) {
    fst_job w = *j;
    if (!fn(&w, arg)) return FRL_ERR_OK;
    w.updated = now;
    fst_err e = fst_job_put(s, &w);
    if (!e) {
      *j = w;
      if (wrote) *wrote = true;
      return FRL_ERR_OK;
    }
    if (e != FST_ERR_CONFLICT) return FRL_ERR_STORE;
    if (fst_job_get(s, j->id, j)) return FRL_ERR_STORE;
  }
  return FRL_ERR_STORE;
}

static bool ed_timeout(fst_job *j, const void *arg) {
  int64_t now = *(const int64_t *)arg;
  if (fst_job_state_terminal(j->state) || !j->sent || !j->deadline || j->deadline > now) return false;
  bool trial = j->state == FST_JOB_IN_PROGRESS && phase_rank(j->phase) == PH_TRIAL;
  j->state = FST_JOB_TIMED_OUT;
  snprintf(j->reason, sizeof j->reason, "%s", trial ? R_TRIAL_TIMEOUT : R_DEADLINE);
  j->owed = FST_OWE_CANCEL;   /* so a device that comes back does not start it */
  return true;
}

typedef struct send_arg { int64_t now, timeout_s; } send_arg;
static bool ed_mark_sent(fst_job *j, const void *arg) {
  const send_arg *a = arg;
  if (j->state != FST_JOB_QUEUED || j->sent) return false;
  j->sent = a->now;
  j->deadline = a->now + a->timeout_s * 1000;
  j->owed = FST_OWE_JOB;
  return true;
}

/* Halt or cancel: never sent -> CANCELED; sent and not programming yet ->
** a cancel is owed. */
static bool ed_stop(fst_job *j, const void *arg) {
  if (fst_job_state_terminal(j->state)) return false;
  if (!j->sent) {
    j->state = FST_JOB_CANCELED;
    snprintf(j->reason, sizeof j->reason, "%s", (const char *)arg);
    j->owed = FST_OWE_NOTHING;
    return true;
  }
  if (j->owed == FST_OWE_CANCEL) return false;
  if (j->state == FST_JOB_QUEUED || phase_rank(j->phase) < PH_PROGRAMMING) {
    j->owed = FST_OWE_CANCEL;
    return true;
  }
  return false;
}

static bool ed_owed_done(fst_job *j, const void *arg) {
  fst_owed what = *(const fst_owed *)arg;
  if (j->owed != what) return false;
  j->owed = FST_OWE_NOTHING;
  return true;
}

static bool ed_owe_again(fst_job *j, const void *arg) {
  if (j->state != FST_JOB_QUEUED || !j->sent || j->owed != FST_OWE_NOTHING) return false;
  j->owed = *(const fst_owed *)arg;
  return true;
}

static void set_desired(fst_store *s, const char *device, const char *sha) {
  /* a device removed meanwhile has nothing to show: NOTFOUND is fine */
  (void)fst_device_set_desired(s, device, sha);
}

/* ---- the tick ----------------------------------------------------------- */

typedef struct tick {
  fst_store *s;
  int64_t now;
  const frl_sender *snd;
  fst_deployment d;
  fst_job *jobs;
  size_t n;
  frl_err err;              /* the first failure, the tick goes on where it can */
  fst_artifact art;         /* the last artifact looked up */
} tick;

static void fail(tick *t, frl_err e) {
  if (e && !t->err) t->err = e;
}

static void mark_sent(tick *t, fst_job *j) {
  send_arg a = { t->now, t->d.job_timeout_s };
  bool wrote;
  frl_err e = job_edit(t->s, j, ed_mark_sent, &a, t->now, &wrote);
  fail(t, e);
  if (wrote) set_desired(t->s, j->device, j->artifact);
}

static void stop_jobs(tick *t, const char *reason) {
  for (size_t i = 0; i < t->n; i++) fail(t, job_edit(t->s, &t->jobs[i], ed_stop, reason, t->now, NULL));
}

static bool stage_done(const tick *t, int k) {
  for (size_t i = 0; i < t->n; i++)
    if (!t->jobs[i].rollback && t->jobs[i].stage <= k && !fst_job_state_terminal(t->jobs[i].state)) return false;
  return true;
}

static frl_err reload_deployment(tick *t) {
  fst_deployment_free(&t->d);
  return from_fst(fst_deployment_get(t->s, t->d.id, &t->d));
}

/* A transition the engine makes; a cancel from the API may have come
** first, then the deployment is read again and that state rules. */
static void transition(tick *t, fst_deploy_state to, int stage, bool settled) {
  fst_err e = fst_deployment_transition(t->s, t->d.id, t->d.state, to, stage, settled);
  if (e == FST_ERR_CONFLICT) {
    fail(t, reload_deployment(t));
    return;
  }
  if (e) {
    fail(t, FRL_ERR_STORE);
    return;
  }
  t->d.state = to;
  t->d.current_stage = stage;
  t->d.settled = settled;
}

static void advance_running(tick *t) {
  if (frl_failures(t->jobs, t->n) > t->d.max_failures) {
    transition(t, FST_DEPLOY_halted, t->d.current_stage, false);
    if (t->d.state == FST_DEPLOY_halted) stop_jobs(t, R_HALTED);
    return;
  }
  for (int guard = 0; t->d.state == FST_DEPLOY_running && guard <= FST_MAX_STAGES; guard++) {
    int k = t->d.current_stage;
    for (size_t i = 0; i < t->n; i++)
      if (!t->jobs[i].rollback && t->jobs[i].stage <= k) mark_sent(t, &t->jobs[i]);
    if (t->err || !stage_done(t, k)) return;
    if (k + 1 < t->d.nstages) transition(t, FST_DEPLOY_running, k + 1, false);
    else transition(t, FST_DEPLOY_succeeded, k, false);
  }
}

static bool has_rollback(const tick *t, const char *device) {
  for (size_t i = 0; i < t->n; i++)
    if (t->jobs[i].rollback && !strcmp(t->jobs[i].device, device)) return true;
  return false;
}

/* Devices that installed the new program in this deployment. */
static bool wants_rollback(const tick *t, const fst_job *j) {
  return !j->rollback && j->state == FST_JOB_SUCCEEDED && strcmp(j->reason, "already_installed") &&
         j->previous_sha[0] && strcmp(j->previous_sha, j->artifact) && !has_rollback(t, j->device);
}

static void add_rollbacks(tick *t) {
  size_t n0 = t->n;
  for (size_t i = 0; i < n0; i++) {
    if (!wants_rollback(t, &t->jobs[i])) continue;
    const fst_job *src = &t->jobs[i];
    fst_job rb = { .deployment = t->d.id, .stage = src->stage, .rollback = true, .state = FST_JOB_QUEUED,
                   .created = t->now };
    snprintf(rb.device, sizeof rb.device, "%s", src->device);
    snprintf(rb.artifact, sizeof rb.artifact, "%s", src->previous_sha);
    snprintf(rb.previous_sha, sizeof rb.previous_sha, "%s", src->artifact);
    fst_artifact a;
    fst_err e = fst_artifact_get(t->s, rb.artifact, &a);
    if (e == FST_ERR_NOTFOUND) {
      rb.state = FST_JOB_FAILED;   /* nothing to send: the operator sees why */
      snprintf(rb.reason, sizeof rb.reason, "%s", R_NO_ARTIFACT);
    } else if (e) {
      fail(t, FRL_ERR_STORE);
      continue;
    } else if (t->snd->restamp) {
      /* the previous program under a counter the device's floor admits */
      char sha[65];
      int r = t->snd->restamp(t->snd->user, t->s, src->previous_sha, sha);
      if (r == 1) {
        rb.state = FST_JOB_FAILED;
        snprintf(rb.reason, sizeof rb.reason, "%s", R_NO_ARTIFACT);
      } else if (r) {
        fail(t, FRL_ERR_STORE);
        continue;
      } else {
        snprintf(rb.artifact, sizeof rb.artifact, "%s", sha);
      }
    }
    fst_job *nv = realloc(t->jobs, (t->n + 1) * sizeof *nv);
    if (!nv) {
      fail(t, FRL_ERR_STORE);
      return;
    }
    t->jobs = nv;
    e = fst_job_add(t->s, &rb);
    if (e == FST_ERR_CONFLICT) continue;   /* made before; the next tick lists it */
    if (e) {
      fail(t, FRL_ERR_STORE);
      continue;
    }
    t->jobs[t->n++] = rb;
  }
  for (size_t i = 0; i < t->n; i++)
    if (t->jobs[i].rollback) mark_sent(t, &t->jobs[i]);
}

static char *notify_json(tick *t, const fst_job *j, const char *jid) {
  if (strcmp(t->art.sha256, j->artifact)) {
    fst_err e = fst_artifact_get(t->s, j->artifact, &t->art);
    if (e) {
      t->art.sha256[0] = 0;
      fail(t, from_fst(e));
      return NULL;
    }
  }
  char url[FRL_URL_MAX + 1];
  /* good for as long as the job can run: queued, then its trial and grace */
  long long exp_s = (long long)(t->now / 1000) + (long long)t->d.job_timeout_s * 2 + FRL_TRIAL_S + FRL_GRACE_S;
  if (!t->snd->content_url ||
      t->snd->content_url(t->snd->user, j->artifact, j->device, exp_s, url, sizeof url) != 0)
    snprintf(url, sizeof url, "%s" ARTIFACT_PATH "%s" CONTENT_PATH, t->snd->public_url, j->artifact);
  json_t *o = json_pack("{s:i, s:s, s:s, s:I, s:s, s:s, s:I, s:i}", "v", 1, "id", jid, "sha256", j->artifact, "size",
                        (json_int_t)t->art.size, "url", url, "version", t->art.version, "timeout_s",
                        (json_int_t)t->d.job_timeout_s, "trial_s", FRL_TRIAL_S);
  /* the image digest lets the copilot see "already installed" before it downloads */
  if (o && t->art.image_sha256[0]) json_object_set_new(o, "image_sha256", json_string(t->art.image_sha256));
  char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(o);
  if (!txt) fail(t, FRL_ERR_STORE);
  return txt;
}

static void deliver(tick *t, fst_job *j) {
  if (j->owed == FST_OWE_NOTHING) return;
  /* what is owed now, not what this tick read a while ago */
  if (fst_job_get(t->s, j->id, j)) {
    fail(t, FRL_ERR_STORE);
    return;
  }
  fst_owed what = j->owed;
  if (what == FST_OWE_NOTHING) return;
  char jid[FRL_JOB_ID_MAX + 1];
  frl_job_id(jid, j->deployment, j->id);
  int rc = 0;
  if (what == FST_OWE_JOB && !fst_job_state_terminal(j->state)) {
    char *txt = notify_json(t, j, jid);
    if (!txt) return;
    rc = t->snd->send_job(t->snd->user, j->device, jid, txt);
    free(txt);
  } else if (what == FST_OWE_CANCEL) {
    char txt[FRL_JOB_ID_MAX + 48];
    snprintf(txt, sizeof txt, "{\"v\":1,\"id\":\"%s\",\"cancel\":true}", jid);
    rc = t->snd->send_cancel(t->snd->user, j->device, jid, txt);
  }   /* a job owed but ended meanwhile: nothing to send */
  if (rc) {
    fail(t, FRL_ERR_SEND);
    return;
  }
  fail(t, job_edit(t->s, j, ed_owed_done, &what, t->now, NULL));
}

static bool all_done(const tick *t) {
  for (size_t i = 0; i < t->n; i++) {
    const fst_job *j = &t->jobs[i];
    if (!fst_job_state_terminal(j->state) || j->owed != FST_OWE_NOTHING) return false;
    if (t->d.state == FST_DEPLOY_halted && t->d.rollback && wants_rollback(t, j)) return false;
  }
  return true;
}

static frl_err advance(fst_store *s, int64_t id, int64_t now, const frl_sender *snd) {
  tick t = { .s = s, .now = now, .snd = snd };
  if (fst_deployment_get(s, id, &t.d)) return FRL_ERR_STORE;
  if (fst_jobs_list(s, id, &t.jobs, &t.n)) {
    fst_deployment_free(&t.d);
    return FRL_ERR_STORE;
  }
  if (!t.d.settled) {
    for (size_t i = 0; i < t.n; i++) {
      bool queued = t.jobs[i].state == FST_JOB_QUEUED, wrote = false;
      fail(&t, job_edit(s, &t.jobs[i], ed_timeout, &now, now, &wrote));
      /* never started (an offline device): it keeps what it ran */
      if (wrote && queued) set_desired(s, t.jobs[i].device, t.jobs[i].previous_sha);
    }
    if (t.d.state == FST_DEPLOY_running) advance_running(&t);
    if (t.d.state == FST_DEPLOY_halted && t.d.rollback) add_rollbacks(&t);
    for (size_t i = 0; i < t.n; i++) deliver(&t, &t.jobs[i]);
    if (!t.err && t.d.state != FST_DEPLOY_running && all_done(&t))
      transition(&t, t.d.state, t.d.current_stage, true);
  }
  free(t.jobs);
  fst_deployment_free(&t.d);
  return t.err;
}

frl_err frl_tick(fst_store *s, int64_t now, const char *owner, const frl_sender *snd) {
  if (!s || !owner || !*owner || !snd || !snd->send_job || !snd->send_cancel || !good_public_url(snd->public_url))
    return FRL_ERR_INVALID;
  int64_t id;
  fst_err e = fst_deployment_claim(s, owner, FRL_LEASE_MS, &id);
  if (e == FST_ERR_NOTFOUND) return FRL_ERR_IDLE;
  if (e) return FRL_ERR_STORE;
  frl_err r = advance(s, id, now, snd);
  fst_err re = fst_deployment_release(s, id, owner);
  /* NOTFOUND: the lease ran out and another took it -- its work now */
  if (!r && re && re != FST_ERR_NOTFOUND) r = FRL_ERR_STORE;
  return r;
}

/* ---- device reports ---------------------------------------------------- */

typedef struct upd_arg {
  const frl_job_update *u;
  fst_job_state st;
  int phase;
  int64_t now, in_progress_ms;   /* the deadline from the first IN_PROGRESS */
  frl_err verdict;
} upd_arg;

static int state_rank(fst_job_state s) {
  return s == FST_JOB_QUEUED ? 0 : s == FST_JOB_IN_PROGRESS ? 1 : 2;
}

static bool ed_update(fst_job *j, const void *arg) {
  upd_arg *a = (upd_arg *)arg;   /* the verdict is written back */
  const frl_job_update *u = a->u;
  a->verdict = FRL_ERR_STALE;
  if (fst_job_state_terminal(j->state)) return false;
  if (u->seq > 0 && u->seq <= j->seq) return false;
  if (state_rank(a->st) < state_rank(j->state)) return false;
  int cur_phase = j->state == FST_JOB_IN_PROGRESS ? phase_rank(j->phase) : PH_NONE;
  int new_phase = a->st == FST_JOB_IN_PROGRESS ? a->phase : PH_NONE;
  const char *reason = u->reason ? u->reason : "";
  if (a->st == FST_JOB_IN_PROGRESS && j->state == FST_JOB_IN_PROGRESS) {
    if (new_phase < cur_phase) return false;
    if (new_phase == cur_phase && u->percent >= 0 && u->percent < j->progress) return false;
  }
  bool same = a->st == j->state && new_phase == cur_phase && (u->percent < 0 || u->percent == j->progress) &&
              !strcmp(reason, j->reason);
  if (same && !(u->seq > j->seq)) return false;   /* a duplicate without a newer seq */
  if (a->st == FST_JOB_IN_PROGRESS && j->state == FST_JOB_QUEUED) j->deadline = a->in_progress_ms;
  if (u->percent >= 0) j->progress = u->percent;
  else if (new_phase != cur_phase) j->progress = 0;
  if (a->st == FST_JOB_SUCCEEDED) j->progress = 100;
  j->state = a->st;
  snprintf(j->phase, sizeof j->phase, "%s", phases[new_phase]);
  snprintf(j->reason, sizeof j->reason, "%s", reason);
  if (u->seq > j->seq) j->seq = u->seq;
  if (fst_job_state_terminal(a->st)) j->owed = FST_OWE_NOTHING;   /* nothing left to tell the device */
  a->verdict = FRL_ERR_OK;
  return true;
}

frl_err frl_on_job_update(fst_store *s, const frl_job_update *u) {
  if (!s || !u) return FRL_ERR_INVALID;
  if (!frl_good_device_id(u->device) || !u->job || !u->state) return FRL_ERR_BAD_UPDATE;
  int st = fst_job_state_parse(u->state);
  int ph = phase_rank(u->phase);
  if (st < 0 || ph < 0 || u->percent < -1 || u->percent > 100 || u->seq < 0) return FRL_ERR_BAD_UPDATE;
  if (u->reason && !good_reason(u->reason)) return FRL_ERR_BAD_UPDATE;
  if (u->sha256 && !good_sha(u->sha256)) return FRL_ERR_BAD_UPDATE;
  if (st == FST_JOB_SUCCEEDED &&
      (!u->reason || (strcmp(u->reason, "confirmed") && strcmp(u->reason, "already_installed"))))
    return FRL_ERR_BAD_UPDATE;   /* success only as the device confirms it */
  int64_t dep, jid;
  if (!frl_job_id_parse(u->job, &dep, &jid)) return FRL_ERR_UNKNOWN_JOB;
  fst_job j;
  fst_err e = fst_job_get(s, jid, &j);
  if (e == FST_ERR_NOTFOUND || (!e && (j.deployment != dep || !j.sent))) return FRL_ERR_UNKNOWN_JOB;
  if (e) return FRL_ERR_STORE;
  if (strcmp(j.device, u->device) || (u->sha256 && strcmp(u->sha256, j.artifact))) return FRL_ERR_WRONG_DEVICE;
  fst_deployment d;
  if (fst_deployment_get(s, dep, &d)) return FRL_ERR_STORE;
  int64_t now = u->now ? u->now : fst_now_ms();
  upd_arg a = { u, (fst_job_state)st, ph, now, now + (d.job_timeout_s + FRL_TRIAL_S + FRL_GRACE_S) * 1000,
                FRL_ERR_STALE };
  fst_deployment_free(&d);
  bool wrote;
  frl_err r = job_edit(s, &j, ed_update, &a, now, &wrote);
  if (r) return r;
  if (!wrote) return a.verdict;
  /* a sent job canceled, refused or failed (a failed trial is reverted):
  ** the device keeps what it ran */
  if (j.state == FST_JOB_CANCELED || j.state == FST_JOB_FAILED || j.state == FST_JOB_REJECTED)
    set_desired(s, j.device, j.previous_sha);
  return FRL_ERR_OK;
}

frl_err frl_device_online(fst_store *s, const char *device) {
  if (!s || !frl_good_device_id(device)) return FRL_ERR_INVALID;
  fst_job *v;
  size_t n;
  if (fst_jobs_open(s, device, &v, &n)) return FRL_ERR_STORE;
  frl_err r = FRL_ERR_OK;
  int64_t now = fst_now_ms();
  for (size_t i = 0; i < n && !r; i++) {
    /* the notify again while its deployment runs; once it halted or was
    ** canceled the job was owed a cancel, which is what the device gets
    ** again (never the notify: it would replace the retained cancel) */
    fst_deployment d;
    fst_err e = fst_deployment_get(s, v[i].deployment, &d);
    if (e) {
      r = from_fst(e);
      break;
    }
    fst_owed what = d.state == FST_DEPLOY_running ? FST_OWE_JOB : FST_OWE_CANCEL;
    fst_deployment_free(&d);
    r = job_edit(s, &v[i], ed_owe_again, &what, now, NULL);
  }
  free(v);
  return r;
}

frl_err frl_cancel(fst_store *s, int64_t id, int64_t now) {
  if (!s) return FRL_ERR_INVALID;
  fst_deployment d;
  fst_err e = fst_deployment_get(s, id, &d);
  if (e) return from_fst(e);
  int stage = d.current_stage;
  fst_deployment_free(&d);
  e = fst_deployment_transition(s, id, FST_DEPLOY_running, FST_DEPLOY_canceled, stage, false);
  if (e == FST_ERR_CONFLICT) return FRL_ERR_NOT_RUNNING;
  if (e) return from_fst(e);
  fst_job *v;
  size_t n;
  if (fst_jobs_list(s, id, &v, &n)) return FRL_ERR_STORE;
  frl_err r = FRL_ERR_OK;
  for (size_t i = 0; i < n && !r; i++) r = job_edit(s, &v[i], ed_stop, R_CANCELED, now, NULL);
  free(v);
  return r;
}
