/*
** test_ssd1306.c -- the simulated SSD1306 (src/ports/host/board_ssd1306*.c)
** driven by raw I2C streams: addressing modes, the display path, parameters
** split across transactions, malformed streams, PNG and text output.
** Usage: test_ssd1306 NAME (page, vertical, horizontal, display, split,
** malformed, png, text).
*/
#include <dirent.h>
#include <png.h>
#include <stdlib.h>
#include <unistd.h>

#include "otest.h"

#define RAM(p, c) board_ssd1306_ram(p, c)

/* Zero all of GDDRAM (horizontal mode, full ranges), then page mode. */
static void ram_zero(void) {
  uint8_t z[1 + 1024] = { 0x40 };
  REQUIRE(ot_w(8, 0x00, 0x20, 0x00, 0x21, 0, 127, 0x22, 0) == HAL_OK);
  REQUIRE(ot_w(2, 0x80, 7) == HAL_OK);
  REQUIRE(hal_i2c_write(BOARD_SSD1306_ADDR, z, sizeof z) == HAL_OK);
  REQUIRE(ot_w(3, 0x00, 0x20, 0x02) == HAL_OK);
}

/* Panel on with the usual 128x32 set-up (A1, C8, mux 32, pump on). */
static void panel_on(void) {
  REQUIRE(ot_w(9, 0x00, 0xA8, 0x1F, 0xA1, 0xC8, 0xDA, 0x02, 0x8D, 0x14) == HAL_OK);
  REQUIRE(ot_w(2, 0x00, 0xAF) == HAL_OK);
}

static uint32_t lit(void) {
  uint32_t n = 0;
  for (uint32_t y = 0; y < BOARD_SSD1306_H; y++)
    for (uint32_t x = 0; x < BOARD_SSD1306_W; x++) n += (uint32_t)board_ssd1306_pixel(x, y);
  return n;
}

static void test_page(void) {
  ot_open();
  ram_zero();
  /* Page 2, column 0x35 from the two nibbles. */
  CHECK(ot_w(4, 0x00, 0xB2, 0x05, 0x13) == HAL_OK);
  CHECK(ot_w(3, 0x40, 0xAA, 0xBB) == HAL_OK);
  CHECK(RAM(2, 0x35) == 0xAA && RAM(2, 0x36) == 0xBB && RAM(2, 0x34) == 0 && RAM(3, 0x35) == 0);
  /* At column 127 the pointer goes back to the start column, same page. */
  CHECK(ot_w(4, 0x00, 0xB7, 0x0E, 0x17) == HAL_OK);      /* page 7, column 126 */
  CHECK(ot_w(4, 0x40, 1, 2, 3) == HAL_OK);
  CHECK(RAM(7, 126) == 3 && RAM(7, 127) == 2 && RAM(0, 126) == 0 && RAM(7, 0) == 0);
  /* Nibbles one at a time, single-command control bytes, data bytes
  ** with 0xC0 between other control bytes. */
  CHECK(ot_w(6, 0x80, 0xB5, 0x80, 0x10, 0x80, 0x04) == HAL_OK);   /* page 5, col 4 */
  CHECK(ot_w(6, 0xC0, 0x11, 0x80, 0xB6, 0xC0, 0x22) == HAL_OK);
  CHECK(RAM(5, 4) == 0x11 && RAM(6, 5) == 0x22 && RAM(5, 5) == 0);
  /* The high nibble keeps the low one and the other way round. */
  CHECK(ot_w(3, 0x00, 0xB0, 0x12) == HAL_OK);             /* col 0x24 */
  CHECK(ot_w(2, 0xC0, 0x5A) == HAL_OK && RAM(0, 0x24) == 0x5A);
  CHECK(ot_w(2, 0x00, 0x09) == HAL_OK);                   /* col 0x29 */
  CHECK(ot_w(2, 0xC0, 0x5B) == HAL_OK && RAM(0, 0x29) == 0x5B);
  CHECK(board_ssd1306_counts()->unknown == 0);
  board_close();
}

