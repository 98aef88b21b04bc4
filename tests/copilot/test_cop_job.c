/*
** test_cop_job.c -- the install job machine (cop_job.c) through every
** state and reason, its refusals (BUSY, CONFLICT, REPLAYED, TOO_LATE,
** NO_JOB), duplicates, and resume from a persisted record.
** Usage: test_cop_job refusals|success|failures|timeouts|dup|resume|encode|reverts
*/
#include <string.h>

#include "cop.h"
#include "cvm1.h"
#include "tcheck.h"

static cop_job J;
static cop_jact A;
static const uint8_t OLD[32] = { 0x01 }, NEW[32] = { 0x02 };

static cop_job_msg msg(const char *id, uint8_t sha) {
  cop_job_msg m;
  memset(&m, 0, sizeof m);
  snprintf(m.id, sizeof m.id, "%s", id);
  memset(m.sha256, sha, 32);
  m.size = 1000;
  snprintf(m.url, sizeof m.url, "https://backend/a");
  m.version[0] = 1;
  m.timeout_s = 100;
  m.trial_s = 10;
  return m;
}

static cop_dev dev(uint32_t boot, const uint8_t *digest, bool trial, uint8_t other, uint8_t reason) {
  cop_dev d;
  memset(&d, 0, sizeof d);
  d.known = true;
  d.boot_id = boot;
  d.running = 0;
  d.trial = trial;
  memcpy(d.digest, digest, 32);
  d.other_state = other;
  d.other_reason = reason;
  return d;
}

/* Every step leaves the record sealed and within bounds. */
static cop_jact step(const cop_jev *e) {
  A = cop_job_step(&J, e);
  CHECK(cop_job_check(&J), "event %u left a record that fails its check", e->type);
  return A;
}

static cop_jact ev(uint8_t type, uint64_t now) {
  cop_jev e = { .type = type, .now_ms = now };
  return step(&e);
}
static cop_jact ev_msg(uint8_t type, uint64_t now, const cop_job_msg *m, const cop_dev *d) {
  cop_jev e = { .type = type, .now_ms = now, .msg = m, .dev = d };
  return step(&e);
}
static cop_jact ev_off(uint8_t type, uint32_t off) {
  cop_jev e = { .type = type, .now_ms = 1000, .offset = off };
  return step(&e);
}
static cop_jact ev_dev(uint8_t type, uint64_t now, const cop_dev *d) {
  cop_jev e = { .type = type, .now_ms = now, .dev = d };
  return step(&e);
}
static cop_jact ev_digest(const uint8_t *dg, const cop_dev *d) {
  cop_jev e = { .type = COP_JE_DIGEST_OK, .now_ms = 1000, .digest = dg, .dev = d };
  return step(&e);
}
static cop_jact ev_refused(uint8_t st, uint32_t detail) {
  cop_jev e = { .type = COP_JE_PROG_REFUSED, .now_ms = 1000, .status = st, .detail = detail };
  return step(&e);
}

#define IS(st, ph) (J.state == COP_JS_##st && J.phase == COP_PH_##ph)
#define ENDED(st, rs) (J.state == COP_JS_##st && J.reason == COP_JR_##rs && J.phase == COP_PH_NONE)

/* A fresh job, driven to a phase. stage: 0 queued, 1 downloading, 2 verifying,
** 3 programming, 4 activating, 5 trial. The device runs OLD confirmed, boot 1. */
static void drive(int stage) {
  cop_job_init(&J);
  cop_job_msg m = msg("j1", 0xAA);
  cop_dev d = dev(1, OLD, false, LINK_BANK_EMPTY, 0);
  ev_msg(COP_JE_NOTIFY, 1000, &m, NULL);
  REQUIRE(IS(QUEUED, NONE) && (A.mask & COP_JA_STATUS) && (A.mask & COP_JA_PUBLISH) && (A.mask & COP_JA_PERSIST));
  if (stage < 1) return;
  ev_dev(COP_JE_STATUS, 1000, &d);
  REQUIRE(IS(IN_PROGRESS, DOWNLOADING) && (A.mask & COP_JA_DOWNLOAD));
  if (stage < 2) return;
  ev(COP_JE_DL_DONE, 1000);
  REQUIRE(IS(IN_PROGRESS, VERIFYING) && (A.mask & COP_JA_VERIFY));
  if (stage < 3) return;
  ev_digest(NEW, &d);
  REQUIRE(IS(IN_PROGRESS, PROGRAMMING) && (A.mask & COP_JA_INSTALL) && J.prog_offset == 0);
  if (stage < 4) return;
  ev_dev(COP_JE_PROG_DONE, 1000, &d);
  REQUIRE(IS(IN_PROGRESS, ACTIVATING) && (A.mask & COP_JA_ACTIVATE));
  if (stage < 5) return;
  ev(COP_JE_ACTIVATED, 2000);
  REQUIRE(IS(IN_PROGRESS, TRIAL) && J.trial_deadline_ms == 12000);
}

