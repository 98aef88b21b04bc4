/*
** test_bbox.c -- the blackbox ring (src/bbox) on the simulated flash: the
** empty ring, every field, seq order, wraps, clears, garbage and torn
** records, the wire codec, and power cuts at every flash operation of an
** append, a wrap and a clear (and again at every operation of the append
** after the cut). Usage: test_bbox NAME (one subtest per CTest entry).
*/
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bbox.h"
#include "board_flash.h"
#include "boot.h"
#include "crc32.h"
#include "cvm.h"
#include "tcheck.h"

#define OFF   BOOT_BLACKBOX_OFF
#define PAGES (BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE)

/* ---- helpers ---------------------------------------------------------------- */

static jmp_buf cut_jb;
static void on_cut(void *ctx) {
  (void)ctx;
  longjmp(cut_jb, 1);
}

static uint64_t ops(void) { return board_flash_stats_get()->ops; }
static uint8_t *ring(void) { return board_flash_bytes() + OFF; }


/* A record whose every field depends on i. */
static void mk(uint32_t i, bbox_rec *r) {
  char s[32];
  bbox_rec_init(r, i % BBOX_KIND__COUNT);
  r->fault = (uint8_t)(i % CVM_FAULT__COUNT);
  r->reset_reason = (uint8_t)(i % BBOX_RESET__COUNT);
  r->bank = i % 3 == 2 ? BBOX_NO_BANK : (uint8_t)(i % 3);
  r->pc = i * 2654435761u;
  r->line = i * 7u;
  r->func = (uint16_t)(i * 3u);
  r->version[0] = (uint16_t)i;
  r->version[1] = (uint16_t)(i >> 1);
  r->version[2] = (uint16_t)(0xFFFFu - i);
  r->boot_id = 1000u + i;
  r->counter = ~i;
  r->uptime_ms = (uint64_t)i << 35 | i;
  for (uint32_t k = 0; k < BBOX_DIGEST_LEN; k++) r->digest[k] = (uint8_t)(i * 31u + k);
  int n = snprintf(s, sizeof s, "func_%u", (unsigned)i);
  bbox_name_set(r->func_name, s, (uint32_t)n);
  n = snprintf(s, sizeof s, "dir/file%u.c", (unsigned)(i % 5));
  bbox_name_set(r->file, s, (uint32_t)n);
}

static void wire(const bbox_rec *r, uint8_t *w) { bbox_rec_put(w, r); }

/* Every record shown, oldest first: strictly increasing seqs, all below
** next, the count and the first seq as the ring says. */
#define LMAX 128
typedef struct list {
  uint32_t n;
  uint32_t seq[LMAX];
  uint8_t w[LMAX][BBOX_WIRE_SIZE];
} list;

static void list_read(const bbox *b, list *l) {
  bbox_rec r;
  uint32_t from = 0;
  l->n = 0;
  while (bbox_read(b, from, &r) == BBOX_OK) {
    REQUIRE(l->n < LMAX);
    CHECKF(l->n == 0 || r.seq > l->seq[l->n - 1], "seq %u after %u", (unsigned)r.seq,
           (unsigned)l->seq[l->n - 1]);
    CHECKF(r.seq < bbox_next_seq(b), "seq %u, next %u", (unsigned)r.seq, (unsigned)bbox_next_seq(b));
    CHECK(r.seq >= from);
    l->seq[l->n] = r.seq;
    wire(&r, l->w[l->n]);
    l->n++;
    if (r.seq == 0xFFFFFFFFu) break;
    from = r.seq + 1;
  }
  CHECKF(l->n == bbox_count(b), "read %u records, count %u", (unsigned)l->n, (unsigned)bbox_count(b));
  CHECK(bbox_first_seq(b) == (l->n ? l->seq[0] : bbox_next_seq(b)));
}

static int list_find(const list *l, uint32_t seq) {
  for (uint32_t i = 0; i < l->n; i++)
    if (l->seq[i] == seq) return (int)i;
  return -1;
}

static void fresh(void) { REQUIRE(board_flash_open(NULL) == 0); }

static bbox ring_open(void) {
  bbox b;
  REQUIRE(bbox_open(&b, OFF, PAGES) == BBOX_OK);
  return b;
}

/* Append mk(i) and check it reads back as given. */
static void add(bbox *b, uint32_t i) {
  bbox_rec r, back;
  uint8_t w1[BBOX_WIRE_SIZE], w2[BBOX_WIRE_SIZE];
  mk(i, &r);
  uint32_t next = bbox_next_seq(b);
  REQUIRE(bbox_append(b, &r) == BBOX_OK);
  CHECK(r.seq == next && bbox_next_seq(b) == next + 1);
  REQUIRE(bbox_read(b, r.seq, &back) == BBOX_OK);
  wire(&r, w1);
  wire(&back, w2);
  CHECK(back.seq == r.seq && memcmp(w1, w2, sizeof w1) == 0);
}

/* ---- unit cases --------------------------------------------------------------- */

static void t_empty(void) {
  fresh();
  bbox b = ring_open();
  bbox_rec r;
  CHECK(ops() == 0);
  CHECK(bbox_count(&b) == 0 && bbox_first_seq(&b) == 0 && bbox_next_seq(&b) == 0 && bbox_torn(&b) == 0);
  CHECK(bbox_read(&b, 0, &r) == BBOX_ENOTFOUND);
  CHECK(bbox_clear(&b) == BBOX_OK && ops() == 0);        /* nothing to clear: no write */
  /* the first append starts page 0: erase, header, record */
  add(&b, 0);
  CHECK(ops() == 3 && bbox_count(&b) == 1 && bbox_first_seq(&b) == 0);
  add(&b, 1);
  CHECK(ops() == 4 && bbox_count(&b) == 2);
  /* opening writes nothing, whatever it finds */
  bbox c = ring_open();
  CHECK(ops() == 4 && bbox_count(&c) == 2 && bbox_next_seq(&c) == 2);
  board_flash_close();
}