static void test_vertical(void) {
  ot_open();
  ram_zero();
  CHECK(ot_w(9, 0x00, 0x20, 0x01, 0x21, 16, 17, 0x22, 1, 2) == HAL_OK);
  CHECK(ot_w(6, 0x40, 1, 2, 3, 4, 5) == HAL_OK);
  CHECK(RAM(1, 16) == 5 && RAM(2, 16) == 2 && RAM(1, 17) == 3 && RAM(2, 17) == 4);
  CHECK(RAM(3, 16) == 0 && RAM(1, 18) == 0 && RAM(0, 16) == 0);
  /* Full ranges: a column of 8 pages, then the next column. */
  CHECK(ot_w(7, 0x00, 0x21, 0, 127, 0x22, 0, 7) == HAL_OK);
  uint8_t b[1 + 9] = { 0x40, 10, 11, 12, 13, 14, 15, 16, 17, 18 };
  CHECK(hal_i2c_write(BOARD_SSD1306_ADDR, b, sizeof b) == HAL_OK);
  for (uint32_t p = 0; p < 8; p++) CHECK(RAM(p, 0) == (int)(10 + p));
  CHECK(RAM(0, 1) == 18);
  /* At the last column and page: back to the start of both. */
  CHECK(ot_w(7, 0x00, 0x21, 127, 127, 0x22, 7, 7) == HAL_OK);
  CHECK(ot_w(3, 0x40, 0x77, 0x78) == HAL_OK && RAM(7, 127) == 0x78);
  board_close();
}

static void test_horizontal(void) {
  ot_open();
  ram_zero();
  CHECK(ot_w(9, 0x00, 0x20, 0x00, 0x21, 126, 127, 0x22, 6, 7) == HAL_OK);
  CHECK(ot_w(6, 0x40, 1, 2, 3, 4, 5) == HAL_OK);
  CHECK(RAM(6, 126) == 5 && RAM(6, 127) == 2 && RAM(7, 126) == 3 && RAM(7, 127) == 4);
  CHECK(RAM(6, 125) == 0 && RAM(0, 126) == 0 && RAM(7, 0) == 0);
  /* A window in the middle; the range commands reset the pointer. */
  CHECK(ot_w(7, 0x00, 0x21, 40, 42, 0x22, 3, 4) == HAL_OK);
  uint8_t b[1 + 7] = { 0x40, 1, 2, 3, 4, 5, 6, 7 };
  CHECK(hal_i2c_write(BOARD_SSD1306_ADDR, b, sizeof b) == HAL_OK);
  CHECK(RAM(3, 40) == 7 && RAM(3, 41) == 2 && RAM(3, 42) == 3);
  CHECK(RAM(4, 40) == 4 && RAM(4, 41) == 5 && RAM(4, 42) == 6);
  CHECK(RAM(3, 43) == 0 && RAM(5, 40) == 0);
  /* The mode 11b is invalid: horizontal stays. */
  CHECK(ot_w(3, 0x00, 0x20, 0x03) == HAL_OK);
  CHECK(ot_w(7, 0x00, 0x21, 0, 1, 0x22, 0, 1) == HAL_OK);
  CHECK(ot_w(4, 0x40, 9, 9, 9) == HAL_OK && RAM(1, 0) == 9);
  /* Page mode after horizontal: the pointer no longer follows the range. */
  CHECK(ot_w(6, 0x00, 0x20, 0x02, 0xB1, 0x00, 0x10) == HAL_OK);
  CHECK(ot_w(4, 0x40, 8, 8, 8) == HAL_OK && RAM(1, 2) == 8 && RAM(2, 0) == 0);
  board_close();
}