static void refusals(void) {
  cop_job_init(&J);
  CHECK(!cop_job_active(&J));
  /* a cancel for nothing: refused, and remembered, so the job's notify
  ** arriving after it never installs */
  cop_job_msg early = msg("j9", 0xAA);
  early.cancel = true;
  ev_msg(COP_JE_CANCEL, 1000, &early, NULL);
  CHECK(A.refused == COP_E_NO_JOB && A.mask == COP_JA_PERSIST, "mask %x", (unsigned)A.mask);
  early.cancel = false;
  ev_msg(COP_JE_NOTIFY, 1000, &early, NULL);
  CHECK(A.refused == COP_E_REPLAYED && !cop_job_active(&J), "the notify after its cancel");
  ev_msg(COP_JE_CANCEL, 1000, &early, NULL);
  CHECK(A.refused == COP_E_TOO_LATE && A.mask == 0, "a second cancel");
  cop_job_msg badc = msg("a/b", 0xAA);
  ev_msg(COP_JE_CANCEL, 1000, &badc, NULL);
  CHECK(A.refused == COP_E_NO_JOB && A.mask == 0, "a bad id is not remembered");
  cop_job_msg bad = msg("a/b", 0xAA);
  ev_msg(COP_JE_NOTIFY, 1000, &bad, NULL);
  CHECK(A.refused == COP_E_BAD_ID && !cop_job_active(&J));
  ev_msg(COP_JE_NOTIFY, 1000, NULL, NULL);
  CHECK(A.refused == COP_E_BAD_ID);
  bad = msg("j0", 0xAA);
  bad.size = 0;
  ev_msg(COP_JE_NOTIFY, 1000, &bad, NULL);
  CHECK(A.refused == COP_E_RANGE && !cop_job_active(&J));
  /* events with no job do nothing */
  for (uint8_t t = COP_JE_DL_PROGRESS; t <= COP_JE_TICK; t++) {
    cop_dev d = dev(1, OLD, false, 0, 0);
    cop_jev e = { .type = t, .now_ms = 1 << 30, .dev = &d, .digest = NEW };
    A = cop_job_step(&J, &e);
    CHECK(A.mask == 0 && A.refused == COP_E_OK && !cop_job_active(&J), "event %u on an empty slot", t);
  }

  drive(1);
  cop_job_msg other = msg("j2", 0xBB);
  ev_msg(COP_JE_NOTIFY, 1000, &other, NULL);
  CHECK(A.refused == COP_E_BUSY && A.mask == 0 && !strcmp(J.m.id, "j1"), "one job at a time");
  cop_job_msg conflict = msg("j1", 0xBB);
  ev_msg(COP_JE_NOTIFY, 1000, &conflict, NULL);
  CHECK(A.refused == COP_E_CONFLICT && IS(IN_PROGRESS, DOWNLOADING));
  conflict = msg("j1", 0xAA);
  conflict.size = 999;
  ev_msg(COP_JE_NOTIFY, 1000, &conflict, NULL);
  CHECK(A.refused == COP_E_CONFLICT, "another size is another artifact");
  ev_msg(COP_JE_CANCEL, 1000, &other, NULL);
  CHECK(A.refused == COP_E_NO_JOB && IS(IN_PROGRESS, DOWNLOADING), "a cancel for another job");

  /* cancel: fine while downloading / verifying, too late from programming on */
  for (int stage = 0; stage <= 5; stage++) {
    drive(stage);
    cop_job_msg c = msg("j1", 0);
    c.cancel = true;
    ev_msg(COP_JE_NOTIFY, 1000, &c, NULL);   /* a cancel comes as a notify with cancel */
    if (stage <= 2) {
      CHECK(ENDED(CANCELED, CANCELED) && A.refused == COP_E_OK && (A.mask & COP_JA_DISCARD), "stage %d", stage);
      CHECK(!!(A.mask & COP_JA_ABORT_DL) == (stage == 1), "stage %d: abort the download", stage);
      ev_msg(COP_JE_CANCEL, 1000, NULL, NULL);
      CHECK(A.refused == COP_E_OK && A.mask == (COP_JA_PUBLISH | COP_JA_PERSIST), "a second cancel: reported again");
    } else {
      CHECK(A.refused == COP_E_TOO_LATE && J.state == COP_JS_IN_PROGRESS, "stage %d", stage);
      CHECK(!(A.mask & (COP_JA_ABORT_DL | COP_JA_DISCARD)));
    }
  }
  /* a cancel of a finished job, and of a job from the past */
  drive(5);
  cop_dev d2 = dev(2, NEW, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 3000, &d2);
  REQUIRE(ENDED(SUCCEEDED, CONFIRMED));
  ev_msg(COP_JE_CANCEL, 3000, NULL, NULL);
  CHECK(A.refused == COP_E_TOO_LATE && ENDED(SUCCEEDED, CONFIRMED));
  cop_job_msg j2 = msg("j2", 0xBB);
  ev_msg(COP_JE_NOTIFY, 4000, &j2, NULL);
  REQUIRE(A.refused == COP_E_OK && J.state == COP_JS_QUEUED && !strcmp(J.m.id, "j2") && !strcmp(J.past[0], "j1"));
  cop_job_msg c1 = msg("j1", 0);
  ev_msg(COP_JE_CANCEL, 4000, &c1, NULL);
  CHECK(A.refused == COP_E_TOO_LATE, "the past job has ended");
}

