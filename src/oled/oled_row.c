/*
** oled_row.c -- a text row as one GDDRAM page.
*/
#include "oled_int.h"

void oled_row(uint8_t out[OLED_W], const char *text) {
  __builtin_memset(out, 0, OLED_W);
  uint8_t *d = out + OLED_X0;
  for (uint32_t i = 0; i < OLED_COLS && text[i]; i++, d += 6) {
    uint8_t c = (uint8_t)text[i];
    __builtin_memcpy(d, oled_font[(c < 0x20 || c > 0x7E ? '?' : c) - 0x20], 5);
  }
}
