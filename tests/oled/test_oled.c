/*
** test_oled.c -- the status screen (src/oled) against the simulated SSD1306:
** font and text rows, the status lines, the driver's set-up and pages
** through the board's I2C, CRC dirty tracking, the service pass, a display
** that stops answering and comes back.
** Usage: test_oled NAME (font, layout, driver, dirty, service, nack).
*/
#include <stdlib.h>

#include "otest.h"

static const oled_status demo = {
  .device_id = 0xC0C0C0C0u, .name = "blinky", .version = { 1, 2, 0 },
  .vm = LINK_VM_RUNNING, .trial = true, .link = OLED_LINK_ACTIVE, .bank = 0,
  .uptime_s = 3723,
};


static void test_font(void) {
  uint8_t seen[95][5];
  for (uint32_t c = 0x20; c <= 0x7E; c++) {
    char s[2] = { (char)c, 0 };
    uint8_t px[OLED_W];
    memset(px, 0xA5, sizeof px);
    oled_row(px, s);
    uint32_t lit = 0;
    for (uint32_t x = 0; x < OLED_W; x++) {
      int in_cell = x >= OLED_X0 && x < OLED_X0 + 5;
      CHECKF(in_cell ? (px[x] & 0x80) == 0 : px[x] == 0, "char %#x column %u: %#x", c, x, px[x]);
      for (uint32_t y = 0; y < 8; y++) lit += px[x] >> y & 1u;
    }
    CHECKF(c == ' ' ? lit == 0 : lit > 0, "char %#x lit %u", c, lit);
    memcpy(seen[c - 0x20], px + OLED_X0, 5);
    for (uint32_t k = 0x20; k < c; k++)
      CHECKF(memcmp(seen[k - 0x20], seen[c - 0x20], 5) != 0, "%c and %c look the same", k, c);
  }
  /* Cells of 6 columns from x = 1; at most 21 characters; column 0 and
  ** 127 always dark; others show as '?'. */
  uint8_t a[OLED_W], b[OLED_W];
  oled_row(a, "MMMMMMMMMMMMMMMMMMMMMMMMMM");
  oled_row(b, "MMMMMMMMMMMMMMMMMMMMM");
  CHECK(memcmp(a, b, OLED_W) == 0);
  CHECK(a[0] == 0 && a[126] == 0 && a[127] == 0 && a[121] != 0 && a[125] != 0);
  for (uint32_t i = 0; i < OLED_COLS; i++)
    CHECKF(a[OLED_X0 + 6 * i + 5] == 0 && memcmp(a + OLED_X0 + 6 * i, seen['M' - 0x20], 5) == 0,
           "cell %u", i);
  oled_row(a, "\x01\x7F\xC3");
  oled_row(b, "???");
  CHECK(memcmp(a, b, OLED_W) == 0);
  oled_row(a, "");
  for (uint32_t x = 0; x < OLED_W; x++) CHECK(a[x] == 0);
  oled_row(a, "A B");
  CHECK(memcmp(a + OLED_X0 + 12, seen['B' - 0x20], 5) == 0);
  for (uint32_t x = OLED_X0 + 5; x < OLED_X0 + 12; x++) CHECK(a[x] == 0);
}

/* The four lines, exactly, and their pages. */
static void expect(const oled_status *s, const char *const lines[4]) {
  for (uint32_t r = 0; r < 5; r++) {
    char got[OLED_LINE + 8];
    memset(got, 0x5A, sizeof got);
    oled_status_line(s, r, got);
    const char *want = r < 4 ? lines[r] : "";
    CHECKF(strlen(want) <= OLED_COLS, "line %u too long", r);
    CHECKF(strcmp(got, want) == 0, "line %u: \"%s\", not \"%s\"", r, got, want);
    for (size_t i = strlen(got) + 1; i < sizeof got; i++) CHECK(got[i] == 0x5A);
    uint8_t pg[OLED_W], ref[OLED_W];
    oled_fb_row(pg, s, r);
    oled_row(ref, want);
    CHECKF(memcmp(pg, ref, OLED_W) == 0, "page %u", r);
  }
}

