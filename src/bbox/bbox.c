/*
** bbox.c -- the blackbox ring (bbox.h; docs/flash-layout.md, "The blackbox
** ring").
**
** As MCUboot's image trailer and the bootloader's slot records, every piece
** of state is written once between erases and committed by a double-word
** v, ~v written last: programming only clears bits, so a write cut short
** leaves some bit position with 1 in both words and reads as torn, as does
** an interrupted erase (which only sets bits). A slot's commit holds the
** CRC-32 of its body, so a body cut short is caught as well. The RAM state
** is always what a scan of the flash gives: after a wrap, a clear or an
** error the pages are simply scanned again.
*/
#include "bbox.h"

#include <stddef.h>

#include "crc32.h"
#include "cvm.h"
#include "hal.h"
#include "link.h"

#define DW     HAL_FLASH_DWORD
#define MARKS  (BBOX_HDR_SIZE / DW)  /* header double-words: base, then marks */

/* ---- the record and its wire codec ------------------------------------------ */

void bbox_rec_init(bbox_rec *r, uint32_t k) {
  __builtin_memset(r, 0, sizeof *r);
  r->kind = (uint8_t)k;
  r->reset_reason = BBOX_RESET_UNKNOWN;
  r->bank = BBOX_NO_BANK;
  r->func = BBOX_NO_FUNC;
}

void bbox_name_set(char dst[BBOX_NAME_LEN], const char *s, uint32_t n) {
  uint32_t i = 0;
  for (; i < n && i < BBOX_NAME_LEN - 1 && s[i]; i++) {
    uint8_t c = (uint8_t)s[i];
    dst[i] = c >= 0x20 && c <= 0x7E ? (char)c : '?';
  }
  for (; i < BBOX_NAME_LEN; i++) dst[i] = 0;
}

/* The integer fields in wire order (then digest, func_name, file). */
#define F(m) { (uint8_t)offsetof(bbox_rec, m), (uint8_t)sizeof(((bbox_rec *)0)->m) }
static const uint8_t fields[][2] = {
  F(seq), F(kind), F(fault), F(reset_reason), F(bank), F(pc), F(line), F(func),
  F(version[0]), F(version[1]), F(version[2]), F(boot_id), F(counter), F(uptime_ms),
};
#define NFIELDS (sizeof fields / sizeof fields[0])
#define W_DIGEST 40u
#define W_FUNC   72u
#define W_FILE   96u
_Static_assert(offsetof(bbox_rec, file) - offsetof(bbox_rec, digest) == W_FILE - W_DIGEST &&
               W_FILE + BBOX_NAME_LEN == BBOX_WIRE_SIZE, "the byte fields as on the wire");

/* Each field's value, least significant byte first. */
void bbox_rec_put(uint8_t *p, const bbox_rec *r) {
  uint8_t *w = p;
  for (uint32_t i = 0; i < NFIELDS; i++) {
    const uint8_t *m = (const uint8_t *)r + fields[i][0];
    uint32_t n = fields[i][1];
    uint64_t v = n == 1 ? *m : n == 2 ? *(const uint16_t *)m : n == 4 ? *(const uint32_t *)m
                                                                   : *(const uint64_t *)m;
    for (; n; n--, v >>= 8) *w++ = (uint8_t)v;
  }
  __builtin_memcpy(p + W_DIGEST, r->digest, BBOX_DIGEST_LEN);
  bbox_name_set((char *)p + W_FUNC, r->func_name, BBOX_NAME_LEN);
  bbox_name_set((char *)p + W_FILE, r->file, BBOX_NAME_LEN);
}

/* Printable ASCII, then NULs only, at least one. */
static bool name_ok(const uint8_t *s) {
  uint32_t i = 0;
  while (i < BBOX_NAME_LEN && s[i] >= 0x20 && s[i] <= 0x7E) i++;
  if (i == BBOX_NAME_LEN) return false;
  for (; i < BBOX_NAME_LEN; i++)
    if (s[i]) return false;
  return true;
}

bool bbox_rec_get(const uint8_t *p, uint32_t len, bbox_rec *r) {
  if (len != BBOX_WIRE_SIZE || p[4] >= BBOX_KIND__COUNT || p[5] >= CVM_FAULT__COUNT ||
      p[6] >= BBOX_RESET__COUNT || (p[7] > 1 && p[7] != BBOX_NO_BANK) || !name_ok(p + W_FUNC) ||
      !name_ok(p + W_FILE))
    return false;
  const uint8_t *w = p;
  for (uint32_t i = 0; i < NFIELDS; i++) {
    uint8_t *m = (uint8_t *)r + fields[i][0];
    uint32_t n = fields[i][1];
    if (n == 1) *m = *w;
    else if (n == 2) *(uint16_t *)m = (uint16_t)link_get16(w);
    else if (n == 4) *(uint32_t *)m = link_get32(w);
    else *(uint64_t *)m = (uint64_t)link_get32(w + 4) << 32 | link_get32(w);
    w += n;
  }
  /* digest, func_name and file follow each other in both */
  __builtin_memcpy((uint8_t *)r + offsetof(bbox_rec, digest), p + W_DIGEST, BBOX_WIRE_SIZE - W_DIGEST);
  return true;
}

