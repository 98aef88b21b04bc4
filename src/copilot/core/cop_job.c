/*
** cop_job.c -- the install job as a pure state machine (cop.h): events in,
** a mask of actions out, the record (cop_job) is the whole state.
**
**   QUEUED --STATUS--> IN_PROGRESS/downloading --DL_DONE--> verifying
**     --DIGEST_OK--> programming --PROG_DONE--> activating --ACTIVATED-->
**     trial --STATUS (new boot id, new image, not trial)--> SUCCEEDED
**
** Rules (docs/fleet-protocol.md):
** - SUCCEEDED only when the device, in a boot after the activation, runs
**   the new image digest confirmed (not on trial); or "already installed"
**   when that image already runs confirmed before anything is done.
** - One job at a time: another job id while one is active is refused BUSY
**   (the backend's notify stays retained; it is taken after this one ends).
** - Idempotent: the same id with the same artifact never restarts (the
**   state is published again); the same id with another artifact is
**   CONFLICT; the ids of the last COP_JOB_PAST jobs are REPLAYED.
** - CANCEL only before programming starts, else TOO_LATE.
** - Deadlines: the job's own (timeout_s from its arrival) until the
**   activation, then the trial's (trial_s from the activation).
*/
#include "cop.h"
#include "cvm1.h"

static void mset(void *p, int v, size_t n) { __builtin_memset(p, v, n); }
static bool meq(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  uint8_t d = 0;
  while (n--) d |= (uint8_t)(*x++ ^ *y++);
  return d == 0;
}
static size_t slen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

static bool id_eq(const char *a, const char *b) {
  size_t i = 0;
  while (i <= COP_ID_MAX && a[i] && a[i] == b[i]) i++;
  return i > COP_ID_MAX || a[i] == b[i];
}
static void id_cpy(char *d, const char *s) {
  size_t i = 0;
  for (; i < COP_ID_MAX && s[i]; i++) d[i] = s[i];
  d[i] = 0;
}

void cop_job_init(cop_job *j) {
  mset(j, 0, sizeof *j);
  j->magic = COP_JOB_MAGIC;
}

static bool held(const cop_job *j) { return j->m.id[0] != 0; }

bool cop_job_active(const cop_job *j) { return held(j) && !cop_jstate_terminal(j->state); }

static uint8_t pct(uint32_t at, uint32_t size) {
  if (size == 0 || at >= size) return 100;
  return (uint8_t)((uint64_t)at * 100u / size);
}

/* ---- the mapping of a device's refusal ---------------------------------- */

static cop_jreason verify_reason(uint32_t e) {
  switch (e) {
  case CVM1_ERR_SIGNATURE: return COP_JR_SIGNATURE;
  case CVM1_ERR_UNSIGNED:
  case CVM1_ERR_NO_KEYID:
  case CVM1_ERR_UNKNOWN_KEY: return COP_JR_KEY;
  case CVM1_ERR_ROLLBACK: return COP_JR_COUNTER;
  case CVM1_ERR_ABI_VERSION:
  case CVM1_ERR_ABI_HASH:
  case CVM1_ERR_ISA_HASH:
  case CVM1_ERR_CAPS:
  case CVM1_ERR_VENDOR:
  case CVM1_ERR_CLASS: return COP_JR_ABI;
  case CVM1_ERR_OK:
  case CVM1_ERR_NOMEM:
  case CVM1_ERR_IO:
  case CVM1_ERR_CRYPTO: return COP_JR_DEVICE_REFUSED;   /* not the artifact's fault */
  default: return COP_JR_ARTIFACT;                       /* structure, digest */
  }
}

cop_jreason cop_job_refusal_reason(uint32_t status, uint32_t detail) {
  switch (status) {
  case LINK_ST_ROLLBACK: return COP_JR_COUNTER;
  case LINK_ST_TOO_BIG: return COP_JR_ARTIFACT;
  case LINK_ST_VERIFY: return verify_reason(detail);
  default: return COP_JR_DEVICE_REFUSED;   /* transfer, flash, state: may work again */
  }
}

/* ---- transitions ---------------------------------------------------------- */

