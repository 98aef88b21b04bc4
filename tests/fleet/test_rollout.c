/*
** test_rollout.c -- the rollout engine (fleet_rollout.h) driven by hand: a
** fake sender that records every message, a fake clock, devices played by
** the test (their job updates as a copilot sends them), on one backend:
**   test_rollout sqlite DIR | pg URL
** Every notify is checked with the copilot's own decoder (cop_dec_job).
*/
#include "cop.h"
#include "fleet_rollout.h"
#include "tcheck.h"

static const char *OLD = "0101010101010101010101010101010101010101010101010101010101010101";
static const char *NEW = "0202020202020202020202020202020202020202020202020202020202020202";
static const char *GONE = "0303030303030303030303030303030303030303030303030303030303030303";   /* never stored */
#define PUBLIC "https://fleet.example:8443"

static fst_store *S, *S2;
static int64_t clk = 1800000000000;

/* ---- the fake sender ---------------------------------------------------- */

typedef struct msg { char kind, device[128], job[80]; cop_job_msg m; } msg;
#define MAXMSG 512
static msg msgs[MAXMSG];
static int nmsg;
static int refuse;   /* the sender fails while set */

static int record(char kind, const char *device, const char *job, const char *json) {
  if (refuse) return 1;
  REQUIRE(nmsg < MAXMSG);
  msg *m = &msgs[nmsg++];
  m->kind = kind;
  snprintf(m->device, sizeof m->device, "%s", device);
  snprintf(m->job, sizeof m->job, "%s", job);
  cop_why why;
  cop_err e = cop_dec_job(json, strlen(json), &m->m, &why);
  CHECK(e == COP_E_OK, "%s: the copilot refuses it (err %d, field %s)", json, e, why.field ? why.field : "-");
  CHECK(!strcmp(m->m.id, job) && m->m.cancel == (kind == 'C'), "%s", json);
  return 0;
}
static int send_job(void *u, const char *d, const char *j, const char *json) { (void)u; return record('J', d, j, json); }
static int send_cancel(void *u, const char *d, const char *j, const char *json) { (void)u; return record('C', d, j, json); }
static const frl_sender snd = { NULL, send_job, send_cancel, PUBLIC, NULL, NULL };

/* messages of a kind to a device since message `from` */
static int count(int from, char kind, const char *device) {
  int c = 0;
  for (int i = from; i < nmsg; i++) c += msgs[i].kind == kind && !strcmp(msgs[i].device, device);
  return c;
}

/* ---- the fleet ---------------------------------------------------------- */

static void artifact(const char *sha, const char *version) {
  fst_artifact a = { .size = 300, .counter = 1, .created = 1 };
  strcpy(a.sha256, sha);
  strcpy(a.version, version);
  strcpy(a.filename, "p.c");
  uint8_t blob[300] = { 1 };
  REQUIRE(fst_artifact_put(S, &a, blob, sizeof blob) == FST_ERR_OK, "%s", fst_errmsg(S));
}

static char names[64][16];
static const char *devp[64];
/* devices PREFIX-00.. running `running` */
static void devices(const char *prefix, int n, const char *running) {
  for (int i = 0; i < n; i++) {
    fst_device d = { .online = true, .last_seen = clk };
    snprintf(names[i], sizeof names[i], "%s-%02d", prefix, i);
    devp[i] = names[i];
    strcpy(d.id, names[i]);
    strcpy(d.running_sha, running);
    REQUIRE(fst_device_upsert(S, &d) == FST_ERR_OK);
  }
}

static int64_t deploy(int n, const int *stages, int nst, int64_t max_failures, int64_t timeout_s, bool rollback) {
  frl_spec sp = { NEW, "{\"devices\":[]}", stages, nst, max_failures, timeout_s, rollback, "test", devp, (size_t)n };
  int64_t id = 0;
  frl_err e = frl_create(S, &sp, &id);
  REQUIRE(e == FRL_ERR_OK && id > 0, "%s: %s", frl_err_name(e), fst_errmsg(S));
  return id;
}

/* as fleetd does: tick while there is work (one deployment per call) */
static frl_err ticks(void) {
  frl_err r = FRL_ERR_OK;
  for (int i = 0; i < 4; i++) {
    frl_err e = frl_tick(S, clk, "fleetd-a", &snd);
    if (e == FRL_ERR_IDLE) break;
    if (e && !r) r = e;
  }
  return r;
}

