/*
** test_oled.c -- the status screen (src/oled) against the simulated SSD1306:
** font, layout, the driver's set-up and page flushes through the board's
** I2C, dirty pages, a display that stops answering and comes back.
** Usage: test_oled NAME (font, layout, driver, dirty, nack).
*/
#include "otest.h"

static const oled_status demo = {
  .device_id = 0xC0C0C0C0u, .name = "blinky", .version = { 1, 2, 0 },
  .vm = OLED_VM_RUNNING, .trial = true, .link = OLED_LINK_ACTIVE, .bank = 0,
  .uptime_s = 3723,
};

/* Flush until clean; returns the steps taken, or -1 on error or no end. */
static int flush_all(oled_dev *d) {
  for (int i = 1; i <= 16; i++) {
    int r = oled_flush_step(d);
    if (r < 0) return -1;
    if (r == 0) return i;
  }
  return -1;
}

static void test_font(void) {
  oled_fb fb;
  uint8_t seen[95][5];
  for (uint32_t c = 0x20; c <= 0x7E; c++) {
    char s[2] = { (char)c, 0 };
    oled_clear(&fb);
    CHECK(oled_text(&fb, 3, 1, s) == 4);
    uint32_t lit = 0;
    for (uint32_t x = 0; x < OLED_W; x++)
      for (uint32_t y = 0; y < OLED_H; y++) {
        int in_cell = x >= 18 && x < 23 && y >= 8 && y < 15;   /* 5x7 */
        if (oled_get(&fb, x, y)) { lit++; CHECKF(in_cell, "char %#x pixel %u,%u", c, x, y); }
      }
    CHECKF(c == ' ' ? lit == 0 : lit > 0, "char %#x lit %u", c, lit);
    memcpy(seen[c - 0x20], &fb.px[1][18], 5);
    for (uint32_t k = 0x20; k < c; k++)
      CHECKF(memcmp(seen[k - 0x20], seen[c - 0x20], 5) != 0, "%c and %c look the same", k, c);
  }
  /* Cells are drawn whole; text stops at column 21; others show '?'. */
  oled_clear(&fb);
  memset(fb.px[0], 0xFF, OLED_W);
  CHECK(oled_text(&fb, 19, 0, "    ") == 21);
  CHECK(fb.px[0][113] == 0xFF && fb.px[0][114] == 0 && fb.px[0][125] == 0 && fb.px[0][126] == 0xFF);
  oled_fb q;
  oled_clear(&fb);
  oled_clear(&q);
  oled_text(&fb, 0, 2, "\x01\x7F\xC3");
  oled_text(&q, 0, 2, "???");
  CHECK(memcmp(&fb, &q, sizeof fb) == 0);
  CHECK(oled_text(&fb, 0, 4, "x") == 0);      /* no row 4 */
  oled_pixel(&fb, 200, 3, true);              /* outside: nothing */
  oled_pixel(&fb, 5, 40, true);
  CHECK(oled_get(&fb, 200, 3) == 0);
  oled_pixel(&fb, 127, 31, true);
  CHECK(fb.px[3][127] == 0x80 && oled_get(&fb, 127, 31) == 1);
  oled_pixel(&fb, 127, 31, false);
  CHECK(fb.px[3][127] == 0);
}

/* The four lines, exactly (21 columns). */
static void expect(const oled_status *s, const char *const lines[4]) {
  oled_fb got, want;
  oled_status_render(&got, s);
  oled_clear(&want);
  for (uint32_t r = 0; r < 4; r++) {
    CHECKF(strlen(lines[r]) <= OLED_COLS, "line %u too long", r);
    oled_text(&want, 0, r, lines[r]);
  }
  for (uint32_t r = 0; r < 4; r++)
    CHECKF(memcmp(got.px[r], want.px[r], OLED_W) == 0, "line %u is not \"%s\"", r, lines[r]);
}