/* Remap, scan direction, invert, entire on, display off, pump, start line,
** offset, multiplex. */
static void test_display(void) {
  ot_open();
  ram_zero();
  CHECK(ot_w(4, 0x00, 0xB0, 0x00, 0x10) == HAL_OK);
  CHECK(ot_w(2, 0x40, 0x01) == HAL_OK);                  /* RAM row 0, column 0 */
  CHECK(lit() == 0);                                       /* off at power-on */
  CHECK(ot_w(2, 0x00, 0xAF) == HAL_OK);
  CHECK(lit() == 0);                                       /* no charge pump */
  CHECK(ot_w(3, 0x00, 0x8D, 0x14) == HAL_OK);
  CHECK(board_ssd1306_on());
  /* Power-on: no remap, COM0 first, mux 64, COM pins alternative: the
  ** viewer's bottom right pixel is SEG0 / COM0, showing RAM row 0; odd rows
  ** go to COM32.. (not on the panel). Sequential: row 1 on COM1. */
  CHECK(lit() == 1 && board_ssd1306_pixel(127, 31) == 1);
  CHECK(ot_w(4, 0x00, 0xB0, 0x00, 0x10) == HAL_OK && ot_w(2, 0x40, 0x03) == HAL_OK);
  CHECK(lit() == 1);
  CHECK(ot_w(3, 0x00, 0xDA, 0x02) == HAL_OK);              /* sequential */
  CHECK(lit() == 2 && board_ssd1306_pixel(127, 31) == 1 && board_ssd1306_pixel(127, 30) == 1);
  CHECK(ot_w(3, 0x00, 0xDA, 0x22) == HAL_OK);              /* left/right remap */
  CHECK(lit() == 0);                                       /* COM0..31 show rows 32.. */
  CHECK(ot_w(3, 0x00, 0xDA, 0x02) == HAL_OK);
  CHECK(ot_w(4, 0x00, 0xB0, 0x00, 0x10) == HAL_OK && ot_w(2, 0x40, 0x01) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(127, 31) == 1);
  CHECK(ot_w(3, 0x00, 0xA8, 0x1F) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(127, 31) == 1);
  CHECK(ot_w(2, 0x00, 0xA1) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(0, 31) == 1);
  CHECK(ot_w(2, 0x00, 0xC8) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(0, 0) == 1);
  CHECK(ot_w(2, 0x00, 0xA7) == HAL_OK);                    /* inverse */
  CHECK(lit() == 128 * 32 - 1 && board_ssd1306_pixel(0, 0) == 0);
  CHECK(ot_w(2, 0x00, 0xA5) == HAL_OK);                    /* entire display on */
  CHECK(lit() == 128 * 32);
  CHECK(ot_w(3, 0x00, 0xA4, 0xA6) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(0, 0) == 1);
  uint8_t st = 0;
  CHECK(hal_i2c_read(BOARD_SSD1306_ADDR, &st, 1) == HAL_OK && st == 0x00);
  CHECK(ot_w(2, 0x00, 0xAE) == HAL_OK);                    /* off: black */
  CHECK(lit() == 0 && !board_ssd1306_on());
  CHECK(hal_i2c_read(BOARD_SSD1306_ADDR, &st, 1) == HAL_OK && st == 0x40);
  CHECK(ot_w(2, 0x00, 0xA5) == HAL_OK && lit() == 0);      /* still off */
  CHECK(ot_w(3, 0x00, 0xA4, 0xAF) == HAL_OK && lit() == 1);
  CHECK(ot_w(3, 0x00, 0x8D, 0x10) == HAL_OK && lit() == 0);  /* pump off */
  CHECK(ot_w(3, 0x00, 0x8D, 0x14) == HAL_OK && lit() == 1);
  /* Start line 1: the top row shows RAM row 1; row 0 is not on the panel. */
  CHECK(ot_w(2, 0x00, 0x41) == HAL_OK);
  CHECK(lit() == 0);
  CHECK(ot_w(4, 0x00, 0xB4, 0x00, 0x10) == HAL_OK);        /* RAM row 32 */
  CHECK(ot_w(2, 0x40, 0x01) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(0, 31) == 1);
  CHECK(ot_w(2, 0x00, 0x40) == HAL_OK && lit() == 1 && board_ssd1306_pixel(0, 0) == 1);
  /* Offset 1: COM c shows what COM c+1 did; the last scan line (row 32
  ** here) is not driven on the panel, row 0 goes to COM63. */
  CHECK(ot_w(3, 0x00, 0xD3, 0x01) == HAL_OK);
  CHECK(lit() == 0);
  CHECK(ot_w(4, 0x00, 0xB0, 0x00, 0x10) == HAL_OK && ot_w(2, 0x40, 0x03) == HAL_OK);
  CHECK(lit() == 1 && board_ssd1306_pixel(0, 0) == 1);     /* row 1 at the top */
  CHECK(ot_w(3, 0x00, 0xD3, 0x00) == HAL_OK);
  CHECK(lit() == 2 && board_ssd1306_pixel(0, 1) == 1);
  CHECK(ot_w(4, 0x00, 0xB0, 0x00, 0x10) == HAL_OK && ot_w(2, 0x40, 0x01) == HAL_OK);
  /* Multiplex 16: the lower half of the panel is not driven. */
  CHECK(ot_w(4, 0x00, 0xB1, 0x00, 0x10) == HAL_OK);        /* RAM row 8 */
  CHECK(ot_w(2, 0x40, 0x01) == HAL_OK && board_ssd1306_pixel(0, 8) == 1);
  CHECK(ot_w(3, 0x00, 0xA8, 0x0F) == HAL_OK);
  CHECK(ot_w(2, 0x00, 0xC0) == HAL_OK);                    /* COM0 -> COM15 */
  /* Now COM c shows RAM row c for c < 16: viewer rows 16..31 from the bottom. */
  CHECK(lit() == 2 && board_ssd1306_pixel(0, 31) == 1 && board_ssd1306_pixel(0, 23) == 1);
  CHECK(ot_w(3, 0x00, 0xA8, 0x0E) == HAL_OK);              /* invalid: ignored */
  CHECK(lit() == 2);
  board_close();
}