static void success(void) {
  drive(1);
  /* progress: the record on each percent, a report at 10% steps */
  uint32_t ups = J.updates;
  ev_off(COP_JE_DL_PROGRESS, 5);
  CHECK(A.mask == 0 && J.dl_offset == 5 && J.percent == 0, "under one percent: nothing to do");
  ev_off(COP_JE_DL_PROGRESS, 50);
  CHECK(A.mask == COP_JA_PERSIST && J.percent == 5);
  ev_off(COP_JE_DL_PROGRESS, 100);
  CHECK(A.mask == (COP_JA_PERSIST | COP_JA_PUBLISH) && J.percent == 10 && J.updates == ups + 1);
  ev_off(COP_JE_DL_PROGRESS, 5000);
  CHECK(J.dl_offset == 1000 && J.percent == 100, "clamped to the size");
  cop_dev d = dev(1, OLD, false, LINK_BANK_EMPTY, 0);
  ev(COP_JE_DL_DONE, 1000);
  ev_digest(NEW, &d);
  REQUIRE(IS(IN_PROGRESS, PROGRAMMING) && J.has_image && !memcmp(J.image, NEW, 32) && J.percent == 0);
  ev_off(COP_JE_PROG_PROGRESS, 500);
  CHECK(J.prog_offset == 500 && J.percent == 50 && (A.mask & COP_JA_PUBLISH));
  /* events of other phases are ignored */
  ev(COP_JE_DL_DONE, 1000);
  ev(COP_JE_ACTIVATED, 1000);
  ev(COP_JE_REVERTED, 1000);
  CHECK(IS(IN_PROGRESS, PROGRAMMING) && A.mask == 0);
  cop_dev d1b = dev(5, OLD, false, LINK_BANK_EMPTY, 0);   /* the device rebooted meanwhile */
  ev_dev(COP_JE_STATUS, 1000, &d1b);
  CHECK(J.boot_before == 5);
  ev_dev(COP_JE_PROG_DONE, 1000, &d1b);
  ev(COP_JE_ACTIVATED, 2000);
  REQUIRE(IS(IN_PROGRESS, TRIAL));
  /* not rebooted yet; then on trial (its health check): still in progress */
  ev_dev(COP_JE_STATUS, 2100, &d1b);
  CHECK(IS(IN_PROGRESS, TRIAL) && A.mask == 0);
  cop_dev tri = dev(6, NEW, true, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 2200, &tri);
  CHECK(IS(IN_PROGRESS, TRIAL) && A.mask == 0, "on trial is not success");
  /* the new image confirmed but in the old boot: impossible, never success */
  cop_dev same_boot = dev(5, NEW, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 2300, &same_boot);
  CHECK(IS(IN_PROGRESS, TRIAL), "no new boot, no success");
  ev(COP_JE_TICK, 2400);
  CHECK(A.mask == COP_JA_STATUS, "a tick on trial asks the device");
  cop_dev ok = dev(6, NEW, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 2500, &ok);
  CHECK(ENDED(SUCCEEDED, CONFIRMED) && (A.mask & COP_JA_PUBLISH) && (A.mask & COP_JA_PERSIST) && (A.mask & COP_JA_DISCARD));
  ev(COP_JE_TICK, 1u << 30);
  CHECK(ENDED(SUCCEEDED, CONFIRMED) && A.mask == 0, "ended jobs do not time out");

  /* already installed: known at notify (image digest given, device known) */
  cop_job_init(&J);
  cop_job_msg m = msg("j1", 0xAA);
  m.has_image = true;
  memcpy(m.image, NEW, 32);
  cop_dev runs = dev(3, NEW, false, LINK_BANK_CONFIRMED, 0);
  ev_msg(COP_JE_NOTIFY, 1000, &m, &runs);
  CHECK(ENDED(SUCCEEDED, ALREADY_INSTALLED) && !(A.mask & COP_JA_DOWNLOAD));
  /* ... or at the first STATUS */
  cop_job_init(&J);
  ev_msg(COP_JE_NOTIFY, 1000, &m, NULL);
  ev_dev(COP_JE_STATUS, 1000, &runs);
  CHECK(ENDED(SUCCEEDED, ALREADY_INSTALLED));
  /* running on trial is not "installed": the job goes on */
  cop_job_init(&J);
  cop_dev trial_runs = dev(3, NEW, true, LINK_BANK_CONFIRMED, 0);
  ev_msg(COP_JE_NOTIFY, 1000, &m, &trial_runs);
  CHECK(IS(IN_PROGRESS, DOWNLOADING));
  /* ... or only after the download, from the artifact's image digest */
  drive(2);
  ev_digest(NEW, &runs);
  CHECK(ENDED(SUCCEEDED, ALREADY_INSTALLED) && (A.mask & COP_JA_DISCARD));
}

