/*
** test_cop_job.c -- the install job's state machine (src/copilot/core/cop_job.c):
** every state and every reason reached by the event that causes it, the
** duplicate / conflict / busy policy, cancels before and after programming,
** deadlines, resume from the persisted record at each phase, corrupt
** records, and the exact JSON of updates.
**
** Usage: test_cop_job NAME (ctest copilot.core.job.NAME), or "all".
**
** The harness keeps a "disk": the record as the transport last wrote it
** (after every COP_JA_PERSIST), which is what a restart resumes from; after
** every step it checks the invariants (the record sealed, a terminal state
** kept, an update's seq counted once per change).
*/
#include "cop.h"
#include "cvm1.h"
#include "tcheck.h"

#define SIZE 10000u
#define T0   1764720000000ull   /* 2025-12-03T00:00:00Z */

static cop_job J, DISK;
static uint64_t NOW = T0;
static uint32_t published;   /* updates published by the steps */
static uint32_t reached_s, reached_r;   /* states and reasons the steps reached */

static const uint8_t SHA[32] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
static const uint8_t IMG[32] = { 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22 };
static const uint8_t OLD[32] = { 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33 };

static cop_job_msg msg(const char *id, bool image) {
  cop_job_msg m;
  memset(&m, 0, sizeof m);
  snprintf(m.id, sizeof m.id, "%s", id);
  memcpy(m.sha256, SHA, 32);
  m.has_image = image;
  if (image) memcpy(m.image, IMG, 32);
  m.size = SIZE;
  snprintf(m.url, sizeof m.url, "https://fleet.example/a/%s.cvm1", id);
  m.version[0] = 1; m.version[1] = 2; m.version[2] = 3;
  m.timeout_s = 3600;
  m.trial_s = 300;
  return m;
}

/* The device: boot id, running digest, on trial or not, the other bank. */
static cop_dev dev(uint32_t boot, const uint8_t *digest, bool trial, uint8_t other, uint8_t why) {
  cop_dev d;
  memset(&d, 0, sizeof d);
  d.known = true;
  d.boot_id = boot;
  d.running = digest ? 0 : LINK_NO_BANK;
  d.trial = trial;
  if (digest) memcpy(d.digest, digest, 32);
  d.other_state = other;
  d.other_reason = why;
  return d;
}

/* One step, with the invariants. */
static cop_jact step(cop_jev e) {
  e.now_ms = NOW;
  cop_job before = J;
  cop_jact a = cop_job_step(&J, &e);
  CHECK(cop_job_check(&J), "record not sealed after event %u", e.type);
  if (J.m.id[0] && before.m.id[0] && !strcmp(J.m.id, before.m.id) &&
      cop_jstate_terminal(before.state)) {
    CHECK(J.state == before.state && J.reason == before.reason, "terminal state %s left for %s",
          cop_jstate_name(before.state), cop_jstate_name(J.state));
  }
  if (!strcmp(J.m.id, before.m.id)) {
    bool change = J.state != before.state || J.phase != before.phase || J.percent != before.percent;
    if (change) CHECK((a.mask & (COP_JA_PUBLISH | COP_JA_PERSIST)) == (COP_JA_PUBLISH | COP_JA_PERSIST),
                      "a change without PUBLISH|PERSIST (mask %#x)", a.mask);
    CHECK(J.updates == before.updates + (change ? 1u : 0u), "seq %u after %u", J.updates, before.updates);
  }
  if (a.mask & COP_JA_PUBLISH) published++;
  if (J.m.id[0]) {
    reached_s |= 1u << J.state;
    reached_r |= 1u << J.reason;
  }
  if (a.mask & COP_JA_PERSIST) DISK = J;
  return a;
}

static cop_jact notify(const cop_job_msg *m, const cop_dev *d) {
  return step((cop_jev){ .type = COP_JE_NOTIFY, .msg = m, .dev = d });
}
static cop_jact ev(uint8_t type) { return step((cop_jev){ .type = type }); }
static cop_jact ev_off(uint8_t type, uint32_t off) { return step((cop_jev){ .type = type, .offset = off }); }
static cop_jact ev_dev(uint8_t type, const cop_dev *d) { return step((cop_jev){ .type = type, .dev = d }); }
static cop_jact digest_ok(const uint8_t *dg) { return step((cop_jev){ .type = COP_JE_DIGEST_OK, .digest = dg }); }
static cop_jact refused(uint8_t st, uint32_t detail) {
  return step((cop_jev){ .type = COP_JE_PROG_REFUSED, .status = st, .detail = detail });
}
static cop_jact cancel(const char *id) {
  cop_job_msg m = msg(id, false);
  m.cancel = true;
  return step((cop_jev){ .type = COP_JE_CANCEL, .msg = &m });
}

#define PP(x) (COP_JA_PUBLISH | COP_JA_PERSIST | (x))
#define ENDED(x) (COP_JA_PUBLISH | COP_JA_PERSIST | COP_JA_DISCARD | (x))

static void fresh(void) {
  cop_job_init(&J);
  DISK = J;
  NOW = T0;
  published = 0;
}

static bool is(uint8_t state, uint8_t phase, uint8_t reason) {
  return J.state == state && J.phase == phase && J.reason == reason;
}
#define CHECK_IS(st, ph, r) CHECK(is(COP_JS_##st, COP_PH_##ph, COP_JR_##r), "state %s phase %s reason %s", \
                                  cop_jstate_name(J.state), cop_phase_name(J.phase), cop_jreason_name(J.reason))

