/*
** test_cop_queue.c -- the copilot's on-disk queue (cop_queue.c): order,
** overflow (the oldest dropped and counted), refusals, damage, and a power
** cut at every write of the storage callback: whatever the cut leaves, the
** queue reopens consistent and holds every record acknowledged (pushed OK,
** not popped OK, not dropped for room), in order.
** Usage: test_cop_queue basic|overflow|inflight|peekat|damage|powercut
*/
#include <string.h>

#include "cop.h"
#include "tcheck.h"

#define RING 400u
#define BLOB (COP_Q_DATA + RING)

/* A blob with a write cache: writes land in vol, sync copies vol to dur.
** The fault: write number cut_at is torn (its first tear bytes land) and
** it and everything after fail. */
typedef struct disk {
  uint8_t vol[BLOB], dur[BLOB];
  long writes, cut_at;
  uint32_t tear;
  bool dead, fail_read;
} disk;

static int d_read(void *ctx, uint32_t off, void *p, uint32_t n) {
  disk *d = ctx;
  if (d->dead || d->fail_read || off + n > BLOB) return -1;
  memcpy(p, d->vol + off, n);
  return 0;
}
static int d_write(void *ctx, uint32_t off, const void *p, uint32_t n) {
  disk *d = ctx;
  if (d->dead || off + n > BLOB) return -1;
  if (++d->writes == d->cut_at) {
    memcpy(d->vol + off, p, d->tear < n ? d->tear : n);
    d->dead = true;
    return -1;
  }
  memcpy(d->vol + off, p, n);
  return 0;
}
static int d_sync(void *ctx) {
  disk *d = ctx;
  if (d->dead) return -1;
  memcpy(d->dur, d->vol, BLOB);
  return 0;
}

static cop_storage stor(disk *d) {
  cop_storage s = { d, d_read, d_write, d_sync };
  return s;
}

static void fill(uint8_t *p, uint32_t n, uint32_t seq) {
  for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(seq * 31u + i * 7u);
}

static void basic(void) {
  static disk d;
  memset(&d, 0, sizeof d);
  cop_storage s = stor(&d);
  cop_queue q;
  cop_storage none = { &d, NULL, d_write, d_sync };
  CHECK(cop_queue_open(&q, &none, BLOB) == COP_E_STORAGE);
  CHECK(cop_queue_open(&q, &s, COP_Q_DATA + COP_Q_REC) == COP_E_RANGE, "too small a blob");
  REQUIRE(cop_queue_open(&q, &s, BLOB) == COP_E_OK && q.count == 0 && q.size == RING);
  uint8_t b[512], t;
  uint32_t n;
  CHECK(cop_queue_peek(&q, &t, b, sizeof b, &n) == COP_E_EMPTY);
  CHECK(cop_queue_pop(&q) == COP_E_EMPTY);
  CHECK(cop_queue_push(&q, 1, b, RING - COP_Q_REC + 1) == COP_E_TOO_BIG);
  CHECK(cop_queue_push(&q, 1, b, 70000) == COP_E_TOO_BIG);
  for (uint32_t i = 0; i < 5; i++) {
    fill(b, 10 + i, i);
    CHECK(cop_queue_push(&q, (uint8_t)i, b, 10 + i) == COP_E_OK);
  }
  CHECK(cop_queue_push(&q, 9, NULL, 0) == COP_E_OK, "an empty record");
  CHECK(q.count == 6 && q.pushed == 6);
  CHECK(cop_queue_peek(&q, &t, b, 5, &n) == COP_E_NO_SPACE && n == 10, "the size is told");
  /* reopen: the same queue */
  cop_queue r;
  REQUIRE(cop_queue_open(&r, &s, BLOB) == COP_E_OK);
  CHECK(r.count == 6 && r.head == q.head && r.tail == q.tail && r.gen == q.gen && r.pushed == 6);
  for (uint32_t i = 0; i < 5; i++) {
    uint8_t want[64];
    fill(want, 10 + i, i);
    CHECK(cop_queue_peek(&r, &t, b, sizeof b, &n) == COP_E_OK && t == i && n == 10 + i && !memcmp(b, want, n),
          "record %u in order", i);
    CHECK(cop_queue_peek(&r, &t, b, sizeof b, &n) == COP_E_OK && t == i, "peek does not remove");
    CHECK(cop_queue_pop(&r) == COP_E_OK);
  }
  CHECK(cop_queue_peek(&r, &t, b, sizeof b, &n) == COP_E_OK && t == 9 && n == 0);
  CHECK(cop_queue_pop(&r) == COP_E_OK && r.count == 0 && r.used == 0 && r.popped == 6);
  /* wrap around the ring many times */
  for (uint32_t i = 0; i < 200; i++) {
    fill(b, 37, i);
    REQUIRE(cop_queue_push(&r, 2, b, 37) == COP_E_OK);
    if (i % 3 == 2) {
      for (int k = 0; k < 2; k++) REQUIRE(cop_queue_pop(&r) == COP_E_OK);
    }
  }
  CHECK(r.dropped > 0 && r.count * (37 + COP_Q_REC) == r.used && r.pushed == r.popped + r.dropped + r.count);
  /* storage failures are told, and change nothing in memory */
  cop_queue before = r;
  d.dead = true;
  CHECK(cop_queue_push(&r, 1, b, 5) == COP_E_STORAGE);
  CHECK(cop_queue_pop(&r) == COP_E_STORAGE);
  CHECK(r.count == before.count && r.tail == before.tail && r.head == before.head && r.gen == before.gen);
  d.dead = false;
  d.fail_read = true;
  CHECK(cop_queue_peek(&r, &t, b, sizeof b, &n) == COP_E_STORAGE);
  d.fail_read = false;
  CHECK(cop_queue_peek(&r, &t, b, sizeof b, &n) == COP_E_OK);
}