static void test_layout(void) {
  expect(&demo, (const char *const[]){ "ID C0C0C0C0    bank A", "blinky 1.2.0",
                                       "RUN trial     link ok", "up 0d 01:02:03" });
  oled_status s = demo;
  s.device_id = 0x0000ABCDu;
  s.bank = -1;
  s.name[0] = 0;
  s.version[0] = 65535;
  s.vm = LINK_VM_FAULTED;
  s.trial = false;
  s.link = OLED_LINK_DOWN;
  s.uptime_s = 0xFFFFFFFFu;                  /* 49710 d 06:28:15 */
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank -", "- 65535.2.0",
                                    "FAULT       link down", "up 49710d 06:28:15" });
  memcpy(s.name, "a-very-long-program", sizeof s.name);   /* all 16, no NUL */
  s.bank = 1;
  s.vm = LINK_VM_STOPPED;
  s.link = OLED_LINK_IDLE;
  s.uptime_s = 86399;
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank B", "a-very-long 65535.2.0",
                                    "BOOT        link idle", "up 0d 23:59:59" });
  s.version[1] = s.version[2] = 65535;       /* the version stays whole */
  s.vm = 99;
  s.link = 7;
  s.bank = 5;
  s.uptime_s = 86400 + 59;
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank -", "a-v 65535.65535.65535",
                                    "?              link ?", "up 1d 00:00:59" });
  memcpy(s.name, "exactly-16-chars", 16);
  s.version[0] = s.version[1] = s.version[2] = 0;
  s.bank = 0;
  expect(&s, (const char *const[]){ "ID 0000ABCD    bank A", "exactly-16-char 0.0.0",
                                    "?              link ?", "up 1d 00:00:59" } );
}

/* Names of every state, and random statuses never overflow a line. */
static void test_layout_all(void) {
  static const char *const names[] = { "----", "RUN", "SLEEP", "EXIT", "FAULT", "LIMIT", "BOOT" };
  oled_status s = demo;
  for (uint32_t v = 0; v < LINK_VM__COUNT; v++) {
    CHECK(strcmp(oled_vm_name(v), names[v]) == 0);
    s.vm = (uint8_t)v;
    char l2[32];
    snprintf(l2, sizeof l2, "%s trial%*s", names[v], (int)(OLED_COLS - strlen(names[v]) - 6), "link ok");
    char got[OLED_LINE];
    oled_status_line(&s, 2, got);
    CHECKF(strcmp(got, l2) == 0, "\"%s\"", got);
  }
  CHECK(strcmp(oled_link_name(OLED_LINK_DOWN), "down") == 0 && strcmp(oled_link_name(3), "?") == 0);
  for (uint32_t i = 0; i < 20000; i++) {
    uint8_t *b = (uint8_t *)&s;
    for (size_t k = 0; k < sizeof s; k++) b[k] = (uint8_t)rnd();
    s.trial = (uint32_t)rnd() & 1u;
    for (uint32_t r = 0; r < 4; r++) {
      char got[OLED_LINE + 8];
      memset(got, 0x5A, sizeof got);
      oled_status_line(&s, r, got);
      CHECKF(memchr(got, 0, OLED_LINE) != NULL, "row %u not terminated", r);
      for (size_t k = OLED_LINE; k < sizeof got; k++) CHECK(got[k] == 0x5A);
    }
  }
}

/* Render, set up, send the pages through the bus: the panel shows them. */
static void test_driver(void) {
  ot_open();
  static oled_dev d;
  static ot_frame f;
  ot_status_frame(f, &demo);
  CHECK(!board_ssd1306_on());
  CHECK(oled_init(&d) == HAL_OK && d.ok == OLED_OK_UP && d.fails == 0);
  CHECK(board_ssd1306_on());
  const board_ssd1306_count *n = board_ssd1306_counts();
  CHECK(n->writes == 1 && n->bytes == 27 && n->commands == 17 && n->unknown == 0);
  for (uint32_t p = 0; p < OLED_PAGES; p++) CHECK(oled_page(&d, p, f[p]) == 1);
  CHECK(d.ok == (OLED_OK_UP | OLED_OK_PAGE(0) | OLED_OK_PAGE(1) | OLED_OK_PAGE(2) | OLED_OK_PAGE(3)));
  CHECKF(n->writes == 9 && n->data == 4 * OLED_W && n->bytes == 27 + 4 * (7 + 129) && n->unknown == 0,
         "writes %llu data %llu bytes %llu", (unsigned long long)n->writes,
         (unsigned long long)n->data, (unsigned long long)n->bytes);
  CHECKF(ot_diff(f) == 0, "%u pixels differ", ot_diff(f));
  for (uint32_t p = 0; p < OLED_PAGES; p++)
    for (uint32_t x = 0; x < OLED_W; x++) CHECK(board_ssd1306_ram(p, x) == f[p][x]);
  board_ssd1306_text(stdout);
  /* A blank frame, a full one, a random one. */
  memset(f, 0, sizeof f);
  CHECK(ot_send_all(&d, f) == 4 && ot_diff(f) == 0);
  memset(f, 0xFF, sizeof f);
  CHECK(ot_send_all(&d, f) == 4 && ot_diff(f) == 0);
  for (uint32_t p = 0; p < OLED_PAGES; p++)
    for (uint32_t x = 0; x < OLED_W; x++) f[p][x] = (uint8_t)rnd();
  CHECK(ot_send_all(&d, f) == 4 && ot_diff(f) == 0);
  /* No page 4: nothing sent. */
  uint64_t w = n->writes;
  CHECK(oled_page(&d, 4, f[0]) == HAL_EINVAL && oled_page(&d, 0xFFFFFFFFu, f[0]) == HAL_EINVAL);
  CHECK(n->writes == w && d.ok != 0);
  board_close();
}

