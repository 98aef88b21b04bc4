/*
** test_cop_queue.c -- the copilot's on-disk queue (cop_queue.c) over a
** simulated blob that keeps what was synced apart from what was only
** written, so a power cut can keep or lose the unsynced writes.
**
**   test_cop_queue order|wrap|overflow|reopen|toobig|corrupt|big|cut_fail|cut_tear|cut_lose|cut_subset|ioerr
**
** cut_*: a scripted run of pushes, pops and dropped-count reports against
** a model of the queue; for every N the Nth write or sync fails (cut_fail: not
** done; cut_tear: a prefix written; cut_lose: and every write since the
** last sync lost too; cut_subset: any of those kept, 8 draws each) and the
** power goes. Reopened, the queue must hold
** exactly the model's records before or after the interrupted operation
** (or, for a push that had to make room, after its drops alone), in order,
** with counters that reconcile. ioerr: the Nth write fails but the run
** goes on with the same queue.
*/
#include "cop.h"
#include "tcheck.h"

#define BLOB_MAX 4096u

enum { M_NONE, M_FAIL, M_TEAR, M_LOSE, M_SUBSET, M_IOERR };

typedef struct sim {
  uint8_t disk[BLOB_MAX];    /* durable */
  uint8_t cache[BLOB_MAX];   /* what reads see */
  uint32_t size;
  long writes, fail_at;   /* storage operations that change it: writes and syncs */
  int mode;
  bool dead;
  /* writes since the last sync (M_SUBSET keeps any of them at the cut) */
  struct { uint32_t off, n, at; } pend[32];
  uint32_t npend, pool_n;
  uint8_t pool[BLOB_MAX * 2];
} sim;

static int s_read(void *ctx, uint32_t off, void *p, uint32_t n) {
  sim *s = ctx;
  if (s->dead || off > s->size || n > s->size - off) return -1;
  memcpy(p, s->cache + off, n);
  return 0;
}
static int s_write(void *ctx, uint32_t off, const void *p, uint32_t n) {
  sim *s = ctx;
  if (s->dead || off > s->size || n > s->size - off) return -1;
  if (++s->writes == s->fail_at) {
    if (s->mode == M_TEAR && n) memcpy(s->cache + off, p, (size_t)(rnd() % n));
    if (s->mode != M_IOERR) s->dead = true;
    return -1;
  }
  memcpy(s->cache + off, p, n);
  if (s->npend < 32 && s->pool_n + n <= sizeof s->pool) {
    s->pend[s->npend].off = off; s->pend[s->npend].n = n; s->pend[s->npend].at = s->pool_n;
    memcpy(s->pool + s->pool_n, p, n);
    s->npend++; s->pool_n += n;
  } else {
    s->npend = 33;   /* too many to track: M_SUBSET keeps them all */
  }
  return 0;
}
static int s_sync(void *ctx) {
  sim *s = ctx;
  if (s->dead) return -1;
  if (++s->writes == s->fail_at) {   /* the cut comes during the sync */
    if (s->mode != M_IOERR) s->dead = true;
    return -1;
  }
  memcpy(s->disk, s->cache, s->size);
  s->npend = s->pool_n = 0;
  return 0;
}
static void sim_init(sim *s, uint32_t size) {
  memset(s, 0, sizeof *s);
  s->size = size;
}
/* The power goes: what survives becomes both images; no more faults. */
static void sim_cut(sim *s) {
  if (s->mode == M_LOSE) memcpy(s->cache, s->disk, s->size);
  else if (s->mode == M_SUBSET && s->npend <= 32) {
    /* each unsynced write reached the disk or not, in any order */
    for (uint32_t i = 0; i < s->npend; i++)
      if (rnd() & 1) memcpy(s->disk + s->pend[i].off, s->pool + s->pend[i].at, s->pend[i].n);
    memcpy(s->cache, s->disk, s->size);
  } else memcpy(s->disk, s->cache, s->size);
  s->dead = false;
  s->fail_at = 0;
}
static cop_storage sim_st(sim *s) {
  cop_storage st = { s, s_read, s_write, s_sync };
  return st;
}