static void overflow(void) {
  static disk d;
  memset(&d, 0, sizeof d);
  cop_storage s = stor(&d);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &s, BLOB) == COP_E_OK);
  uint8_t b[128], t;
  uint32_t n;
  /* records of 50 bytes: 7 fit in 400 (7 * 58 = 406 > 400: 6 fit) */
  for (uint32_t i = 0; i < 20; i++) {
    fill(b, 50, i);
    REQUIRE(cop_queue_push(&q, (uint8_t)i, b, 50) == COP_E_OK);
  }
  CHECK(q.count == 6 && q.dropped == 14 && q.unreported == 14, "count %u dropped %llu", q.count,
        (unsigned long long)q.dropped);
  /* what is left are the newest, oldest first */
  cop_queue r;
  REQUIRE(cop_queue_open(&r, &s, BLOB) == COP_E_OK);
  CHECK(r.dropped == 14 && r.unreported == 14, "the counts survive a restart");
  CHECK(cop_queue_take_dropped(&r) == 14 && cop_queue_take_dropped(&r) == 0);
  REQUIRE(cop_queue_open(&r, &s, BLOB) == COP_E_OK);
  CHECK(r.unreported == 0 && r.dropped == 14, "a report is durable too");
  for (uint32_t i = 14; i < 20; i++) {
    uint8_t want[64];
    fill(want, 50, i);
    CHECK(cop_queue_peek(&r, &t, b, sizeof b, &n) == COP_E_OK && t == i && n == 50 && !memcmp(b, want, 50), "%u", i);
    cop_queue_pop(&r);
  }
  CHECK(r.count == 0);
  /* one big record pushes out all the small ones */
  for (uint32_t i = 0; i < 5; i++) cop_queue_push(&r, 1, b, 10);
  memset(b, 0x5A, sizeof b);
  static uint8_t big[RING];
  memset(big, 0x33, sizeof big);
  CHECK(cop_queue_push(&r, 3, big, RING - COP_Q_REC) == COP_E_OK && r.count == 1 && r.dropped == 19);
  static uint8_t got[RING];
  CHECK(cop_queue_peek(&r, &t, got, sizeof got, &n) == COP_E_OK && n == RING - COP_Q_REC && !memcmp(got, big, n));
}

