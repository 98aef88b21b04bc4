/* otest.h -- what the OLED tests share: the board with the simulated
** display attached, raw I2C writes to it, and a frame compared with what the
** panel shows. Checks are tests/boot/tcheck.h's. */
#ifndef OTEST_H
#define OTEST_H
#include <stdarg.h>
#include <string.h>

#include "../boot/tcheck.h"
#include "board.h"
#include "oled.h"

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

/* Pixels where the panel differs from fb (0: it shows fb exactly). */
static inline uint32_t ot_diff(const oled_fb *fb) {
  uint32_t d = 0;
  for (uint32_t y = 0; y < OLED_H; y++)
    for (uint32_t x = 0; x < OLED_W; x++)
      d += board_ssd1306_pixel(x, y) != oled_get(fb, x, y);
  return d;
}
#endif