/* ---- records and the model --------------------------------------------- */

static uint32_t mk(uint8_t *p, uint32_t seq, uint32_t len) {
  for (uint32_t i = 0; i < len; i++) p[i] = (uint8_t)(seq * 31u + i * 7u);
  if (len >= 4) { p[0] = (uint8_t)seq; p[1] = (uint8_t)(seq >> 8); p[2] = (uint8_t)(seq >> 16); p[3] = 0x5A; }
  return len;
}

#define MODEL_MAX 512
typedef struct model {
  uint32_t seq[MODEL_MAX], len[MODEL_MAX];
  uint8_t topic[MODEL_MAX];
  uint32_t first, n;      /* ring of entries */
  uint32_t size, used;
  uint64_t pushed, popped, dropped;
  uint32_t unrep, unrep_disk;
} model;

static void m_init(model *m, uint32_t ring) { memset(m, 0, sizeof *m); m->size = ring; }
static void m_drop_for(model *m, uint32_t len) {
  while (m->size - m->used < COP_Q_REC + len) {
    m->used -= COP_Q_REC + m->len[m->first % MODEL_MAX];
    m->first++; m->n--; m->dropped++; m->unrep++;
  }
}
static void m_push(model *m, uint32_t seq, uint8_t topic, uint32_t len) {
  m_drop_for(m, len);
  uint32_t i = (m->first + m->n) % MODEL_MAX;
  m->seq[i] = seq; m->len[i] = len; m->topic[i] = topic;
  m->n++; m->used += COP_Q_REC + len; m->pushed++;
  m->unrep_disk = m->unrep;
}
static void m_pop(model *m) {
  m->used -= COP_Q_REC + m->len[m->first % MODEL_MAX];
  m->first++; m->n--; m->popped++;
  m->unrep_disk = m->unrep;
}

/* Does q (freshly opened) hold exactly m? Reads without popping (a second
** queue opened on the same storage walks the records by peek/pop on a copy). */
static bool q_is(cop_queue *q, const model *m, bool unrep_disk) {
  if (q->count != m->n || q->pushed != m->pushed || q->popped != m->popped ||
      q->dropped != m->dropped || q->used != m->used)
    return false;
  if (q->unreported != (unrep_disk ? m->unrep_disk : m->unrep)) return false;
  return true;
}

/* Drain q, comparing with m's records. */
static void q_drain_check(cop_queue *q, const model *m) {
  uint8_t buf[256], want[256];
  for (uint32_t k = 0; k < m->n; k++) {
    uint32_t i = (m->first + k) % MODEL_MAX, n = 0;
    uint8_t topic = 0xFF;
    cop_err e = cop_queue_peek(q, &topic, buf, sizeof buf, &n);
    CHECK(e == COP_E_OK, "record %u: %s", k, cop_err_name(e));
    if (e) return;
    mk(want, m->seq[i], m->len[i]);
    CHECK(n == m->len[i] && topic == m->topic[i] && !memcmp(buf, want, n),
          "record %u: seq %u len %u/%u", k, m->seq[i], n, m->len[i]);
    CHECK(cop_queue_pop(q) == COP_E_OK);
  }
  uint32_t n;
  CHECK(cop_queue_peek(q, 0, buf, sizeof buf, &n) == COP_E_EMPTY);
  CHECK(q->pushed == q->popped + q->dropped + q->count);
}

/* ---- simple cases -------------------------------------------------------- */