static void finish(cop_job *j, cop_jact *a, cop_jreason r) {
  if (j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_DOWNLOADING) a->mask |= COP_JA_ABORT_DL;
  j->state = (uint8_t)cop_jreason_state(r);
  j->reason = (uint8_t)r;
  j->phase = COP_PH_NONE;
  j->spare[0] = 0;
  a->mask |= COP_JA_DISCARD | COP_JA_PUBLISH | COP_JA_PERSIST;
}

static void enter(cop_job *j, cop_jact *a, cop_phase ph, uint32_t act) {
  j->state = COP_JS_IN_PROGRESS;
  j->phase = (uint8_t)ph;
  j->percent = 0;
  a->mask |= act | COP_JA_PUBLISH | COP_JA_PERSIST;
}

/* The device runs the job's image, confirmed. */
static bool runs_confirmed(const cop_job *j, const cop_dev *d) {
  return j->has_image && d && d->known && d->running != LINK_NO_BANK && !d->trial &&
         meq(d->digest, j->image, 32);
}

/* QUEUED with the device's state known: nothing to do, or download. */
static void start(cop_job *j, cop_jact *a, const cop_dev *d) {
  j->boot_before = d->boot_id;
  if (runs_confirmed(j, d)) finish(j, a, COP_JR_ALREADY_INSTALLED);
  else enter(j, a, COP_PH_DOWNLOADING, COP_JA_DOWNLOAD);
}

/* What a bank's reject reason says of the revert when nothing more is known. */
static cop_rv rv_of_reason(uint32_t reason) {
  switch (reason) {
  case LINK_REASON_FAULT: return COP_RV_FAULT;
  case LINK_REASON_NO_CONFIRM: return COP_RV_RESET;
  case LINK_REASON_MANUAL: return COP_RV_COMMAND;
  case LINK_REASON_VERIFY: return COP_RV_VERIFY;
  default: return COP_RV_NONE;
  }
}

/* The device reverted the trial (its bank rejected for reason): the job
** ends with why, as far as rv (may be NULL) tells. */
static void reverted(cop_job *j, cop_jact *a, uint32_t reason, const cop_revert *rv) {
  if (rv && rv->cause != COP_RV_NONE && rv->cause < COP_RV__COUNT) {
    j->rv = *rv;
    j->rv.where = rv->where ? 1 : 0;
    j->rv.spare = 0;
    if (j->rv.fault >= CVM_FAULT__COUNT) j->rv.fault = 0;
  } else {
    mset(&j->rv, 0, sizeof j->rv);
    j->rv.cause = (uint8_t)rv_of_reason(reason);
  }
  cop_jreason r = j->rv.cause == COP_RV_FAULT || j->rv.cause == COP_RV_START ? COP_JR_TRIAL_FAULTED
                  : j->rv.cause == COP_RV_VERIFY ? COP_JR_ARTIFACT
                  : COP_JR_TRIAL_NOT_CONFIRMED;
  finish(j, a, r);
}

/* In trial: the device's state after the activation. */
static void judge(cop_job *j, cop_jact *a, const cop_dev *d) {
  if (!d || !d->known || d->boot_id == j->boot_before) return;   /* not rebooted yet */
  bool ours = d->running != LINK_NO_BANK && meq(d->digest, j->image, 32);
  if (ours) {
    if (!d->trial) finish(j, a, COP_JR_CONFIRMED);
    return;   /* on trial: its health check is running */
  }
  if (d->other_state == LINK_BANK_REJECTED) reverted(j, a, d->other_reason, &d->rv);
  /* another program without a rejection on record: wait for the verdict */
}

static bool same_artifact(const cop_job_msg *a, const cop_job_msg *b) {
  return a->size == b->size && meq(a->sha256, b->sha256, 32) &&
         (!a->has_image || !b->has_image || meq(a->image, b->image, 32));
}

static bool was_past(const cop_job *j, const char *id) {
  for (uint32_t i = 0; i < COP_JOB_PAST; i++)
    if (j->past[i][0] && id_eq(j->past[i], id)) return true;
  return false;
}

/* id joins the past (newest first; the oldest falls off). */
static void push_past(cop_job *j, const char *id) {
  for (uint32_t i = COP_JOB_PAST - 1; i > 0; i--) __builtin_memcpy(j->past[i], j->past[i - 1], COP_ID_MAX + 1);
  id_cpy(j->past[0], id);
}