static fst_job job_of(int64_t dep, const char *device, bool rollback) {
  fst_job *v, j = { .id = 0 };
  size_t n;
  REQUIRE(fst_jobs_list(S, dep, &v, &n) == FST_ERR_OK);
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v[i].device, device) && v[i].rollback == rollback) j = v[i];
  free(v);
  return j;
}
static const char *jid(int64_t dep, const char *device, bool rollback) {
  static char b[4][FRL_JOB_ID_MAX + 1];
  static int k;
  fst_job j = job_of(dep, device, rollback);
  char *o = b[k++ % 4];
  frl_job_id(o, dep, j.id);
  return o;
}
static fst_deploy_state dstate(int64_t dep, bool *settled) {
  fst_deployment d;
  REQUIRE(fst_deployment_get(S, dep, &d) == FST_ERR_OK);
  fst_deployment_free(&d);
  if (settled) *settled = d.settled;
  return d.state;
}
static char *desired(const char *device) {
  static char b[65];
  fst_device d;
  REQUIRE(fst_device_get(S, device, &d) == FST_ERR_OK);
  strcpy(b, d.desired_sha);
  fst_device_free(&d);
  return b;
}

/* a device's report */
static frl_err upd(const char *device, const char *job, const char *state, const char *phase, const char *reason,
                   int percent, int64_t seq) {
  frl_job_update u = { device, job, state, phase, reason, percent, seq, NULL, clk };
  return frl_on_job_update(S, &u);
}
/* what a copilot reports for an install that ends `state`/`reason` */
static void play(const char *device, const char *job, const char *state, const char *reason) {
  CHECK(upd(device, job, "IN_PROGRESS", "downloading", NULL, 50, 1) == FRL_ERR_OK, "%s", job);
  CHECK(upd(device, job, "IN_PROGRESS", "programming", NULL, 40, 2) == FRL_ERR_OK, "%s", job);
  CHECK(upd(device, job, "IN_PROGRESS", "trial", NULL, -1, 3) == FRL_ERR_OK, "%s", job);
  CHECK(upd(device, job, state, NULL, reason, -1, 4) == FRL_ERR_OK, "%s %s", job, state);
}

/* ---- cases -------------------------------------------------------------- */

static void t_staged_success(void) {
  devices("ok", 10, OLD);
  static const int st[] = { 10, 50, 100 };
  int64_t dep = deploy(10, st, 3, 0, 600, true);
  int m0 = nmsg;
  /* a sender that fails: nothing counts as sent, it is owed again */
  refuse = 1;
  CHECK(ticks() == FRL_ERR_SEND);
  refuse = 0;
  CHECK(nmsg == m0);
  CHECK(ticks() == FRL_ERR_OK);
  CHECK(nmsg == m0 + 1 && count(m0, 'J', "ok-00") == 1, "%d", nmsg - m0);
  const msg *m = &msgs[m0];
  uint8_t want[32];
  unhex(want, NEW);
  CHECK(!memcmp(m->m.sha256, want, 32) && m->m.size == 300 && m->m.timeout_s == 600 &&
        m->m.trial_s == FRL_TRIAL_S && m->m.version[0] == 2 && m->m.version[1] == 0 && m->m.version[2] == 1);
  CHECK(!strcmp(m->m.url, PUBLIC "/api/v1/artifacts/0202020202020202020202020202020202020202020202020202020202020202/content"),
        "%s", m->m.url);
  CHECK(!strcmp(desired("ok-00"), NEW) && !strcmp(desired("ok-01"), ""));
  CHECK(ticks() == FRL_ERR_OK && nmsg == m0 + 1);   /* stage 0 is not done */
  play("ok-00", jid(dep, "ok-00", false), "SUCCEEDED", "confirmed");
  CHECK(job_of(dep, "ok-00", false).state == FST_JOB_SUCCEEDED && job_of(dep, "ok-00", false).progress == 100);
  int m1 = nmsg;
  CHECK(ticks() == FRL_ERR_OK);
  /* stage 1: the first ceil(50% of 10) = 5, so ok-01..ok-04 */
  CHECK(nmsg == m1 + 4 && count(m1, 'J', "ok-01") && count(m1, 'J', "ok-04") && !count(m1, 'J', "ok-05"));
  CHECK(dstate(dep, NULL) == FST_DEPLOY_running);
  for (int i = 1; i < 4; i++) play(names[i], jid(dep, names[i], false), "SUCCEEDED", "confirmed");
  CHECK(ticks() == FRL_ERR_OK && nmsg == m1 + 4);   /* ok-04 still going */
  play("ok-04", jid(dep, "ok-04", false), "SUCCEEDED", "already_installed");
  int m2 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m2 + 5 && count(m2, 'J', "ok-09") == 1);
  for (int i = 5; i < 10; i++) play(names[i], jid(dep, names[i], false), "SUCCEEDED", "confirmed");
  CHECK(ticks() == FRL_ERR_OK);
  bool settled = false;
  CHECK(dstate(dep, &settled) == FST_DEPLOY_succeeded && settled);
  for (int i = 0; i < 10; i++) CHECK(count(m0, 'J', names[i]) == 1 && !count(m0, 'C', names[i]), "%s", names[i]);
  CHECK(nmsg == m2 + 5);
  CHECK(frl_tick(S, clk, "fleetd-a", &snd) == FRL_ERR_IDLE);
}