static void t_order(void) {
  sim s;
  sim_init(&s, 1024);
  cop_storage st = sim_st(&s);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, s.size) == COP_E_OK);
  uint8_t buf[256];
  uint32_t n;
  CHECK(cop_queue_peek(&q, 0, buf, sizeof buf, &n) == COP_E_EMPTY);
  CHECK(cop_queue_pop(&q) == COP_E_EMPTY);
  model m;
  m_init(&m, q.size);
  for (uint32_t i = 0; i < 10; i++) {
    uint32_t len = i == 3 ? 0 : 4 + i * 5;
    mk(buf, i, len);
    CHECK(cop_queue_push(&q, (uint8_t)(i % COP_T__COUNT), buf, len) == COP_E_OK);
    m_push(&m, i, (uint8_t)(i % COP_T__COUNT), len);
  }
  CHECK(q_is(&q, &m, false));
  /* a buffer too small: NO_SPACE with the length, and nothing removed */
  CHECK(cop_queue_peek(&q, 0, buf, 2, &n) == COP_E_NO_SPACE && n == 4);
  CHECK(q.count == 10);
  q_drain_check(&q, &m);
  CHECK(q.popped == 10 && q.dropped == 0 && cop_queue_take_dropped(&q) == 0);
}

static void t_wrap(void) {
  sim s;
  sim_init(&s, COP_Q_DATA + 100);
  cop_storage st = sim_st(&s);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, s.size) == COP_E_OK);
  model m;
  m_init(&m, q.size);
  uint8_t buf[128];
  /* lengths that are prime to the ring: records and headers straddle its end */
  for (uint32_t i = 0; i < 200; i++) {
    uint32_t len = 4 + (i * 13u) % 29u;
    mk(buf, i, len);
    CHECK(cop_queue_push(&q, 1, buf, len) == COP_E_OK);
    m_push(&m, i, 1, len);
    uint8_t want[128], t;
    uint32_t n;
    CHECK(cop_queue_peek(&q, &t, buf, sizeof buf, &n) == COP_E_OK);
    mk(want, i, len);
    CHECK(n == len && !memcmp(buf, want, n), "record %u", i);
    CHECK(cop_queue_pop(&q) == COP_E_OK);
    m_pop(&m);
  }
  CHECK(q_is(&q, &m, false) && q.count == 0 && q.dropped == 0);
  /* fill, then reopen: the wrapped records read back */
  for (uint32_t i = 0; i < 4; i++) {
    mk(buf, 500 + i, 17);
    CHECK(cop_queue_push(&q, 2, buf, 17) == COP_E_OK);
    m_push(&m, 500 + i, 2, 17);
  }
  cop_queue r;
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK);
  CHECK(q_is(&r, &m, false));
  q_drain_check(&r, &m);
}

static void t_overflow(void) {
  sim s;
  sim_init(&s, 1024);
  cop_storage st = sim_st(&s);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, s.size) == COP_E_OK);
  model m;
  m_init(&m, q.size);
  uint8_t buf[256];
  uint64_t reported = 0;
  for (uint32_t i = 0; i < 300; i++) {
    uint32_t len = 4 + (uint32_t)(rnd() % 120);
    mk(buf, i, len);
    CHECK(cop_queue_push(&q, 3, buf, len) == COP_E_OK);
    m_push(&m, i, 3, len);
    CHECK(q.pushed == q.popped + q.dropped + q.count, "after push %u", i);
    if (i % 37 == 0) {
      uint32_t d = cop_queue_take_dropped(&q);
      CHECK(d == m.unrep, "dropped %u, model %u", d, m.unrep);
      m.unrep = 0;
      reported += d;
    }
  }
  CHECK(q.dropped > 0 && q_is(&q, &m, false));
  reported += cop_queue_take_dropped(&q);
  CHECK(reported == q.dropped, "reported %llu of %llu", (unsigned long long)reported,
        (unsigned long long)q.dropped);
  CHECK(cop_queue_take_dropped(&q) == 0);
  /* the newest survive, in order */
  q_drain_check(&q, &m);
  CHECK(q.pushed == 300 && q.popped + q.dropped == 300);
}