static void failures(void) {
  drive(1);
  ev(COP_JE_DL_FAILED, 1000);
  CHECK(ENDED(FAILED, DOWNLOAD) && (A.mask & COP_JA_ABORT_DL) && (A.mask & COP_JA_DISCARD));
  drive(2);
  ev(COP_JE_DIGEST_BAD, 1000);
  CHECK(ENDED(FAILED, DIGEST));
  /* the image digest named in the job differs from the artifact's */
  cop_job_init(&J);
  cop_job_msg m = msg("j1", 0xAA);
  m.has_image = true;
  memcpy(m.image, OLD, 32);
  cop_dev d = dev(1, OLD, true, 0, 0);
  ev_msg(COP_JE_NOTIFY, 1000, &m, &d);
  ev(COP_JE_DL_DONE, 1000);
  ev_digest(NEW, &d);
  CHECK(ENDED(FAILED, DIGEST));
  /* no image digest from the job or the file: not a CVM1 artifact */
  drive(2);
  ev_digest(NULL, &d);
  CHECK(ENDED(REJECTED, ARTIFACT));

  /* the device's refusals, while programming and while activating */
  static const struct { uint8_t st; uint32_t detail; uint8_t state, reason; } r[] = {
    { LINK_ST_VERIFY, CVM1_ERR_SIGNATURE, COP_JS_REJECTED, COP_JR_SIGNATURE },
    { LINK_ST_VERIFY, CVM1_ERR_UNKNOWN_KEY, COP_JS_REJECTED, COP_JR_KEY },
    { LINK_ST_VERIFY, CVM1_ERR_UNSIGNED, COP_JS_REJECTED, COP_JR_KEY },
    { LINK_ST_VERIFY, CVM1_ERR_NO_KEYID, COP_JS_REJECTED, COP_JR_KEY },
    { LINK_ST_VERIFY, CVM1_ERR_ROLLBACK, COP_JS_REJECTED, COP_JR_COUNTER },
    { LINK_ST_ROLLBACK, 7, COP_JS_REJECTED, COP_JR_COUNTER },
    { LINK_ST_VERIFY, CVM1_ERR_ABI_VERSION, COP_JS_REJECTED, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_ABI_HASH, COP_JS_REJECTED, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_ISA_HASH, COP_JS_REJECTED, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_CAPS, COP_JS_REJECTED, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_VENDOR, COP_JS_REJECTED, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_CLASS, COP_JS_REJECTED, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_MAGIC, COP_JS_REJECTED, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_DIGEST, COP_JS_REJECTED, COP_JR_ARTIFACT },
    { LINK_ST_TOO_BIG, 0, COP_JS_REJECTED, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_NOMEM, COP_JS_FAILED, COP_JR_DEVICE_REFUSED },
    { LINK_ST_FLASH, 0, COP_JS_FAILED, COP_JR_DEVICE_REFUSED },
    { LINK_ST_TRIAL, 0, COP_JS_FAILED, COP_JR_DEVICE_REFUSED },
    { LINK_ST_DIGEST, 0, COP_JS_FAILED, COP_JR_DEVICE_REFUSED },
  };
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
    for (int stage = 3; stage <= 4; stage++) {
      drive(stage);
      ev_refused(r[i].st, r[i].detail);
      CHECK(J.state == r[i].state && J.reason == r[i].reason && J.dev_status == r[i].st && J.dev_detail == r[i].detail,
            "%s/%u at stage %d: %s %s", link_st_name((link_st)r[i].st), r[i].detail, stage,
            cop_jstate_name(J.state), cop_jreason_name(J.reason));
    }
  }
  drive(5);
  ev_refused(LINK_ST_FLASH, 0);
  CHECK(IS(IN_PROGRESS, TRIAL), "no install refusal on trial");

  /* the trial's verdicts */
  drive(5);
  cop_dev fault = dev(2, OLD, false, LINK_BANK_REJECTED, LINK_REASON_FAULT);
  ev_dev(COP_JE_STATUS, 3000, &fault);
  CHECK(ENDED(FAILED, TRIAL_FAULTED));
  drive(5);
  cop_dev nc = dev(2, OLD, false, LINK_BANK_REJECTED, LINK_REASON_NO_CONFIRM);
  ev_dev(COP_JE_STATUS, 3000, &nc);
  CHECK(ENDED(FAILED, TRIAL_NOT_CONFIRMED));
  drive(5);
  cop_dev vf = dev(2, OLD, false, LINK_BANK_REJECTED, LINK_REASON_VERIFY);
  ev_dev(COP_JE_STATUS, 3000, &vf);
  CHECK(ENDED(REJECTED, ARTIFACT), "refused at boot");
  drive(5);
  cop_dev pending = dev(2, OLD, false, LINK_BANK_PENDING, 0);
  ev_dev(COP_JE_STATUS, 3000, &pending);
  CHECK(IS(IN_PROGRESS, TRIAL), "the old program without a rejection: wait");
  cop_jev rv = { .type = COP_JE_REVERTED, .now_ms = 3000, .detail = LINK_REASON_FAULT };
  A = cop_job_step(&J, &rv);
  CHECK(ENDED(FAILED, TRIAL_FAULTED));
  drive(5);
  rv.detail = LINK_REASON_NONE;
  A = cop_job_step(&J, &rv);
  CHECK(ENDED(FAILED, TRIAL_NOT_CONFIRMED));
}