static void cancel(cop_job *j, cop_jact *a, const cop_job_msg *m) {
  if (!held(j) || (m && m->id[0] && !id_eq(m->id, j->m.id))) {
    bool past = m && was_past(j, m->id);
    a->refused = past ? COP_E_TOO_LATE : COP_E_NO_JOB;
    /* a cancel that overtook its job's notify: remembered, so the notify,
    ** when it comes, is refused as replayed and never installs */
    if (!past && m && cop_id_ok(m->id, slen(m->id, COP_ID_MAX + 1))) {
      push_past(j, m->id);
      a->mask |= COP_JA_PERSIST;
    }
    return;
  }
  if (j->state == COP_JS_CANCELED) { a->mask |= COP_JA_PUBLISH; return; }   /* again */
  if (cop_jstate_terminal(j->state) ||
      (j->state == COP_JS_IN_PROGRESS && j->phase != COP_PH_DOWNLOADING && j->phase != COP_PH_VERIFYING)) {
    a->refused = COP_E_TOO_LATE;
    a->mask |= COP_JA_PUBLISH;   /* say where it is */
    return;
  }
  finish(j, a, COP_JR_CANCELED);
}

static void notify(cop_job *j, cop_jact *a, const cop_jev *ev) {
  const cop_job_msg *m = ev->msg;
  if (!m || !cop_id_ok(m->id, slen(m->id, COP_ID_MAX + 1))) { a->refused = COP_E_BAD_ID; return; }
  if (m->cancel) { cancel(j, a, m); return; }
  if (m->size == 0 || m->timeout_s == 0 || m->trial_s == 0) { a->refused = COP_E_RANGE; return; }
  if (held(j) && id_eq(m->id, j->m.id)) {
    if (!same_artifact(m, &j->m)) { a->refused = COP_E_CONFLICT; return; }
    a->mask |= COP_JA_PUBLISH;   /* a duplicate: report, never restart */
    return;
  }
  if (was_past(j, m->id)) { a->refused = COP_E_REPLAYED; return; }
  if (cop_job_active(j)) { a->refused = COP_E_BUSY; return; }
  /* a new job takes the slot; the one before joins the past */
  char past[COP_JOB_PAST][COP_ID_MAX + 1];
  __builtin_memcpy(past, j->past, sizeof past);
  bool had = held(j);
  char prev[COP_ID_MAX + 1];
  id_cpy(prev, j->m.id);
  cop_job_init(j);
  __builtin_memcpy(j->past, past, sizeof past);
  if (had) push_past(j, prev);
  j->m = *m;
  j->has_image = m->has_image;
  if (m->has_image) __builtin_memcpy(j->image, m->image, 32);
  j->state = COP_JS_QUEUED;
  j->deadline_ms = ev->now_ms + (uint64_t)m->timeout_s * 1000u;
  a->mask |= COP_JA_PUBLISH | COP_JA_PERSIST;
  if (ev->dev && ev->dev->known) start(j, a, ev->dev);
  else a->mask |= COP_JA_STATUS;
}

static void tick(cop_job *j, cop_jact *a, uint64_t now) {
  if (!cop_job_active(j)) return;
  if (j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_TRIAL) {
    if (now >= j->trial_deadline_ms) finish(j, a, COP_JR_TRIAL_TIMEOUT);
    else a->mask |= COP_JA_STATUS;   /* the verdict is read from the device */
    return;
  }
  if (now >= j->deadline_ms) finish(j, a, COP_JR_DEADLINE);
}