static void t_reopen(void) {
  sim s;
  sim_init(&s, 2048);
  cop_storage st = sim_st(&s);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, s.size) == COP_E_OK);
  model m;
  m_init(&m, q.size);
  uint8_t buf[256];
  for (uint32_t round = 0; round < 20; round++) {
    for (uint32_t i = 0; i < 7; i++) {
      uint32_t seq = round * 100 + i, len = 4 + (uint32_t)(rnd() % 200);
      mk(buf, seq, len);
      CHECK(cop_queue_push(&q, 4, buf, len) == COP_E_OK);
      m_push(&m, seq, 4, len);
    }
    for (uint32_t i = 0; i < 3 && m.n; i++) {
      CHECK(cop_queue_pop(&q) == COP_E_OK);
      m_pop(&m);
    }
    if (round == 10) { m.unrep = 0; cop_queue_take_dropped(&q); }
    /* "close" is dropping the struct; open again from the blob alone */
    memset(&q, 0xA5, sizeof q);
    CHECK(cop_queue_open(&q, &st, s.size) == COP_E_OK);
    CHECK(q_is(&q, &m, true), "round %u", round);
    m.unrep = m.unrep_disk;
  }
  q_drain_check(&q, &m);
  /* a blob of another size does not pass for this queue */
  cop_queue r;
  CHECK(cop_queue_open(&r, &st, s.size - 64) == COP_E_CORRUPT);
  CHECK(cop_queue_open(&r, &st, COP_Q_DATA + COP_Q_REC) == COP_E_RANGE);
}

static void t_toobig(void) {
  sim s;
  sim_init(&s, COP_Q_DATA + 64);
  cop_storage st = sim_st(&s);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, s.size) == COP_E_OK);
  uint8_t buf[80] = {0};
  CHECK(cop_queue_push(&q, 1, buf, 10) == COP_E_OK);
  CHECK(cop_queue_push(&q, 1, buf, 64 - COP_Q_REC + 1) == COP_E_TOO_BIG);
  CHECK(cop_queue_push(&q, 1, buf, 70000) == COP_E_TOO_BIG);
  CHECK(q.count == 1 && q.dropped == 0, "a refused record drops nothing");
  /* exactly the ring: takes it all, drops the one before (counted) */
  CHECK(cop_queue_push(&q, 1, buf, 64 - COP_Q_REC) == COP_E_OK);
  CHECK(q.count == 1 && q.used == 64 && q.dropped == 1 && cop_queue_take_dropped(&q) == 1);
  CHECK(q.pushed == q.popped + q.dropped + q.count);
}

