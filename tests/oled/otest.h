/* otest.h -- what the OLED tests share: the board with the simulated
** display attached, raw I2C writes to it, a frame of four pages and how it
** compares with what the panel shows. Checks are tests/common/tcheck.h's. */
#ifndef OTEST_H
#define OTEST_H
#include <stdarg.h>
#include <string.h>

#include "tcheck.h"
#include "board.h"
#include "oled.h"

/* The four pages of the screen (GDDRAM layout), as the tests hold them. */
typedef uint8_t ot_frame[OLED_PAGES][OLED_W];

/* A fresh board (the display at power-on), the display attached. */
static inline void ot_open(void) {
  board_opts o;
  board_opts_init(&o);
  REQUIRE(board_open(&o) == BOARD_EOK);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);
}

/* One I2C write to the display of n bytes given as ints. */
static inline int ot_w(uint32_t n, ...) {
  uint8_t b[64];
  REQUIRE(n <= sizeof b);
  va_list ap;
  va_start(ap, n);
  for (uint32_t i = 0; i < n; i++) b[i] = (uint8_t)va_arg(ap, int);
  va_end(ap);
  return hal_i2c_write(BOARD_SSD1306_ADDR, b, n);
}

static inline void ot_status_frame(ot_frame f, const oled_status *s) {
  for (uint32_t p = 0; p < OLED_PAGES; p++) oled_fb_row(f[p], s, p);
}

static inline int ot_get(const ot_frame f, uint32_t x, uint32_t y) {
  return x < OLED_W && y < OLED_H ? f[y >> 3][x] >> (y & 7u) & 1 : 0;
}
static inline void ot_set(ot_frame f, uint32_t x, uint32_t y, int on) {
  uint8_t bit = (uint8_t)(1u << (y & 7u));
  f[y >> 3][x] = on ? (uint8_t)(f[y >> 3][x] | bit) : (uint8_t)(f[y >> 3][x] & ~bit);
}

/* Pixels where the panel differs from f (0: it shows f exactly). */
static inline uint32_t ot_diff(const ot_frame f) {
  uint32_t d = 0;
  for (uint32_t y = 0; y < OLED_H; y++)
    for (uint32_t x = 0; x < OLED_W; x++) d += board_ssd1306_pixel(x, y) != ot_get(f, x, y);
  return d;
}

/* oled_page for every page: the number sent, or the first error. */
static inline int ot_send_all(oled_dev *d, const ot_frame f) {
  int n = 0;
  for (uint32_t p = 0; p < OLED_PAGES; p++) {
    int r = oled_page(d, p, f[p]);
    if (r < 0) return r;
    n += r;
  }
  return n;
}
#endif