static void timeouts(void) {
  /* the job's deadline (timeout_s = 100 from 1000) in every phase before the trial */
  for (int stage = 0; stage <= 4; stage++) {
    drive(stage);
    ev(COP_JE_TICK, 100999);
    CHECK(J.state != COP_JS_TIMED_OUT && A.mask == 0, "stage %d: not yet", stage);
    ev(COP_JE_TICK, 101000);
    CHECK(ENDED(TIMED_OUT, DEADLINE) && (A.mask & COP_JA_PUBLISH), "stage %d", stage);
    CHECK(!!(A.mask & COP_JA_ABORT_DL) == (stage == 1));
  }
  /* on trial the trial's deadline counts (trial_s = 10 from 2000), not the job's */
  drive(5);
  ev(COP_JE_TICK, 11999);
  CHECK(IS(IN_PROGRESS, TRIAL));
  ev(COP_JE_TICK, 12000);
  CHECK(ENDED(TIMED_OUT, TRIAL_TIMEOUT));
  /* an offline device: the job never leaves QUEUED, and times out */
  drive(0);
  for (uint64_t t = 2000; t < 101000; t += 5000) ev(COP_JE_TICK, t);
  CHECK(IS(QUEUED, NONE));
  ev(COP_JE_TICK, 200000);
  CHECK(ENDED(TIMED_OUT, DEADLINE));
  /* a STATUS with an unknown device does not start it */
  drive(0);
  cop_dev unk = { 0 };
  ev_dev(COP_JE_STATUS, 1000, &unk);
  ev_dev(COP_JE_STATUS, 1000, NULL);
  CHECK(IS(QUEUED, NONE));
}