static void t_args(void) {
  bbox b;
  bbox_rec r;
  mk(1, &r);
  CHECK(bbox_open(&b, OFF, PAGES) == BBOX_EARG);          /* flash not open */
  fresh();
  CHECK(bbox_open(&b, OFF + 8, PAGES) == BBOX_EARG);
  CHECK(bbox_open(&b, OFF, 1) == BBOX_EARG);
  CHECK(bbox_open(&b, OFF, BBOX_MAX_PAGES + 1) == BBOX_EARG);
  CHECK(bbox_open(&b, BOARD_FLASH_SIZE - HAL_FLASH_PAGE, 2) == BBOX_EARG);
  CHECK(bbox_open(&b, BOARD_FLASH_SIZE + HAL_FLASH_PAGE, 2) == BBOX_EARG);
  CHECK(bbox_open(&b, 0xFFFFF800u, 2) == BBOX_EARG);
  /* a ring that failed to open refuses everything and writes nothing */
  CHECK(bbox_append(&b, &r) == BBOX_EARG && bbox_count(&b) == 0);
  CHECK(bbox_read(&b, 0, &r) == BBOX_ENOTFOUND && bbox_clear(&b) == BBOX_OK);
  CHECK(ops() == 0);
  CHECK(bbox_open(&b, BOARD_FLASH_SIZE - 2 * HAL_FLASH_PAGE, 2) == BBOX_OK);
  /* a record the codec would refuse is not written */
  CHECK(bbox_open(&b, OFF, PAGES) == BBOX_OK);
  r.kind = BBOX_KIND__COUNT;
  CHECK(bbox_append(&b, &r) == BBOX_ERECORD && ops() == 0);
  mk(1, &r);
  r.bank = 2;
  CHECK(bbox_append(&b, &r) == BBOX_ERECORD && ops() == 0);
  /* a flash error: the ring is rescanned and reports it */
  mk(1, &r);
  CHECK(bbox_append(&b, &r) == BBOX_OK);
  board_flash_close();
  CHECK(bbox_append(&b, &r) == BBOX_EFLASH && bbox_count(&b) == 0);
}

static void t_fields(void) {
  fresh();
  bbox b = ring_open();
  bbox_rec r, o;
  bbox_rec_init(&r, BBOX_KIND_HOST);
  CHECK(r.bank == BBOX_NO_BANK && r.func == BBOX_NO_FUNC && r.reset_reason == BBOX_RESET_UNKNOWN &&
        r.line == 0 && r.func_name[0] == 0 && r.file[0] == 0);
  r.fault = CVM_FAULT__COUNT - 1;
  r.reset_reason = BBOX_RESET_BROWNOUT;
  r.bank = 1;
  r.pc = 0xFFFFFFFEu;
  r.line = 0x12345678u;
  r.func = 0xABCD;
  r.version[0] = 1;
  r.version[1] = 0xFFFF;
  r.version[2] = 0x8001;
  r.boot_id = 0xDEADBEEFu;
  r.counter = 0x80000001u;
  r.uptime_ms = 0x0123456789ABCDEFull;
  for (int i = 0; i < 32; i++) r.digest[i] = (uint8_t)(0xF0 ^ i);
  bbox_name_set(r.func_name, "loop", 4);
  bbox_name_set(r.file, "blinky_with_a_long_name.c", 100);   /* cut to 23 */
  r.seq = 777;                                                /* the ring sets it */
  REQUIRE(bbox_append(&b, &r) == BBOX_OK);
  CHECK(r.seq == 0);
  REQUIRE(bbox_read(&b, 0, &o) == BBOX_OK);
  CHECK(o.seq == 0 && o.kind == BBOX_KIND_HOST && o.fault == CVM_FAULT__COUNT - 1);
  CHECK(o.reset_reason == BBOX_RESET_BROWNOUT && o.bank == 1 && o.pc == 0xFFFFFFFEu);
  CHECK(o.line == 0x12345678u && o.func == 0xABCD && o.version[0] == 1 && o.version[1] == 0xFFFF &&
        o.version[2] == 0x8001);
  CHECK(o.boot_id == 0xDEADBEEFu && o.counter == 0x80000001u && o.uptime_ms == 0x0123456789ABCDEFull);
  CHECK(memcmp(o.digest, r.digest, 32) == 0);
  CHECK(strcmp(o.func_name, "loop") == 0 && strcmp(o.file, "blinky_with_a_long_name") == 0);
  for (uint32_t i = 5; i < BBOX_NAME_LEN; i++) CHECK(o.func_name[i] == 0);
  /* and after a reopen */
  bbox c = ring_open();
  bbox_rec o2;
  CHECK(bbox_read(&c, 0, &o2) == BBOX_OK && o2.uptime_ms == r.uptime_ms && o2.pc == r.pc);
  board_flash_close();
}

static void t_seq(void) {
  fresh();
  bbox b = ring_open();
  for (uint32_t i = 0; i < 10; i++) add(&b, i);
  list l;
  list_read(&b, &l);
  CHECK(l.n == 10);
  for (uint32_t i = 0; i < l.n; i++) CHECK(l.seq[i] == i);
  bbox_rec r;
  for (uint32_t k = 0; k < 10; k++) CHECK(bbox_read(&b, k, &r) == BBOX_OK && r.seq == k);
  CHECK(bbox_read(&b, 10, &r) == BBOX_ENOTFOUND && bbox_read(&b, 0xFFFFFFFFu, &r) == BBOX_ENOTFOUND);
  board_flash_close();
}

