/*
** fuzz_copilot.c -- libFuzzer target for the copilot core (cop.h): the
** payload parsers and the install job machine.
**
** Input: the first byte picks the mode, the rest is its data.
**   0 a job notify payload (cop_dec_job)      1 a cmd payload (cop_dec_cmd)
**   2 any JSON: every string read back through the writer must parse again
**     to the same bytes
**   3 the job machine: the bytes are events [type][arg], on a small world
**     of two artifacts and a device that boots, runs, confirms and reverts
**   4 a persisted job record as bytes (cop_job_resume must refuse or go on)
**   5 the queue: the bytes are operations (push n bytes, pop, take the
**     dropped count, reopen, rot a byte of the blob) on a 300-byte ring
** Checked: refusals agree with cop_why; accepted payloads hold their
** promises (safe ids, https URL, a known op); the job record stays valid
** (cop_job_check) after every step; SUCCEEDED/confirmed only when the last
** device state was a new boot running the job's image not on trial; an
** ended job never moves again except for a new job; every update encodes
** to JSON that parses.
*/
#include <stdlib.h>
#include <string.h>

#include "cop.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static cop_jtok tok[64];

static void check_json_out(const char *p, size_t n) {
  cop_json j;
  ASSERT(n > 0 && cop_json_parse(&j, p, n, tok, 64) == COP_E_OK);
}

static void dec_job(const uint8_t *d, size_t n) {
  cop_job_msg m;
  cop_why why;
  cop_err e = cop_dec_job((const char *)d, n, &m, &why);
  ASSERT(e < COP_E__COUNT && why.err == e);
  if (e != COP_E_OK) {
    char out[COP_MSG_MAX];
    cop_stamp s = { 0, 0, 0, false };
    size_t k = cop_enc_refusal(out, sizeof out, &s, "jobs/notify", why.id, e, why.field, why.pos);
    check_json_out(out, k);
    return;
  }
  ASSERT(cop_id_ok(m.id, strlen(m.id)));
  if (!m.cancel) ASSERT(m.size > 0 && !strncmp(m.url, "https://", 8) && m.timeout_s && m.trial_s);
}

static void dec_cmd(const uint8_t *d, size_t n) {
  if (n < 9) return;
  uint64_t now;
  uint32_t left;
  memcpy(&now, d, 8);
  now >>= 20;   /* keep it in the years a date-time can say */
  left = d[8] == 0 ? 0 : d[8] == 1 ? UINT32_MAX : d[8];
  cop_cmd c;
  cop_why why;
  cop_err e = cop_dec_cmd((const char *)d + 9, n - 9, now, left, &c, &why);
  ASSERT(e < COP_E__COUNT && why.err == e);
  if (e == COP_E_OK) {
    ASSERT(cop_id_ok(c.id, strlen(c.id)) && c.op < COP_CMD__COUNT && c.expires_ms > now && left != 0);
    char out[COP_MSG_MAX];
    cop_stamp s = { now, 1, 2, true };
    check_json_out(out, cop_enc_cmd_response(out, sizeof out, &s, c.id, c.op, true, NULL, c.interval_ms));
  }
}

static void json_round(const uint8_t *d, size_t n) {
  cop_json j;
  if (cop_json_parse(&j, (const char *)d, n, tok, 64) != COP_E_OK) return;
  for (uint32_t t = 0; t < j.ntok; t++) {
    if (tok[t].type != COP_J_STRING) continue;
    static char s1[COP_PAYLOAD_MAX + 1], w1[6 * COP_PAYLOAD_MAX + 8], s2[COP_PAYLOAD_MAX + 1];
    size_t n1, n2;
    if (cop_json_str(&j, t, s1, sizeof s1, &n1) != COP_E_OK) continue;   /* an escaped NUL */
    cop_jw w;
    cop_jw_init(&w, w1, sizeof w1);
    cop_jw_strn(&w, s1, n1);
    size_t k = cop_jw_end(&w);
    ASSERT(k > 0);
    cop_json j2;
    cop_jtok t2[2];
    if (k > COP_PAYLOAD_MAX) continue;
    ASSERT(cop_json_parse(&j2, w1, k, t2, 2) == COP_E_OK);
    ASSERT(cop_json_str(&j2, 0, s2, sizeof s2, &n2) == COP_E_OK && n2 == n1 && !memcmp(s1, s2, n1));
  }
}

/* ---- the job machine ------------------------------------------------------ */