/* The happy path's steps, each checked. */
static const cop_dev *old_dev(void) {
  static cop_dev d;
  d = dev(7, OLD, false, LINK_BANK_EMPTY, 0);
  return &d;
}
static void to_downloading(bool image) {
  fresh();
  cop_job_msg m = msg("job-1", image);
  cop_jact a = notify(&m, old_dev());
  REQUIRE(a.refused == COP_E_OK && a.mask == PP(COP_JA_DOWNLOAD), "mask %#x", a.mask);
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
}
static void to_verifying(void) {
  to_downloading(true);
  CHECK(ev_off(COP_JE_DL_PROGRESS, SIZE / 2).mask == PP(0));
  REQUIRE(ev(COP_JE_DL_DONE).mask == PP(COP_JA_VERIFY));
  CHECK_IS(IN_PROGRESS, VERIFYING, NONE);
}
static void to_programming(void) {
  to_verifying();
  REQUIRE(digest_ok(IMG).mask == PP(COP_JA_INSTALL));
  CHECK_IS(IN_PROGRESS, PROGRAMMING, NONE);
}
static void to_activating(void) {
  to_programming();
  CHECK(ev_off(COP_JE_PROG_PROGRESS, SIZE / 2).mask == PP(0));
  REQUIRE(ev_dev(COP_JE_PROG_DONE, old_dev()).mask == PP(COP_JA_ACTIVATE));
  CHECK_IS(IN_PROGRESS, ACTIVATING, NONE);
  CHECK(J.boot_before == 7 && (J.flags & COP_JF_BOOT));
}
static void to_trial(void) {
  to_activating();
  REQUIRE(ev(COP_JE_ACTIVATED).mask == PP(COP_JA_STATUS));
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  CHECK(J.trial_deadline_ms == NOW + 300000u);
}

/* ---- failures ----------------------------------------------------------- */

static void t_download(void) {
  to_downloading(true);
  cop_jact a = ev(COP_JE_DL_FAILED);
  CHECK(a.mask == ENDED(COP_JA_ABORT_DL), "mask %#x", a.mask);
  CHECK_IS(FAILED, NONE, DOWNLOAD);
  /* more bytes than announced */
  to_downloading(true);
  a = ev_off(COP_JE_DL_PROGRESS, SIZE + 1);
  CHECK(a.mask == ENDED(COP_JA_ABORT_DL), "mask %#x", a.mask);
  CHECK_IS(FAILED, NONE, DIGEST);
}

static void t_digest(void) {
  to_verifying();
  CHECK(ev(COP_JE_DIGEST_BAD).mask == ENDED(0));
  CHECK_IS(FAILED, NONE, DIGEST);
  /* the artifact's image digest is not the one the notify named */
  to_verifying();
  CHECK(digest_ok(OLD).mask == ENDED(0));
  CHECK_IS(FAILED, NONE, DIGEST);
  /* no image digest at all: not a CVM1 artifact, nothing goes to the device */
  to_downloading(false);
  ev(COP_JE_DL_DONE);
  cop_jact a = digest_ok(NULL);
  CHECK(!(a.mask & COP_JA_INSTALL) && a.mask == ENDED(0), "mask %#x", a.mask);
  CHECK_IS(FAILED, NONE, DIGEST);
  /* the image digest learnt from the download is used */
  to_downloading(false);
  ev(COP_JE_DL_DONE);
  CHECK(digest_ok(IMG).mask == PP(COP_JA_INSTALL));
  CHECK(J.has_image && !memcmp(J.image, IMG, 32));
}

static void t_device_refused(void) {
  to_programming();
  cop_jact a = refused(LINK_ST_FLASH, 5);
  CHECK(a.mask == ENDED(0), "mask %#x", a.mask);
  CHECK_IS(FAILED, NONE, DEVICE_REFUSED);
  CHECK(J.dev_status == LINK_ST_FLASH && J.dev_detail == 5);
  /* a transfer the device finds different from its announced digest */
  to_programming();
  refused(LINK_ST_DIGEST, 0);
  CHECK_IS(FAILED, NONE, DEVICE_REFUSED);
  /* a device's own trouble while verifying */
  to_programming();
  refused(LINK_ST_VERIFY, CVM1_ERR_NOMEM);
  CHECK_IS(FAILED, NONE, DEVICE_REFUSED);
  /* ACTIVATE refused: a trial running */
  to_activating();
  refused(LINK_ST_TRIAL, 0);
  CHECK_IS(FAILED, NONE, DEVICE_REFUSED);
  CHECK(J.dev_status == LINK_ST_TRIAL);
  /* the new bank failed its check at boot */
  to_trial();
  cop_dev d = dev(8, OLD, false, LINK_BANK_REJECTED, LINK_REASON_VERIFY);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(FAILED, NONE, DEVICE_REFUSED);
}

static void t_rejected(void) {
  static const struct { uint8_t st; uint32_t detail; uint8_t reason; } cases[] = {
    { LINK_ST_VERIFY, CVM1_ERR_SIGNATURE, COP_JR_SIGNATURE },
    { LINK_ST_VERIFY, CVM1_ERR_UNSIGNED, COP_JR_KEY },
    { LINK_ST_VERIFY, CVM1_ERR_NO_KEYID, COP_JR_KEY },
    { LINK_ST_VERIFY, CVM1_ERR_UNKNOWN_KEY, COP_JR_KEY },
    { LINK_ST_ROLLBACK, 0, COP_JR_COUNTER },
    { LINK_ST_VERIFY, CVM1_ERR_ROLLBACK, COP_JR_COUNTER },
    { LINK_ST_VERIFY, CVM1_ERR_ABI_VERSION, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_ABI_HASH, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_ISA_HASH, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_VENDOR, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_CLASS, COP_JR_ABI },
    { LINK_ST_VERIFY, CVM1_ERR_CAPS, COP_JR_ABI },
    { LINK_ST_TOO_BIG, 0, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_TRUNCATED, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_MAGIC, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_SECTION_OVERLAP, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_DIGEST, COP_JR_ARTIFACT },
    { LINK_ST_VERIFY, CVM1_ERR_IO, COP_JR_DEVICE_REFUSED },
    { LINK_ST_MISMATCH, 3, COP_JR_DEVICE_REFUSED },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    to_programming();
    cop_jact a = refused(cases[i].st, cases[i].detail);
    CHECK(a.mask == ENDED(0) && J.reason == cases[i].reason && J.state == cop_jreason_state(cases[i].reason),
          "case %zu: %s/%u gave %s %s", i, link_st_name((link_st)cases[i].st), cases[i].detail,
          cop_jstate_name(J.state), cop_jreason_name(J.reason));
    CHECK(J.dev_status == cases[i].st && J.dev_detail == cases[i].detail, "case %zu: detail kept", i);
  }
  /* ACTIVATE refused for the floor having moved */
  to_activating();
  refused(LINK_ST_VERIFY, CVM1_ERR_ROLLBACK);
  CHECK_IS(REJECTED, NONE, COUNTER);
  /* a refusal outside programming and activating changes nothing */
  to_downloading(true);
  CHECK(refused(LINK_ST_VERIFY, CVM1_ERR_SIGNATURE).mask == 0);
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
  to_trial();
  CHECK(refused(LINK_ST_STATE, 0).mask == 0);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
}