/* Several sent before the first is acknowledged: peek_at walks them in order. */
static void peekat(void) {
  static disk d;
  memset(&d, 0, sizeof d);
  cop_storage s = stor(&d);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &s, BLOB) == COP_E_OK);
  uint8_t b[64];
  CHECK(cop_queue_peek_at(&q, 0, NULL, b, sizeof b, NULL) == COP_E_EMPTY, "an empty queue");
  for (uint32_t i = 0; i < 4; i++) {
    fill(b, (uint32_t)(10 + i), i);
    REQUIRE(cop_queue_push(&q, (uint8_t)(7 + i), b, 10 + i) == COP_E_OK);
  }
  for (uint32_t k = 0; k < 4; k++) {
    uint8_t t, want[64];
    uint32_t n;
    fill(want, 10 + k, k);
    CHECK(cop_queue_peek_at(&q, k, &t, b, sizeof b, &n) == COP_E_OK && t == 7 + k && n == 10 + k &&
          !memcmp(b, want, n), "record %u", k);
  }
  CHECK(cop_queue_peek_at(&q, 4, NULL, b, sizeof b, NULL) == COP_E_EMPTY, "past the newest");
  uint32_t n9;
  CHECK(cop_queue_peek_at(&q, 3, NULL, b, 5, &n9) == COP_E_NO_SPACE && n9 == 13, "too small a buffer");
  /* a damaged record further in: everything goes, counted */
  d.vol[COP_Q_DATA + (q.head + COP_Q_REC + 10 + COP_Q_REC + 3) % RING] ^= 0xFF;
  CHECK(cop_queue_peek_at(&q, 0, NULL, b, sizeof b, NULL) == COP_E_OK, "the oldest is whole");
  CHECK(cop_queue_peek_at(&q, 1, NULL, b, sizeof b, NULL) == COP_E_CORRUPT && q.count == 0 && q.dropped == 4);
}

/* The number of the oldest record, and a dropped one that was delivered
** after all (in flight when it was dropped for room). */
static void inflight(void) {
  static disk d;
  memset(&d, 0, sizeof d);
  cop_storage s = stor(&d);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &s, BLOB) == COP_E_OK);
  uint8_t b[64];
  CHECK(cop_queue_undrop(&q) == COP_E_EMPTY, "nothing dropped, nothing to undrop");
  for (uint32_t i = 0; i < 3; i++) REQUIRE(cop_queue_push(&q, 1, b, 50) == COP_E_OK);
  CHECK(cop_queue_head_seq(&q) == 0);
  uint64_t sent = cop_queue_head_seq(&q);   /* the oldest goes out */
  REQUIRE(cop_queue_pop(&q) == COP_E_OK);
  CHECK(cop_queue_head_seq(&q) == 1);
  sent = cop_queue_head_seq(&q);            /* record 1 in flight; the link drops */
  for (uint32_t i = 0; i < 6; i++) REQUIRE(cop_queue_push(&q, 1, b, 50) == COP_E_OK);
  CHECK(q.count == 6 && q.dropped == 2 && cop_queue_head_seq(&q) == 3 && cop_queue_head_seq(&q) != sent,
        "record 1 was dropped for room while in flight");
  /* its PUBACK comes: it was delivered, so one fewer is dropped */
  CHECK(cop_queue_undrop(&q) == COP_E_OK && q.dropped == 1 && q.unreported == 1 && q.popped == 2);
  CHECK(cop_queue_head_seq(&q) == 3, "the oldest keeps its number");
  cop_queue r;
  REQUIRE(cop_queue_open(&r, &s, BLOB) == COP_E_OK);
  CHECK(r.dropped == 1 && r.popped == 2 && r.unreported == 1, "durable");
  CHECK(cop_queue_take_dropped(&r) == 1 && cop_queue_undrop(&r) == COP_E_OK && r.unreported == 0 && r.dropped == 0);
  d.dead = true;
  r.dropped = 1;
  CHECK(cop_queue_undrop(&r) == COP_E_STORAGE && r.dropped == 1 && r.popped == 3, "a failed write changes nothing");
}