static void t_corrupt(void) {
  sim s;
  sim_init(&s, 1024);
  cop_storage st = sim_st(&s);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, s.size) == COP_E_OK);
  model m;
  m_init(&m, q.size);
  uint8_t buf[64];
  for (uint32_t i = 0; i < 8; i++) {
    mk(buf, i, 40);
    CHECK(cop_queue_push(&q, 5, buf, 40) == COP_E_OK);
    m_push(&m, i, 5, 40);
  }
  uint32_t cur = q.gen & 1u;
  uint8_t save[BLOB_MAX];
  memcpy(save, s.cache, s.size);

  /* the newer header slot corrupted: the other (one push earlier) wins */
  s.cache[cur * COP_Q_HDR + 20] ^= 0x40;
  cop_queue r;
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK);
  CHECK(r.count == 7 && r.pushed == 7 && r.gen == q.gen - 1, "older slot: count %u", r.count);

  /* both slots corrupted: refused, not silently emptied */
  memcpy(s.cache, save, s.size);
  s.cache[10] ^= 1;
  s.cache[COP_Q_HDR + 10] ^= 1;
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_CORRUPT);
  CHECK(cop_queue_push(&r, 1, buf, 4) != COP_E_OK);

  /* a blank blob and a torn creation (one slot half written) make a new queue */
  memset(s.cache, 0, s.size);
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK && r.count == 0 && r.gen == 1);
  memset(s.cache, 0, s.size);
  memcpy(s.cache + COP_Q_HDR, save + COP_Q_HDR, 20);
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK && r.count == 0);

  /* a record's payload corrupted: cut there, the lost ones counted as dropped */
  memcpy(s.cache, save, s.size);
  uint32_t off5 = COP_Q_DATA + 5u * (COP_Q_REC + 40u);
  s.cache[off5 + COP_Q_REC + 3] ^= 0x10;
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK);
  CHECK(r.count == 5 && r.dropped == 3 && r.unreported == 3 && r.pushed == 8,
        "count %u dropped %llu", r.count, (unsigned long long)r.dropped);
  CHECK(r.pushed == r.popped + r.dropped + r.count);
  CHECK(cop_queue_take_dropped(&r) == 3);
  model m5 = m;
  m5.n = 5; m5.used = 5 * (COP_Q_REC + 40);
  q_drain_check(&r, &m5);

  /* a record's length corrupted: same */
  memcpy(s.cache, save, s.size);
  s.cache[COP_Q_DATA + 2u * (COP_Q_REC + 40u)] = 0xFF;
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK && r.count == 2 && r.dropped == 6);

  /* gone bad after open: peek says CORRUPT and cuts (counted), then empty */
  memcpy(s.cache, save, s.size);
  CHECK(cop_queue_open(&r, &st, s.size) == COP_E_OK && r.count == 8);
  s.cache[COP_Q_DATA + COP_Q_REC] ^= 1;
  uint32_t n;
  CHECK(cop_queue_peek(&r, 0, buf, sizeof buf, &n) == COP_E_CORRUPT);
  CHECK(r.count == 0 && r.dropped == 8 && r.pushed == r.popped + r.dropped + r.count);
  CHECK(cop_queue_peek(&r, 0, buf, sizeof buf, &n) == COP_E_EMPTY);
  cop_queue r2;
  CHECK(cop_queue_open(&r2, &st, s.size) == COP_E_OK && r2.count == 0 && r2.dropped == 8);
}

/* Big records in a big blob: COP_MSG_MAX payloads, the largest length a
** record holds (65535), and one over it. */
typedef struct heap { uint8_t *b; uint32_t n; } heap;
static int h_read(void *ctx, uint32_t off, void *p, uint32_t n) {
  heap *h = ctx;
  if (off > h->n || n > h->n - off) return -1;
  memcpy(p, h->b + off, n);
  return 0;
}
static int h_write(void *ctx, uint32_t off, const void *p, uint32_t n) {
  heap *h = ctx;
  if (off > h->n || n > h->n - off) return -1;
  memcpy(h->b + off, p, n);
  return 0;
}
static int h_sync(void *ctx) { (void)ctx; return 0; }

static void t_big(void) {
  heap h = { calloc(1, 200000), 200000 };
  REQUIRE(h.b);
  cop_storage st = { &h, h_read, h_write, h_sync };
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &st, h.n) == COP_E_OK);
  static uint8_t p[70000], back[70000];
  for (uint32_t i = 0; i < sizeof p; i++) p[i] = (uint8_t)(i * 13u + (i >> 8));
  for (uint32_t i = 0; i < 100; i++) {
    p[0] = (uint8_t)i;
    CHECK(cop_queue_push(&q, 2, p, COP_MSG_MAX) == COP_E_OK);
  }
  CHECK(q.count + q.dropped == 100 && q.dropped > 0 && q.pushed == q.popped + q.dropped + q.count);
  CHECK(cop_queue_push(&q, 3, p, 65535) == COP_E_OK);
  CHECK(cop_queue_push(&q, 3, p, 65536) == COP_E_TOO_BIG);
  cop_queue r;
  CHECK(cop_queue_open(&r, &st, h.n) == COP_E_OK && r.count == q.count && r.dropped == q.dropped);
  uint32_t n, k = 0;
  uint8_t t;
  while (cop_queue_peek(&r, &t, back, sizeof back, &n) == COP_E_OK) {
    bool last = r.count == 1;
    CHECK(n == (last ? 65535u : COP_MSG_MAX) && t == (last ? 3 : 2));
    CHECK(!memcmp(back + 1, p + 1, n - 1), "record %u", k);
    CHECK(cop_queue_pop(&r) == COP_E_OK);
    k++;
  }
  CHECK(k == q.count && r.count == 0 && r.pushed == r.popped + r.dropped);
  free(h.b);
}