static void t_trial_faulted(void) {
  to_trial();
  CHECK(step((cop_jev){ .type = COP_JE_REVERTED }).mask == ENDED(0));
  CHECK_IS(FAILED, NONE, TRIAL_FAULTED);
  CHECK(J.dev_status == LINK_ST_REJECTED && J.dev_detail == LINK_REASON_FAULT);
  /* the device back on the old image after a fault */
  to_trial();
  cop_dev d = dev(8, OLD, false, LINK_BANK_REJECTED, LINK_REASON_FAULT);
  CHECK(ev_dev(COP_JE_STATUS, &d).mask == ENDED(0));
  CHECK_IS(FAILED, NONE, TRIAL_FAULTED);
  /* a revert while activating (it faulted before the ACTIVATED came) */
  to_activating();
  ev(COP_JE_REVERTED);
  CHECK_IS(FAILED, NONE, TRIAL_FAULTED);
  /* a REVERTED long before programming is not this job's */
  to_downloading(true);
  CHECK(ev(COP_JE_REVERTED).mask == 0);
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
}

static void t_trial_not_confirmed(void) {
  to_trial();
  cop_dev d = dev(8, OLD, false, LINK_BANK_REJECTED, LINK_REASON_NO_CONFIRM);
  CHECK(ev_dev(COP_JE_STATUS, &d).mask == ENDED(0));
  CHECK_IS(FAILED, NONE, TRIAL_NOT_CONFIRMED);
  CHECK(J.dev_detail == LINK_REASON_NO_CONFIRM);
  to_trial();
  step((cop_jev){ .type = COP_JE_REVERTED, .detail = LINK_REASON_NO_CONFIRM });
  CHECK_IS(FAILED, NONE, TRIAL_NOT_CONFIRMED);
  /* reverted by a command (someone else's REVERT): not confirmed */
  to_trial();
  d = dev(8, OLD, false, LINK_BANK_REJECTED, LINK_REASON_MANUAL);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(FAILED, NONE, TRIAL_NOT_CONFIRMED);
  CHECK(J.dev_detail == LINK_REASON_MANUAL);
  /* the old image in a new boot, the new bank not (yet) rejected: wait */
  to_trial();
  d = dev(8, OLD, false, LINK_BANK_PENDING, 0);
  CHECK(ev_dev(COP_JE_STATUS, &d).mask == COP_JA_PERSIST);   /* the asked STATUS came */
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
}

static void t_deadline(void) {
  /* QUEUED: the device never heard */
  fresh();
  cop_job_msg m = msg("job-1", true);
  CHECK(notify(&m, NULL).mask == PP(COP_JA_STATUS));
  CHECK_IS(QUEUED, NONE, NONE);
  CHECK(J.deadline_ms == T0 + 3600000u);
  NOW = T0 + 3600000u - 1;
  CHECK(ev(COP_JE_TICK).mask == 0);
  CHECK_IS(QUEUED, NONE, NONE);
  NOW++;
  CHECK(ev(COP_JE_TICK).mask == ENDED(0));
  CHECK_IS(TIMED_OUT, NONE, DEADLINE);
  /* downloading: the download is stopped */
  to_downloading(true);
  NOW = T0 + 3600000u;
  CHECK(ev(COP_JE_TICK).mask == ENDED(COP_JA_ABORT_DL));
  CHECK_IS(TIMED_OUT, NONE, DEADLINE);
  /* programming, with a progress event after the deadline */
  to_programming();
  NOW = T0 + 3600000u + 5;
  CHECK(ev_off(COP_JE_PROG_PROGRESS, 100).mask == ENDED(0));
  CHECK_IS(TIMED_OUT, NONE, DEADLINE);
  /* a confirmation that comes with the deadline counts: the device has it */
  to_trial();
  NOW = T0 + 3600000u;
  cop_dev d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
  /* a notify for another job at the deadline: the old job's end is this
  ** step's update, the new one is refused busy, and taken when sent again */
  to_downloading(true);
  NOW = T0 + 3600000u;
  cop_job_msg m2 = msg("job-2", false);
  cop_jact a = notify(&m2, NULL);
  CHECK(a.refused == COP_E_BUSY && a.mask == ENDED(COP_JA_ABORT_DL), "refused %s mask %#x",
        cop_err_name(a.refused), a.mask);
  CHECK(!strcmp(J.m.id, "job-1"));
  CHECK_IS(TIMED_OUT, NONE, DEADLINE);
  a = notify(&m2, NULL);
  CHECK(a.refused == COP_E_OK && !strcmp(J.m.id, "job-2") && J.hist[0].state == COP_JS_TIMED_OUT,
        "refused %s", cop_err_name(a.refused));
  /* the same job's duplicate at its deadline: its end said, nothing else */
  to_downloading(true);
  NOW = T0 + 3600000u;
  cop_job_msg m1 = msg("job-1", true);
  a = notify(&m1, NULL);
  CHECK(a.refused == COP_E_OK && a.mask == ENDED(COP_JA_ABORT_DL));
  CHECK_IS(TIMED_OUT, NONE, DEADLINE);
}