static void damage(void) {
  static disk d;
  memset(&d, 0, sizeof d);
  cop_storage s = stor(&d);
  cop_queue q;
  REQUIRE(cop_queue_open(&q, &s, BLOB) == COP_E_OK);
  uint8_t b[64], t;
  uint32_t n;
  for (uint32_t i = 0; i < 3; i++) { fill(b, 20, i); cop_queue_push(&q, 1, b, 20); }
  /* a payload byte of the oldest record rots: it and all after go, counted */
  d.vol[COP_Q_DATA + q.head + COP_Q_REC + 3] ^= 0x10;
  CHECK(cop_queue_peek(&q, &t, b, sizeof b, &n) == COP_E_CORRUPT);
  CHECK(q.count == 0 && q.dropped == 3 && q.unreported == 3);
  CHECK(cop_queue_push(&q, 1, b, 20) == COP_E_OK && cop_queue_peek(&q, &t, b, sizeof b, &n) == COP_E_OK,
        "usable again");
  /* a record's length rots beyond what is held */
  cop_queue_push(&q, 1, b, 20);
  d.vol[COP_Q_DATA + q.head + 1] = 0x40;
  CHECK(cop_queue_pop(&q) == COP_E_CORRUPT && q.count == 0);
  /* the header in force rots: the other one (one change older) takes over */
  for (uint32_t i = 0; i < 3; i++) { fill(b, 20, i); cop_queue_push(&q, 1, b, 20); }
  uint32_t gen = q.gen;
  d.vol[(gen & 1u) * COP_Q_HDR + 13] ^= 1;
  cop_queue r;
  REQUIRE(cop_queue_open(&r, &s, BLOB) == COP_E_OK);
  CHECK(r.gen == gen - 1 && r.count == 2, "gen %u count %u", r.gen, r.count);
  /* both rot: a new, empty queue */
  d.vol[((gen - 1) & 1u) * COP_Q_HDR + 5] ^= 1;
  REQUIRE(cop_queue_open(&r, &s, BLOB) == COP_E_OK);
  CHECK(r.count == 0 && r.pushed == 0);
  /* a valid header for another blob size is not taken */
  REQUIRE(cop_queue_open(&r, &s, BLOB - 8) == COP_E_OK);
  CHECK(r.size == RING - 8 && r.count == 0);
}

/* ---- power cuts ------------------------------------------------------------ */

/* The reference: the records a correct queue holds. */
typedef struct model {
  uint32_t seq[64], len[64], n;
  uint32_t used;
  uint64_t dropped;
} model;

static void m_drop_for(model *m, uint32_t need) {
  while (RING - m->used < need) {
    m->used -= COP_Q_REC + m->len[0];
    memmove(m->seq, m->seq + 1, (m->n - 1) * sizeof m->seq[0]);
    memmove(m->len, m->len + 1, (m->n - 1) * sizeof m->len[0]);
    m->n--;
    m->dropped++;
  }
}
static void m_push(model *m, uint32_t seq, uint32_t len) {
  m->seq[m->n] = seq;
  m->len[m->n] = len;
  m->n++;
  m->used += COP_Q_REC + len;
}
static void m_pop(model *m) {
  m->used -= COP_Q_REC + m->len[0];
  memmove(m->seq, m->seq + 1, (m->n - 1) * sizeof m->seq[0]);
  memmove(m->len, m->len + 1, (m->n - 1) * sizeof m->len[0]);
  m->n--;
}

/* The queue after a reopen holds exactly the model's records? */
static bool holds(cop_queue *q, const model *m) {
  if (q->count != m->n || q->used != m->used || q->dropped != m->dropped) return false;
  cop_queue c = *q;   /* read through a copy: the pops are undone below */
  for (uint32_t i = 0; i < m->n; i++) {
    uint8_t b[256], want[256], t;
    uint32_t n;
    if (cop_queue_peek(&c, &t, b, sizeof b, &n) != COP_E_OK || n != m->len[i] || t != (uint8_t)m->seq[i]) return false;
    fill(want, n, m->seq[i]);
    if (memcmp(b, want, n)) return false;
    if (cop_queue_pop(&c) != COP_E_OK) return false;
  }
  return true;
}

#define OPS 160