cop_jact cop_job_step(cop_job *j, const cop_jev *ev) {
  cop_jact a = { 0, COP_E_OK };
  if (j->magic != COP_JOB_MAGIC) cop_job_init(j);
  bool dl = j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_DOWNLOADING;
  bool ver = j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_VERIFYING;
  bool prog = j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_PROGRAMMING;
  bool actv = j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_ACTIVATING;
  bool trial = j->state == COP_JS_IN_PROGRESS && j->phase == COP_PH_TRIAL;
  switch (ev->type) {
  case COP_JE_NOTIFY:
    notify(j, &a, ev);
    break;
  case COP_JE_CANCEL:
    cancel(j, &a, ev->msg);
    break;
  case COP_JE_DL_PROGRESS:
    if (dl) {
      uint32_t off = ev->offset > j->m.size ? j->m.size : ev->offset;
      uint8_t p = pct(off, j->m.size);
      j->dl_offset = off;
      /* the record (for resume) and a report at each 10% step */
      if (p != j->percent) a.mask |= COP_JA_PERSIST;
      if (p / 10u != j->percent / 10u) a.mask |= COP_JA_PUBLISH;
      j->percent = p;
    }
    break;
  case COP_JE_DL_DONE:
    if (dl) {
      j->dl_offset = j->m.size;
      enter(j, &a, COP_PH_VERIFYING, COP_JA_VERIFY);
    }
    break;
  case COP_JE_DL_FAILED:
    if (dl) finish(j, &a, COP_JR_DOWNLOAD);
    break;
  case COP_JE_DIGEST_BAD:
    if (ver) finish(j, &a, COP_JR_DIGEST);
    break;
  case COP_JE_DIGEST_OK:
    if (ver) {
      if (ev->digest) {
        if (j->has_image && !meq(ev->digest, j->image, 32)) { finish(j, &a, COP_JR_DIGEST); break; }
        __builtin_memcpy(j->image, ev->digest, 32);
        j->has_image = true;
      }
      /* no image digest: success could never be judged; not an artifact */
      if (!j->has_image) { finish(j, &a, COP_JR_ARTIFACT); break; }
      if (runs_confirmed(j, ev->dev)) { finish(j, &a, COP_JR_ALREADY_INSTALLED); break; }
      j->prog_offset = 0;
      enter(j, &a, COP_PH_PROGRAMMING, COP_JA_INSTALL);
    }
    break;
  case COP_JE_PROG_PROGRESS:
    if (prog) {
      uint32_t off = ev->offset > j->m.size ? j->m.size : ev->offset;
      uint8_t p = pct(off, j->m.size);
      j->prog_offset = off;
      if (p != j->percent) a.mask |= COP_JA_PERSIST;
      if (p / 10u != j->percent / 10u) a.mask |= COP_JA_PUBLISH;
      j->percent = p;
    }
    break;
  case COP_JE_PROG_REFUSED:
    if (prog || actv) {
      j->dev_status = ev->status;
      j->dev_detail = ev->detail;
      finish(j, &a, cop_job_refusal_reason(ev->status, ev->detail));
    }
    break;
  case COP_JE_PROG_DONE:
    if (prog) {
      j->prog_offset = j->m.size;
      if (ev->dev && ev->dev->known) j->boot_before = ev->dev->boot_id;
      enter(j, &a, COP_PH_ACTIVATING, COP_JA_ACTIVATE);
    }
    break;
  case COP_JE_ACTIVATED:
    if (actv) {
      j->spare[0] = 0;
      j->bbox_mark = ev->offset;
      j->trial_deadline_ms = ev->now_ms + (uint64_t)j->m.trial_s * 1000u;
      enter(j, &a, COP_PH_TRIAL, 0);
    }
    break;
  case COP_JE_STATUS:
    if (!ev->dev || !ev->dev->known) break;
    if (j->state == COP_JS_QUEUED && held(j)) {
      start(j, &a, ev->dev);
    } else if (actv && (j->spare[0] & COP_JOB_RESUMING)) {
      /* resumed not knowing whether ACTIVATE went out: a new boot says it did */
      j->spare[0] = 0;
      if (ev->dev->boot_id != j->boot_before) {
        j->trial_deadline_ms = ev->now_ms + (uint64_t)j->m.trial_s * 1000u;
        enter(j, &a, COP_PH_TRIAL, 0);
        judge(j, &a, ev->dev);
      } else {
        a.mask |= COP_JA_ACTIVATE;
      }
    } else if (trial) {
      judge(j, &a, ev->dev);
    } else if (!cop_jstate_terminal(j->state) && held(j) && j->phase < COP_PH_ACTIVATING) {
      j->boot_before = ev->dev->boot_id;   /* the boot the activation will leave */
    }
    break;
  case COP_JE_REVERTED:
    if (trial) reverted(j, &a, ev->detail, ev->dev ? &ev->dev->rv : 0);
    break;
  case COP_JE_TICK:
    tick(j, &a, ev->now_ms);
    break;
  default:
    break;
  }
  /* every update's seq is kept, so it never goes back after a restart */
  if (a.mask & COP_JA_PUBLISH) { j->updates++; a.mask |= COP_JA_PERSIST; }
  cop_job_seal(j);   /* always sealed in memory; written on COP_JA_PERSIST */
  return a;
}

