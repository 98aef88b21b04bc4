/*
** oled_dev.c -- the SSD1306 driver: set-up, pages sent when their CRC-32
** changed, one service pass.
**
** I2C (datasheet 8.1.5): after the address, a control byte: 0x00 "command
** bytes follow to the stop", 0x40 "data bytes (GDDRAM) follow to the stop".
*/
#include "crc32.h"
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

static int oled_fail(oled_dev *d, int r) {
  d->ok = 0;
  d->fails++;
  return r < 0 ? r : HAL_EBUS;
}

int oled_init(oled_dev *d) {
  d->ok = 0;
  int r = hal_i2c_write(OLED_ADDR, oled_setup, sizeof oled_setup);
  if (r < 0) return oled_fail(d, r);
  d->ok = OLED_OK_UP;
  return HAL_OK;
}

int oled_send(oled_dev *d, uint32_t page, uint8_t buf[1 + OLED_W]) {
  if (page >= OLED_PAGES) return HAL_EINVAL;
  uint32_t crc = crc32_of(buf + 1, OLED_W);
  uint8_t held = (uint8_t)OLED_OK_PAGE(page);
  if ((d->ok & held) && d->crc[page] == crc) return 0;
  int r;
  if (!(d->ok & OLED_OK_UP) && (r = oled_init(d)) < 0) return r;
  const uint8_t at[] = {
    0x00,                             /* control: command stream */
    0x21, 0x00, OLED_W - 1,           /* columns 0..127 */
    0x22, (uint8_t)page, (uint8_t)page   /* page `page` only */
  };
  if ((r = hal_i2c_write(OLED_ADDR, at, sizeof at)) < 0) return oled_fail(d, r);
  buf[0] = 0x40;                      /* control: data stream */
  if ((r = hal_i2c_write(OLED_ADDR, buf, 1 + OLED_W)) < 0) return oled_fail(d, r);
  d->crc[page] = crc;
  d->ok |= held;
  return 1;
}

int oled_page(oled_dev *d, uint32_t page, const uint8_t px[OLED_W]) {
  uint8_t buf[1 + OLED_W];
  __builtin_memcpy(buf + 1, px, OLED_W);
  return oled_send(d, page, buf);
}

int oled_service(oled_dev *d, const oled_status *s) {
  uint8_t buf[1 + OLED_W];
  int r = 0;
  for (uint32_t i = 0; i < OLED_PAGES && r == 0; i++) {
    uint32_t p = d->next % OLED_PAGES;
    d->next = (uint8_t)((p + 1u) % OLED_PAGES);
    oled_fb_row(buf + 1, s, p);
    r = oled_send(d, p, buf);
  }
  return r;
}
