/*
** cop_job.c -- the install job as a pure state machine (cop.h): events in,
** actions out, and the record (cop_job) is the whole state, so a copilot
** restarted from its last persisted record goes on where it stopped.
**
**   QUEUED       a new job; waits for the device's status when the notify
**                names the image digest (to see whether it runs already)
**   IN_PROGRESS  downloading n% -> verifying -> programming n% ->
**                activating -> trial
**   SUCCEEDED    confirmed: a STATUS shows the device, in a boot other than
**                the one before the activation, running the new image
**                digest and not on trial; or already_installed
**   FAILED, REJECTED, TIMED_OUT, CANCELED: cop_reasons.def
**
** Every state or phase change gives COP_JA_PUBLISH | COP_JA_PERSIST (and
** counts one update, the payload's seq); progress is published (and
** persisted) when it moved 10 percent since the last update. Between
** those, dl_offset and prog_offset run ahead of the persisted record:
** after a restart the transport keeps only the first dl_offset bytes of
** its file, and BEGIN tells where the device stands.
*/
#include "cop.h"
#include "cvm1.h"

/* ---- small helpers (freestanding: no string.h) -------------------------- */

static void bset(void *p, int v, size_t n) { __builtin_memset(p, v, n); }
static void bcpy(void *d, const void *s, size_t n) { __builtin_memcpy(d, s, n); }
static bool beq(const void *a, const void *b, size_t n) { return __builtin_memcmp(a, b, n) == 0; }

static size_t idlen(const char *s) {   /* COP_ID_MAX + 1 if not NUL-ended in time */
  size_t n = 0;
  while (n <= COP_ID_MAX && s[n]) n++;
  return n;
}
static bool ideq(const char *a, const char *b) {
  size_t n = idlen(a);
  return n <= COP_ID_MAX && n == idlen(b) && beq(a, b, n);
}
static bool id_valid(const char *s) {
  size_t n = idlen(s);
  return n <= COP_ID_MAX && cop_id_ok(s, n);
}

static bool terminal(const cop_job *j) { return cop_jstate_terminal(j->state); }
static bool slot_used(const cop_job *j) { return j->m.id[0] != 0; }

static uint8_t pct(uint32_t off, uint32_t size) {
  if (!size) return 0;
  uint64_t p = (uint64_t)off * 100u / size;
  return (uint8_t)(p > 100u ? 100u : p);
}

static uint32_t crc_of(const cop_job *j) { return cop_crc32(0, j, offsetof(cop_job, crc)); }

/* ---- the record ----------------------------------------------------------- */

void cop_job_init(cop_job *j) {
  bset(j, 0, sizeof *j);
  j->magic = COP_JOB_MAGIC;
  cop_job_seal(j);
}

bool cop_job_active(const cop_job *j) { return slot_used(j) && !terminal(j); }

void cop_job_seal(cop_job *j) { j->crc = crc_of(j); }

static bool hist_ok(const cop_job *j) {
  if (j->hist_next >= COP_JOB_HIST) return false;
  for (uint32_t i = 0; i < COP_JOB_HIST; i++) {
    const char *id = j->hist[i].id;
    if (!id[0]) continue;
    if (!id_valid(id) || !cop_jstate_terminal(j->hist[i].state) || j->hist[i].has_sha > 1 ||
        j->hist[i].reason >= COP_JR__COUNT)
      return false;
  }
  return true;
}

/* Bounds and consistency of a record, beyond its CRC. */
static bool sane(const cop_job *j) {
  if (j->magic != COP_JOB_MAGIC) return false;
  if (j->state >= COP_JS__COUNT || j->phase >= COP_PH__COUNT || j->reason >= COP_JR__COUNT ||
      j->percent > 100u || j->dev_status >= LINK_ST__COUNT)
    return false;
  if (j->flags & ~(COP_JF_BOOT | COP_JF_ASKED | COP_JF_TRIAL)) return false;
  if (!hist_ok(j)) return false;
  /* bools as bytes: a record from storage may hold anything */
  uint8_t b[3];
  bcpy(&b[0], &j->has_image, 1);
  bcpy(&b[1], &j->m.has_image, 1);
  bcpy(&b[2], &j->m.cancel, 1);
  if (b[0] > 1 || b[1] > 1 || b[2] > 1) return false;
  if (!slot_used(j)) return j->state == COP_JS_QUEUED && j->phase == COP_PH_NONE;
  const cop_job_msg *m = &j->m;
  if (!id_valid(m->id) || m->cancel || m->size == 0) return false;
  bool url_ended = false;
  for (size_t i = 0; i < sizeof m->url; i++)
    if (!m->url[i]) { url_ended = true; break; }
  if (!url_ended) return false;
  if (j->dl_offset > m->size || j->prog_offset > m->size) return false;
  if (b[1] && !(b[0] && beq(j->image, m->image, 32))) return false;   /* the notify's digest kept */
  if (terminal(j)) return j->phase == COP_PH_NONE && cop_jreason_state(j->reason) == j->state &&
                          j->reason != COP_JR_NONE;
  if (j->reason != COP_JR_NONE) return false;
  if (j->state == COP_JS_QUEUED) return j->phase == COP_PH_NONE && j->has_image;
  if (j->phase >= COP_PH_PROGRAMMING && !j->has_image) return false;
  return j->phase != COP_PH_NONE;   /* IN_PROGRESS */
}