/* ---- the persisted record -------------------------------------------------- */

static uint32_t job_crc(const cop_job *j) { return cop_crc32(0, j, offsetof(cop_job, crc)); }

void cop_job_seal(cop_job *j) { j->crc = job_crc(j); }

static bool flag_ok(const void *b) { uint8_t v; __builtin_memcpy(&v, b, 1); return v <= 1; }

static bool str_ok(const char *s, size_t cap, bool may_be_empty) {
  size_t n = 0;
  while (n < cap && s[n]) n++;
  if (n == cap) return false;
  return n == 0 ? may_be_empty : true;
}

bool cop_job_check(const cop_job *j) {
  if (j->magic != COP_JOB_MAGIC || j->crc != job_crc(j)) return false;
  if (j->state >= COP_JS__COUNT || j->phase >= COP_PH__COUNT || j->reason >= COP_JR__COUNT ||
      j->percent > 100 || j->rv.cause >= COP_RV__COUNT || j->rv.fault >= CVM_FAULT__COUNT || j->rv.where > 1 ||
      !flag_ok(&j->has_image) || !flag_ok(&j->m.has_image) || !flag_ok(&j->m.cancel))
    return false;
  for (uint32_t i = 0; i < COP_JOB_PAST; i++)
    if (!str_ok(j->past[i], COP_ID_MAX + 1, true)) return false;
  if (!str_ok(j->m.id, COP_ID_MAX + 1, true) || !str_ok(j->m.url, COP_URL_MAX + 1, true)) return false;
  if (!held(j)) return j->state == COP_JS_QUEUED && j->phase == COP_PH_NONE;
  if (!cop_id_ok(j->m.id, slen(j->m.id, COP_ID_MAX + 1)) || j->m.size == 0) return false;
  if (j->dl_offset > j->m.size || j->prog_offset > j->m.size) return false;
  if ((j->state == COP_JS_IN_PROGRESS) != (j->phase != COP_PH_NONE)) return false;
  if (j->phase >= COP_PH_PROGRAMMING && !j->has_image) return false;
  return true;
}

cop_jact cop_job_resume(cop_job *j, uint64_t now_ms) {
  cop_jact a = { 0, COP_E_OK };
  if (!cop_job_check(j)) {
    cop_job_init(j);
    a.refused = COP_E_CORRUPT;
    a.mask = COP_JA_DISCARD | COP_JA_PERSIST;
    cop_job_seal(j);
    return a;
  }
  if (!cop_job_active(j)) return a;
  /* a deadline passed while the copilot was down ends the job now */
  cop_jev t = { .type = COP_JE_TICK, .now_ms = now_ms };
  a = cop_job_step(j, &t);
  if (!cop_job_active(j)) return a;
  a.mask &= ~(uint32_t)COP_JA_STATUS;   /* the resume below asks for it where needed */
  if (j->state == COP_JS_QUEUED) {
    a.mask |= COP_JA_STATUS;
  } else {
    switch (j->phase) {
    case COP_PH_DOWNLOADING: a.mask |= COP_JA_DOWNLOAD; break;     /* from dl_offset */
    case COP_PH_VERIFYING: a.mask |= COP_JA_VERIFY; break;
    case COP_PH_PROGRAMMING: a.mask |= COP_JA_INSTALL; break;      /* from prog_offset */
    case COP_PH_ACTIVATING:
      j->spare[0] |= COP_JOB_RESUMING;   /* STATUS tells whether ACTIVATE went out */
      a.mask |= COP_JA_STATUS | COP_JA_PERSIST;
      break;
    default: a.mask |= COP_JA_STATUS; break;                        /* trial: the verdict */
    }
  }
  a.mask |= COP_JA_PUBLISH | COP_JA_PERSIST;   /* where the job stands, after the restart */
  j->updates++;
  cop_job_seal(j);
  return a;
}