static void t_halt(void) {
  devices("ht", 10, OLD);
  fst_device odd = { .online = true };
  strcpy(odd.id, "ht-02");
  strcpy(odd.running_sha, GONE);   /* runs something the store does not have */
  REQUIRE(fst_device_upsert(S, &odd) == FST_ERR_OK);
  static const int st[] = { 30, 70, 100 };
  int64_t dep = deploy(10, st, 3, 1, 600, true);
  int m0 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m0 + 3);
  play("ht-00", jid(dep, "ht-00", false), "SUCCEEDED", "confirmed");
  play("ht-01", jid(dep, "ht-01", false), "FAILED", "trial_faulted");
  play("ht-02", jid(dep, "ht-02", false), "SUCCEEDED", "confirmed");
  int m1 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m1 + 4);   /* one failure is allowed: ht-03..ht-06 */
  CHECK(upd("ht-03", jid(dep, "ht-03", false), "REJECTED", NULL, "counter_below_floor", -1, 1) == FRL_ERR_OK);
  CHECK(upd("ht-04", jid(dep, "ht-04", false), "IN_PROGRESS", "programming", NULL, 10, 1) == FRL_ERR_OK);
  CHECK(upd("ht-05", jid(dep, "ht-05", false), "IN_PROGRESS", "downloading", NULL, 10, 1) == FRL_ERR_OK);
  /* ht-06 has not answered (QUEUED) */
  int m2 = nmsg;
  CHECK(ticks() == FRL_ERR_OK);
  bool settled = true;
  CHECK(dstate(dep, &settled) == FST_DEPLOY_halted && !settled);
  /* cancels for the jobs not programming yet; rollback for those that installed */
  CHECK(count(m2, 'C', "ht-05") == 1 && count(m2, 'C', "ht-06") == 1 && !count(m2, 'C', "ht-04"));
  CHECK(count(m2, 'J', "ht-00") == 1 && !count(m2, 'J', "ht-02"));
  for (int i = m2; i < nmsg; i++)
    if (msgs[i].kind == 'J') {
      uint8_t want[32];
      unhex(want, OLD);
      CHECK(!memcmp(msgs[i].m.sha256, want, 32) && !strcmp(msgs[i].job, jid(dep, "ht-00", true)));
    }
  CHECK(job_of(dep, "ht-02", true).state == FST_JOB_FAILED && !strcmp(job_of(dep, "ht-02", true).reason, "no_artifact"));
  CHECK(!strcmp(desired("ht-00"), OLD) && !strcmp(desired("ht-02"), NEW));
  /* the last stage never gets anything */
  for (int i = 7; i < 10; i++) {
    fst_job j = job_of(dep, names[i], false);
    CHECK(j.state == FST_JOB_CANCELED && !strcmp(j.reason, "halted") && !j.sent && !count(0, 'J', names[i]) &&
          !count(0, 'C', names[i]) && !strcmp(desired(names[i]), ""), "%s", names[i]);
  }
  /* a job the device never got cannot be reported on */
  CHECK(upd("ht-08", jid(dep, "ht-08", false), "SUCCEEDED", NULL, "confirmed", -1, 1) == FRL_ERR_UNKNOWN_JOB);
  /* ht-04 was programming: it goes on, and its success after the halt gets a rollback too */
  CHECK(upd("ht-04", jid(dep, "ht-04", false), "SUCCEEDED", NULL, "confirmed", -1, 2) == FRL_ERR_OK);
  CHECK(upd("ht-05", jid(dep, "ht-05", false), "CANCELED", NULL, "canceled", -1, 2) == FRL_ERR_OK);
  CHECK(!strcmp(desired("ht-05"), OLD));
  int m3 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && count(m3, 'J', "ht-04") == 1 && nmsg == m3 + 1);
  CHECK(dstate(dep, &settled) == FST_DEPLOY_halted && !settled);   /* ht-06 and the rollbacks are open */
  CHECK(upd("ht-06", jid(dep, "ht-06", false), "CANCELED", NULL, "canceled", -1, 1) == FRL_ERR_OK);
  play("ht-00", jid(dep, "ht-00", true), "SUCCEEDED", "confirmed");
  play("ht-04", jid(dep, "ht-04", true), "SUCCEEDED", "confirmed");
  CHECK(ticks() == FRL_ERR_OK);
  CHECK(dstate(dep, &settled) == FST_DEPLOY_halted && settled);
  CHECK(frl_failures(&(fst_job){ .state = FST_JOB_TIMED_OUT }, 1) == 1);
}