bool cop_job_check(const cop_job *j) { return j->crc == crc_of(j) && sane(j); }

/* ---- transitions ----------------------------------------------------------- */

static cop_jact act(uint32_t mask, cop_err e) { return (cop_jact){ mask, e }; }

/* A change worth an update: one more seq, published and persisted. */
static uint32_t changed(cop_job *j) {
  j->updates++;
  return COP_JA_PUBLISH | COP_JA_PERSIST;
}

static void set_phase(cop_job *j, uint8_t phase, uint8_t percent) {
  j->state = COP_JS_IN_PROGRESS;
  j->phase = phase;
  j->percent = percent;
}

/* End the job: the reason says the state. */
static uint32_t end(cop_job *j, uint8_t reason) {
  uint32_t mask = COP_JA_DISCARD;
  if (j->phase == COP_PH_DOWNLOADING) mask |= COP_JA_ABORT_DL;
  j->state = (uint8_t)cop_jreason_state(reason);
  j->reason = reason;
  j->phase = COP_PH_NONE;
  j->percent = 0;
  j->flags &= ~COP_JF_ASKED;
  return mask | changed(j);
}

/* The device's refusal of the install (BEGIN, DATA, VERIFY or ACTIVATE):
** REJECTED when it refuses the artifact itself, else FAILED. */
static uint8_t refusal_reason(uint8_t st, uint32_t detail) {
  switch (st) {
  case LINK_ST_ROLLBACK: return COP_JR_COUNTER;
  case LINK_ST_TOO_BIG: return COP_JR_ARTIFACT;
  case LINK_ST_VERIFY: break;
  default: return COP_JR_DEVICE_REFUSED;
  }
  switch (detail) {
  case CVM1_ERR_SIGNATURE: return COP_JR_SIGNATURE;
  case CVM1_ERR_UNSIGNED:
  case CVM1_ERR_NO_KEYID:
  case CVM1_ERR_UNKNOWN_KEY: return COP_JR_KEY;
  case CVM1_ERR_ROLLBACK: return COP_JR_COUNTER;
  case CVM1_ERR_ABI_VERSION:
  case CVM1_ERR_ABI_HASH:
  case CVM1_ERR_ISA_HASH:
  case CVM1_ERR_CAPS:        /* needs what this device does not grant */
  case CVM1_ERR_VENDOR:
  case CVM1_ERR_CLASS: return COP_JR_ABI;
  default:
    /* the reader's structural checks, TRUNCATED .. DIGEST */
    if (detail >= CVM1_ERR_TRUNCATED && detail <= CVM1_ERR_DIGEST) return COP_JR_ARTIFACT;
    return COP_JR_DEVICE_REFUSED;   /* NOMEM, IO, ...: the device's trouble */
  }
}

static bool runs_image(const cop_dev *d, const uint8_t image[32]) {
  return d->known && d->running != LINK_NO_BANK && beq(d->digest, image, 32);
}

static bool known(const cop_dev *d) { return d && d->known; }

/* A new job (or one resumed in QUEUED) with what is known of the device. */
static uint32_t start(cop_job *j, const cop_dev *d) {
  if (j->has_image) {
    if (!known(d)) {
      j->flags |= COP_JF_ASKED;
      return COP_JA_STATUS;     /* QUEUED until the device is heard */
    }
    if (runs_image(d, j->image) && !d->trial) return end(j, COP_JR_ALREADY_INSTALLED);
  }
  j->flags &= ~COP_JF_ASKED;
  set_phase(j, COP_PH_DOWNLOADING, pct(j->dl_offset, j->m.size));
  return COP_JA_DOWNLOAD | changed(j);
}