static void test_dirty(void) {
  ot_open();
  static oled_dev d;
  static ot_frame f;
  ot_status_frame(f, &demo);
  CHECK(ot_send_all(&d, f) == 4);          /* a zeroed dev sets up first */
  CHECK(board_ssd1306_counts()->writes == 9 && ot_diff(f) == 0);
  board_ssd1306_count n0 = *board_ssd1306_counts();
  CHECK(ot_send_all(&d, f) == 0);          /* the same pages: nothing on the bus */
  CHECK(oled_page(&d, 2, f[2]) == 0);
  CHECK(board_ssd1306_counts()->writes == n0.writes && board_ssd1306_counts()->bytes == n0.bytes);
  ot_set(f, 100, 20, !ot_get(f, 100, 20));  /* one pixel, page 2 */
  CHECK(oled_page(&d, 0, f[0]) == 0 && oled_page(&d, 1, f[1]) == 0);
  CHECK(oled_page(&d, 2, f[2]) == 1);
  CHECK(oled_page(&d, 3, f[3]) == 0 && oled_page(&d, 2, f[2]) == 0);
  const board_ssd1306_count *n = board_ssd1306_counts();
  CHECK(n->writes == n0.writes + 2 && n->data == n0.data + OLED_W);
  CHECK(n->bytes - n0.bytes == 7 + 1 + OLED_W);   /* addresses, then the page */
  CHECK(ot_diff(f) == 0);
  /* A page's CRC is per page: page 1's content sent as page 3 is a change. */
  CHECK(oled_page(&d, 3, f[1]) == 1);
  memcpy(f[3], f[1], OLED_W);
  CHECK(ot_diff(f) == 0);
  /* Changed and changed back between calls: nothing to send. */
  ot_set(f, 0, 0, 1);
  ot_set(f, 0, 0, 0);
  CHECK(ot_send_all(&d, f) == 0);
  /* oled_init forgets what the display holds: every page again. */
  CHECK(oled_init(&d) == HAL_OK && ot_send_all(&d, f) == 4);
  board_close();
}

/* oled_service: one page per pass at most, unchanged pages skipped. */
static void test_service(void) {
  ot_open();
  static oled_dev d;
  static ot_frame f;
  oled_status s = demo;
  for (uint32_t p = 0; p < OLED_PAGES; p++) {
    uint64_t w = board_ssd1306_counts()->writes;
    CHECK(oled_service(&d, &s) == 1);
    CHECK(board_ssd1306_counts()->writes == w + (p == 0 ? 3 : 2));   /* set-up the first time */
    CHECK(d.next == (p + 1) % OLED_PAGES && (d.ok & OLED_OK_PAGE(p)));
  }
  ot_status_frame(f, &s);
  CHECKF(ot_diff(f) == 0, "%u pixels differ", ot_diff(f));
  uint64_t w = board_ssd1306_counts()->writes;
  CHECK(oled_service(&d, &s) == 0 && oled_service(&d, &s) == 0);
  CHECK(board_ssd1306_counts()->writes == w && d.next == 0);
  /* A second later: only the uptime row goes out, on the next pass. */
  s.uptime_s++;
  d.next = 1;
  CHECK(oled_service(&d, &s) == 1 && d.next == 0);
  CHECK(board_ssd1306_counts()->writes == w + 2);
  /* Two rows change: two passes, one page each. */
  s.vm = LINK_VM_FAULTED;
  s.bank = 1;
  CHECK(oled_service(&d, &s) == 1 && d.next == 1);   /* page 0 */
  CHECK(oled_service(&d, &s) == 1 && d.next == 3);   /* page 2 */
  CHECK(oled_service(&d, &s) == 0);
  CHECK(board_ssd1306_counts()->writes == w + 6);
  ot_status_frame(f, &s);
  CHECK(ot_diff(f) == 0);
  /* next out of range wraps. */
  d.next = 200;
  CHECK(oled_service(&d, &s) == 0 && d.next < OLED_PAGES);
  board_close();
}