/* Runs the scenario on d (cut as set); returns the op that failed (OPS if
** none), with the model of the acknowledged records before it in *ok and
** the possible states after it (partly or wholly done) in alt[]. */
static int scenario(disk *d, model *ok, model alt[2]) {
  cop_storage s = stor(d);
  cop_queue q;
  memset(ok, 0, sizeof *ok);
  t_rng = 12345;
  if (cop_queue_open(&q, &s, BLOB) != COP_E_OK) { alt[0] = alt[1] = *ok; return -1; }
  uint8_t b[256];
  for (int op = 0; op < OPS; op++) {
    uint32_t r = (uint32_t)rnd();
    model before = *ok;
    cop_err e;
    if (r % 10 < 7 || ok->n == 0) {
      uint32_t len = (r >> 8) % 120u;
      fill(b, len, (uint32_t)op);
      model dropped = before;
      m_drop_for(&dropped, COP_Q_REC + len);
      model done = dropped;
      m_push(&done, (uint32_t)op, len);
      e = cop_queue_push(&q, (uint8_t)op, b, len);
      if (e != COP_E_OK) { alt[0] = dropped; alt[1] = done; return op; }
      *ok = done;
    } else if (r % 10 < 9) {
      model done = before;
      m_pop(&done);
      e = cop_queue_pop(&q);
      if (e != COP_E_OK) { alt[0] = alt[1] = done; return op; }
      *ok = done;
    } else {
      (void)cop_queue_take_dropped(&q);
      if (d->dead) { alt[0] = alt[1] = before; return op; }
    }
  }
  alt[0] = alt[1] = *ok;
  return OPS;
}

static void powercut(void) {
  static disk d;
  model ok, alt[2];
  memset(&d, 0, sizeof d);
  REQUIRE(scenario(&d, &ok, alt) == OPS);
  long writes = d.writes;
  CHECK(writes > 300 && ok.dropped > 10, "the scenario wraps and overflows (%ld writes, %llu dropped)", writes,
        (unsigned long long)ok.dropped);
  static const uint32_t tears[] = { 0, 1, 4, 8, 30, 60, 1000 };
  long runs = 0, bad = 0;
  for (long k = 1; k <= writes; k++) {
    for (size_t ti = 0; ti < sizeof tears / sizeof tears[0]; ti++) {
      for (int lost = 0; lost < 2; lost++) {   /* lost: what was not synced is gone */
        memset(&d, 0, sizeof d);
        d.cut_at = k;
        d.tear = tears[ti];
        int at = scenario(&d, &ok, alt);
        disk after;
        memset(&after, 0, sizeof after);
        memcpy(after.vol, lost ? d.dur : d.vol, BLOB);
        cop_storage s = stor(&after);
        cop_queue q;
        runs++;
        if (cop_queue_open(&q, &s, BLOB) != COP_E_OK) { bad++; continue; }
        bool fine = holds(&q, &ok) || holds(&q, &alt[0]) || holds(&q, &alt[1]);
        /* and it goes on working */
        uint8_t b[16] = { 1 };
        fine = fine && cop_queue_push(&q, 7, b, 16) == COP_E_OK;
        if (!fine) {
          bad++;
          if (bad < 5)
            fprintf(stderr, "cut at write %ld (op %d, tear %u, %s): count %u used %u dropped %llu; "
                    "want %u/%u/%u records\n", k, at, d.tear, lost ? "unsynced lost" : "unsynced kept",
                    q.count, q.used, (unsigned long long)q.dropped, ok.n, alt[0].n, alt[1].n);
        }
      }
    }
  }
  CHECK(bad == 0, "%ld of %ld cuts left a queue that lost or invented records", bad, runs);
  printf("powercut: %ld writes, %ld cuts\n", writes, runs);
}

int main(int argc, char **argv) {
  const char *w = argc > 1 ? argv[1] : "";
  if (!strcmp(w, "basic")) basic();
  else if (!strcmp(w, "overflow")) overflow();
  else if (!strcmp(w, "inflight")) inflight();
  else if (!strcmp(w, "peekat")) peekat();
  else if (!strcmp(w, "damage")) damage();
  else if (!strcmp(w, "powercut")) powercut();
  else { fprintf(stderr, "usage: test_cop_queue basic|overflow|inflight|peekat|damage|powercut\n"); return 2; }
  return t_done(w);
}