/* Parameters of one command in later transactions, under either kind of
** control byte, with data written in between. */
static void test_split(void) {
  ot_open();
  ram_zero();
  CHECK(ot_w(3, 0x00, 0x20, 0x00) == HAL_OK);
  CHECK(ot_w(2, 0x00, 0x21) == HAL_OK);
  CHECK(ot_w(2, 0x00, 5) == HAL_OK);
  CHECK(ot_w(2, 0x80, 7) == HAL_OK);
  CHECK(ot_w(4, 0x80, 0x22, 0x80, 3) == HAL_OK);
  CHECK(ot_w(1, 0x00) == HAL_OK);                          /* a control byte alone */
  CHECK(ot_w(0) == HAL_OK);                                 /* an address probe */
  CHECK(ot_w(2, 0x00, 3) == HAL_OK);
  CHECK(ot_w(5, 0x40, 0x11, 0x22, 0x33, 0x44) == HAL_OK);
  CHECK(RAM(3, 5) == 0x44 && RAM(3, 6) == 0x22 && RAM(3, 7) == 0x33 && RAM(3, 8) == 0);
  /* Contrast: command, data byte (to RAM), then its parameter. */
  CHECK(ot_w(6, 0x80, 0x81, 0xC0, 0x55, 0x80, 0xAF) == HAL_OK);   /* 0xAF: contrast value */
  CHECK(RAM(3, 6) == 0x55);
  CHECK(!board_ssd1306_on());                   /* 0xAF was a parameter, not display on */
  CHECK(board_ssd1306_counts()->unknown == 0);
  board_close();
}