static void test_layout(void) {
  expect(&demo, (const char *const[]){ "ID C0C0C0C0    bank A", "blinky 1.2.0",
                                       "RUN trial     link ok", "up 0d 01:02:03" });
  oled_status s = demo;
  s.device_id = 0x0000ABCDu;
  s.bank = -1;
  s.name[0] = 0;
  s.version[0] = 65535;
  s.vm = OLED_VM_FAULTED;
  s.trial = false;
  s.link = OLED_LINK_DOWN;
  s.uptime_s = 0xFFFFFFFFu;                  /* 49710 d 06:28:15 */
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank -", "- 65535.2.0",
                                    "FAULT       link down", "up 49710d 06:28:15" });
  memcpy(s.name, "a-very-long-program", sizeof s.name);   /* not terminated */
  s.bank = 1;
  s.vm = OLED_VM_BOOTLOADER;
  s.link = OLED_LINK_IDLE;
  s.uptime_s = 86399;
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank B", "a-very-long- 65535.2.",
                                    "BOOT        link idle", "up 0d 23:59:59" });
  s.vm = (oled_vm)99;
  s.link = (oled_link)7;
  s.bank = 5;
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank -", "a-very-long- 65535.2.",
                                    "?              link ?", "up 0d 23:59:59" });
  static const char *const names[] = { "----", "RUN", "SLEEP", "EXIT", "FAULT", "LIMIT", "BOOT" };
  for (uint32_t v = 0; v < OLED_VM__COUNT; v++) {
    s.vm = (oled_vm)v;
    s.trial = true;
    s.link = OLED_LINK_ACTIVE;
    char l2[32];
    snprintf(l2, sizeof l2, "%s trial%*s", names[v], (int)(OLED_COLS - strlen(names[v]) - 6), "link ok");
    expect(&s, (const char *const[]){ "ID 0000ABCD    bank -", "a-very-long- 65535.2.", l2,
                                      "up 0d 23:59:59" });
  }
}

/* Render, set up, flush through the bus: the panel shows the frame. */
static void test_driver(void) {
  ot_open();
  static oled_dev d;
  static oled_fb fb;
  oled_status_render(&fb, &demo);
  CHECK(!board_ssd1306_on());
  CHECK(oled_init(&d) == HAL_OK && d.ok);
  CHECK(board_ssd1306_on());
  CHECK(board_ssd1306_counts()->writes == 1 && board_ssd1306_counts()->unknown == 0);
  CHECK(oled_flush_step(&d) == 0);             /* nothing to show yet */
  oled_show(&d, &fb);
  CHECK(d.dirty == 0x0F);                      /* all stale after set-up */
  CHECK(oled_flush_step(&d) == 3);
  CHECK(oled_flush_step(&d) == 2);
  CHECK(oled_flush_step(&d) == 1);
  CHECK(oled_flush_step(&d) == 0);
  CHECK(oled_flush_step(&d) == 0);
  const board_ssd1306_count *n = board_ssd1306_counts();
  CHECKF(n->writes == 5 && n->data == 4 * OLED_W && n->unknown == 0,
         "writes %llu data %llu", (unsigned long long)n->writes, (unsigned long long)n->data);
  CHECKF(ot_diff(&fb) == 0, "%u pixels differ", ot_diff(&fb));
  for (uint32_t p = 0; p < 4; p++)
    for (uint32_t x = 0; x < OLED_W; x++)
      CHECK(board_ssd1306_ram(p, x) == fb.px[p][x]);
  board_ssd1306_text(stdout);
  /* A blank frame too (every pixel dark), and a full one. */
  oled_clear(&fb);
  oled_show(&d, &fb);
  CHECK(flush_all(&d) == 4 && ot_diff(&fb) == 0);
  memset(&fb, 0xFF, sizeof fb);
  oled_show(&d, &fb);
  CHECK(flush_all(&d) == 4 && ot_diff(&fb) == 0);
  board_close();
}

