/*
** board_ssd1306_out.c -- the simulated OLED's panel as a PNG file or text.
*/
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board_int.h"

int board_ssd1306_png(const char *path, uint32_t scale) {
  if (!path || scale == 0 || scale > 16) return -1;
  uint32_t w = BOARD_SSD1306_W * scale, h = BOARD_SSD1306_H * scale;
  uint8_t *px = malloc((size_t)w * h);
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 8);
  if (!px || !tmp) { free(px); free(tmp); return -1; }
  for (uint32_t y = 0; y < h; y++)
    for (uint32_t x = 0; x < w; x++)
      px[(size_t)y * w + x] = board_ssd1306_pixel(x / scale, y / scale) ? 0xFF : 0x00;

  /* A temporary file in the same folder, renamed over path when complete. */
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".XXXXXX", 8);
  int fd = mkstemp(tmp);
  if (fd >= 0) fchmod(fd, 0644);   /* a picture for anyone to view, not mkstemp's 0600 */
  FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
  int ok = 0;
  if (f) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = w;
    img.height = h;
    img.format = PNG_FORMAT_GRAY;
    ok = png_image_write_to_stdio(&img, f, 0, px, (png_int_32)w, NULL);
    ok = fclose(f) == 0 && ok;
  } else if (fd >= 0) {
    close(fd);
  }
  if (ok) ok = rename(tmp, path) == 0;
  if (!ok && fd >= 0) unlink(tmp);
  free(px);
  free(tmp);
  return ok ? 0 : -1;
}

/* Two panel rows per line: upper and lower pixel as one of " ", "▀", "▄",
** "█" (UTF-8). 16 lines of 128 characters. */
void board_ssd1306_text(FILE *out) {
  static const char *const cell[4] = { " ", "\u2580", "\u2584", "\u2588" };
  for (uint32_t y = 0; y < BOARD_SSD1306_H; y += 2) {
    for (uint32_t x = 0; x < BOARD_SSD1306_W; x++)
      fputs(cell[board_ssd1306_pixel(x, y) | board_ssd1306_pixel(x, y + 1) << 1], out);
    fputc('\n', out);
  }
}