static uint32_t activate(cop_job *j) {
  j->flags &= ~COP_JF_ASKED;
  return COP_JA_ACTIVATE;
}

/* A STATUS while activating or on trial: the device's verdict, if it is in. */
static uint32_t judge(cop_job *j, const cop_dev *d, uint64_t now) {
  bool have_boot = (j->flags & COP_JF_BOOT) != 0;
  if (j->phase == COP_PH_ACTIVATING &&
      (!have_boot || (d->boot_id == j->boot_before && (j->flags & COP_JF_ASKED)))) {
    /* the boot id before the activation, then ACTIVATE; or, after a restart
    ** in activating, not rebooted yet: ACTIVATE again (the device answers OK
    ** to an ACTIVATE already done) */
    j->boot_before = d->boot_id;
    j->flags |= COP_JF_BOOT;
    return activate(j) | COP_JA_PERSIST;
  }
  /* on trial without the boot id before (never heard the device then):
  ** only a trial seen first, then its confirmation, counts */
  if (have_boot && d->boot_id == j->boot_before) return 0;   /* not rebooted yet */
  uint32_t m = 0;
  if (j->flags & COP_JF_ASKED) {
    j->flags &= ~COP_JF_ASKED;
    m = COP_JA_PERSIST;
  }
  if (runs_image(d, j->image)) {
    if (!d->trial) return have_boot || (j->flags & COP_JF_TRIAL) ? end(j, COP_JR_CONFIRMED) : m;
    if (!(j->flags & COP_JF_TRIAL)) {
      j->flags |= COP_JF_TRIAL;
      m |= COP_JA_PERSIST;
    }
    if (j->phase != COP_PH_TRIAL) {   /* ACTIVATED was not seen (a restart) */
      set_phase(j, COP_PH_TRIAL, 0);
      j->trial_deadline_ms = now + (uint64_t)j->m.trial_s * 1000u;
      m |= changed(j);
    }
    return m;
  }
  /* Another boot runs something else: the new image was refused or reverted
  ** if its bank says so; else wait (the trial's deadline still runs). */
  if (d->other_state != LINK_BANK_REJECTED) return m;
  j->dev_status = LINK_ST_REJECTED;
  j->dev_detail = d->other_reason;
  switch (d->other_reason) {
  case LINK_REASON_NO_CONFIRM:
  case LINK_REASON_MANUAL: return end(j, COP_JR_TRIAL_NOT_CONFIRMED);
  case LINK_REASON_VERIFY: return end(j, COP_JR_DEVICE_REFUSED);
  default: return end(j, COP_JR_TRIAL_FAULTED);
  }
}

/* Progress of downloading or programming: publish when it moved 10 points. */
static uint32_t progress(cop_job *j, uint32_t *field, uint32_t off) {
  *field = off;
  uint8_t p = pct(off, j->m.size);
  if (p >= j->percent + 10u || p < j->percent) {
    j->percent = p;
    return changed(j);
  }
  return 0;
}

static void hist_push(cop_job *j, const char *id, uint8_t state, uint8_t reason, const uint8_t *sha) {
  uint32_t k = j->hist_next % COP_JOB_HIST;
  bset(&j->hist[k], 0, sizeof j->hist[k]);
  bcpy(j->hist[k].id, id, idlen(id));
  j->hist[k].state = state;
  j->hist[k].reason = reason;
  if (sha) {
    j->hist[k].has_sha = 1;
    bcpy(j->hist[k].sha, sha, sizeof j->hist[k].sha);
  }
  j->hist_next = (k + 1u) % COP_JOB_HIST;
}

static int hist_find(const cop_job *j, const char *id) {
  for (uint32_t i = 0; i < COP_JOB_HIST; i++)
    if (j->hist[i].id[0] && ideq(j->hist[i].id, id)) return (int)i;
  return -1;
}

static bool same_artifact(const cop_job *j, const cop_job_msg *m) {
  if (!beq(j->m.sha256, m->sha256, 32) || j->m.size != m->size) return false;
  return !(j->m.has_image && m->has_image) || beq(j->m.image, m->image, 32);
}