/* ---- flash ----------------------------------------------------------------- */

static uint32_t page_off(const bbox *b, uint32_t p) { return b->off + p * HAL_FLASH_PAGE; }
static uint32_t slot_off(const bbox *b, uint32_t p, uint32_t s) {
  return page_off(b, p) + BBOX_HDR_SIZE + s * BBOX_SLOT_SIZE;
}
static int erase(const bbox *b, uint32_t p) { return hal_flash_erase_page(b->off / HAL_FLASH_PAGE + p); }

static void put_pair(uint8_t *d, uint32_t v) {
  link_put32(d, v);
  link_put32(d + 4, ~v);
}

static bool erased(const uint8_t *d, uint32_t n) {
  while (n--)
    if (*d++ != 0xFF) return false;
  return true;
}

/* A v, ~v double-word: 1 valid (*v set), 0 erased, -1 torn or unreadable. */
static int dw_read(uint32_t off, uint32_t *v) {
  uint8_t d[DW];
  if (hal_flash_read(off, d, DW) < 0) return -1;
  if (erased(d, DW)) return 0;
  *v = link_get32(d);
  return link_get32(d + 4) == ~*v ? 1 : -1;
}

/* Slot s of page p: 1 a valid record (*r), 0 erased, -1 torn. */
static int slot_read(const bbox *b, uint32_t p, uint32_t s, bbox_rec *r) {
  uint8_t d[BBOX_SLOT_SIZE];
  if (hal_flash_read(slot_off(b, p, s), d, sizeof d) < 0) return -1;
  if (erased(d, sizeof d)) return 0;
  uint32_t c = link_get32(d + BBOX_WIRE_SIZE);
  if (link_get32(d + BBOX_WIRE_SIZE + 4) != ~c || c != crc32_of(d, BBOX_WIRE_SIZE) ||
      !bbox_rec_get(d, BBOX_WIRE_SIZE, r) || r->seq != b->base[p] + s)
    return -1;
  return 1;
}

/* Pages are ordered by (base, index). Page p's records are shown below the
** next page's base (garbage cannot make two pages' records overlap). */
static uint32_t upper(const bbox *b, uint32_t p) {
  uint32_t u = BBOX_NO_PAGE;
  for (uint32_t q = 0; q < b->pages; q++) {
    uint32_t v = b->base[q];
    if (q != p && v != BBOX_NO_PAGE && (v > b->base[p] || (v == b->base[p] && q > p)) && v < u) u = v;
  }
  return u;
}

/* The page a new page is made of: an invalid one, else the oldest. */
static uint32_t victim(const bbox *b) {
  uint32_t t = BBOX_NO_PAGE;
  for (uint32_t p = 0; p < b->pages; p++) {
    if (b->base[p] == BBOX_NO_PAGE) return p;
    if (t == BBOX_NO_PAGE || b->base[p] < b->base[t]) t = p;
  }
  return t;
}

/* Start page t afresh: erase it, then its base and mark in one write. */
static int fresh(const bbox *b, uint32_t t, uint32_t base, uint32_t mark) {
  uint8_t h[2 * DW];
  put_pair(h, base);
  put_pair(h + DW, mark);
  int e = erase(b, t);
  return e < 0 ? e : hal_flash_program(page_off(b, t), h, sizeof h);
}

static void scan(bbox *b) {
  uint32_t v;
  bbox_rec r;
  b->cur = BBOX_NO_PAGE;
  b->used = b->count = b->torn = b->floor = 0;
  b->mark_at = MARKS;
  b->first = BBOX_NO_PAGE;
  /* headers: bases, the newest page, the highest mark of all */
  for (uint32_t p = 0; p < b->pages; p++) {
    uint32_t end = 1;
    b->base[p] = dw_read(page_off(b, p), &v) > 0 && v <= BBOX_SEQ_MAX ? v : BBOX_NO_PAGE;
    if (b->base[p] == BBOX_NO_PAGE) continue;
    for (uint32_t i = 1; i < MARKS; i++) {
      int k = dw_read(page_off(b, p) + i * DW, &v);
      if (k > 0 && v <= BBOX_SEQ_MAX && v > b->floor) b->floor = v;
      if (k) end = i + 1;
    }
    if (b->cur == BBOX_NO_PAGE || b->base[p] >= b->base[b->cur]) {
      b->cur = p;
      b->mark_at = end;
    }
  }
  /* slots: torn ones, the current page's use, what is shown */
  for (uint32_t p = 0; p < b->pages; p++) {
    uint32_t up = upper(b, p);
    for (uint32_t s = 0; s < BBOX_SLOTS && b->base[p] != BBOX_NO_PAGE; s++) {
      int k = slot_read(b, p, s, &r);
      if (k < 0) b->torn++;
      if (k && p == b->cur) b->used = s + 1;
      if (k > 0 && r.seq >= b->floor && r.seq < up) {
        b->count++;
        if (r.seq < b->first) b->first = r.seq;
      }
    }
  }
  b->next = b->floor;
  if (b->cur != BBOX_NO_PAGE && b->base[b->cur] + b->used > b->next) b->next = b->base[b->cur] + b->used;
  if (!b->count) b->first = b->next;
}

