/*
** oled_dev.c -- the SSD1306 driver: set-up, dirty pages, one page a step.
**
** I2C stream (datasheet 8.1.5): after the address, a control byte: 0x00
** "commands follow to the end", 0x40 "data follow to the end", 0x80 "one
** command byte, then another control byte".
*/
#include "oled_int.h"

/* The set-up, one command stream (datasheet section 9, command table). */
static const uint8_t oled_setup[] = {
  0x00,             /* control: command stream */
  0xAE,             /* display off */
  0xD5, 0x80,       /* clock: divide 1, oscillator 8 (reset value) */
  0xA8, OLED_H - 1, /* multiplex ratio 32 */
  0xD3, 0x00,       /* display offset 0 */
  0x40,             /* start line 0 */
  0x8D, 0x14,       /* charge pump on */
  0x20, 0x00,       /* horizontal addressing */
  0xA1,             /* segment remap: column 127 on SEG0 */
  0xC8,             /* COM scan from COM[N-1] down to COM0 */
  0xDA, 0x02,       /* COM pins: sequential, no left/right remap (128x32) */
  0x81, 0x8F,       /* contrast */
  0xD9, 0xF1,       /* precharge: phase 1 one clock, phase 2 fifteen */
  0xDB, 0x40,       /* VCOMH deselect level */
  0x2E,             /* scrolling off */
  0xA4,             /* resume to RAM content */
  0xA6,             /* normal, not inverted */
  0xAF              /* display on */
};

/* One page: column range 0..127 and page range p..p (single commands, each
** after control byte 0x80), then the data stream. */
enum { OLED_HDR = 13, OLED_PAGE_MSG = OLED_HDR + OLED_W };

static int oled_fail(oled_dev *d, int r) {
  d->ok = false;
  d->errors++;
  return r < 0 ? r : HAL_EBUS;
}

int oled_init(oled_dev *d) {
  uint32_t errors = d->errors;
  const oled_fb *next = d->next;
  __builtin_memset(d, 0, sizeof *d);
  d->errors = errors;
  d->next = next;
  d->stale = (1u << OLED_PAGES) - 1u;
  d->dirty = next ? d->stale : 0;
  int r = hal_i2c_write(OLED_ADDR, oled_setup, sizeof oled_setup);
  if (r < 0) return oled_fail(d, r);
  d->ok = true;
  return HAL_OK;
}

void oled_show(oled_dev *d, const oled_fb *fb) {
  d->next = fb;
  d->dirty = 0;
  for (uint32_t p = 0; p < OLED_PAGES; p++) {
    bool same = !(d->stale >> p & 1u);
    for (uint32_t x = 0; same && x < OLED_W; x++) same = fb->px[p][x] == d->shown.px[p][x];
    if (!same) d->dirty |= (uint8_t)(1u << p);
  }
}

static int oled_count(uint8_t m) {
  int n = 0;
  for (; m; m &= (uint8_t)(m - 1u)) n++;
  return n;
}

int oled_flush_step(oled_dev *d) {
  if (!d->ok) {
    int r = oled_init(d);
    return r < 0 ? r : oled_count(d->dirty);
  }
  if (!d->dirty || !d->next) return 0;
  uint32_t p = 0;
  while (!(d->dirty >> p & 1u)) p++;
  uint8_t m[OLED_PAGE_MSG] = {
    0x80, 0x21, 0x80, 0x00, 0x80, OLED_W - 1,   /* columns 0..127 */
    0x80, 0x22, 0x80, (uint8_t)p, 0x80, (uint8_t)p,  /* page p only */
    0x40                                      /* data to the end */
  };
  __builtin_memcpy(m + OLED_HDR, d->next->px[p], OLED_W);
  int r = hal_i2c_write(OLED_ADDR, m, sizeof m);
  if (r < 0) return oled_fail(d, r);
  __builtin_memcpy(d->shown.px[p], m + OLED_HDR, OLED_W);
  uint8_t bit = (uint8_t)(1u << p);
  d->stale &= (uint8_t)~bit;
  d->dirty &= (uint8_t)~bit;
  return oled_count(d->dirty);
}