static void t_cancel(void) {
  devices("cn", 6, OLD);
  static const int st[] = { 50, 100 };
  int64_t dep = deploy(6, st, 2, 0, 600, true);
  int m0 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m0 + 3);
  CHECK(upd("cn-00", jid(dep, "cn-00", false), "IN_PROGRESS", "programming", NULL, 60, 1) == FRL_ERR_OK);
  CHECK(upd("cn-01", jid(dep, "cn-01", false), "IN_PROGRESS", "verifying", NULL, -1, 1) == FRL_ERR_OK);
  CHECK(frl_cancel(S, dep, clk) == FRL_ERR_OK);
  CHECK(frl_cancel(S, dep, clk) == FRL_ERR_NOT_RUNNING);
  CHECK(frl_cancel(S, 987654, clk) == FRL_ERR_NOTFOUND);
  CHECK(dstate(dep, NULL) == FST_DEPLOY_canceled);
  for (int i = 3; i < 6; i++)
    CHECK(job_of(dep, names[i], false).state == FST_JOB_CANCELED && !strcmp(job_of(dep, names[i], false).reason, "canceled"));
  int m1 = nmsg;
  CHECK(ticks() == FRL_ERR_OK);
  CHECK(nmsg == m1 + 2 && count(m1, 'C', "cn-01") == 1 && count(m1, 'C', "cn-02") == 1 && !count(m1, 'C', "cn-00"));
  CHECK(ticks() == FRL_ERR_OK && nmsg == m1 + 2);   /* sent once */
  CHECK(upd("cn-01", jid(dep, "cn-01", false), "CANCELED", NULL, "canceled", -1, 2) == FRL_ERR_OK);
  CHECK(upd("cn-02", jid(dep, "cn-02", false), "CANCELED", NULL, "canceled", -1, 1) == FRL_ERR_OK);
  CHECK(upd("cn-00", jid(dep, "cn-00", false), "SUCCEEDED", NULL, "confirmed", -1, 2) == FRL_ERR_OK);
  CHECK(!strcmp(desired("cn-01"), OLD) && !strcmp(desired("cn-00"), NEW) && !strcmp(desired("cn-04"), ""));
  bool settled = false;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m1 + 2);   /* no rollback on cancel */
  CHECK(dstate(dep, &settled) == FST_DEPLOY_canceled && settled);
  for (int i = 3; i < 6; i++) CHECK(!count(0, 'J', names[i]) && !count(0, 'C', names[i]));
}