static void t_trial_timeout(void) {
  to_trial();
  uint64_t until = J.trial_deadline_ms;
  NOW = until - 1;
  CHECK(ev(COP_JE_TICK).mask == 0);
  cop_dev d = dev(8, IMG, true, LINK_BANK_CONFIRMED, 0);   /* runs it, on trial */
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  NOW = until;
  CHECK(ev(COP_JE_TICK).mask == ENDED(0));
  CHECK_IS(TIMED_OUT, NONE, TRIAL_TIMEOUT);
  /* the trial's clock is its own: a short trial_s ends before the deadline */
  fresh();
  cop_job_msg m = msg("job-1", true);
  m.trial_s = 1;
  notify(&m, old_dev());
  ev(COP_JE_DL_DONE);
  digest_ok(IMG);
  ev_dev(COP_JE_PROG_DONE, old_dev());
  NOW += 10;
  ev(COP_JE_ACTIVATED);
  NOW += 999;
  ev(COP_JE_TICK);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  NOW += 1;
  ev(COP_JE_TICK);
  CHECK_IS(TIMED_OUT, NONE, TRIAL_TIMEOUT);
}

/* ---- cancel --------------------------------------------------------------- */

static void t_cancel_before(void) {
  fresh();
  cop_job_msg m = msg("job-1", true);
  notify(&m, NULL);
  CHECK_IS(QUEUED, NONE, NONE);
  cop_jact a = cancel("job-1");
  CHECK(a.refused == COP_E_OK && a.mask == ENDED(0), "mask %#x", a.mask);
  CHECK_IS(CANCELED, NONE, CANCELED);
  to_downloading(true);
  a = cancel("job-1");
  CHECK(a.refused == COP_E_OK && a.mask == ENDED(COP_JA_ABORT_DL), "mask %#x", a.mask);
  CHECK_IS(CANCELED, NONE, CANCELED);
  to_verifying();
  /* a cancel as a notify with "cancel": true, and as an event for the slot */
  cop_job_msg c = msg("job-1", false);
  c.cancel = true;
  a = notify(&c, NULL);
  CHECK(a.refused == COP_E_OK && a.mask == ENDED(0));
  CHECK_IS(CANCELED, NONE, CANCELED);
  to_downloading(true);
  CHECK(ev(COP_JE_CANCEL).refused == COP_E_OK);
  CHECK_IS(CANCELED, NONE, CANCELED);
  /* canceled again: said again, nothing else */
  cop_job keep;
  memcpy(&keep, &J, sizeof J);
  a = cancel("job-1");
  CHECK(a.refused == COP_E_OK && a.mask == COP_JA_PUBLISH);
  CHECK(!memcmp(&keep, &J, sizeof J));
  /* a late DIGEST_OK or PROG_DONE changes nothing */
  CHECK(digest_ok(IMG).mask == 0 && ev(COP_JE_PROG_DONE).mask == 0);
  CHECK_IS(CANCELED, NONE, CANCELED);
}

static void t_cancel_after(void) {
  void (*to[])(void) = { to_programming, to_activating, to_trial };
  for (int i = 0; i < 3; i++) {
    to[i]();
    cop_job keep;
    memcpy(&keep, &J, sizeof J);
    cop_jact a = cancel("job-1");
    CHECK(a.refused == COP_E_TOO_LATE && a.mask == 0, "%d: %s %#x", i, cop_err_name(a.refused), a.mask);
    CHECK(!memcmp(&keep, &J, sizeof J), "%d: the record changed", i);
  }
  /* the job goes on to its end */
  cop_dev d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
  /* ended: too late, its end said again */
  cop_jact a = cancel("job-1");
  CHECK(a.refused == COP_E_TOO_LATE && a.mask == COP_JA_PUBLISH);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
}

static void t_cancel_unknown(void) {
  fresh();
  cop_jact a = cancel("ghost");
  CHECK(a.refused == COP_E_OK && a.mask == COP_JA_PERSIST);
  CHECK(!J.m.id[0], "the slot stays empty");
  /* its notify, arriving late, never installs */
  cop_job_msg m = msg("ghost", true);
  a = notify(&m, old_dev());
  CHECK(a.refused == COP_E_REPLAYED && a.mask == 0, "%s %#x", cop_err_name(a.refused), a.mask);
  CHECK(!J.m.id[0]);
  /* a cancel for a job that ended before the slot's: too late */
  to_downloading(true);
  ev(COP_JE_DL_FAILED);
  cop_job_msg m2 = msg("job-2", false);
  notify(&m2, NULL);
  a = cancel("job-1");
  CHECK(a.refused == COP_E_TOO_LATE && a.mask == 0);
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
}

/* ---- duplicates, conflict, busy ------------------------------------------- */

static void t_duplicate(void) {
  void (*to[])(void) = { to_verifying, to_programming, to_activating, to_trial };
  for (int i = 0; i < 4; i++) {
    to[i]();
    cop_job keep;
    memcpy(&keep, &J, sizeof J);
    cop_job_msg m = msg("job-1", true);
    snprintf(m.url, sizeof m.url, "https://mirror.example/x");   /* another URL, same artifact */
    cop_jact a = notify(&m, old_dev());
    CHECK(a.refused == COP_E_OK && a.mask == COP_JA_PUBLISH, "%d: %s %#x", i, cop_err_name(a.refused), a.mask);
    CHECK(!memcmp(&keep, &J, sizeof J), "%d: a duplicate changed the record", i);
  }
  /* duplicate while QUEUED, and without an image digest this time */
  fresh();
  cop_job_msg m = msg("job-1", true);
  notify(&m, NULL);
  cop_job keep;
  memcpy(&keep, &J, sizeof J);
  cop_job_msg m2 = msg("job-1", false);
  CHECK(notify(&m2, NULL).mask == COP_JA_PUBLISH);
  CHECK(!memcmp(&keep, &J, sizeof J));
  /* after the end: the final state said again, never installed again */
  to_trial();
  cop_dev d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
  memcpy(&keep, &J, sizeof J);
  for (int k = 0; k < 3; k++) {
    cop_jact a = notify(&m, &d);
    CHECK(a.refused == COP_E_OK && a.mask == COP_JA_PUBLISH, "%#x", a.mask);
  }
  CHECK(!memcmp(&keep, &J, sizeof J));
  /* and after a later job took the slot */
  cop_job_msg m3 = msg("job-3", false);
  notify(&m3, NULL);
  cop_jact a = notify(&m, &d);
  CHECK(a.refused == COP_E_REPLAYED && a.mask == 0);
  CHECK(!strcmp(J.m.id, "job-3"));
}