static bool msg_ok(const cop_job_msg *m) {
  if (!id_valid(m->id)) return false;
  if (m->cancel) return true;
  for (size_t i = 0; i < sizeof m->url; i++)
    if (!m->url[i]) return m->size != 0;
  return false;
}

static cop_jact cancel(cop_job *j, const cop_job_msg *m) {
  if (m && !(slot_used(j) && ideq(m->id, j->m.id))) {
    int h = hist_find(j, m->id);
    if (h >= 0)   /* ended already: nothing to cancel */
      return act(0, j->hist[h].state == COP_JS_CANCELED ? COP_E_OK : COP_E_TOO_LATE);
    /* never seen: remember it, so that its notify never installs */
    hist_push(j, m->id, COP_JS_CANCELED, COP_JR_CANCELED, 0);
    return act(COP_JA_PERSIST, COP_E_OK);
  }
  if (!slot_used(j)) return act(0, COP_E_OK);
  if (terminal(j))   /* say again how it ended */
    return act(COP_JA_PUBLISH, j->state == COP_JS_CANCELED ? COP_E_OK : COP_E_TOO_LATE);
  if (j->phase >= COP_PH_PROGRAMMING) return act(0, COP_E_TOO_LATE);
  return act(end(j, COP_JR_CANCELED), COP_E_OK);
}

/* may_take false: the job in the slot ended in this very step, and its
** update is the one this step publishes (one record, one update): another
** job is refused COP_E_BUSY, to be sent again. */
static cop_jact notify(cop_job *j, const cop_jev *ev, bool may_take) {
  const cop_job_msg *m = ev->msg;
  if (!m) return act(0, COP_E_MISSING);
  if (!msg_ok(m)) return act(0, id_valid(m->id) ? COP_E_RANGE : COP_E_BAD_ID);
  if (m->cancel) return cancel(j, m);
  if (slot_used(j) && ideq(m->id, j->m.id)) {
    /* a duplicate: nothing changes; its state said again */
    if (!same_artifact(j, m)) return act(0, COP_E_CONFLICT);
    return act(COP_JA_PUBLISH, COP_E_OK);
  }
  int h = hist_find(j, m->id);
  if (h >= 0) {
    if (j->hist[h].has_sha && !beq(j->hist[h].sha, m->sha256, sizeof j->hist[h].sha))
      return act(0, COP_E_CONFLICT);
    return act(0, COP_E_REPLAYED);
  }
  if (cop_job_active(j) || !may_take) return act(0, COP_E_BUSY);
  /* a new job: the one that ended moves to hist */
  if (slot_used(j)) hist_push(j, j->m.id, j->state, j->reason, j->m.sha256);
  bset(j, 0, offsetof(cop_job, hist_next));   /* all but hist */
  j->magic = COP_JOB_MAGIC;
  bcpy(&j->m, m, sizeof *m);
  j->state = COP_JS_QUEUED;
  j->has_image = m->has_image;
  if (m->has_image) bcpy(j->image, m->image, 32);
  j->deadline_ms = ev->now_ms + (uint64_t)m->timeout_s * 1000u;
  uint32_t mask = start(j, ev->dev);
  if (j->state == COP_JS_QUEUED) mask |= changed(j);   /* QUEUED said once */
  return act(mask, COP_E_OK);
}

/* The deadlines, after the event. */
static uint32_t expire(cop_job *j, uint64_t now) {
  if (!cop_job_active(j)) return 0;
  if (j->phase == COP_PH_TRIAL && now >= j->trial_deadline_ms) return end(j, COP_JR_TRIAL_TIMEOUT);
  if (now >= j->deadline_ms) return end(j, COP_JR_DEADLINE);
  return 0;
}

