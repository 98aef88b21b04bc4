/*
** boot_rec.c -- write-once double-word records and the counter-floor log.
**
** A record is v, ~v. Programming only clears bits, so a write cut short
** leaves some of its zero bits still set: in every bit position one of the
** two words should hold a 0, and a torn write shows 1 in both. An
** interrupted erase only sets bits, with the same effect. So a record reads
** as erased, as exactly what was written, or as torn; never as another
** valid value.
*/
#include "boot.h"

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

boot_dw boot_dw_read(uint32_t off, uint32_t *value) {
  uint8_t b[8];
  if (hal_flash_read(off, b, 8) < 0) return BOOT_DW_TORN;
  uint32_t v = rd32(b), c = rd32(b + 4);
  if (v == 0xFFFFFFFFu && c == 0xFFFFFFFFu) return BOOT_DW_ERASED;
  if (c != ~v) return BOOT_DW_TORN;
  if (value) *value = v;
  return BOOT_DW_VALID;
}

int boot_dw_write(uint32_t off, uint32_t value) {
  uint8_t b[8];
  uint32_t c = ~value;
  for (int i = 0; i < 4; i++) {
    b[i] = (uint8_t)(value >> (8 * i));
    b[4 + i] = (uint8_t)(c >> (8 * i));
  }
  return hal_flash_program(off, b, 8);
}

/* ---- floor log ------------------------------------------------------------
** Two pages of records, each a floor value. The floor is the largest valid
** one. Raising appends a record after the last used double-word of a page
** with room; when neither has room, the page that does not hold the current
** maximum is erased and takes the new value. The maximum is thus never
** erased, and a torn record is just skipped. */

#define FLOOR_DWS (HAL_FLASH_PAGE / 8u)

typedef struct floor_page {
  bool has;          /* holds a valid record */
  uint32_t max;
  uint32_t free_at;  /* first double-word after the last one not erased */
} floor_page;

static uint32_t floor_dw(uint32_t page, uint32_t i) {
  return BOOT_FLOOR_OFF + page * HAL_FLASH_PAGE + 8u * i;
}

static void floor_scan(uint32_t page, floor_page *fp) {
  fp->has = false;
  fp->max = 0;
  fp->free_at = 0;
  for (uint32_t i = 0; i < FLOOR_DWS; i++) {
    uint32_t v;
    boot_dw s = boot_dw_read(floor_dw(page, i), &v);
    if (s == BOOT_DW_ERASED) continue;
    fp->free_at = i + 1;
    if (s == BOOT_DW_VALID && (!fp->has || v > fp->max)) {
      fp->has = true;
      fp->max = v;
    }
  }
}

uint32_t boot_floor_read(void) {
  floor_page p[BOOT_FLOOR_PAGES];
  uint32_t m = 0;
  for (uint32_t i = 0; i < BOOT_FLOOR_PAGES; i++) {
    floor_scan(i, &p[i]);
    if (p[i].has && p[i].max > m) m = p[i].max;
  }
  return m;
}

int boot_floor_raise(uint32_t v) {
  floor_page p[BOOT_FLOOR_PAGES];
  uint32_t m = 0;
  for (uint32_t i = 0; i < BOOT_FLOOR_PAGES; i++) {
    floor_scan(i, &p[i]);
    if (p[i].has && p[i].max > m) m = p[i].max;
  }
  if (v <= m) return HAL_OK;
  /* Append to a page with room, the one holding the maximum first. */
  for (uint32_t pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < BOOT_FLOOR_PAGES; i++) {
      bool holds = p[i].has && p[i].max == m;
      if ((pass == 0) != holds || p[i].free_at >= FLOOR_DWS) continue;
      return boot_dw_write(floor_dw(i, p[i].free_at), v);
    }
  /* Both full: recycle a page that does not hold the maximum alone. */
  uint32_t t = (p[0].has && p[0].max == m) ? 1u : 0u;
  int e = hal_flash_erase_page((BOOT_FLOOR_OFF / HAL_FLASH_PAGE) + t);
  return e < 0 ? e : boot_dw_write(floor_dw(t, 0), v);
}