/* ---- the ring ---------------------------------------------------------------- */

bbox_err bbox_open(bbox *b, uint32_t flash_off, uint32_t pages) {
  __builtin_memset(b, 0, sizeof *b);
  b->cur = BBOX_NO_PAGE;
  uint32_t size = hal_flash_size();
  if (flash_off % HAL_FLASH_PAGE || pages < 2 || pages > BBOX_MAX_PAGES || flash_off > size ||
      pages * HAL_FLASH_PAGE > size - flash_off)
    return BBOX_EARG;
  b->off = flash_off;
  b->pages = pages;
  scan(b);
  return BBOX_OK;
}

bbox_err bbox_append(bbox *b, bbox_rec *r) {
  uint8_t d[BBOX_SLOT_SIZE];
  bbox_rec chk;
  if (!b->pages) return BBOX_EARG;
  if (b->next > BBOX_SEQ_MAX) return BBOX_EFULL;
  r->seq = b->next;
  bbox_rec_put(d, r);
  if (!bbox_rec_get(d, BBOX_WIRE_SIZE, &chk)) return BBOX_ERECORD;
  put_pair(d + BBOX_WIRE_SIZE, crc32_of(d, BBOX_WIRE_SIZE));
  uint32_t p = b->cur, s = b->used;
  int e = 0;
  /* A new page when there is none, the current one is full, or (garbage
  ** only) its next slot's seq would be below the mark. */
  bool wrap = p == BBOX_NO_PAGE || s >= BBOX_SLOTS || b->base[p] + s != b->next;
  if (wrap) {
    p = victim(b);
    s = 0;
    e = fresh(b, p, b->next, b->floor);
  }
  if (e >= 0) e = hal_flash_program(slot_off(b, p, s), d, sizeof d);
  scan(b);
  return e < 0 ? BBOX_EFLASH : BBOX_OK;
}

bbox_err bbox_read(const bbox *b, uint32_t from_seq, bbox_rec *out) {
  bbox_rec r;
  uint32_t best = BBOX_NO_PAGE;
  if (from_seq < b->floor) from_seq = b->floor;
  for (uint32_t p = 0; p < b->pages; p++) {
    uint32_t base = b->base[p];
    if (base == BBOX_NO_PAGE) continue;
    uint32_t up = upper(b, p);
    for (uint32_t s = from_seq > base ? from_seq - base : 0; s < BBOX_SLOTS && base + s < up && base + s < best; s++)
      if (slot_read(b, p, s, &r) > 0) {
        best = r.seq;
        *out = r;
        break;
      }
  }
  return best == BBOX_NO_PAGE ? BBOX_ENOTFOUND : BBOX_OK;
}

bbox_err bbox_clear_below(bbox *b, uint32_t seq) {
  if (seq >= b->next) return bbox_clear(b);
  if (seq <= b->floor || seq <= b->first) return BBOX_OK;    /* nothing below it is shown */
  if (b->mark_at >= MARKS) return bbox_clear(b) == BBOX_OK ? BBOX_OK : BBOX_EFLASH;
  /* One mark in the current page hides the records below seq; the pages
  ** are reclaimed by later wraps. One flash operation. */
  uint8_t h[DW];
  put_pair(h, seq);
  int e = hal_flash_program(page_off(b, b->cur) + b->mark_at * DW, h, DW);
  scan(b);
  return e < 0 ? BBOX_EFLASH : BBOX_OK;
}

bbox_err bbox_clear(bbox *b) {
  uint8_t h[DW];
  int e = 0;
  if (!b->count) return BBOX_OK;
  if (b->next > BBOX_SEQ_MAX) return BBOX_EFULL;
  put_pair(h, b->next);
  /* The commit point: a mark in the current page hides every record. Only
  ** garbage can have used up the marks; the clear then counts on the rest. */
  if (b->mark_at < MARKS) e = hal_flash_program(page_off(b, b->cur) + b->mark_at * DW, h, DW);
  /* Clean up: a fresh page carrying the mark, then erase the others. */
  uint32_t t = victim(b);
  if (e >= 0) e = fresh(b, t, b->next, b->next);
  for (uint32_t p = 0; p < b->pages; p++)
    if (p != t && e >= 0) e = erase(b, p);
  scan(b);
  return e < 0 ? BBOX_EFLASH : BBOX_OK;
}