/* ---- power cut at every write ------------------------------------------ */

#define OPS 160
typedef struct op { uint8_t kind; uint32_t len; } op;   /* 0 push, 1 pop, 2 take_dropped */
static op script[OPS];

static void mk_script(void) {
  t_rng = 0x1234567u;
  for (int i = 0; i < OPS; i++) {
    uint32_t r = (uint32_t)(rnd() % 100);
    script[i].kind = r < 62 ? 0 : r < 92 ? 1 : 2;
    script[i].len = 4 + (uint32_t)(rnd() % 90);
  }
}

/* Run the script on s (fault armed); returns the number of writes done. On
** a fault (the op errs), checks what a reopen finds. */
static long run(sim *s, int mode, long fail_at, bool *faulted) {
  cop_storage st = sim_st(s);
  cop_queue q;
  model m;
  uint8_t buf[256];
  s->mode = mode;
  s->fail_at = fail_at;
  *faulted = false;
  cop_err e = cop_queue_open(&q, &st, s->size);
  m_init(&m, s->size - COP_Q_DATA);
  if (e) {
    CHECK(e == COP_E_STORAGE && s->writes == fail_at, "open: %s", cop_err_name(e));
    *faulted = true;
    if (mode == M_IOERR) {
      s->fail_at = 0;
      REQUIRE(cop_queue_open(&q, &st, s->size) == COP_E_OK);
    } else {
      sim_cut(s);
      cop_queue r;
      CHECK(cop_queue_open(&r, &st, s->size) == COP_E_OK && r.count == 0 && r.pushed == 0);
      return s->writes;
    }
  }
  for (int i = 0; i < OPS; i++) {
    model before = m, drops = m, after = m;
    uint32_t seq = (uint32_t)i;
    bool pushy = script[i].kind == 0;
    if (script[i].kind == 2) {
      uint32_t d = cop_queue_take_dropped(&q);
      CHECK(d == m.unrep, "op %d: take_dropped %u, model %u", i, d, m.unrep);
      m.unrep = 0;
      continue;
    }
    if (!pushy && m.n == 0) continue;
    if (pushy) {
      mk(buf, seq, script[i].len);
      m_drop_for(&drops, script[i].len);
      drops.unrep_disk = drops.unrep;
      m_push(&after, seq, 0, script[i].len);
      e = cop_queue_push(&q, (uint8_t)(seq % COP_T__COUNT), buf, script[i].len);
      after.topic[(after.first + after.n - 1) % MODEL_MAX] = (uint8_t)(seq % COP_T__COUNT);
    } else {
      uint32_t n;
      uint8_t t;
      e = cop_queue_peek(&q, &t, buf, sizeof buf, &n);
      uint32_t k = m.first % MODEL_MAX;
      CHECK(e == COP_E_OK && n == m.len[k] && t == m.topic[k] && buf[3] == 0x5A &&
            (buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16) == m.seq[k],
            "op %d: peek %s", i, cop_err_name(e));
      m_pop(&after);
      e = cop_queue_pop(&q);
    }
    if (e == COP_E_OK) {
      CHECK(s->fail_at == 0 || s->writes < s->fail_at || mode == M_IOERR, "op %d: ok after the fault", i);
      m = after;
      continue;
    }
    CHECK(e == COP_E_STORAGE && s->writes == s->fail_at, "op %d: %s", i, cop_err_name(e));
    *faulted = true;
    /* What does the blob hold now? */
    if (mode != M_IOERR) sim_cut(s);
    else s->fail_at = 0;
    cop_queue r;
    REQUIRE(cop_queue_open(&r, &st, s->size) == COP_E_OK, "op %d: reopen", i);
    CHECK(r.pushed == r.popped + r.dropped + r.count);
    const model *got = q_is(&r, &before, true) ? &before
                     : q_is(&r, &after, true) ? &after
                     : pushy && q_is(&r, &drops, true) ? &drops : 0;
    CHECK(got != 0, "op %d (%s, write %ld): count %u pushed %llu popped %llu dropped %llu; "
          "model before %u/%llu/%llu/%llu", i, pushy ? "push" : "pop", fail_at, r.count,
          (unsigned long long)r.pushed, (unsigned long long)r.popped,
          (unsigned long long)r.dropped, before.n, (unsigned long long)before.pushed,
          (unsigned long long)before.popped, (unsigned long long)before.dropped);
    if (!got) return s->writes;
    if (mode != M_IOERR) {
      q_drain_check(&r, got);
      /* and it goes on */
      mk(buf, 9999, 10);
      CHECK(cop_queue_push(&r, 1, buf, 10) == COP_E_OK);
      cop_queue r2;
      CHECK(cop_queue_open(&r2, &st, s->size) == COP_E_OK && r2.count == r.count &&
            r2.pushed == r.pushed);
      return s->writes;
    }
    /* transient: the same queue goes on, from what the blob says */
    m = *got;
    m.unrep = m.unrep_disk;   /* q re-reads the header, unreported too */
  }
  if (mode == M_IOERR) {
    /* the unreported count after a reload is the header's */
    cop_queue r;
    CHECK(cop_queue_open(&r, &st, s->size) == COP_E_OK);
    CHECK(r.count == m.n && r.pushed == m.pushed && r.popped == m.popped && r.dropped == m.dropped,
          "ioerr %ld: end state", fail_at);
    q_drain_check(&r, &m);
  } else {
    CHECK(q_is(&q, &m, false), "clean run: end state");
    CHECK(m.dropped > 0 && m.popped > 0, "the script overflows and pops");
  }
  return s->writes;
}