static void test_dirty(void) {
  ot_open();
  static oled_dev d;
  static oled_fb fb;
  oled_status_render(&fb, &demo);
  REQUIRE(oled_init(&d) == HAL_OK);
  oled_show(&d, &fb);
  REQUIRE(flush_all(&d) == 4);
  board_ssd1306_count n0 = *board_ssd1306_counts();
  oled_show(&d, &fb);                          /* the same frame: nothing to send */
  CHECK(d.dirty == 0 && oled_flush_step(&d) == 0);
  CHECK(board_ssd1306_counts()->writes == n0.writes);
  oled_pixel(&fb, 100, 20, !oled_get(&fb, 100, 20));   /* one pixel, page 2 */
  oled_show(&d, &fb);
  CHECK(d.dirty == 0x04);
  CHECK(oled_flush_step(&d) == 0);
  const board_ssd1306_count *n = board_ssd1306_counts();
  CHECK(n->writes == n0.writes + 1 && n->data == n0.data + OLED_W);
  CHECK(n->bytes - n0.bytes == 13 + OLED_W);   /* the page header and 128 bytes */
  CHECK(ot_diff(&fb) == 0);
  /* A new uptime changes one line only. */
  oled_status_render(&fb, &demo);
  oled_show(&d, &fb);
  CHECK(d.dirty == 0x04);
  CHECK(oled_flush_step(&d) == 0);
  oled_status s = demo;
  s.uptime_s++;
  oled_status_render(&fb, &s);
  oled_show(&d, &fb);
  CHECK(d.dirty == 0x08);
  CHECK(oled_flush_step(&d) == 0);
  CHECK(ot_diff(&fb) == 0);
  /* Changed and changed back before a flush: nothing to send. */
  oled_pixel(&fb, 0, 0, true);
  oled_show(&d, &fb);
  oled_pixel(&fb, 0, 0, false);
  oled_show(&d, &fb);
  CHECK(d.dirty == 0);
  board_close();
}

/* The display stops answering (detached), then comes back at power-on. */
static void test_nack(void) {
  ot_open();
  static oled_dev d;
  static oled_fb fb;
  oled_status_render(&fb, &demo);
  REQUIRE(oled_init(&d) == HAL_OK);
  oled_show(&d, &fb);
  REQUIRE(flush_all(&d) == 4);
  board_i2c_detach(BOARD_SSD1306_ADDR);
  oled_status s = demo;
  s.link = OLED_LINK_DOWN;
  oled_status_render(&fb, &s);
  oled_show(&d, &fb);
  CHECK(oled_flush_step(&d) == HAL_ENACK && !d.ok);
  CHECK(oled_flush_step(&d) == HAL_ENACK && !d.ok);   /* retried set-up */
  CHECK(d.errors == 2);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);   /* power-on again */
  CHECK(!board_ssd1306_on());
  CHECK(oled_flush_step(&d) == 4 && d.ok);    /* set up again: every page stale */
  CHECK(board_ssd1306_on());
  CHECK(flush_all(&d) == 4);
  CHECKF(ot_diff(&fb) == 0, "%u pixels differ", ot_diff(&fb));
  /* Absent from the start: init fails, a later step succeeds. */
  board_close();
  board_opts o;
  board_opts_init(&o);
  REQUIRE(board_open(&o) == BOARD_EOK);
  static oled_dev e;
  CHECK(oled_init(&e) == HAL_ENACK && !e.ok);
  oled_show(&e, &fb);
  CHECK(oled_flush_step(&e) == HAL_ENACK);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);
  CHECK(flush_all(&e) == 5 && ot_diff(&fb) == 0);
  board_close();
}

int main(int argc, char **argv) {
  static const struct { const char *name; void (*fn)(void); } t[] = {
    { "font", test_font }, { "layout", test_layout }, { "driver", test_driver },
    { "dirty", test_dirty }, { "nack", test_nack },
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