static cop_job_msg arts[3];
static const uint8_t IMG[3][32] = { { 1 }, { 2 }, { 3 } };

static void world_init(void) {
  static const char *ids[3] = { "j1", "j2", "j1" };   /* j1 twice: a conflict */
  for (int i = 0; i < 3; i++) {
    memset(&arts[i], 0, sizeof arts[i]);
    strcpy(arts[i].id, ids[i]);
    memset(arts[i].sha256, 0x10 + i, 32);
    arts[i].size = 1000u + (uint32_t)i;
    strcpy(arts[i].url, "https://b/a");
    arts[i].timeout_s = 60;
    arts[i].trial_s = 5;
    arts[i].has_image = i == 1;
    memcpy(arts[i].image, IMG[i], 32);
  }
}

static void check_update(const cop_job *j) {
  char out[COP_MSG_MAX];
  cop_stamp s = { 1000, 1, 2, true };
  check_json_out(out, cop_enc_job_update(out, sizeof out, &s, j));
}

static void machine(const uint8_t *d, size_t n) {
  cop_job j;
  cop_job_init(&j);
  cop_dev dev;
  memset(&dev, 0, sizeof dev);
  dev.known = true;
  dev.boot_id = 1;
  dev.running = 0;
  memcpy(dev.digest, IMG[0], 32);
  uint64_t now = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint8_t type = d[i] % 16u, arg = d[i + 1];
    cop_jev ev;
    memset(&ev, 0, sizeof ev);
    now += arg * 100u;
    ev.now_ms = now;
    cop_job before = j;
    cop_job_msg cm;
    switch (type) {
    case 14:   /* the device changes: reboot, maybe into another image, trial or not */
      dev.boot_id += 1u + (arg & 1u);
      memcpy(dev.digest, IMG[(arg >> 1) % 3u], 32);
      dev.trial = (arg >> 3) & 1u;
      dev.other_state = (uint8_t)((arg >> 4) % LINK_BANK__COUNT);
      dev.other_reason = (uint8_t)((arg >> 7) ? LINK_REASON_FAULT : LINK_REASON_NO_CONFIRM);
      /* why the transport says it was reverted, in range or not */
      dev.rv.cause = (uint8_t)(arg % (COP_RV__COUNT + 2u));
      dev.rv.fault = (uint8_t)(arg * 7u);
      dev.rv.where = (uint8_t)(arg >> 6);
      dev.rv.pc = arg * 3u;
      dev.rv.line = arg;
      continue;
    case 15:   /* a restart of the copilot: the record through bytes */
      {
        uint8_t disk[sizeof j];
        cop_job_seal(&j);
        memcpy(disk, &j, sizeof j);
        memcpy(&j, disk, sizeof j);
        cop_jact a = cop_job_resume(&j, now);
        ASSERT(a.refused == COP_E_OK);
      }
      ASSERT(cop_job_check(&j));
      continue;
    default:
      break;
    }
    ev.type = type;
    ev.msg = &arts[arg % 3u];
    if (type == COP_JE_CANCEL && (arg & 4)) ev.msg = NULL;
    if (type == COP_JE_NOTIFY && (arg & 8)) {
      cm = arts[arg % 3u];
      cm.cancel = true;
      ev.msg = &cm;
    }
    ev.offset = (uint32_t)arg * 8u;
    ev.status = arg % LINK_ST__COUNT;
    ev.detail = arg >> 2;
    ev.digest = (arg & 16) ? IMG[arg % 3u] : NULL;
    ev.dev = (arg & 32) ? NULL : &dev;
    cop_jact a = cop_job_step(&j, &ev);
    ASSERT(a.refused < COP_E__COUNT);
    if (a.mask & COP_JA_PERSIST) ASSERT(cop_job_check(&j));
    if (a.mask & COP_JA_PUBLISH) check_update(&j);
    bool was_end = before.m.id[0] && cop_jstate_terminal(before.state);
    if (was_end && strcmp(j.m.id, before.m.id) == 0) {
      ASSERT(j.state == before.state && j.reason == before.reason);   /* an end is final */
    }
    if (j.state == COP_JS_SUCCEEDED && j.reason == COP_JR_CONFIRMED && before.state != COP_JS_SUCCEEDED) {
      ASSERT(type == COP_JE_STATUS && ev.dev && !dev.trial && dev.boot_id != before.boot_before &&
             !memcmp(dev.digest, j.image, 32));
    }
    if (a.refused != COP_E_OK && type != COP_JE_TICK)
      ASSERT(j.state == before.state && j.phase == before.phase && !strcmp(j.m.id, before.m.id));
  }
}

