/*
** oled_draw.c -- pixels and text in the framebuffer.
*/
#include "oled_int.h"

void oled_clear(oled_fb *fb) { __builtin_memset(fb, 0, sizeof *fb); }

void oled_pixel(oled_fb *fb, uint32_t x, uint32_t y, bool on) {
  if (x >= OLED_W || y >= OLED_H) return;
  uint8_t bit = (uint8_t)(1u << (y & 7u));
  uint8_t *b = &fb->px[y >> 3][x];
  *b = on ? (uint8_t)(*b | bit) : (uint8_t)(*b & ~bit);
}

int oled_get(const oled_fb *fb, uint32_t x, uint32_t y) {
  if (x >= OLED_W || y >= OLED_H) return 0;
  return fb->px[y >> 3][x] >> (y & 7u) & 1;
}

uint32_t oled_text(oled_fb *fb, uint32_t col, uint32_t row, const char *str) {
  if (row >= OLED_ROWS) return col;
  for (; *str && col < OLED_COLS; str++, col++) {
    uint8_t c = (uint8_t)*str;
    const uint8_t *g = oled_font[(c < 0x20 || c > 0x7E ? '?' : c) - 0x20];
    uint8_t *d = &fb->px[row][col * 6u];
    __builtin_memcpy(d, g, 5);
    d[5] = 0;
  }
  return col;
}