static void dup(void) {
  /* a redelivered notify at every stage: reported again, never restarted */
  for (int stage = 0; stage <= 5; stage++) {
    drive(stage);
    cop_job before = J;
    cop_job_msg m = msg("j1", 0xAA);
    m.timeout_s = 5000;   /* other details of the same artifact do not matter */
    cop_dev d = dev(1, OLD, false, 0, 0);
    ev_msg(COP_JE_NOTIFY, 50000, &m, &d);
    CHECK(A.refused == COP_E_OK && A.mask == (COP_JA_PUBLISH | COP_JA_PERSIST), "stage %d: mask %x", stage, A.mask);
    CHECK(J.state == before.state && J.phase == before.phase && J.deadline_ms == before.deadline_ms &&
          J.updates == before.updates + 1, "stage %d", stage);
  }
  /* after the end too, and a past job's id is refused as replayed */
  drive(5);
  cop_dev ok = dev(2, NEW, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 3000, &ok);
  REQUIRE(ENDED(SUCCEEDED, CONFIRMED));
  cop_job_msg m = msg("j1", 0xAA);
  ev_msg(COP_JE_NOTIFY, 4000, &m, &ok);
  CHECK(ENDED(SUCCEEDED, CONFIRMED) && A.mask == (COP_JA_PUBLISH | COP_JA_PERSIST), "an ended job is reported, not rerun");
  char id[8];
  for (int i = 2; i < 2 + (int)COP_JOB_PAST; i++) {
    snprintf(id, sizeof id, "j%d", i);
    cop_job_msg n = msg(id, (uint8_t)i);
    ev_msg(COP_JE_NOTIFY, 5000, &n, &ok);
    CHECK(A.refused == COP_E_OK && !strcmp(J.m.id, id));
    ev(COP_JE_TICK, 1u << 30);   /* ends it: TIMED_OUT */
    CHECK(J.state == COP_JS_TIMED_OUT);
    ev_msg(COP_JE_NOTIFY, 5000, &m, &ok);
    CHECK(A.refused == COP_E_REPLAYED, "j1 after %s", id);
  }
  cop_job_msg n = msg("j9", 9);
  ev_msg(COP_JE_NOTIFY, 5000, &n, &ok);
  CHECK(A.refused == COP_E_OK && !strcmp(J.past[COP_JOB_PAST - 1], "j2"), "the oldest past id is forgotten");
  cop_job_msg again2 = msg("j3", 3);
  ev(COP_JE_TICK, 1u << 30);
  ev_msg(COP_JE_NOTIFY, 5000, &again2, &ok);
  CHECK(A.refused == COP_E_REPLAYED);
}

/* The record survives as bytes: a copy of it resumes; damage is refused. */
static void resume(void) {
  for (int stage = 0; stage <= 5; stage++) {
    drive(stage);
    if (stage == 1) ev_off(COP_JE_DL_PROGRESS, 420);
    if (stage == 3) ev_off(COP_JE_PROG_PROGRESS, 640);
    cop_job_seal(&J);
    uint8_t disk[sizeof J];
    memcpy(disk, &J, sizeof J);
    cop_job_init(&J);
    memcpy(&J, disk, sizeof J);
    REQUIRE(cop_job_check(&J));
    uint32_t ups = J.updates;
    A = cop_job_resume(&J, 5000);
    static const uint32_t want[] = { COP_JA_STATUS, COP_JA_DOWNLOAD, COP_JA_VERIFY, COP_JA_INSTALL,
                                     COP_JA_STATUS | COP_JA_PERSIST, COP_JA_STATUS };
    CHECK(A.refused == COP_E_OK && A.mask == (want[stage] | COP_JA_PUBLISH | COP_JA_PERSIST) && J.updates == ups + 1,
          "stage %d: mask %x", stage, A.mask);
    if (stage == 1) CHECK(J.dl_offset == 420 && J.percent == 42);
    if (stage == 3) CHECK(J.prog_offset == 640);
  }
  /* resumed in ACTIVATING: the STATUS says whether ACTIVATE went out */
  drive(4);
  cop_job_resume(&J, 5000);
  cop_dev d = dev(1, OLD, false, LINK_BANK_INSTALLED, 0);
  ev_dev(COP_JE_STATUS, 5000, &d);
  CHECK(IS(IN_PROGRESS, ACTIVATING) && A.mask == COP_JA_ACTIVATE, "the same boot: activate (again)");
  ev(COP_JE_ACTIVATED, 6000);
  CHECK(IS(IN_PROGRESS, TRIAL));
  drive(4);
  cop_job_resume(&J, 5000);
  cop_dev t = dev(2, NEW, true, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 5000, &t);
  CHECK(IS(IN_PROGRESS, TRIAL) && J.trial_deadline_ms == 15000, "a new boot: it was activated");
  drive(4);
  cop_job_resume(&J, 5000);
  cop_dev c = dev(2, NEW, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 5000, &c);
  CHECK(ENDED(SUCCEEDED, CONFIRMED), "confirmed while the copilot was down");
  /* without the resume, a STATUS in ACTIVATING does nothing */
  drive(4);
  ev_dev(COP_JE_STATUS, 5000, &d);
  CHECK(IS(IN_PROGRESS, ACTIVATING) && A.mask == 0);

  /* a deadline passed while down ends the job at resume */
  drive(1);
  A = cop_job_resume(&J, 1u << 30);
  CHECK(ENDED(TIMED_OUT, DEADLINE) && !(A.mask & COP_JA_DOWNLOAD) && (A.mask & COP_JA_PUBLISH));
  /* an ended or empty record: nothing to do */
  A = cop_job_resume(&J, 1u << 30);
  CHECK(A.mask == 0 && A.refused == COP_E_OK);
  cop_job_init(&J);
  cop_job_seal(&J);
  A = cop_job_resume(&J, 0);
  CHECK(A.mask == 0 && A.refused == COP_E_OK);

  /* damage: every single-bit flip of the record is refused */
  drive(3);
  cop_job_seal(&J);
  cop_job good = J;
  uint8_t *b = (uint8_t *)&J;
  int missed = 0;
  for (size_t i = 0; i < offsetof(cop_job, crc) + 4; i++) {
    for (int k = 0; k < 8; k += 3) {
      J = good;
      b[i] ^= (uint8_t)(1u << k);
      if (cop_job_check(&J)) missed++;
    }
  }
  CHECK(missed == 0, "%d flips passed the check", missed);
  J = good;
  b[0] ^= 1;
  A = cop_job_resume(&J, 0);
  CHECK(A.refused == COP_E_CORRUPT && !cop_job_active(&J) && cop_job_check(&J) && (A.mask & COP_JA_DISCARD));
  /* a sealed record with impossible fields */
  J = good; J.state = 9; cop_job_seal(&J); CHECK(!cop_job_check(&J));
  J = good; J.dl_offset = J.m.size + 1; cop_job_seal(&J); CHECK(!cop_job_check(&J));
  J = good; J.phase = COP_PH_NONE; cop_job_seal(&J); CHECK(!cop_job_check(&J), "IN_PROGRESS without a phase");
  J = good; memset(J.m.id, 'x', sizeof J.m.id); cop_job_seal(&J); CHECK(!cop_job_check(&J), "no NUL");
  J = good; J.has_image = false; cop_job_seal(&J); CHECK(!cop_job_check(&J), "programming without an image");
  J = good; J.percent = 101; cop_job_seal(&J); CHECK(!cop_job_check(&J));
}