/* ---- the job update payload ---------------------------------------------- */

size_t cop_enc_job_update(char *out, size_t cap, const cop_stamp *s, const cop_job *j) {
  cop_jw w;
  char t[COP_TIME_LEN + 1];
  cop_jw_init(&w, out, cap);
  cop_jw_obj(&w);
  cop_jw_key(&w, "v"); cop_jw_uint(&w, COP_SCHEMA);
  cop_jw_key(&w, "type"); cop_jw_str(&w, "job_update");
  cop_time_fmt(s->time_ms, t);
  cop_jw_key(&w, "time"); cop_jw_str(&w, t);
  cop_jw_key(&w, "boot_id");
  if (s->known) {
    uint8_t b[4] = { (uint8_t)(s->boot_id >> 24), (uint8_t)(s->boot_id >> 16),
                     (uint8_t)(s->boot_id >> 8), (uint8_t)s->boot_id };
    cop_jw_hex(&w, b, 4);
  } else {
    cop_jw_null(&w);
  }
  cop_jw_key(&w, "uptime_ms");
  if (s->known) cop_jw_uint(&w, s->uptime_ms); else cop_jw_null(&w);
  cop_jw_key(&w, "job"); cop_jw_str(&w, j->m.id);
  cop_jw_key(&w, "seq"); cop_jw_uint(&w, j->updates);
  cop_jw_key(&w, "state"); cop_jw_str(&w, cop_jstate_name(j->state));
  cop_jw_key(&w, "phase");
  if (j->state == COP_JS_IN_PROGRESS) cop_jw_str(&w, cop_phase_name(j->phase)); else cop_jw_null(&w);
  cop_jw_key(&w, "percent");
  if (j->state == COP_JS_IN_PROGRESS && (j->phase == COP_PH_DOWNLOADING || j->phase == COP_PH_PROGRAMMING))
    cop_jw_uint(&w, j->percent);
  else
    cop_jw_null(&w);
  cop_jw_key(&w, "reason");
  if (j->reason != COP_JR_NONE) cop_jw_str(&w, cop_jreason_name(j->reason)); else cop_jw_null(&w);
  cop_jw_key(&w, "device");
  if (j->reason != COP_JR_NONE && j->rv.cause != COP_RV_NONE) {   /* the device reverted the trial */
    cop_jw_obj(&w);
    cop_jw_key(&w, "status"); cop_jw_str(&w, "reverted");
    cop_jw_key(&w, "detail"); cop_jw_str(&w, cop_rv_name(j->rv.cause));
    cop_jw_key(&w, "fault");
    if (j->rv.fault) cop_jw_str(&w, cop_fault_name(j->rv.fault)); else cop_jw_null(&w);
    cop_jw_key(&w, "pc");
    if (j->rv.where) cop_jw_uint(&w, j->rv.pc); else cop_jw_null(&w);
    cop_jw_key(&w, "line");
    if (j->rv.where && j->rv.line) cop_jw_uint(&w, j->rv.line); else cop_jw_null(&w);
    cop_jw_obj_end(&w);
  } else if (j->reason != COP_JR_NONE && j->dev_status != LINK_ST_OK) {
    cop_jw_obj(&w);
    cop_jw_key(&w, "status"); cop_jw_str(&w, link_st_name((link_st)j->dev_status));
    cop_jw_key(&w, "detail");
    if (j->dev_status == LINK_ST_VERIFY && j->dev_detail < CVM1_ERR__COUNT)
      cop_jw_str(&w, cvm1_err_name((cvm1_err)j->dev_detail));
    else
      cop_jw_uint(&w, j->dev_detail);
    cop_jw_obj_end(&w);
  } else {
    cop_jw_null(&w);
  }
  cop_jw_key(&w, "version"); cop_jw_version(&w, j->m.version);
  cop_jw_key(&w, "sha256"); cop_jw_hex(&w, j->m.sha256, 32);
  cop_jw_obj_end(&w);
  return cop_jw_end(&w);
}