/* Many more than fit: only the newest pages remain, seqs continuous. */
static void wrap_pages(uint32_t pages) {
  fresh();
  bbox b;
  REQUIRE(bbox_open(&b, OFF, pages) == BBOX_OK);
  uint32_t min = BBOX_SLOTS * (pages - 1), max = BBOX_SLOTS * pages;
  for (uint32_t i = 0; i < 200; i++) {
    uint64_t o = ops();
    add(&b, i);
    uint64_t d = ops() - o;
    CHECKF(d == (i % BBOX_SLOTS ? 1u : 3u), "append %u: %u operations", (unsigned)i, (unsigned)d);
    list l;
    list_read(&b, &l);
    uint32_t n = i + 1, want = n <= max ? n : min + (n % BBOX_SLOTS ? n % BBOX_SLOTS : BBOX_SLOTS);
    CHECKF(l.n == want && l.n <= max, "%u records after %u appends", (unsigned)l.n, (unsigned)i + 1);
    for (uint32_t k = 0; k < l.n; k++) {
      bbox_rec r;
      uint8_t w[BBOX_WIRE_SIZE];
      mk(i + 1 - l.n + k, &r);
      r.seq = i + 1 - l.n + k;
      wire(&r, w);
      CHECK(l.seq[k] == r.seq && memcmp(l.w[k], w, sizeof w) == 0);
    }
  }
  bbox c;
  REQUIRE(bbox_open(&c, OFF, pages) == BBOX_OK);
  CHECK(c.next == 200 && c.count == b.count && c.torn == 0);
  board_flash_close();
}

static void t_wrap(void) {
  wrap_pages(2);
  wrap_pages(3);
  wrap_pages(BBOX_MAX_PAGES);
}

static void t_clear(void) {
  fresh();
  bbox b = ring_open();
  list l;
  for (uint32_t i = 0; i < 20; i++) add(&b, i);
  uint64_t o = ops();
  CHECK(bbox_clear(&b) == BBOX_OK);
  CHECK(ops() - o == 4);
  CHECK(bbox_count(&b) == 0 && bbox_next_seq(&b) == 20 && bbox_first_seq(&b) == 20);
  list_read(&b, &l);
  CHECK(l.n == 0);
  bbox c = ring_open();
  CHECK(bbox_count(&c) == 0 && bbox_next_seq(&c) == 20);
  o = ops();
  CHECK(bbox_clear(&c) == BBOX_OK && ops() == o);          /* already empty */
  add(&c, 20);                                              /* seqs go on */
  CHECK(ops() - o == 1 && bbox_count(&c) == 1 && bbox_first_seq(&c) == 20);
  add(&c, 21);
  CHECK(bbox_clear(&c) == BBOX_OK && bbox_count(&c) == 0 && bbox_next_seq(&c) == 22);
  for (uint32_t i = 22; i < 100; i++) {
    add(&c, i);
    if (i % 37 == 0) {
      CHECK(bbox_clear(&c) == BBOX_OK && bbox_next_seq(&c) == i + 1 && bbox_count(&c) == 0);
      bbox d = ring_open();
      CHECK(bbox_count(&d) == 0 && bbox_next_seq(&d) == i + 1);
    }
  }
  list_read(&c, &l);
  CHECK(l.n > 0 && l.seq[l.n - 1] == 99 && l.seq[0] == 75);
  /* An erase cut short may leave any part of a page as it was: here the
  ** whole old current page except its mark, at the end of a clear. The
  ** mark the new page carries keeps its records hidden. */
  fresh();
  b = ring_open();
  for (uint32_t i = 0; i < 20; i++) add(&b, i);
  static uint8_t old[HAL_FLASH_PAGE];
  memcpy(old, ring() + HAL_FLASH_PAGE, sizeof old);     /* page 1: 15..19, no mark */
  CHECK(bbox_clear(&b) == BBOX_OK);
  memcpy(ring() + HAL_FLASH_PAGE, old, sizeof old);
  c = ring_open();
  CHECK(bbox_count(&c) == 0 && bbox_next_seq(&c) == 20 && c.floor == 20);
  /* A clear cut after its mark (during the erase of page 0) reads as
  ** cleared; new records go after the hidden ones in page 1; the wrap that
  ** follows carries the mark into page 0, so page 1's hidden records stay
  ** hidden even when page 1 later keeps everything but its mark. */
  fresh();
  b = ring_open();
  for (uint32_t i = 0; i < 20; i++) add(&b, i);
  board_flash_cut_at(ops() + 2, 3, on_cut, NULL);
  if (!setjmp(cut_jb)) {
    bbox_clear(&b);
    CHECK(!"no cut");
  }
  board_flash_cut_at(0, 0, NULL, NULL);
  c = ring_open();
  CHECK(bbox_count(&c) == 0 && bbox_next_seq(&c) == 20 && c.cur == 1);
  for (uint32_t i = 20; i < 31; i++) add(&c, i);           /* 20..29 in page 1, 30 wraps */
  CHECK(c.cur == 0 && bbox_count(&c) == 11 && bbox_first_seq(&c) == 20);
  memset(ring() + HAL_FLASH_PAGE + 16, 0xFF, 8);          /* page 1's mark (dw2) */
  c = ring_open();
  CHECK(c.floor == 20 && bbox_count(&c) == 11 && bbox_first_seq(&c) == 20);
  /* a clear of a ring with only one valid page: still four operations */
  fresh();
  b = ring_open();
  for (uint32_t i = 0; i < 5; i++) add(&b, i);
  o = ops();
  CHECK(bbox_clear(&b) == BBOX_OK && ops() - o == 4 && bbox_next_seq(&b) == 5);
  board_flash_close();
}