static uint32_t step(cop_job *j, const cop_jev *ev) {
  const cop_dev *d = ev->dev;
  switch (j->phase) {
  case COP_PH_NONE:   /* QUEUED: waits for the device's status */
    if (ev->type == COP_JE_STATUS && known(d) && j->state == COP_JS_QUEUED) return start(j, d);
    return 0;
  case COP_PH_DOWNLOADING:
    switch (ev->type) {
    case COP_JE_DL_PROGRESS:
      if (ev->offset > j->m.size) return end(j, COP_JR_DIGEST);   /* more than announced */
      return progress(j, &j->dl_offset, ev->offset);
    case COP_JE_DL_DONE:
      j->dl_offset = j->m.size;
      set_phase(j, COP_PH_VERIFYING, 0);
      return COP_JA_VERIFY | changed(j);
    case COP_JE_DL_FAILED: return end(j, COP_JR_DOWNLOAD);
    default: return 0;
    }
  case COP_PH_VERIFYING:
    switch (ev->type) {
    case COP_JE_DIGEST_BAD: return end(j, COP_JR_DIGEST);
    case COP_JE_DIGEST_OK:
      if (ev->digest) {
        if (j->has_image && !beq(j->image, ev->digest, 32)) return end(j, COP_JR_DIGEST);
        bcpy(j->image, ev->digest, 32);
        j->has_image = true;
      }
      /* no image digest, none named: not a CVM1 artifact, and its trial
      ** could never be told from the program before */
      if (!j->has_image) return end(j, COP_JR_DIGEST);
      if (j->has_image && known(d) && runs_image(d, j->image) && !d->trial)
        return end(j, COP_JR_ALREADY_INSTALLED);
      j->prog_offset = 0;
      set_phase(j, COP_PH_PROGRAMMING, 0);
      return COP_JA_INSTALL | changed(j);
    default: return 0;
    }
  case COP_PH_PROGRAMMING:
    switch (ev->type) {
    case COP_JE_PROG_PROGRESS:
      if (ev->offset > j->m.size) return 0;   /* not an offset of this artifact */
      return progress(j, &j->prog_offset, ev->offset);
    case COP_JE_PROG_DONE:
      j->prog_offset = j->m.size;
      set_phase(j, COP_PH_ACTIVATING, 0);
      if (known(d)) {
        j->boot_before = d->boot_id;
        j->flags |= COP_JF_BOOT;
        return activate(j) | changed(j);
      }
      j->flags |= COP_JF_ASKED;   /* the boot id first, then ACTIVATE */
      return COP_JA_STATUS | changed(j);
    default: break;
    }
    break;
  case COP_PH_ACTIVATING:
  case COP_PH_TRIAL:
    switch (ev->type) {
    case COP_JE_ACTIVATED:
      if (j->phase != COP_PH_ACTIVATING) return 0;
      if (!(j->flags & COP_JF_BOOT) && known(d)) {
        j->boot_before = d->boot_id;
        j->flags |= COP_JF_BOOT;
      }
      set_phase(j, COP_PH_TRIAL, 0);
      j->trial_deadline_ms = ev->now_ms + (uint64_t)j->m.trial_s * 1000u;
      j->flags |= COP_JF_ASKED;
      return COP_JA_STATUS | changed(j);
    case COP_JE_STATUS:
      return known(d) ? judge(j, d, ev->now_ms) : 0;
    case COP_JE_REVERTED:
      j->dev_status = LINK_ST_REJECTED;
      j->dev_detail = ev->detail && ev->detail < LINK_REASON__COUNT ? ev->detail : LINK_REASON_FAULT;
      return end(j, j->dev_detail == LINK_REASON_NO_CONFIRM ? COP_JR_TRIAL_NOT_CONFIRMED
                                                           : COP_JR_TRIAL_FAULTED);
    default: break;
    }
    break;
  default: return 0;
  }
  if (ev->type == COP_JE_PROG_REFUSED && j->phase != COP_PH_TRIAL) {   /* programming or activating */
    j->dev_status = ev->status < LINK_ST__COUNT ? ev->status : LINK_ST_UNKNOWN_CMD;
    j->dev_detail = ev->detail;
    return end(j, refusal_reason(ev->status, ev->detail));
  }
  return 0;
}

cop_jact cop_job_step(cop_job *j, const cop_jev *ev) {
  cop_jact a = act(0, COP_E_OK);
  if (!ev) return act(0, COP_E_MISSING);
  if (ev->type == COP_JE_NOTIFY) {
    a.mask = expire(j, ev->now_ms);   /* a job past its deadline ends first */
    cop_jact n = notify(j, ev, a.mask == 0);
    a.mask |= n.mask;
    a.refused = n.refused;
  }
  else if (ev->type == COP_JE_CANCEL) a = cancel(j, ev->msg);
  else if (cop_job_active(j) && ev->type <= COP_JE_TICK) a.mask = step(j, ev);
  a.mask |= expire(j, ev->now_ms);
  cop_job_seal(j);
  return a;
}