static void t_conflict(void) {
  to_programming();
  cop_job keep;
  memcpy(&keep, &J, sizeof J);
  cop_job_msg m = msg("job-1", true);
  m.sha256[31] ^= 1;
  CHECK(notify(&m, NULL).refused == COP_E_CONFLICT);
  m = msg("job-1", true);
  m.size++;
  CHECK(notify(&m, NULL).refused == COP_E_CONFLICT);
  m = msg("job-1", true);
  m.image[0] ^= 1;
  cop_jact a = notify(&m, NULL);
  CHECK(a.refused == COP_E_CONFLICT && a.mask == 0);
  CHECK(!memcmp(&keep, &J, sizeof J));
  /* an ended job in hist: conflict as well */
  ev(COP_JE_PROG_REFUSED);
  cop_job_msg m2 = msg("job-2", false);
  notify(&m2, NULL);
  m = msg("job-1", true);
  m.sha256[0] ^= 1;
  CHECK(notify(&m, NULL).refused == COP_E_CONFLICT);
}

static void t_busy(void) {
  to_downloading(true);
  cop_job keep;
  memcpy(&keep, &J, sizeof J);
  cop_job_msg m = msg("job-2", true);
  cop_jact a = notify(&m, old_dev());
  CHECK(a.refused == COP_E_BUSY && a.mask == 0);
  CHECK(!memcmp(&keep, &J, sizeof J));
  /* once the first ended, the second is taken and the first remembered */
  ev(COP_JE_DL_FAILED);
  a = notify(&m, old_dev());
  CHECK(a.refused == COP_E_OK && a.mask == PP(COP_JA_DOWNLOAD));
  CHECK(!strcmp(J.m.id, "job-2") && J.dl_offset == 0 && J.updates == 1);
  CHECK(!strcmp(J.hist[0].id, "job-1") && J.hist[0].state == COP_JS_FAILED &&
        J.hist[0].reason == COP_JR_DOWNLOAD);
  /* hist is a ring of COP_JOB_HIST: the oldest goes */
  for (uint32_t i = 3; i < 3 + COP_JOB_HIST; i++) {
    ev(COP_JE_DL_FAILED);
    char id[16];
    snprintf(id, sizeof id, "job-%u", i);
    cop_job_msg mi = msg(id, false);
    CHECK(notify(&mi, NULL).refused == COP_E_OK);
  }
  ev(COP_JE_DL_FAILED);
  cop_job_msg m1 = msg("job-1", true);
  cop_job_msg mlast = msg("job-4", false);
  CHECK(notify(&mlast, NULL).refused == COP_E_REPLAYED);
  CHECK(notify(&m1, old_dev()).refused == COP_E_OK, "forgotten after %u", COP_JOB_HIST);
}

static void t_bad_msg(void) {
  fresh();
  cop_job_msg m = msg("job-1", true);
  m.size = 0;
  CHECK(notify(&m, NULL).refused == COP_E_RANGE);
  m = msg("job 1", true);
  CHECK(notify(&m, NULL).refused == COP_E_BAD_ID);
  m = msg("job-1", true);
  memset(m.url, 'x', sizeof m.url);
  CHECK(notify(&m, NULL).refused == COP_E_RANGE);
  CHECK(step((cop_jev){ .type = COP_JE_NOTIFY }).refused == COP_E_MISSING);
  CHECK(cop_job_step(&J, NULL).refused == COP_E_MISSING);
  CHECK(!J.m.id[0]);
  /* events with no job: nothing */
  for (uint8_t t = COP_JE_DL_PROGRESS; t <= COP_JE_TICK + 3; t++) CHECK(ev(t).mask == 0);
}

/* ---- success ------------------------------------------------------------------ */

static void t_already_installed(void) {
  fresh();
  cop_job_msg m = msg("job-1", true);
  cop_dev d = dev(7, IMG, false, LINK_BANK_EMPTY, 0);
  cop_jact a = notify(&m, &d);
  CHECK(a.mask == ENDED(0) && !(a.mask & COP_JA_DOWNLOAD), "mask %#x", a.mask);
  CHECK_IS(SUCCEEDED, NONE, ALREADY_INSTALLED);
  CHECK(J.updates == 1);
  /* the device heard only after the notify */
  fresh();
  CHECK(notify(&m, NULL).mask == PP(COP_JA_STATUS));
  CHECK_IS(QUEUED, NONE, NONE);
  cop_dev unknown = { .known = false };
  CHECK(ev_dev(COP_JE_STATUS, &unknown).mask == 0);
  CHECK(ev_dev(COP_JE_STATUS, &d).mask == ENDED(0));
  CHECK_IS(SUCCEEDED, NONE, ALREADY_INSTALLED);
  /* known from the download only */
  to_downloading(false);
  ev(COP_JE_DL_DONE);
  CHECK(step((cop_jev){ .type = COP_JE_DIGEST_OK, .digest = IMG, .dev = &d }).mask == ENDED(0));
  CHECK_IS(SUCCEEDED, NONE, ALREADY_INSTALLED);
  /* running it on trial is not installed: it is installed again */
  fresh();
  d.trial = true;
  CHECK(notify(&m, &d).mask == PP(COP_JA_DOWNLOAD));
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
  /* the queued job goes on when the device runs something else */
  fresh();
  notify(&m, NULL);
  CHECK(ev_dev(COP_JE_STATUS, old_dev()).mask == PP(COP_JA_DOWNLOAD));
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
}