/* A record's slot, written by hand. */
static void put_slot(uint32_t page, uint32_t slot, const uint8_t *w, uint32_t crc) {
  uint8_t d[BBOX_SLOT_SIZE];
  memcpy(d, w, BBOX_WIRE_SIZE);
  link_put32(d + BBOX_WIRE_SIZE, crc);
  link_put32(d + BBOX_WIRE_SIZE + 4, ~crc);
  REQUIRE(hal_flash_program(OFF + page * HAL_FLASH_PAGE + BBOX_HDR_SIZE + slot * BBOX_SLOT_SIZE, d,
                            sizeof d) == HAL_OK);
}

static void t_torn(void) {
  fresh();
  bbox b = ring_open();
  add(&b, 0);
  bbox_rec r;
  uint8_t w[BBOX_WIRE_SIZE];
  /* slot 1: commit valid, CRC wrong */
  mk(1, &r);
  r.seq = 1;
  wire(&r, w);
  put_slot(0, 1, w, crc32_of(w, sizeof w) ^ 1u);
  /* slot 2: CRC right, but the seq is not the slot's */
  mk(2, &r);
  r.seq = 7;
  wire(&r, w);
  put_slot(0, 2, w, crc32_of(w, sizeof w));
  /* slot 3: CRC right, body malformed (kind out of range) */
  mk(3, &r);
  r.seq = 3;
  wire(&r, w);
  w[4] = BBOX_KIND__COUNT;
  put_slot(0, 3, w, crc32_of(w, sizeof w));
  /* slot 5 (written after slot 4): CRC right, the commit's complement torn */
  mk(5, &r);
  r.seq = 5;
  wire(&r, w);
  uint8_t d[BBOX_SLOT_SIZE];
  memcpy(d, w, BBOX_WIRE_SIZE);
  link_put32(d + BBOX_WIRE_SIZE, crc32_of(w, sizeof w));
  link_put32(d + BBOX_WIRE_SIZE + 4, ~crc32_of(w, sizeof w) | 0x00100000u);
  /* slot 4: a good one after them */
  mk(4, &r);
  r.seq = 4;
  wire(&r, w);
  put_slot(0, 4, w, crc32_of(w, sizeof w));
  REQUIRE(hal_flash_program(OFF + BBOX_HDR_SIZE + 5 * BBOX_SLOT_SIZE, d, sizeof d) == HAL_OK);
  bbox c = ring_open();
  list l;
  list_read(&c, &l);
  CHECK(l.n == 2 && l.seq[0] == 0 && l.seq[1] == 4 && bbox_torn(&c) == 4);
  CHECK(bbox_next_seq(&c) == 6);
  add(&c, 6);
  CHECK(bbox_count(&c) == 3);
  /* a torn header: the page is not part of the ring */
  uint8_t bad[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
  fresh();
  REQUIRE(hal_flash_program(OFF, bad, 8) == HAL_OK);
  b = ring_open();
  CHECK(bbox_count(&b) == 0 && bbox_next_seq(&b) == 0);
  add(&b, 0);                                    /* page 0 is made afresh */
  CHECK(b.cur == 0 && bbox_count(&b) == 1 && bbox_torn(&b) == 0);
  board_flash_close();
}

/* Check the rules every scan must give, then that appends work. */
static void survive(const char *what, uint32_t seed) {
  bbox b = ring_open();
  list l;
  list_read(&b, &l);
  for (uint32_t k = 0; k < 4; k++) {
    uint32_t next = bbox_next_seq(&b);
    bbox_rec r;
    mk(k, &r);
    if (next > BBOX_SEQ_MAX) {                   /* garbage bases near the end */
      uint64_t o = ops();
      CHECK(bbox_append(&b, &r) == BBOX_EFULL && bbox_clear(&b) == (b.count ? BBOX_EFULL : BBOX_OK));
      CHECK(ops() == o);
      return;
    }
    if (k == 3) {
      CHECK(bbox_clear(&b) == BBOX_OK && bbox_count(&b) == 0 && bbox_next_seq(&b) >= next);
      bbox c = ring_open();
      CHECKF(bbox_count(&c) == 0, "%s seed %u: clear", what, (unsigned)seed);
      continue;
    }
    uint64_t o = ops();
    add(&b, k);
    list m;
    list_read(&b, &m);
    CHECKF(m.n && m.seq[m.n - 1] == next, "%s seed %u", what, (unsigned)seed);
    if (ops() - o == 1)                          /* no wrap: nothing lost */
      for (uint32_t i = 0; i < l.n; i++) {
        int j = list_find(&m, l.seq[i]);
        CHECKF(j >= 0 && memcmp(m.w[j], l.w[i], BBOX_WIRE_SIZE) == 0, "%s seed %u", what, (unsigned)seed);
      }
    l = m;
  }
  if (bbox_next_seq(&b) <= BBOX_SEQ_MAX) {
    add(&b, 9);
    bbox c = ring_open();
    CHECK(bbox_count(&c) == 1);
  }
}

static void t_garbage(void) {
  /* random bytes */
  for (uint32_t seed = 1; seed <= 300; seed++) {
    fresh();
    t_rng = seed;
    for (uint32_t i = 0; i < PAGES * HAL_FLASH_PAGE; i++) ring()[i] = (uint8_t)rnd();
    survive("random", seed);
  }
  /* structured: valid and torn headers, marks and records, colliding bases */
  uint32_t shown = 0;
  for (uint32_t seed = 1; seed <= 1500; seed++) {
    fresh();
    t_rng = seed * 7919u;
    uint8_t *f = ring();
    for (uint32_t p = 0; p < PAGES; p++) {
      uint8_t *pg = f + p * HAL_FLASH_PAGE;
      uint32_t base = (uint32_t)rnd() % 4 == 0 ? BBOX_SEQ_MAX - (uint32_t)rnd() % 20 : (uint32_t)rnd() % 40;
      uint32_t h = (uint32_t)rnd() % 5;
      if (h) {
        link_put32(pg, base);
        link_put32(pg + 4, h == 4 ? base ^ 0x10u : ~base);
      }
      for (uint32_t i = 1; i < 16; i++)
        if ((uint32_t)rnd() % 6 == 0) {
          uint32_t m = (uint32_t)rnd() % 3 ? (uint32_t)rnd() % 60 : (uint32_t)rnd();
          link_put32(pg + 8 * i, m);
          link_put32(pg + 8 * i + 4, (uint32_t)rnd() % 4 ? ~m : m);
        }
      for (uint32_t s = 0; s < BBOX_SLOTS; s++) {
        uint8_t *d = pg + BBOX_HDR_SIZE + s * BBOX_SLOT_SIZE;
        uint32_t k = (uint32_t)rnd() % 6;
        if (k == 0) continue;                    /* erased */
        bbox_rec r;
        mk((uint32_t)rnd() % 1000, &r);
        r.seq = k == 1 ? (uint32_t)rnd() % 60 : base + s;
        bbox_rec_put(d, &r);
        uint32_t c = crc32_of(d, BBOX_WIRE_SIZE) ^ (k == 2 ? 4u : 0u);
        link_put32(d + BBOX_WIRE_SIZE, c);
        link_put32(d + BBOX_WIRE_SIZE + 4, k == 3 ? c : ~c);
        if (k == 4) d[(uint32_t)rnd() % BBOX_SLOT_SIZE] ^= (uint8_t)(1u << (uint32_t)rnd() % 8);
      }
    }
    bbox b = ring_open();
    shown += bbox_count(&b);
    survive("structured", seed);
  }
  printf("garbage: 300 random and 1500 structured rings; %u records shown, all ordered\n",
         (unsigned)shown);
  CHECK(shown > 100);
  board_flash_close();
}

/* The contents survive in a file. */
static void t_file(void) {
  char path[] = "/tmp/bboxflashXXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  unlink(path);
  REQUIRE(board_flash_open(path) == 0);
  bbox b = ring_open();
  for (uint32_t i = 0; i < 40; i++) add(&b, i);
  board_flash_close();
  REQUIRE(board_flash_open(path) == 0);
  bbox c = ring_open();
  list l;
  list_read(&c, &l);
  CHECK(l.n == 25 && l.seq[0] == 15 && bbox_next_seq(&c) == 40);
  board_flash_close();
  unlink(path);
}

/* ---- the wire codec ------------------------------------------------------------- */

static void t_codec(void) {
  uint8_t w[BBOX_WIRE_SIZE + 8], w2[BBOX_WIRE_SIZE];
  bbox_rec r, o;
  for (uint32_t i = 0; i < 500; i++) {
    mk(i * 977u, &r);
    r.seq = i * 0x01000193u;
    memset(w, 0xA5, sizeof w);
    bbox_rec_put(w, &r);
    CHECK(w[BBOX_WIRE_SIZE] == 0xA5);           /* exactly BBOX_WIRE_SIZE bytes */
    REQUIRE(bbox_rec_get(w, BBOX_WIRE_SIZE, &o));
    CHECK(o.seq == r.seq && o.kind == r.kind && o.fault == r.fault && o.reset_reason == r.reset_reason &&
          o.bank == r.bank && o.pc == r.pc && o.line == r.line && o.func == r.func &&
          memcmp(o.version, r.version, sizeof r.version) == 0 && o.boot_id == r.boot_id &&
          o.counter == r.counter && o.uptime_ms == r.uptime_ms &&
          memcmp(o.digest, r.digest, 32) == 0 && memcmp(o.func_name, r.func_name, 24) == 0 &&
          memcmp(o.file, r.file, 24) == 0);
    bbox_rec_put(w2, &o);
    CHECK(memcmp(w, w2, BBOX_WIRE_SIZE) == 0);
  }
  /* the byte layout, field by field */
  mk(5, &r);
  r.seq = 0x04030201u;
  r.pc = 0x0D0C0B0Au;
  r.uptime_ms = 0x2827262524232221ull;
  bbox_rec_put(w, &r);
  CHECK(w[0] == 1 && w[3] == 4 && w[4] == r.kind && w[5] == r.fault && w[6] == r.reset_reason &&
        w[7] == r.bank && w[8] == 0x0A && w[11] == 0x0D);
  CHECK(link_get32(w + 12) == r.line && link_get16(w + 16) == r.func && link_get16(w + 18) == r.version[0] &&
        link_get16(w + 22) == r.version[2] && link_get32(w + 24) == r.boot_id &&
        link_get32(w + 28) == r.counter && w[32] == 0x21 && w[39] == 0x28);
  CHECK(memcmp(w + 40, r.digest, 32) == 0 && strcmp((char *)w + 72, "func_5") == 0 &&
        strcmp((char *)w + 96, "dir/file0.c") == 0);
  /* every other length */
  for (uint32_t n = 0; n < sizeof w; n++)
    if (n != BBOX_WIRE_SIZE) CHECKF(!bbox_rec_get(w, n, &o), "length %u", (unsigned)n);
  /* malformed fields */
  struct { uint32_t at; uint8_t v; bool ok; } cases[] = {
    { 4, BBOX_KIND__COUNT, false }, { 4, 0xFF, false }, { 4, BBOX_KIND__COUNT - 1, true },
    { 5, CVM_FAULT__COUNT, false }, { 5, 0xFF, false }, { 5, CVM_FAULT__COUNT - 1, true },
    { 6, BBOX_RESET__COUNT, false }, { 6, BBOX_RESET__COUNT - 1, true },
    { 7, 2, false }, { 7, 0xFE, false }, { 7, 0, true }, { 7, 1, true }, { 7, 0xFF, true },
    { 72 + 23, 'x', false },                     /* func_name not terminated... */
    { 72 + 10, 'x', false },                     /* ...or not NUL after the NUL */
    { 72 + 0, 0x7F, false }, { 72 + 0, 0x1F, false }, { 72 + 0, 0x80, false }, { 72, 0, false },
    { 96 + 23, 'y', false }, { 96 + 15, 1, false }, { 96 + 2, 0x0A, false },
    { 96 + 0, ' ', true }, { 72 + 5, '~', true },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bbox_rec_put(w, &r);
    w[cases[i].at] = cases[i].v;
    CHECKF(bbox_rec_get(w, BBOX_WIRE_SIZE, &o) == cases[i].ok, "byte %u = 0x%02x", (unsigned)cases[i].at,
           cases[i].v);
  }
  /* a full-length name (23) and an empty one */
  bbox_name_set(r.func_name, "abcdefghijklmnopqrstuvwxyz", 26);
  bbox_name_set(r.file, "", 0);
  bbox_rec_put(w, &r);
  CHECK(bbox_rec_get(w, BBOX_WIRE_SIZE, &o) && strlen(o.func_name) == 23 && o.file[0] == 0);
  /* name_set: non-printables become '?', it stops at n or a NUL */
  char nm[BBOX_NAME_LEN];
  memset(nm, 'z', sizeof nm);
  bbox_name_set(nm, "a\tb\xC3\xA9", 5);
  CHECK(strcmp(nm, "a?b??") == 0 && nm[23] == 0);
  bbox_name_set(nm, "abc\0def", 7);
  CHECK(strcmp(nm, "abc") == 0 && nm[4] == 0 && nm[5] == 0);
  bbox_name_set(nm, "abcdef", 2);
  CHECK(strcmp(nm, "ab") == 0);
  /* put normalises names the caller left unpadded */
  mk(5, &r);
  memset(r.file, 'Q', sizeof r.file);
  r.func_name[10] = 'j';                          /* after the NUL */
  bbox_rec_put(w, &r);
  CHECK(bbox_rec_get(w, BBOX_WIRE_SIZE, &o) && strlen(o.file) == 23 && strcmp(o.func_name, "func_5") == 0);
  /* names */
  CHECK(strcmp(bbox_kind_name(BBOX_KIND_FAULT), "fault") == 0 &&
        strcmp(bbox_kind_name(BBOX_KIND_WATCHDOG), "watchdog") == 0 &&
        strcmp(bbox_kind_name(BBOX_KIND_REVERTED), "reverted") == 0 &&
        strcmp(bbox_kind_name(BBOX_KIND_HOST), "host") == 0 && strcmp(bbox_kind_name(BBOX_KIND__COUNT), "?") == 0);
  static const char *resets[] = { "power-on", "software", "watchdog", "pin", "brownout", "unknown" };
  for (uint32_t i = 0; i < BBOX_RESET__COUNT; i++) CHECK(strcmp(bbox_reset_name(i), resets[i]) == 0);
  CHECK(strcmp(bbox_reset_name(BBOX_RESET__COUNT), "?") == 0 && strcmp(bbox_reset_name(0xFFFFFFFFu), "?") == 0);
  for (uint32_t e = 0; e < BBOX_ERR__COUNT; e++) CHECK(strcmp(bbox_err_str(e), "?") != 0);
  CHECK(strcmp(bbox_err_str(BBOX_OK), "ok") == 0 && strcmp(bbox_err_str(BBOX_ERR__COUNT), "?") == 0);
}

/* ---- power cuts ------------------------------------------------------------------- */

#define SEEDS 16
#define SEEDS2 4
#define RING_BYTES (PAGES * HAL_FLASH_PAGE)

static uint8_t snap0[RING_BYTES], snap1[RING_BYTES];
static uint32_t n_cuts, n_cuts2;

typedef struct cut_case {
  const char *name;
  uint32_t prefill;     /* records appended first */
  int clear_at;         /* clear before appending record clear_at (-1: none) */
  bool clear;           /* the operation: a clear (else an append of mk(prefill)) */
  uint32_t want_ops;
} cut_case;

static void setup(const cut_case *c) {
  fresh();
  bbox b = ring_open();
  for (uint32_t i = 0; i < c->prefill; i++) {
    if ((int)i == c->clear_at) REQUIRE(bbox_clear(&b) == BBOX_OK);
    bbox_rec r;
    mk(i, &r);
    REQUIRE(bbox_append(&b, &r) == BBOX_OK);
  }
  memcpy(snap0, ring(), RING_BYTES);
}

static bbox_err do_op(bbox *b, const cut_case *c, bbox_rec *x) {
  if (c->clear) return bbox_clear(b);
  mk(c->prefill, x);
  return bbox_append(b, x);
}

/* The page an append that must start a page would erase, or -1 when it
** fits (the same rule as bbox.c's, restated). */
static int victim_of(const bbox *b) {
  if (b->cur != BBOX_NO_PAGE && b->used < BBOX_SLOTS && b->base[b->cur] + b->used == b->next) return -1;
  int t = -1;
  for (uint32_t p = 0; p < b->pages; p++) {
    if (b->base[p] == BBOX_NO_PAGE) return (int)p;
    if (t < 0 || b->base[p] < b->base[t]) t = (int)p;
  }
  return t;
}

/* After a cut: what a reopened ring shows against what it showed before. */
static void check_cut(const char *what, const list *before, const list *after, const bbox *pre,
                      const bbox *post, bool clear, const uint8_t *xw, uint32_t xseq) {
  int v = victim_of(pre);
  for (uint32_t i = 0; i < after->n; i++) {
    int j = list_find(before, after->seq[i]);
    bool ok = j >= 0 ? memcmp(after->w[i], before->w[j], BBOX_WIRE_SIZE) == 0
                     : !clear && after->seq[i] == xseq && memcmp(after->w[i], xw, BBOX_WIRE_SIZE) == 0;
    CHECKF(ok, "%s: record %u is not one written", what, (unsigned)after->seq[i]);
  }
  if (clear)
    CHECKF(after->n == 0 || after->n == before->n, "%s: %u of %u records after a cut clear", what,
           (unsigned)after->n, (unsigned)before->n);
  else
    for (uint32_t i = 0; i < before->n; i++) {
      uint32_t s = before->seq[i];
      bool lost = v >= 0 && pre->base[v] != BBOX_NO_PAGE && s >= pre->base[v] && s < pre->base[v] + BBOX_SLOTS;
      CHECKF(lost || list_find(after, s) >= 0, "%s: record %u lost", what, (unsigned)s);
    }
  CHECKF(bbox_next_seq(post) >= bbox_next_seq(pre), "%s: next %u -> %u", what,
         (unsigned)bbox_next_seq(pre), (unsigned)bbox_next_seq(post));
}

/* The append after a cut: whole, cut again at each of its operations. */
static void follow_up(const char *what, const list *a) {
  memcpy(snap1, ring(), RING_BYTES);
  bbox b = ring_open();
  uint32_t next = bbox_next_seq(&b);
  bbox_rec y;
  uint8_t yw[BBOX_WIRE_SIZE];
  mk(5000, &y);
  uint64_t o = ops();
  CHECKF(bbox_append(&b, &y) == BBOX_OK, "%s: append after the cut", what);
  uint32_t m = (uint32_t)(ops() - o);
  wire(&y, yw);
  list l;
  list_read(&b, &l);
  CHECKF(y.seq == next && (a->n == 0 || y.seq > a->seq[a->n - 1]), "%s: seq %u", what, (unsigned)y.seq);
  CHECKF(l.n && l.seq[l.n - 1] == y.seq && memcmp(l.w[l.n - 1], yw, sizeof yw) == 0, "%s: new record", what);
  for (uint32_t i = 0; i + 1 < l.n; i++) {
    int j = list_find(a, l.seq[i]);
    CHECKF(j >= 0 && memcmp(l.w[i], a->w[j], BBOX_WIRE_SIZE) == 0, "%s: follow-up shows %u", what,
           (unsigned)l.seq[i]);
  }
  if (m == 1) CHECKF(l.n == a->n + 1, "%s: an append without a wrap lost records", what);
  for (uint32_t j = 1; j <= m; j++)
    for (uint32_t seed = 0; seed < SEEDS2; seed++) {
      memcpy(ring(), snap1, RING_BYTES);
      bbox c = ring_open();
      bbox_rec z;
      mk(5000, &z);
      board_flash_cut_at(ops() + j, seed * 131u + j, on_cut, NULL);
      if (!setjmp(cut_jb)) {
        bbox_append(&c, &z);
        CHECKF(0, "%s: no cut at follow-up operation %u", what, (unsigned)j);
      }
      board_flash_cut_at(0, 0, NULL, NULL);
      n_cuts2++;
      bbox d = ring_open();
      list l2;
      list_read(&d, &l2);
      for (uint32_t i = 0; i < l2.n; i++) {
        int k = list_find(a, l2.seq[i]);
        bool ok = k >= 0 ? memcmp(l2.w[i], a->w[k], BBOX_WIRE_SIZE) == 0
                         : l2.seq[i] == next && memcmp(l2.w[i], yw, BBOX_WIRE_SIZE) == 0;
        CHECKF(ok, "%s, cut again at %u: record %u", what, (unsigned)j, (unsigned)l2.seq[i]);
      }
      CHECK(bbox_next_seq(&d) >= next);
      add(&d, 6000);
    }
}

static void cut_run(const cut_case *c) {
  /* before, and the operation's length */
  setup(c);
  bbox pre = ring_open();
  list before;
  list_read(&pre, &before);
  bbox b = ring_open();
  bbox_rec x;
  uint64_t o = ops();
  REQUIRE(do_op(&b, c, &x) == BBOX_OK);
  uint32_t n = (uint32_t)(ops() - o);
  CHECKF(n == c->want_ops, "%s: %u operations, expected %u", c->name, (unsigned)n, (unsigned)c->want_ops);
  uint8_t xw[BBOX_WIRE_SIZE];
  mk(c->prefill, &x);
  x.seq = bbox_next_seq(&pre);
  wire(&x, xw);
  for (uint32_t k = 1; k <= n; k++)
    for (uint32_t seed = 0; seed < SEEDS; seed++) {
      char what[96];
      snprintf(what, sizeof what, "%s, cut at operation %u/%u seed %u", c->name, (unsigned)k, (unsigned)n,
               (unsigned)seed);
      memcpy(ring(), snap0, RING_BYTES);
      bbox r = ring_open();
      bbox_rec x2;
      board_flash_cut_at(ops() + k, seed * 2654435761u + k, on_cut, NULL);
      if (!setjmp(cut_jb)) {
        do_op(&r, c, &x2);
        CHECKF(0, "%s: no cut", what);
      }
      board_flash_cut_at(0, 0, NULL, NULL);
      n_cuts++;
      bbox post = ring_open();
      list after;
      list_read(&post, &after);
      check_cut(what, &before, &after, &pre, &post, c->clear, xw, x.seq);
      follow_up(what, &after);
    }
  board_flash_close();
}

static void cut_cases(const cut_case *cs, size_t n, const char *label) {
  n_cuts = n_cuts2 = 0;
  for (size_t i = 0; i < n; i++) cut_run(&cs[i]);
  printf("%s: %u power cuts, then %u more in the append after each\n", label, (unsigned)n_cuts,
         (unsigned)n_cuts2);
}

static void t_powercut_append(void) {
  static const cut_case cs[] = {
    { "first append", 0, -1, false, 3 },
    { "append into page 0", 7, -1, false, 1 },
    { "append into page 1", 20, -1, false, 1 },
    { "append after a clear", 24, 20, false, 1 },
  };
  cut_cases(cs, sizeof cs / sizeof cs[0], "powercut_append");
}

static void t_powercut_wrap(void) {
  static const cut_case cs[] = {
    { "wrap, page 0 recycled", 30, -1, false, 3 },
    { "wrap, page 1 recycled", 45, -1, false, 3 },
    { "wrap, page 0 again", 60, -1, false, 3 },
    { "wrap after a clear", 35, 20, false, 3 },
    { "page 1 started", 15, -1, false, 3 },
  };
  cut_cases(cs, sizeof cs / sizeof cs[0], "powercut_wrap");
}

static void t_powercut_clear(void) {
  static const cut_case cs[] = {
    { "clear, both pages full", 30, -1, true, 4 },
    { "clear, one page and a part", 20, -1, true, 4 },
    { "clear, one page", 5, -1, true, 4 },
    { "clear, after wraps", 52, -1, true, 4 },
    { "second clear", 40, 25, true, 4 },
  };
  cut_cases(cs, sizeof cs / sizeof cs[0], "powercut_clear");
}

/* A long life with cuts at random points: every record shown is the one
** appended with its seq, seqs never go back, and a clear that took effect
** is never undone. */
#define SOAK_OPS 3000
static uint8_t soak_w[SOAK_OPS + 16][BBOX_WIRE_SIZE];

static void t_powercut_soak(void) {
  fresh();
  t_rng = 12345;
  uint32_t next = 0, cleared_below = 0, cuts = 0;
  for (uint32_t i = 0; i < SOAK_OPS; i++) {
    bbox b = ring_open();
    list l;
    list_read(&b, &l);
    CHECKF(bbox_next_seq(&b) >= next, "op %u: next %u -> %u", (unsigned)i, (unsigned)next,
           (unsigned)bbox_next_seq(&b));
    next = bbox_next_seq(&b);
    for (uint32_t k = 0; k < l.n; k++) {
      CHECKF(l.seq[k] >= cleared_below, "op %u: cleared record %u shown", (unsigned)i, (unsigned)l.seq[k]);
      CHECKF(l.seq[k] < SOAK_OPS + 16 && memcmp(l.w[k], soak_w[l.seq[k]], BBOX_WIRE_SIZE) == 0,
             "op %u: record %u", (unsigned)i, (unsigned)l.seq[k]);
    }
    bool clear = (uint32_t)rnd() % 20 == 0, cut = (uint32_t)rnd() % 3 == 0;
    uint32_t before = bbox_count(&b);
    bbox_rec r;
    mk((uint32_t)rnd(), &r);
    r.seq = next;
    if (next < SOAK_OPS + 16) wire(&r, soak_w[next]);
    if (cut) {
      board_flash_cut_at(ops() + 1 + (uint32_t)rnd() % 4, (uint32_t)rnd(), on_cut, NULL);
      cuts++;
    }
    if (!setjmp(cut_jb)) {
      if (clear) CHECK(bbox_clear(&b) == BBOX_OK);
      else CHECK(bbox_append(&b, &r) == BBOX_OK);
    }
    board_flash_cut_at(0, 0, NULL, NULL);
    if (clear) {
      bbox c = ring_open();
      if (bbox_count(&c) == 0 && before) cleared_below = next;
    }
  }
  printf("powercut_soak: %u operations, %u power cuts, next seq %u\n", SOAK_OPS, (unsigned)cuts,
         (unsigned)next);
  board_flash_close();
}

typedef struct test { const char *name; void (*fn)(void); } test;
static const test tests[] = {
  { "empty", t_empty },
  { "args", t_args },
  { "fields", t_fields },
  { "seq", t_seq },
  { "wrap", t_wrap },
  { "clear", t_clear },
  { "torn", t_torn },
  { "garbage", t_garbage },
  { "file", t_file },
  { "codec", t_codec },
  { "powercut_append", t_powercut_append },
  { "powercut_wrap", t_powercut_wrap },
  { "powercut_clear", t_powercut_clear },
  { "powercut_soak", t_powercut_soak },
};

int main(int argc, char **argv) {
  int ran = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
      tests[i].fn();
      ran++;
    }
  if (!ran) {
    fprintf(stderr, "no test named %s\n", argv[1]);
    return 2;
  }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures ? 1 : 0;
}