static void record(const uint8_t *d, size_t n) {
  cop_job j;
  memset(&j, 0, sizeof j);
  memcpy(&j, d, n < sizeof j ? n : sizeof j);
  bool seal = n > sizeof j && (d[sizeof j] & 1);
  if (seal) cop_job_seal(&j);   /* so that the bounds checks are reached */
  /* bools must hold 0/1 for the compiler; the check reads them as bytes first */
  cop_jact a = cop_job_resume(&j, 1000);
  ASSERT(cop_job_check(&j));
  ASSERT(a.refused == COP_E_OK || a.refused == COP_E_CORRUPT);
  check_update(&j);
  cop_jev ev = { .type = COP_JE_TICK, .now_ms = 1u << 30 };
  cop_job_step(&j, &ev);
  ASSERT(!cop_job_active(&j));
}

/* ---- the queue ------------------------------------------------------------- */

#define QBLOB (COP_Q_DATA + 300u)
static uint8_t qblob[QBLOB];
static int q_read(void *c, uint32_t off, void *p, uint32_t n) {
  (void)c;
  if (off + n > QBLOB) abort();   /* the queue never reaches outside its blob */
  memcpy(p, qblob + off, n);
  return 0;
}
static int q_write(void *c, uint32_t off, const void *p, uint32_t n) {
  (void)c;
  if (off + n > QBLOB) abort();
  memcpy(qblob + off, p, n);
  return 0;
}
static int q_sync(void *c) { (void)c; return 0; }

static void queue(const uint8_t *d, size_t n) {
  memset(qblob, 0, sizeof qblob);
  cop_storage st = { NULL, q_read, q_write, q_sync };
  cop_queue q;
  ASSERT(cop_queue_open(&q, &st, QBLOB) == COP_E_OK);
  bool rotten = false;
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint8_t op = d[i] % 8u, arg = d[i + 1];
    uint8_t buf[300], t;
    uint32_t len;
    switch (op) {
    case 0: case 1: case 2: {
      memset(buf, arg, sizeof buf);
      cop_err e = cop_queue_push(&q, arg, buf, (uint32_t)arg * 2u);
      ASSERT(e == COP_E_OK || e == COP_E_TOO_BIG || (rotten && e == COP_E_CORRUPT));
      break;
    }
    case 3: {
      /* the oldest, or (odd arg) the k-th oldest as the copilot's window reads them */
      cop_err e = arg & 1 ? cop_queue_peek_at(&q, (arg >> 1) % 20u, &t, buf, sizeof buf, &len)
                          : cop_queue_peek(&q, &t, buf, sizeof buf, &len);
      ASSERT(e == COP_E_OK || e == COP_E_EMPTY || (rotten && e == COP_E_CORRUPT));
      if (e == COP_E_OK && !rotten) {   /* a payload is its topic byte repeated */
        ASSERT(len == (uint32_t)t * 2u);
        for (uint32_t k = 0; k < len; k++) ASSERT(buf[k] == t);
      }
      break;
    }
    case 4: case 5: {
      cop_err e = cop_queue_pop(&q);
      ASSERT(e == COP_E_OK || e == COP_E_EMPTY || (rotten && e == COP_E_CORRUPT));
      break;
    }
    case 6:
      if (arg & 2) (void)cop_queue_undrop(&q);
      else if (arg & 1) (void)cop_queue_take_dropped(&q);
      else ASSERT(cop_queue_open(&q, &st, QBLOB) == COP_E_OK);
      break;
    default:
      qblob[(arg * 7u) % QBLOB] ^= (uint8_t)(1u + (arg >> 5));
      rotten = true;
      ASSERT(cop_queue_open(&q, &st, QBLOB) == COP_E_OK);
      break;
    }
    ASSERT(q.used <= q.size && q.head < q.size && q.tail < q.size && (q.count == 0) == (q.used == 0));
    if (!rotten) ASSERT(q.pushed == q.popped + q.dropped + q.count);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bool inited;
  if (!inited) { world_init(); inited = true; }
  if (size < 1) return 0;
  const uint8_t *d = data + 1;
  size_t n = size - 1;
  switch (data[0] % 6u) {
  case 0: dec_job(d, n); break;
  case 1: dec_cmd(d, n); break;
  case 2: json_round(d, n); break;
  case 3: machine(d, n); break;
  case 4: record(d, n); break;
  default: queue(d, n); break;
  }
  return 0;
}