static void t_offline(void) {
  devices("of", 4, OLD);
  static const int st[] = { 100 };
  int64_t dep = deploy(4, st, 1, 2, 60, false);
  int m0 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m0 + 4);
  play("of-00", jid(dep, "of-00", false), "SUCCEEDED", "confirmed");
  /* of-03 starts, goes on trial and is never heard of again */
  CHECK(upd("of-03", jid(dep, "of-03", false), "IN_PROGRESS", "trial", NULL, -1, 1) == FRL_ERR_OK);
  clk += 30000;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m0 + 4);
  /* of-01 comes back: its pending job is sent again */
  CHECK(frl_device_online(S, "of-01") == FRL_ERR_OK);
  CHECK(frl_device_online(S, "of-00") == FRL_ERR_OK);   /* nothing pending */
  CHECK(frl_device_online(S, "bad/id") == FRL_ERR_INVALID);
  int m1 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && nmsg == m1 + 1 && count(m1, 'J', "of-01") == 1);
  CHECK(!strcmp(msgs[m1].job, jid(dep, "of-01", false)));
  play("of-01", jid(dep, "of-01", false), "SUCCEEDED", "confirmed");
  /* of-02 stays away past job_timeout_s: TIMED_OUT, and a cancel waits for it */
  clk += 31000;
  int m2 = nmsg;
  CHECK(ticks() == FRL_ERR_OK);
  fst_job j2 = job_of(dep, "of-02", false), j3 = job_of(dep, "of-03", false);
  CHECK(j2.state == FST_JOB_TIMED_OUT && !strcmp(j2.reason, "deadline") && count(m2, 'C', "of-02") == 1);
  CHECK(j3.state == FST_JOB_IN_PROGRESS);   /* on trial it has the trial time too */
  CHECK(frl_device_online(S, "of-02") == FRL_ERR_OK);
  int m3 = nmsg;
  CHECK(ticks() == FRL_ERR_OK && !count(m3, 'J', "of-02"));   /* nothing pending any more */
  CHECK(upd("of-02", jid(dep, "of-02", false), "IN_PROGRESS", "downloading", NULL, 1, 1) == FRL_ERR_STALE);
  clk += (int64_t)(60 + FRL_TRIAL_S + FRL_GRACE_S) * 1000;
  CHECK(ticks() == FRL_ERR_OK);
  j3 = job_of(dep, "of-03", false);
  CHECK(j3.state == FST_JOB_TIMED_OUT && !strcmp(j3.reason, "trial_timeout"));
  bool settled = false;
  CHECK(dstate(dep, &settled) == FST_DEPLOY_succeeded && settled);   /* 2 timed out, 2 allowed */
}

/* Owner A's sender tries owner B's tick from inside A's tick (another
** connection): B finds nothing to claim while A holds the lease. */
static int nested_idle = -1, nested_sent;
static int send_nested(void *u, const char *d, const char *j, const char *json) {
  (void)u;
  if (nested_idle < 0) {
    int before = nmsg;
    nested_idle = frl_tick(S2, clk, "fleetd-b", &snd) == FRL_ERR_IDLE;
    nested_sent = nmsg - before;
  }
  return record('J', d, j, json);
}

static void t_two_owners(void) {
  devices("two", 2, OLD);
  static const int st[] = { 50, 100 };
  int64_t dep = deploy(2, st, 2, 0, 600, false);
  frl_sender a = snd;
  a.send_job = send_nested;
  int m0 = nmsg;
  CHECK(frl_tick(S, clk, "fleetd-a", &a) == FRL_ERR_OK);
  CHECK(nested_idle == 1 && nested_sent == 0, "%d %d", nested_idle, nested_sent);
  CHECK(nmsg == m0 + 1);
  /* a lease held elsewhere: B waits; A's own claim is given back */
  int64_t cid;
  REQUIRE(fst_deployment_claim(S, "fleetd-c", 60000, &cid) == FST_ERR_OK && cid == dep);
  play("two-00", jid(dep, "two-00", false), "SUCCEEDED", "confirmed");
  CHECK(frl_tick(S2, clk, "fleetd-b", &snd) == FRL_ERR_IDLE && nmsg == m0 + 1);
  CHECK(fst_deployment_release(S, dep, "fleetd-c") == FST_ERR_OK);
  CHECK(frl_tick(S2, clk, "fleetd-b", &snd) == FRL_ERR_OK && nmsg == m0 + 2 && count(m0, 'J', "two-01") == 1);
  CHECK(frl_tick(S, clk, "fleetd-a", &snd) == FRL_ERR_OK && nmsg == m0 + 2);   /* nothing twice */
  play("two-01", jid(dep, "two-01", false), "SUCCEEDED", "confirmed");
  CHECK(frl_tick(S2, clk, "fleetd-b", &snd) == FRL_ERR_OK);
  CHECK(dstate(dep, NULL) == FST_DEPLOY_succeeded);
}