/* A model in front of the display that refuses the nth write from now. */
static uint32_t flaky_left;
static int flaky_write(board_i2c_model *m, const uint8_t *p, uint32_t n) {
  (void)m;
  if (flaky_left && --flaky_left == 0) return HAL_ENACK;
  return board_ssd1306()->write(board_ssd1306(), p, n);
}
static int flaky_read(board_i2c_model *m, uint8_t *b, uint32_t n) {
  (void)m;
  return board_ssd1306()->read(board_ssd1306(), b, n);
}
static board_i2c_model flaky = { "flaky", BOARD_SSD1306_ADDR, flaky_write, flaky_read, NULL, NULL };

/* The display stops answering (detached), then comes back at power-on. */
static void test_nack(void) {
  ot_open();
  static oled_dev d;
  static ot_frame f;
  ot_status_frame(f, &demo);
  REQUIRE(ot_send_all(&d, f) == 4);
  board_i2c_detach(BOARD_SSD1306_ADDR);
  oled_status s = demo;
  s.link = OLED_LINK_DOWN;
  ot_status_frame(f, &s);
  CHECK(oled_page(&d, 2, f[2]) == HAL_ENACK && d.ok == 0 && d.fails == 1);
  /* Not set up: even an unchanged page goes out (after a set-up). */
  CHECK(oled_page(&d, 0, f[0]) == HAL_ENACK && d.ok == 0 && d.fails == 2);
  CHECK(oled_init(&d) == HAL_ENACK && d.fails == 3);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);   /* power-on again */
  CHECK(!board_ssd1306_on());
  CHECK(oled_page(&d, 0, f[0]) == 1 && (d.ok & OLED_OK_UP));   /* set up again */
  CHECK(board_ssd1306_on());
  CHECK(ot_send_all(&d, f) == 3);          /* every other page too */
  CHECKF(ot_diff(f) == 0, "%u pixels differ", ot_diff(f));
  CHECK(d.fails == 3);
  /* The page's data transfer refused, its address transfer taken: the
  ** page is sent again, after a set-up. */
  board_i2c_detach(BOARD_SSD1306_ADDR);
  REQUIRE(board_i2c_attach(&flaky) == HAL_OK);
  flaky_left = 2;
  s.uptime_s += 10;
  ot_status_frame(f, &s);
  uint64_t w = board_ssd1306_counts()->writes;
  CHECK(oled_page(&d, 3, f[3]) == HAL_ENACK && d.ok == 0 && d.fails == 4);
  CHECK(board_ssd1306_counts()->writes == w + 1);
  CHECK(oled_page(&d, 3, f[3]) == 1);
  CHECK(board_ssd1306_counts()->writes == w + 4);   /* set-up, address, data */
  CHECK(ot_send_all(&d, f) == 3 && ot_diff(f) == 0);
  /* The set-up refused inside oled_service: the error, the next pass retries. */
  flaky_left = 1;
  s.uptime_s += 10;
  CHECK(oled_init(&d) == HAL_ENACK && d.ok == 0);
  CHECK(oled_service(&d, &s) == 1 && d.ok != 0);
  board_i2c_detach(BOARD_SSD1306_ADDR);
  /* Absent from the start: set-up fails, a later call succeeds. */
  board_close();
  board_opts o;
  board_opts_init(&o);
  REQUIRE(board_open(&o) == BOARD_EOK);
  static oled_dev e;
  CHECK(oled_init(&e) == HAL_ENACK && e.ok == 0 && e.fails == 1);
  CHECK(oled_service(&e, &s) == HAL_ENACK && e.fails == 2);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);
  for (int i = 0; i < 4; i++) CHECK(oled_service(&e, &s) == 1);
  ot_status_frame(f, &s);
  CHECK(ot_diff(f) == 0);
  board_close();
}

int main(int argc, char **argv) {
  static const struct { const char *name; void (*fn)(void); } t[] = {
    { "font", test_font }, { "layout", test_layout }, { "layout_all", test_layout_all },
    { "driver", test_driver }, { "dirty", test_dirty }, { "service", test_service },
    { "nack", test_nack },
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
