/*
** fuzz_copjob.c -- libFuzzer target for the copilot core's backend payloads
** and its install job (src/copilot/core): cop_dec_job and cop_dec_cmd on
** arbitrary bytes, then cop_job_step on an arbitrary event sequence.
**
** Input: u16 LE n, then n bytes of payload (to both decoders; a job it
** decodes is one of the notifies the sequence may send), then the event
** script: one op byte each, with the bytes it takes after it.
** Checked after every step and resume:
**   - the record is sealed (cop_job_check); a resume is refused only when
**     the record was damaged
**   - a terminal state stays terminal, with its reason, for the same job
**   - a job leaves the slot only when it had ended before the step (its
**     final update was published; one step publishes one record)
**   - a job id that ended is never downloaded or installed again (unless
**     the record was corrupted, which empties the slot and its memory)
**   - SUCCEEDED confirmed only on a STATUS of the new digest, not on trial
**   - every update that is published encodes, parses and carries seq
**   - decoded ids are safe ids; decoding is deterministic
*/
#include <stdlib.h>
#include <string.h>

#include "cop.h"
#include "cvm1.h"
#ifdef COPJOB_TRACE
#include <stdio.h>
#endif

#define NIDS 4
static const char *const ids[NIDS] = { "a", "b", "job-c", "d.d" };
static const uint8_t IMG[32] = { 0x22, 1 }, OLD[32] = { 0x33, 2 };

static cop_job J, DISK;
static bool ended[NIDS];
static char out[COP_MSG_MAX];
static cop_jtok tok[256];

static int id_index(const char *id) {
  for (int i = 0; i < NIDS; i++)
    if (!strcmp(id, ids[i])) return i;
  return -1;
}

static void check_record(void) {
  if (!cop_job_check(&J)) abort();
}

static void published(void) {
  cop_stamp s = { .time_ms = 1764720000000ull, .boot_id = 3, .uptime_ms = 9, .known = true };
  size_t n = cop_enc_job_update(out, sizeof out, &s, &J);
  if (!n) abort();
  cop_json j;
  if (cop_json_parse(&j, out, n, tok, 256) != COP_E_OK) abort();
  int32_t t = cop_json_get(&j, 0, "seq");
  int64_t seq;
  if (t < 0 || cop_json_int(&j, (uint32_t)t, 0, 0xFFFFFFFFll, &seq) != COP_E_OK || seq != J.updates) abort();
}

/* What a step or resume gave: the invariants. */
static void after(const cop_job *before, cop_jact a, const cop_jev *ev) {
  check_record();
  bool same = before->m.id[0] && !strcmp(before->m.id, J.m.id);
  if (same && cop_jstate_terminal(before->state) &&
      (J.state != before->state || J.reason != before->reason))
    abort();
  /* a job leaves the slot only after its end was published in a step of
  ** its own: one step publishes one record */
  if (before->m.id[0] && J.m.id[0] && strcmp(before->m.id, J.m.id) && !cop_jstate_terminal(before->state))
    abort();
  int k = id_index(J.m.id);
  if (k >= 0 && ended[k] && (a.mask & (COP_JA_DOWNLOAD | COP_JA_INSTALL | COP_JA_ACTIVATE))) abort();
  if (J.m.id[0] && cop_jstate_terminal(J.state)) {
    if (k >= 0) ended[k] = true;
    if (!(same && cop_jstate_terminal(before->state)) && J.reason == COP_JR_CONFIRMED) {
      /* it just succeeded: only a STATUS of the new image, confirmed */
      if (!ev || ev->type != COP_JE_STATUS || !ev->dev || !ev->dev->known || ev->dev->trial ||
          memcmp(ev->dev->digest, J.image, 32) || ev->dev->running == LINK_NO_BANK)
        abort();
    }
  }
  if (a.mask & COP_JA_PUBLISH) published();
  if (a.mask & COP_JA_PERSIST) DISK = J;
}

typedef struct { const uint8_t *p; size_t n; } rd;
static uint8_t u8(rd *r) {
  if (!r->n) return 0;
  r->n--;
  return *r->p++;
}
static uint32_t u16(rd *r) { uint32_t lo = u8(r); return lo | (uint32_t)u8(r) << 8; }

static cop_job_msg synth(rd *r) {
  cop_job_msg m;
  memset(&m, 0, sizeof m);
  uint8_t b = u8(r);
  strcpy(m.id, ids[b % NIDS]);
  m.sha256[0] = (uint8_t)(b >> 2 & 1);   /* two artifacts per id: conflicts */
  m.size = b & 8 ? 4096u : 4096u + 8u;
  m.has_image = (b & 16) != 0;
  if (m.has_image) memcpy(m.image, b & 32 ? IMG : OLD, 32);
  m.cancel = (b & 64) != 0 && (b & 128) != 0;
  strcpy(m.url, "https://fleet.example/a.cvm1");
  m.timeout_s = 1u + u8(r) * 16u;
  m.trial_s = 1u + u8(r);
  return m;
}