static void t_updates(void) {
  devices("up", 2, OLD);
  static const int st[] = { 50, 100 };
  int64_t dep = deploy(2, st, 2, 0, 600, false);
  CHECK(ticks() == FRL_ERR_OK);
  const char *j = jid(dep, "up-00", false);
  char other[FRL_JOB_ID_MAX + 1];
  frl_job_id(other, 987654, 987654);
  CHECK(upd("up-00", other, "QUEUED", NULL, NULL, -1, 1) == FRL_ERR_UNKNOWN_JOB);
  CHECK(upd("up-00", "not-ours", "QUEUED", NULL, NULL, -1, 1) == FRL_ERR_UNKNOWN_JOB);
  frl_job_id(other, dep + 1, job_of(dep, "up-00", false).id);   /* right job, wrong deployment */
  CHECK(upd("up-00", other, "QUEUED", NULL, NULL, -1, 1) == FRL_ERR_UNKNOWN_JOB);
  CHECK(upd("up-01", jid(dep, "up-01", false), "QUEUED", NULL, NULL, -1, 1) == FRL_ERR_UNKNOWN_JOB);   /* not sent */
  CHECK(upd("up-01", j, "FAILED", NULL, "download", -1, 1) == FRL_ERR_WRONG_DEVICE);
  frl_job_update w = { "up-00", j, "FAILED", NULL, "download", -1, 1, OLD, clk };
  CHECK(frl_on_job_update(S, &w) == FRL_ERR_WRONG_DEVICE);
  w.sha256 = "xyz";
  CHECK(frl_on_job_update(S, &w) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("up-00", j, "DONE", NULL, NULL, -1, 1) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("up-00", j, "IN_PROGRESS", "flashing", NULL, -1, 1) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("up-00", j, "FAILED", NULL, "x'); DROP TABLE jobs; --", -1, 1) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("up-00", j, "IN_PROGRESS", "downloading", NULL, 101, 1) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("up-00", j, "SUCCEEDED", NULL, NULL, -1, 9) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("up-00", j, "SUCCEEDED", NULL, "download", -1, 9) == FRL_ERR_BAD_UPDATE);
  CHECK(upd("bad/device", j, "QUEUED", NULL, NULL, -1, 1) == FRL_ERR_BAD_UPDATE);
  CHECK(frl_on_job_update(S, NULL) == FRL_ERR_INVALID);
  /* order */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, 40, 3) == FRL_ERR_OK);
  CHECK(upd("up-00", j, "IN_PROGRESS", "downloading", NULL, 90, 2) == FRL_ERR_STALE);   /* older seq */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, 40, 3) == FRL_ERR_STALE);   /* duplicate */
  CHECK(upd("up-00", j, "IN_PROGRESS", "downloading", NULL, 90, 4) == FRL_ERR_STALE);   /* earlier phase */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, 30, 5) == FRL_ERR_STALE);   /* less progress */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, -1, 5) == FRL_ERR_OK);      /* newer, same content */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, 45, 4) == FRL_ERR_STALE);   /* late: only seq says so */
  CHECK(upd("up-00", j, "QUEUED", NULL, NULL, -1, 6) == FRL_ERR_STALE);                 /* backwards */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, 70, 0) == FRL_ERR_OK);       /* no seq: by content */
  CHECK(upd("up-00", j, "IN_PROGRESS", "programming", NULL, 70, 0) == FRL_ERR_STALE);
  fst_job g = job_of(dep, "up-00", false);
  CHECK(g.state == FST_JOB_IN_PROGRESS && !strcmp(g.phase, "programming") && g.progress == 70 && g.seq == 5);
  CHECK(upd("up-00", j, "SUCCEEDED", NULL, "confirmed", -1, 7) == FRL_ERR_OK);
  CHECK(upd("up-00", j, "FAILED", NULL, "trial_faulted", -1, 8) == FRL_ERR_STALE);       /* after the end */
  CHECK(upd("up-00", j, "SUCCEEDED", NULL, "confirmed", -1, 7) == FRL_ERR_STALE);
  g = job_of(dep, "up-00", false);
  CHECK(g.state == FST_JOB_SUCCEEDED && !strcmp(g.reason, "confirmed") && g.progress == 100 && g.seq == 7);
  CHECK(frl_cancel(S, dep, clk) == FRL_ERR_OK && ticks() == FRL_ERR_OK);
}