static void encode(void) {
  cop_stamp s = { 1796281262345ull, 0x0A0B0C0Du, 12345, true };
  char o[1024];
  drive(3);
  ev_off(COP_JE_PROG_PROGRESS, 250);
  size_t n = cop_enc_job_update(o, sizeof o, &s, &J);
  char want[1024];
  snprintf(want, sizeof want,
           "{\"v\":1,\"type\":\"job_update\",\"time\":\"2026-12-03T07:01:02.345Z\",\"boot_id\":\"0a0b0c0d\","
           "\"uptime_ms\":12345,\"job\":\"j1\",\"seq\":%u,\"state\":\"IN_PROGRESS\",\"phase\":\"programming\","
           "\"percent\":25,\"reason\":null,\"device\":null,\"version\":\"1.0.0\",\"sha256\":\"%s\"}",
           J.updates, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK(n == strlen(want) && !strcmp(o, want), "\n got %s\nwant %s", o, want);
  ev_refused(LINK_ST_VERIFY, CVM1_ERR_SIGNATURE);
  n = cop_enc_job_update(o, sizeof o, &s, &J);
  CHECK(n && strstr(o, "\"state\":\"REJECTED\",\"phase\":null,\"percent\":null,\"reason\":\"signature\","
                       "\"device\":{\"status\":\"VERIFY\",\"detail\":\"SIGNATURE\"}"), "%s", o);
  drive(3);
  ev_refused(LINK_ST_FLASH, 77);
  n = cop_enc_job_update(o, sizeof o, &s, &J);
  CHECK(n && strstr(o, "\"reason\":\"device_refused\",\"device\":{\"status\":\"FLASH\",\"detail\":77}"), "%s", o);
  drive(2);
  n = cop_enc_job_update(o, sizeof o, &s, &J);
  CHECK(n && strstr(o, "\"phase\":\"verifying\",\"percent\":null"), "%s", o);
  CHECK(cop_enc_job_update(o, 100, &s, &J) == 0, "too small");
}

/* Why the device reverted a trial: what the transport found (cop_dev.rv)
** goes into the record and the update's device object; without it, the
** bank's reject reason says what it can. */
static void reverts(void) {
  cop_stamp s = { 1796281262345ull, 0x0A0B0C0Du, 12345, true };
  char o[1024];
  static const struct {
    uint8_t reason; cop_revert rv; uint8_t state, jr; const char *device;
  } t[] = {
    { LINK_REASON_FAULT, { COP_RV_FAULT, CVM_FAULT_DIV_ZERO, 1, 0, 42, 7 }, COP_JS_FAILED, COP_JR_TRIAL_FAULTED,
      "{\"status\":\"reverted\",\"detail\":\"fault\",\"fault\":\"DIV_ZERO\",\"pc\":42,\"line\":7}" },
    { LINK_REASON_FAULT, { COP_RV_FAULT, CVM_FAULT_OOB, 1, 0, 9, 0 }, COP_JS_FAILED, COP_JR_TRIAL_FAULTED,
      "{\"status\":\"reverted\",\"detail\":\"fault\",\"fault\":\"OOB\",\"pc\":9,\"line\":null}" },
    { LINK_REASON_FAULT, { COP_RV_START, 0, 0, 0, 0, 0 }, COP_JS_FAILED, COP_JR_TRIAL_FAULTED,
      "{\"status\":\"reverted\",\"detail\":\"start\",\"fault\":null,\"pc\":null,\"line\":null}" },
    { LINK_REASON_NO_CONFIRM, { COP_RV_TIMEOUT, 0, 0, 0, 0, 0 }, COP_JS_FAILED, COP_JR_TRIAL_NOT_CONFIRMED,
      "{\"status\":\"reverted\",\"detail\":\"timeout\",\"fault\":null,\"pc\":null,\"line\":null}" },
    { LINK_REASON_NO_CONFIRM, { 0, 0, 0, 0, 0, 0 }, COP_JS_FAILED, COP_JR_TRIAL_NOT_CONFIRMED,
      "{\"status\":\"reverted\",\"detail\":\"reset\"," },
    { LINK_REASON_MANUAL, { 0, 0, 0, 0, 0, 0 }, COP_JS_FAILED, COP_JR_TRIAL_NOT_CONFIRMED,
      "{\"status\":\"reverted\",\"detail\":\"command\"," },
    { LINK_REASON_VERIFY, { 0, 0, 0, 0, 0, 0 }, COP_JS_REJECTED, COP_JR_ARTIFACT,
      "{\"status\":\"reverted\",\"detail\":\"verify\"," },
    /* out of range from a transport: not trusted, the reason says it */
    { LINK_REASON_FAULT, { 200, 0, 1, 0, 5, 5 }, COP_JS_FAILED, COP_JR_TRIAL_FAULTED,
      "{\"status\":\"reverted\",\"detail\":\"fault\",\"fault\":null,\"pc\":null," },
    { LINK_REASON_FAULT, { COP_RV_FAULT, 250, 1, 0, 5, 0 }, COP_JS_FAILED, COP_JR_TRIAL_FAULTED,
      "{\"status\":\"reverted\",\"detail\":\"fault\",\"fault\":null,\"pc\":5," },
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    for (int by_event = 0; by_event < 2; by_event++) {
      drive(5);
      cop_dev d = dev(2, OLD, false, LINK_BANK_REJECTED, t[i].reason);
      d.rv = t[i].rv;
      if (by_event) {
        cop_jev e = { .type = COP_JE_REVERTED, .now_ms = 3000, .detail = t[i].reason, .dev = &d };
        step(&e);
      } else {
        ev_dev(COP_JE_STATUS, 3000, &d);
      }
      CHECK(J.state == t[i].state && J.reason == t[i].jr, "%zu/%d: %s %s", i, by_event,
            cop_jstate_name(J.state), cop_jreason_name(J.reason));
      size_t n = cop_enc_job_update(o, sizeof o, &s, &J);
      char want[300];
      snprintf(want, sizeof want, "\"device\":%s", t[i].device);
      CHECK(n && strstr(o, want), "%zu/%d: %s", i, by_event, o);
      /* the record keeps it across a restart */
      cop_job k = J;
      CHECK(cop_job_check(&k) && k.rv.cause == J.rv.cause, "%zu: the record", i);
      k.rv.cause = COP_RV__COUNT;
      cop_job_seal(&k);
      CHECK(!cop_job_check(&k), "%zu: a bad cause passes the check", i);
    }
  }
  /* the blackbox mark comes with the activation and stays */
  drive(4);
  ev_off(COP_JE_ACTIVATED, 17);
  CHECK(IS(IN_PROGRESS, TRIAL) && J.bbox_mark == 17, "mark %u", (unsigned)J.bbox_mark);
  /* its own bank not confirmed (on trial, or rejected while it still runs:
  ** the transport says trial for any state but confirmed): wait */
  drive(5);
  cop_dev own = dev(2, NEW, true, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, 3000, &own);
  CHECK(IS(IN_PROGRESS, TRIAL), "its own bank, not confirmed: wait");
}

int main(int argc, char **argv) {
  const char *w = argc > 1 ? argv[1] : "";
  if (!strcmp(w, "refusals")) refusals();
  else if (!strcmp(w, "success")) success();
  else if (!strcmp(w, "failures")) failures();
  else if (!strcmp(w, "timeouts")) timeouts();
  else if (!strcmp(w, "dup")) dup();
  else if (!strcmp(w, "resume")) resume();
  else if (!strcmp(w, "encode")) encode();
  else if (!strcmp(w, "reverts")) reverts();
  else { fprintf(stderr, "usage: test_cop_job refusals|success|failures|timeouts|dup|resume|encode|reverts\n"); return 2; }
  return t_done(w);
}