cop_jact cop_job_resume(cop_job *j, uint64_t now_ms) {
  if (!cop_job_check(j)) {
    cop_job_init(j);
    return act(COP_JA_DISCARD | COP_JA_PERSIST, COP_E_CORRUPT);
  }
  uint32_t mask = 0;
  if (terminal(j)) {
    mask = COP_JA_DISCARD;   /* in case the end came before its file went */
  } else if (cop_job_active(j)) {
    mask = expire(j, now_ms);
    if (!mask) {
      switch (j->phase) {
      case COP_PH_NONE: mask = start(j, 0); break;   /* QUEUED: ask the status */
      case COP_PH_DOWNLOADING: mask = COP_JA_DOWNLOAD; break;
      case COP_PH_VERIFYING: mask = COP_JA_VERIFY; break;
      case COP_PH_PROGRAMMING: mask = COP_JA_INSTALL; break;
      default:   /* activating or on trial: where does the device stand? */
        j->flags |= COP_JF_ASKED;
        mask = COP_JA_STATUS;
        break;
      }
    }
  }
  cop_job_seal(j);
  return act(mask, COP_E_OK);
}

/* ---- the update payload ------------------------------------------------------ */

/* The stamp as every encoder of cop_msg.c writes it. */
static void head(cop_jw *w, const cop_stamp *s) {
  char t[COP_TIME_LEN + 1];
  cop_jw_obj(w);
  cop_jw_key(w, "v");
  cop_jw_uint(w, COP_SCHEMA);
  cop_jw_key(w, "type");
  cop_jw_str(w, "job_update");
  cop_time_fmt(s->time_ms, t);
  cop_jw_key(w, "time");
  cop_jw_str(w, t);
  cop_jw_key(w, "boot_id");
  if (s->known) {
    uint8_t b[4] = { (uint8_t)(s->boot_id >> 24), (uint8_t)(s->boot_id >> 16),
                     (uint8_t)(s->boot_id >> 8), (uint8_t)s->boot_id };
    cop_jw_hex(w, b, 4);
  } else {
    cop_jw_null(w);
  }
  cop_jw_key(w, "uptime_ms");
  if (s->known) cop_jw_uint(w, s->uptime_ms);
  else cop_jw_null(w);
}

size_t cop_enc_job_update(char *out, size_t cap, const cop_stamp *s, const cop_job *j) {
  if (!slot_used(j)) return 0;
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, s);
  cop_jw_key(&w, "job");
  cop_jw_strn(&w, j->m.id, idlen(j->m.id) > COP_ID_MAX ? COP_ID_MAX : idlen(j->m.id));
  cop_jw_key(&w, "state");
  cop_jw_str(&w, cop_jstate_name(j->state));
  cop_jw_key(&w, "phase");
  if (j->phase != COP_PH_NONE) cop_jw_str(&w, cop_phase_name(j->phase));
  else cop_jw_null(&w);
  cop_jw_key(&w, "percent");
  if (j->phase == COP_PH_DOWNLOADING || j->phase == COP_PH_PROGRAMMING) cop_jw_uint(&w, j->percent);
  else cop_jw_null(&w);
  cop_jw_key(&w, "reason");
  if (j->reason != COP_JR_NONE) cop_jw_str(&w, cop_jreason_name(j->reason));
  else cop_jw_null(&w);
  /* what the device said: a refusal's status and detail, a revert's reason */
  cop_jw_key(&w, "device");
  bool said = terminal(j) && (j->state == COP_JS_REJECTED || j->reason == COP_JR_DEVICE_REFUSED ||
                              j->reason == COP_JR_TRIAL_FAULTED ||
                              j->reason == COP_JR_TRIAL_NOT_CONFIRMED);
  if (said) {
    cop_jw_obj(&w);
    cop_jw_key(&w, "status");
    cop_jw_str(&w, link_st_name((link_st)j->dev_status));
    cop_jw_key(&w, "detail");
    cop_jw_uint(&w, j->dev_detail);
    if (j->dev_status == LINK_ST_VERIFY) {
      cop_jw_key(&w, "check");
      cop_jw_str(&w, cvm1_err_name((cvm1_err)j->dev_detail));
    } else if (j->dev_status == LINK_ST_REJECTED) {
      cop_jw_key(&w, "revert");
      cop_jw_str(&w, link_reason_name(j->dev_detail));
    }
    cop_jw_obj_end(&w);
  } else {
    cop_jw_null(&w);
  }
  cop_jw_key(&w, "seq");
  cop_jw_uint(&w, j->updates);
  cop_jw_obj_end(&w);
  return cop_jw_end(&w);
}