static void t_create_checks(void) {
  devices("cr", 3, OLD);
  static const int st[] = { 50, 100 }, bad1[] = { 50, 40 }, bad2[] = { 10, 90 }, bad3[] = { 0, 100 };
  frl_spec sp = { NEW, "{}", st, 2, 0, 60, false, "t", devp, 3 };
  CHECK(!frl_check_spec(&sp));
  frl_spec b = sp;
  b.stages = bad1;
  CHECK(frl_check_spec(&b) && frl_create(S, &b, NULL) == FRL_ERR_INVALID);
  b.stages = bad2;
  CHECK(frl_check_spec(&b));
  b.stages = bad3;
  CHECK(frl_check_spec(&b));
  b = sp;
  b.job_timeout_s = 0;
  CHECK(frl_check_spec(&b));
  b = sp;
  b.max_failures = -1;
  CHECK(frl_check_spec(&b));
  b = sp;
  b.artifact = "NOTHEX";
  CHECK(frl_check_spec(&b));
  const char *dup[] = { "cr-00", "cr-01", "cr-00" };
  b = sp;
  b.devices = dup;
  CHECK(frl_check_spec(&b) && strstr(frl_check_spec(&b), "twice"));
  const char *unknown[] = { "cr-00", "nobody" };
  b = sp;
  b.devices = unknown;
  b.ndevices = 2;
  CHECK(frl_create(S, &b, NULL) == FRL_ERR_NOTFOUND);
  b = sp;
  b.artifact = GONE;
  CHECK(frl_create(S, &b, NULL) == FRL_ERR_NOTFOUND);
  int64_t id = 0;
  CHECK(frl_create(S, &sp, &id) == FRL_ERR_OK);
  CHECK(frl_create(S, &sp, NULL) == FRL_ERR_CONFLICT);   /* the same devices, still running */
  /* stages: 3 devices at 50% -> 2, then the last */
  CHECK(job_of(id, "cr-00", false).stage == 0 && job_of(id, "cr-01", false).stage == 0 &&
        job_of(id, "cr-02", false).stage == 1 && !strcmp(job_of(id, "cr-02", false).previous_sha, OLD));
  CHECK(frl_cancel(S, id, clk) == FRL_ERR_OK && ticks() == FRL_ERR_OK);
  int64_t a, jb;
  CHECK(frl_job_id_parse("rollout-12.345", &a, &jb) && a == 12 && jb == 345);
  CHECK(!frl_job_id_parse("rollout-012.3", &a, &jb) && !frl_job_id_parse("rollout-1.", &a, &jb) &&
        !frl_job_id_parse("rollout-1.2x", &a, &jb) && !frl_job_id_parse("rollout--1.2", &a, &jb));
  frl_sender bad = snd;
  bad.public_url = "http://plain";
  CHECK(frl_tick(S, clk, "x", &bad) == FRL_ERR_INVALID);
  bad.public_url = PUBLIC "/";
  CHECK(frl_tick(S, clk, "x", &bad) == FRL_ERR_INVALID);
}

int main(int argc, char **argv) {
  REQUIRE(argc == 3, "usage: test_rollout sqlite DIR | pg URL");
  bool sq = !strcmp(argv[1], "sqlite");
  char err[512];
  REQUIRE(fst_open(sq ? argv[2] : NULL, sq ? NULL : argv[2], &S, err, sizeof err) == FST_ERR_OK, "%s", err);
  REQUIRE(fst_open(sq ? argv[2] : NULL, sq ? NULL : argv[2], &S2, err, sizeof err) == FST_ERR_OK, "%s", err);
  artifact(OLD, "1.0.0");
  artifact(NEW, "2.0.1");
  t_create_checks();
  t_staged_success();
  t_halt();
  t_cancel();
  t_offline();
  t_two_owners();
  t_updates();
  CHECK(frl_tick(S, clk, "fleetd-a", &snd) == FRL_ERR_IDLE);   /* everything settled */
  fst_close(S2);
  fst_close(S);
  return t_done(sq ? "fleet.rollout.sqlite" : "fleet.rollout.pg");
}
