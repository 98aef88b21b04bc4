/*
** fuzz_bbox.c -- libFuzzer target for the blackbox (src/bbox).
**
** Input: first byte even -> ring mode: the rest is the flash contents of the
** ring's two pages (missing bytes erased): open, read every record, append,
** read it back, clear, append again. Odd -> codec mode: the rest goes to
** bbox_rec_get, and what it accepts must encode back to the same record.
** Checked: records read are in strictly increasing seq order, below the
** next seq and as many as bbox_count says; an append either succeeds and
** reads back exactly, or reports the sequence numbers exhausted; a clear
** leaves nothing shown.
*/
#include <stdlib.h>
#include <string.h>

#include "bbox.h"
#include "board_flash.h"

#define OFF   0x0E000u
#define PAGES 2u
#define BYTES (PAGES * HAL_FLASH_PAGE)

static void check(int c) {
  if (!c) abort();
}

static void same(const bbox_rec *a, const bbox_rec *b) {
  uint8_t wa[BBOX_WIRE_SIZE], wb[BBOX_WIRE_SIZE];
  bbox_rec_put(wa, a);
  bbox_rec_put(wb, b);
  check(memcmp(wa, wb, sizeof wa) == 0);
}

static void read_all(const bbox *b) {
  bbox_rec r;
  uint32_t from = 0, n = 0, last = 0;
  while (bbox_read(b, from, &r) == BBOX_OK) {
    check(n == 0 || r.seq > last);
    check(r.seq >= from && r.seq < bbox_next_seq(b));
    check(n++ == 0 ? r.seq == bbox_first_seq(b) : 1);
    last = r.seq;
    from = r.seq + 1;
  }
  check(n == bbox_count(b));
}

static void append(bbox *b, uint32_t tag) {
  bbox_rec r, o;
  bbox_rec_init(&r, tag % BBOX_KIND__COUNT);
  r.pc = tag;
  r.uptime_ms = (uint64_t)tag << 33;
  bbox_name_set(r.func_name, "fuzz", 4);
  uint32_t next = bbox_next_seq(b);
  bbox_err e = bbox_append(b, &r);
  if (next > BBOX_SEQ_MAX) {
    check(e == BBOX_EFULL);
    return;
  }
  check(e == BBOX_OK && r.seq == next && bbox_next_seq(b) == next + 1);
  check(bbox_read(b, next, &o) == BBOX_OK && o.seq == next);
  same(&r, &o);
  read_all(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) {
    bbox_rec r, o;
    uint8_t w[BBOX_WIRE_SIZE];
    if (!bbox_rec_get(data + 1, (uint32_t)(size - 1), &r)) return 0;
    check(size - 1 == BBOX_WIRE_SIZE);
    bbox_rec_put(w, &r);
    check(memcmp(w, data + 1, BBOX_WIRE_SIZE) == 0);   /* strict: one encoding */
    check(bbox_rec_get(w, BBOX_WIRE_SIZE, &o));
    same(&r, &o);
    check(bbox_kind_name(r.kind)[0] != '?' && bbox_reset_name(r.reset_reason)[0] != '?');
    return 0;
  }
  if (!board_flash_is_open() && board_flash_open(NULL) != 0) abort();
  uint8_t *f = board_flash_bytes() + OFF;
  size_t n = size - 1 < BYTES ? size - 1 : BYTES;
  memset(f, 0xFF, BYTES);
  memcpy(f, data + 1, n);
  bbox b;
  check(bbox_open(&b, OFF, PAGES) == BBOX_OK);
  read_all(&b);
  append(&b, 1);
  bbox c;
  check(bbox_open(&c, OFF, PAGES) == BBOX_OK);      /* the same from the flash */
  check(c.next == b.next && c.count == b.count && c.first == b.first);
  read_all(&c);
  bbox_err e = bbox_clear(&c);
  if (e == BBOX_OK) {
    check(bbox_count(&c) == 0);
    check(bbox_open(&c, OFF, PAGES) == BBOX_OK && bbox_count(&c) == 0);
  } else {
    check(e == BBOX_EFULL);
  }
  append(&c, 2);
  return 0;
}