static void t_confirmed(void) {
  to_trial();
  /* not success: the old boot running it confirmed (no reboot seen) */
  cop_dev d = dev(7, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  /* not success: a new boot, on trial */
  d = dev(8, IMG, true, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  CHECK(J.flags & COP_JF_TRIAL);
  /* not success: a new boot running another digest, confirmed */
  d = dev(9, OLD, false, LINK_BANK_INSTALLED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  /* not success: nothing runs */
  d = dev(9, NULL, false, LINK_BANK_INSTALLED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  /* success: a new boot, the new digest, confirmed */
  d = dev(9, IMG, false, LINK_BANK_CONFIRMED, 0);
  cop_jact a = ev_dev(COP_JE_STATUS, &d);
  CHECK(a.mask == ENDED(0), "mask %#x", a.mask);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
  /* the whole flow published: downloading, 50%, verifying, programming,
  ** 50%, activating, trial, succeeded */
  CHECK(J.updates == 8 && published == 8, "updates %u published %u", J.updates, published);
  /* ACTIVATED never seen (a restart, a lost event): the STATUS decides */
  to_activating();
  d = dev(8, IMG, true, LINK_BANK_CONFIRMED, 0);
  CHECK(ev_dev(COP_JE_STATUS, &d).mask == PP(0));
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  CHECK(J.trial_deadline_ms == NOW + 300000u);
  to_activating();
  d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
  /* the boot id before not known at PROG_DONE: asked first, then ACTIVATE */
  to_programming();
  CHECK(ev(COP_JE_PROG_DONE).mask == PP(COP_JA_STATUS));
  CHECK_IS(IN_PROGRESS, ACTIVATING, NONE);
  CHECK(ev_dev(COP_JE_STATUS, old_dev()).mask == (COP_JA_ACTIVATE | COP_JA_PERSIST));
  CHECK(J.boot_before == 7);
  ev(COP_JE_ACTIVATED);
  d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
  /* on trial with the boot id before never known (the transport reported
  ** ACTIVATED without ever giving the device): the new image confirmed
  ** counts only after it was seen on trial */
  to_programming();
  ev(COP_JE_PROG_DONE);
  ev(COP_JE_ACTIVATED);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  CHECK(!(J.flags & COP_JF_BOOT));
  d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  d.trial = true;
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  d.trial = false;
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
}

static void t_progress(void) {
  to_downloading(true);
  uint32_t n = 0, last = 0;
  for (uint32_t off = 0; off <= SIZE; off += SIZE / 200) {
    cop_jact a = ev_off(COP_JE_DL_PROGRESS, off);
    if (a.mask & COP_JA_PUBLISH) {
      n++;
      CHECK(a.mask == PP(0) && J.percent >= last + 10, "at %u: %u after %u", off, J.percent, last);
      last = J.percent;
    }
  }
  CHECK(n == 10 && last == 100 && J.dl_offset == SIZE, "%u updates, last %u%%", n, last);
  /* a restarted download (the server ignored Range): said */
  CHECK(ev_off(COP_JE_DL_PROGRESS, 0).mask == PP(0) && J.percent == 0);
  /* between updates the offset runs ahead of the persisted record */
  ev_off(COP_JE_DL_PROGRESS, 999);
  CHECK(J.dl_offset == 999 && DISK.dl_offset == 0 && J.percent == 0);
  ev(COP_JE_DL_DONE);
  digest_ok(IMG);
  n = 0;
  for (uint32_t off = 0; off <= SIZE; off += 1000)
    if (ev_off(COP_JE_PROG_PROGRESS, off).mask & COP_JA_PUBLISH) n++;
  CHECK(n == 10 && J.percent == 100 && J.prog_offset == SIZE, "%u", n);
  CHECK(ev_off(COP_JE_PROG_PROGRESS, SIZE + 8).mask == 0 && J.prog_offset == SIZE);
}

/* ---- resume ------------------------------------------------------------------- */

/* A restart: the record from the disk, resumed. */
static cop_jact restart(void) {
  J = DISK;
  cop_jact a = cop_job_resume(&J, NOW);
  CHECK(cop_job_check(&J));
  if (a.mask & COP_JA_PERSIST) DISK = J;
  return a;
}

static void finish(void) {   /* from wherever it stands to SUCCEEDED */
  for (int guard = 0; guard < 10 && cop_job_active(&J); guard++) {
    switch (J.phase) {
    case COP_PH_NONE: ev_dev(COP_JE_STATUS, old_dev()); break;
    case COP_PH_DOWNLOADING: ev(COP_JE_DL_DONE); break;
    case COP_PH_VERIFYING: digest_ok(IMG); break;
    case COP_PH_PROGRAMMING: ev_dev(COP_JE_PROG_DONE, old_dev()); break;
    case COP_PH_ACTIVATING: ev(COP_JE_ACTIVATED); break;
    default: {
      cop_dev d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
      ev_dev(COP_JE_STATUS, &d);
    }
    }
  }
  CHECK_IS(SUCCEEDED, NONE, CONFIRMED);
}

static void t_resume(void) {
  /* empty */
  fresh();
  CHECK(restart().mask == 0 && !J.m.id[0]);
  /* QUEUED: ask the device */
  fresh();
  cop_job_msg m = msg("job-1", true);
  notify(&m, NULL);
  cop_jact a = restart();
  CHECK(a.refused == COP_E_OK && a.mask == COP_JA_STATUS, "%#x", a.mask);
  CHECK_IS(QUEUED, NONE, NONE);
  finish();
  /* downloading: from the offset last persisted */
  to_downloading(true);
  ev_off(COP_JE_DL_PROGRESS, 4000);   /* 40%: persisted */
  ev_off(COP_JE_DL_PROGRESS, 4500);   /* not persisted */
  a = restart();
  CHECK(a.mask == COP_JA_DOWNLOAD && J.dl_offset == 4000, "%#x at %u", a.mask, J.dl_offset);
  CHECK_IS(IN_PROGRESS, DOWNLOADING, NONE);
  finish();
  /* verifying: verify again */
  to_verifying();
  CHECK(restart().mask == COP_JA_VERIFY);
  finish();
  /* programming: install from the offset the device acknowledged */
  to_programming();
  ev_off(COP_JE_PROG_PROGRESS, 3000);
  a = restart();
  CHECK(a.mask == COP_JA_INSTALL && J.prog_offset == 3000, "%#x at %u", a.mask, J.prog_offset);
  CHECK_IS(IN_PROGRESS, PROGRAMMING, NONE);
  finish();
  /* activating, not rebooted: ask, then ACTIVATE again */
  to_activating();
  CHECK(restart().mask == COP_JA_STATUS);
  CHECK(ev_dev(COP_JE_STATUS, old_dev()).mask == (COP_JA_ACTIVATE | COP_JA_PERSIST));
  CHECK(ev_dev(COP_JE_STATUS, old_dev()).mask == 0, "ACTIVATE asked once");
  finish();
  /* activating, rebooted meanwhile into the trial */
  to_activating();
  CHECK(restart().mask == COP_JA_STATUS);
  cop_dev d = dev(8, IMG, true, LINK_BANK_CONFIRMED, 0);
  CHECK(ev_dev(COP_JE_STATUS, &d).mask == PP(0));
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  finish();
  /* on trial: ask, and the answer decides */
  to_trial();
  CHECK(restart().mask == COP_JA_STATUS);
  CHECK_IS(IN_PROGRESS, TRIAL, NONE);
  d = dev(8, OLD, false, LINK_BANK_REJECTED, LINK_REASON_FAULT);
  ev_dev(COP_JE_STATUS, &d);
  CHECK_IS(FAILED, NONE, TRIAL_FAULTED);
  /* ended: only the file to remove, no update again */
  a = restart();
  CHECK(a.mask == COP_JA_DISCARD);
  CHECK_IS(FAILED, NONE, TRIAL_FAULTED);
  /* past the deadline while it was down */
  to_programming();
  NOW = T0 + 3600000u + 1;
  a = restart();
  CHECK(a.mask == ENDED(0));
  CHECK_IS(TIMED_OUT, NONE, DEADLINE);
  CHECK(DISK.state == COP_JS_TIMED_OUT);
  to_trial();
  NOW += 300000u;
  restart();
  CHECK_IS(TIMED_OUT, NONE, TRIAL_TIMEOUT);
}

static void t_corrupt(void) {
  /* each damage refused; the slot emptied */
  for (int k = 0; k < 11; k++) {
    to_programming();
    if (k == 10) {   /* a job in hist */
      refused(LINK_ST_FLASH, 0);
      cop_job_msg m2 = msg("job-2", false);
      notify(&m2, NULL);
      REQUIRE(!strcmp(DISK.hist[0].id, "job-1"));
    }
    uint8_t *b = (uint8_t *)&DISK;
    switch (k) {
    case 0: b[100] ^= 0x40; break;                            /* a bit: CRC */
    case 1: DISK.magic ^= 1; cop_job_seal(&DISK); break;
    case 2: DISK.state = 99; cop_job_seal(&DISK); break;
    case 3: DISK.phase = COP_PH__COUNT; cop_job_seal(&DISK); break;
    case 4: DISK.dl_offset = SIZE + 1; cop_job_seal(&DISK); break;
    case 5: DISK.state = COP_JS_SUCCEEDED; DISK.phase = 0; DISK.reason = COP_JR_DOWNLOAD;
            cop_job_seal(&DISK); break;                        /* reason of another state */
    case 6: memset(DISK.m.id, 'a', sizeof DISK.m.id); cop_job_seal(&DISK); break;
    case 7: b[offsetof(cop_job, has_image)] = 2; cop_job_seal(&DISK); break;
    case 8: DISK.hist_next = COP_JOB_HIST; cop_job_seal(&DISK); break;
    case 9: DISK.image[3] ^= 1; cop_job_seal(&DISK); break;   /* not the notify's digest */
    case 10: DISK.hist[0].state = COP_JS_IN_PROGRESS; cop_job_seal(&DISK); break;
    }
    CHECK(!cop_job_check(&DISK), "damage %d passed the check", k);
    cop_jact a = restart();
    CHECK(a.refused == COP_E_CORRUPT && a.mask == (COP_JA_DISCARD | COP_JA_PERSIST), "damage %d: %s",
          k, cop_err_name(a.refused));
    CHECK(!J.m.id[0] && !cop_job_active(&J) && cop_job_check(&J), "damage %d: slot not emptied", k);
  }
  /* undamaged records pass */
  to_trial();
  CHECK(cop_job_check(&DISK));
  CHECK(restart().refused == COP_E_OK);
}

/* ---- the update payload ----------------------------------------------------- */

static void t_json(void) {
  char out[COP_MSG_MAX];
  cop_stamp s = { .time_ms = T0 + 123, .boot_id = 0x0a0b0c0d, .uptime_ms = 4567, .known = true };
  /* the stamp is the one the other encoders write */
  char ref[COP_MSG_MAX];
  size_t rn = cop_enc_dropped(ref, sizeof ref, &s, 1, 1);
  REQUIRE(rn > 0);
  to_downloading(true);
  ev_off(COP_JE_DL_PROGRESS, 4321);
  size_t n = cop_enc_job_update(out, sizeof out, &s, &J);
  const char *want =
    "{\"v\":1,\"type\":\"job_update\",\"time\":\"2025-12-03T00:00:00.123Z\",\"boot_id\":\"0a0b0c0d\","
    "\"uptime_ms\":4567,\"job\":\"job-1\",\"state\":\"IN_PROGRESS\",\"phase\":\"downloading\","
    "\"percent\":43,\"reason\":null,\"device\":null,\"seq\":2}";
  CHECK(n == strlen(want) && !strcmp(out, want), "\n got %s\nwant %s", out, want);
  const char *stamp_end = strstr(ref, ",\"uptime_ms\":4567") + strlen(",\"uptime_ms\":4567");
  const char *tref = strstr(ref, ",\"time\"");
  CHECK(!strncmp(strstr(out, ",\"time\""), tref, (size_t)(stamp_end - tref)), "stamp differs: %s", ref);
  /* a refusal: the device's status and detail */
  to_programming();
  refused(LINK_ST_VERIFY, CVM1_ERR_SIGNATURE);
  cop_stamp u = { .time_ms = T0 };
  cop_enc_job_update(out, sizeof out, &u, &J);
  want = "{\"v\":1,\"type\":\"job_update\",\"time\":\"2025-12-03T00:00:00.000Z\",\"boot_id\":null,"
         "\"uptime_ms\":null,\"job\":\"job-1\",\"state\":\"REJECTED\",\"phase\":null,\"percent\":null,"
         "\"reason\":\"signature\",\"device\":{\"status\":\"VERIFY\",\"detail\":31,\"check\":\"SIGNATURE\"},"
         "\"seq\":5}";
  CHECK(CVM1_ERR_SIGNATURE == 31 && !strcmp(out, want), "\n got %s\nwant %s", out, want);
  to_programming();
  refused(LINK_ST_FLASH, 7);
  cop_enc_job_update(out, sizeof out, &u, &J);
  CHECK(strstr(out, "\"reason\":\"device_refused\",\"device\":{\"status\":\"FLASH\",\"detail\":7},\"seq\":5}"),
        "%s", out);
  /* a revert */
  to_trial();
  ev(COP_JE_REVERTED);
  cop_enc_job_update(out, sizeof out, &u, &J);
  CHECK(strstr(out, "\"state\":\"FAILED\",\"phase\":null,\"percent\":null,\"reason\":\"trial_faulted\","
                    "\"device\":{\"status\":\"REJECTED\",\"detail\":1,\"revert\":\"FAULT\"},\"seq\":8}"),
        "%s", out);
  /* success, and a phase without a percent */
  to_trial();
  cop_enc_job_update(out, sizeof out, &u, &J);
  CHECK(strstr(out, "\"state\":\"IN_PROGRESS\",\"phase\":\"trial\",\"percent\":null,\"reason\":null,"
                    "\"device\":null,\"seq\":7}"), "%s", out);
  cop_dev d = dev(8, IMG, false, LINK_BANK_CONFIRMED, 0);
  ev_dev(COP_JE_STATUS, &d);
  cop_enc_job_update(out, sizeof out, &u, &J);
  CHECK(strstr(out, "\"state\":\"SUCCEEDED\",\"phase\":null,\"percent\":null,\"reason\":\"confirmed\","
                    "\"device\":null,\"seq\":8}"), "%s", out);
  /* the payload parses */
  cop_jtok tok[64];
  cop_json j;
  CHECK(cop_json_parse(&j, out, strlen(out), tok, 64) == COP_E_OK);
  /* too small a buffer, an empty slot: 0 */
  n = cop_enc_job_update(out, 40, &u, &J);
  CHECK(n == 0 && out[0] == 0);
  fresh();
  CHECK(cop_enc_job_update(out, sizeof out, &u, &J) == 0);
}

static void t_tables(void);
static const struct { const char *name; void (*fn)(void); } tests[] = {
  { "download", t_download },
  { "digest", t_digest },
  { "device_refused", t_device_refused },
  { "rejected", t_rejected },
  { "trial_faulted", t_trial_faulted },
  { "trial_not_confirmed", t_trial_not_confirmed },
  { "deadline", t_deadline },
  { "trial_timeout", t_trial_timeout },
  { "cancel_before", t_cancel_before },
  { "cancel_after", t_cancel_after },
  { "cancel_unknown", t_cancel_unknown },
  { "duplicate", t_duplicate },
  { "conflict", t_conflict },
  { "busy", t_busy },
  { "bad_msg", t_bad_msg },
  { "already_installed", t_already_installed },
  { "confirmed", t_confirmed },
  { "progress", t_progress },
  { "resume", t_resume },
  { "corrupt", t_corrupt },
  { "json", t_json },
  { "tables", t_tables },
};

/* Every state and every reason of the tables is reached by the tests above
** (run here again, in one process): a state or reason added to the tables
** fails this until a test causes it. */
static void t_tables(void) {
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (tests[i].fn != t_tables) tests[i].fn();
  for (uint32_t st = 0; st < COP_JS__COUNT; st++)
    CHECK(reached_s & (1u << st), "no test reaches state %s", cop_jstate_name(st));
  for (uint32_t r = 0; r < COP_JR__COUNT; r++) {
    CHECK(reached_r & (1u << r), "no test reaches reason %s", cop_jreason_name(r));
    CHECK(r == COP_JR_NONE || cop_jstate_terminal(cop_jreason_state(r)), "reason %s ends no job",
          cop_jreason_name(r));
  }
  CHECK(COP_JR__COUNT <= 32 && COP_JS__COUNT <= 32);
}

int main(int argc, char **argv) {
  const char *want = argc > 1 ? argv[1] : "all";
  bool ran = false;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (strcmp(want, "all") && strcmp(want, tests[i].name)) continue;
    tests[i].fn();
    ran = true;
  }
  if (!ran) {
    fprintf(stderr, "test_cop_job: no test %s\n", want);
    return 2;
  }
  return t_done(want);
}