static void t_cut(int mode) {
  static sim s;
  bool faulted;
  mk_script();
  sim_init(&s, COP_Q_DATA + 600);
  long total = run(&s, M_NONE, 0, &faulted);
  REQUIRE(!faulted && total > 200, "writes %ld", total);
  long cuts = 0;
  for (long n = 1; n <= total; n++) {
    sim_init(&s, COP_Q_DATA + 600);
    t_rng = 0xABCDEFu + (uint64_t)n;
    for (int k = 0; k < (mode == M_SUBSET ? 8 : 1); k++) {
      sim_init(&s, COP_Q_DATA + 600);
      run(&s, mode, n, &faulted);
      CHECK(faulted, "write %ld of %ld: no fault", n, total);
      cuts += faulted;
    }
    if (t_failures > 20) break;
  }
  printf("%ld writes, %ld cuts\n", total, cuts);
}

int main(int argc, char **argv) {
  const char *w = argc > 1 ? argv[1] : "";
  if (!strcmp(w, "order")) t_order();
  else if (!strcmp(w, "wrap")) t_wrap();
  else if (!strcmp(w, "overflow")) t_overflow();
  else if (!strcmp(w, "reopen")) t_reopen();
  else if (!strcmp(w, "toobig")) t_toobig();
  else if (!strcmp(w, "corrupt")) t_corrupt();
  else if (!strcmp(w, "big")) t_big();
  else if (!strcmp(w, "cut_fail")) t_cut(M_FAIL);
  else if (!strcmp(w, "cut_tear")) t_cut(M_TEAR);
  else if (!strcmp(w, "cut_lose")) t_cut(M_LOSE);
  else if (!strcmp(w, "cut_subset")) t_cut(M_SUBSET);
  else if (!strcmp(w, "ioerr")) t_cut(M_IOERR);
  else { fprintf(stderr, "usage: test_cop_queue CASE\n"); return 2; }
  return t_done(w);
}