static void test_malformed(void) {
  ot_open();
  /* Data with no set-up: page 0 from column 0 (page mode at power-on),
  ** wrapping within the page. */
  uint8_t b[1 + 200];
  b[0] = 0x40;
  for (uint32_t i = 1; i < sizeof b; i++) b[i] = (uint8_t)i;
  CHECK(hal_i2c_write(BOARD_SSD1306_ADDR, b, sizeof b) == HAL_OK);
  CHECK(RAM(0, 0) == 129 && RAM(0, 71) == 200 && RAM(0, 72) == 73 && RAM(0, 127) == 128);
  /* A truncated 7-byte command: the next command bytes are its parameters. */
  CHECK(ot_w(4, 0x00, 0x26, 0x00, 0x01) == HAL_OK);
  CHECK(ot_w(5, 0x00, 0x8D, 0x14, 0xAF, 0xFF) == HAL_OK);     /* 4 parameters */
  CHECK(!board_ssd1306_on());
  CHECK(ot_w(4, 0x00, 0x8D, 0x14, 0xAF) == HAL_OK && board_ssd1306_on());
  /* Unknown command bytes are ignored and counted. */
  uint64_t u = board_ssd1306_counts()->unknown;
  CHECK(ot_w(5, 0x00, 0x23, 0xAD, 0xFF, 0xAE) == HAL_OK);
  CHECK(board_ssd1306_counts()->unknown == u + 3 && !board_ssd1306_on());
  /* A truncated stream that ends in a control byte with Co set. */
  CHECK(ot_w(1, 0x80) == HAL_OK && ot_w(1, 0xC0) == HAL_OK);
  /* 10 000 random bytes in random transactions, with reads between. */
  uint64_t bytes = board_ssd1306_counts()->bytes;
  uint32_t sent = 0;
  while (sent < 10000) {
    uint8_t r[300];
    uint32_t n = (uint32_t)rnd() % 300u;
    if (n > 10000 - sent) n = 10000 - sent;
    for (uint32_t i = 0; i < n; i++) r[i] = (uint8_t)rnd();
    if ((uint32_t)rnd() % 4 == 0 && n) r[0] = (uint8_t)((uint32_t)rnd() % 2 ? 0x00 : 0x40);
    CHECK(hal_i2c_write(BOARD_SSD1306_ADDR, r, n) == HAL_OK);
    sent += n;
    if ((uint32_t)rnd() % 8 == 0) CHECK(hal_i2c_read(BOARD_SSD1306_ADDR, r, 1 + (uint32_t)rnd() % 4) == HAL_OK);
    for (uint32_t y = 0; y < 40; y++) (void)board_ssd1306_pixel((uint32_t)rnd() % 140, y);
  }
  CHECK(board_ssd1306_counts()->bytes == bytes + 10000);
  CHECK(RAM(8, 0) == -1 && RAM(0, 128) == -1);
  /* The driver's set-up and pages still work after all that. */
  static oled_dev d;
  static ot_frame f;
  oled_row(f[0], "after the noise");
  CHECK(ot_w(3, 0x00, 0x00, 0x00) == HAL_OK);        /* no command half-collected */
  CHECK(ot_w(7, 0x00, 0xE3, 0xE3, 0xE3, 0xE3, 0xE3, 0xE3) == HAL_OK);
  CHECK(oled_init(&d) == HAL_OK);
  CHECK(ot_send_all(&d, f) == 4);
  /* The set-up sets every register the picture depends on. */
  CHECKF(ot_diff(f) == 0, "%u pixels differ", ot_diff(f));
  board_close();
}

/* Decode a PNG as 8-bit grey; NULL on failure. */
static uint8_t *png_load(const char *path, uint32_t *w, uint32_t *h) {
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path)) return NULL;
  img.format = PNG_FORMAT_GRAY;
  uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
  if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) { free(px); return NULL; }
  *w = img.width;
  *h = img.height;
  return px;
}

/* The reference: the rendered pages themselves, scaled, written by libpng
** here. */
static int png_reference(const char *path, const ot_frame f, uint32_t scale) {
  uint32_t w = OLED_W * scale, h = OLED_H * scale;
  uint8_t *px = malloc((size_t)w * h);
  REQUIRE(px);
  for (uint32_t y = 0; y < h; y++)
    for (uint32_t x = 0; x < w; x++) px[y * w + x] = ot_get(f, x / scale, y / scale) ? 255 : 0;
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = w;
  img.height = h;
  img.format = PNG_FORMAT_GRAY;
  int ok = png_image_write_to_file(&img, path, 0, px, 0, NULL);
  free(px);
  return ok;
}