static cop_dev synth_dev(rd *r) {
  cop_dev d;
  memset(&d, 0, sizeof d);
  uint8_t b = u8(r);
  d.known = (b & 1) != 0;
  d.boot_id = u8(r) % 4u;
  d.running = b & 2 ? LINK_NO_BANK : 0;
  d.trial = (b & 4) != 0;
  memcpy(d.digest, b & 8 ? IMG : OLD, 32);
  d.other_state = (uint8_t)(u8(r) % (LINK_BANK__COUNT + 1u));
  d.other_reason = (uint8_t)(u8(r) % (LINK_REASON__COUNT + 1u));
  return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rd r = { data, size };
  size_t pn = u16(&r);
  if (pn > r.n) pn = r.n;
  const char *payload = (const char *)r.p;
  r.p += pn;
  r.n -= pn;

  /* the decoders */
  cop_job_msg dec, dec2;
  cop_why why;
  bool have_dec = false;
  cop_err e = cop_dec_job(payload, pn, &dec, &why);
  if (e == COP_E_OK) {
    if (!cop_id_ok(dec.id, strlen(dec.id))) abort();
    if (cop_dec_job(payload, pn, &dec2, 0) != COP_E_OK || memcmp(&dec, &dec2, sizeof dec)) abort();
    have_dec = true;
  } else if (why.err != e) {
    abort();
  }
  cop_cmd cmd;
  e = cop_dec_cmd(payload, pn, 1764720000000ull, pn & 1 ? UINT32_MAX : (uint32_t)pn % 3u, &cmd, &why);
  if (e == COP_E_OK && (!cop_id_ok(cmd.id, strlen(cmd.id)) || cmd.op >= COP_CMD__COUNT)) abort();

  /* the job machine */
  cop_job_init(&J);
  DISK = J;
  memset(ended, 0, sizeof ended);
  uint64_t now = 1764720000000ull;
  for (int steps = 0; r.n && steps < 128; steps++) {
    uint8_t op = u8(&r);
    cop_job before;
    memcpy(&before, &J, sizeof J);
    now += (uint64_t)(op >> 4) * 250u;
    cop_jev ev = { .type = (uint8_t)(op & 15), .now_ms = now };
    cop_job_msg m;
    cop_dev d;
    if ((op & 15) == 14) {   /* a restart from what was persisted */
      memcpy(&J, &DISK, sizeof J);
      memcpy(&before, &J, sizeof J);
      after(&before, cop_job_resume(&J, now), 0);
      continue;
    }
    if ((op & 15) == 15) {   /* the same, the record damaged */
      uint32_t at = u16(&r) % sizeof DISK;
      ((uint8_t *)&DISK)[at] ^= (uint8_t)(1u << (u8(&r) & 7));
      memcpy(&J, &DISK, sizeof J);
      cop_jact a = cop_job_resume(&J, now);
      if (a.refused == COP_E_CORRUPT) {
        if (J.m.id[0]) abort();
        memset(ended, 0, sizeof ended);   /* its memory is gone with it */
      } else if (a.refused != COP_E_OK) {
        abort();
      }
      memcpy(&before, &J, sizeof J);
      after(&before, a, 0);
      continue;
    }
    switch (ev.type) {
    case COP_JE_NOTIFY:
    case COP_JE_CANCEL: {
      uint8_t v = u8(&r);
      if (ev.type == COP_JE_CANCEL && (v & 1)) break;   /* the slot's job */
      m = have_dec && (v & 2) ? dec : synth(&r);
      ev.msg = &m;
      break;
    }
    case COP_JE_DL_PROGRESS:
    case COP_JE_PROG_PROGRESS: ev.offset = u16(&r) * 2u % 8200u; break;
    case COP_JE_DIGEST_OK: {
      uint8_t v = u8(&r) % 3u;
      ev.digest = v == 0 ? 0 : v == 1 ? IMG : OLD;
      break;
    }
    case COP_JE_PROG_REFUSED:   /* mostly known statuses and cvm1 errors, some beyond */
      ev.status = (uint8_t)(u8(&r) % (LINK_ST__COUNT + 2u));
      ev.detail = u8(&r) % (CVM1_ERR__COUNT + 4u);
      break;
    case COP_JE_REVERTED: ev.detail = u8(&r) % 8u; break;
    case COP_JE_TICK: now += (uint64_t)u16(&r) * 1000u; ev.now_ms = now; break;
    default: break;
    }
    if (ev.type == COP_JE_STATUS || (op & 0x80)) {
      d = synth_dev(&r);
      ev.dev = &d;
    }
    after(&before, cop_job_step(&J, &ev), &ev);
#ifdef COPJOB_TRACE
    fprintf(stderr, "op %2u -> %s %s %s\n", op & 15u, cop_jstate_name(J.state), cop_phase_name(J.phase),
            cop_jreason_name(J.reason));
#endif
  }
  return 0;
}