static void test_png(void) {
  ot_open();
  static oled_dev d;
  static ot_frame f;
  const oled_status s = { 0x12345678u, "png", { 0, 9, 1 }, LINK_VM_SLEEPING, false,
                          OLED_LINK_IDLE, 1, 59 };
  ot_status_frame(f, &s);
  ot_set(f, 127, 31, 1);
  ot_set(f, 0, 0, 1);
  REQUIRE(ot_send_all(&d, f) == 4);
  char dir[] = "/tmp/oled_png.XXXXXX";
  REQUIRE(mkdtemp(dir));
  for (uint32_t scale = 1; scale <= 4; scale += 3) {
    char got[64], want[64];
    snprintf(got, sizeof got, "%s/panel%u.png", dir, scale);
    snprintf(want, sizeof want, "%s/ref%u.png", dir, scale);
    CHECK(board_ssd1306_png(got, scale) == 0);
    CHECK(board_ssd1306_png(got, scale) == 0);           /* over an existing file */
    REQUIRE(png_reference(want, f, scale));
    uint32_t gw = 0, gh = 0, rw = 0, rh = 0;
    uint8_t *g = png_load(got, &gw, &gh), *r = png_load(want, &rw, &rh);
    REQUIRE(g && r);
    CHECK(gw == OLED_W * scale && gh == OLED_H * scale && gw == rw && gh == rh);
    CHECK(memcmp(g, r, (size_t)gw * gh) == 0);
    free(g);
    free(r);
  }
  CHECK(board_ssd1306_png("/nonexistent-dir/x.png", 1) == -1);
  CHECK(board_ssd1306_png(NULL, 1) == -1 && board_ssd1306_png("/tmp/x.png", 0) == -1);
  /* Only the four files: no temporary left behind. */
  DIR *dp = opendir(dir);
  REQUIRE(dp);
  int files = 0;
  for (struct dirent *e; (e = readdir(dp));) {
    if (e->d_name[0] == '.') continue;
    files++;
    char p[300];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(dp);
  rmdir(dir);
  CHECKF(files == 4, "%d files", files);
  board_close();
}

static void test_text(void) {
  ot_open();
  panel_on();
  ram_zero();
  /* Column 0: rows 0 and 3 lit; column 1: row 1. */
  CHECK(ot_w(4, 0x00, 0xB0, 0x00, 0x10) == HAL_OK);
  CHECK(ot_w(3, 0x40, 0x09, 0x02) == HAL_OK);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  REQUIRE(f);
  board_ssd1306_text(f);
  fclose(f);
  int lines = 0;
  for (size_t i = 0; i < len; i++) lines += buf[i] == '\n';
  CHECK(lines == 16);
  /* Line 0: "▀" (row 0), "▄" (row 1), spaces; line 1: "▄" (row 3), " ". */
  CHECK(strncmp(buf, "\u2580\u2584   ", 9) == 0);
  const char *l1 = strchr(buf, '\n') + 1;
  CHECK(strncmp(l1, "\u2584 ", 4) == 0);
  CHECK(len == 16 * (128 + 1) + 3 * 2);        /* 3 cells of 3 bytes */
  free(buf);
  board_close();
}

int main(int argc, char **argv) {
  static const struct { const char *name; void (*fn)(void); } t[] = {
    { "page", test_page }, { "vertical", test_vertical }, { "horizontal", test_horizontal },
    { "display", test_display }, { "split", test_split }, { "malformed", test_malformed },
    { "png", test_png }, { "text", test_text },
  };
  REQUIRE(argc == 2);
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp(argv[1], t[i].name) == 0) {
      t[i].fn();
      return t_failures ? 1 : 0;
    }
  fprintf(stderr, "no test %s\n", argv[1]);
  return 2;
}
