/*
** test_run.c -- unit tests of the device runtime's services: the log ring
** (numbering, cuts, eviction, lost lines) and telemetry (latest values,
** the table and the rate limit). The supervisor and the sideband server
** are tested as processes (device.sh), by fuzz_run, and in the SIL suite.
*/
#include <string.h>

#include "board.h"
#include "run.h"
#include "../boot/tcheck.h"

static int line(const run_log *l, uint32_t seq, char *out) {
  uint8_t level;
  int n = run_log_get(l, seq, (uint8_t *)out, LINK_LOG_LINE_MAX, &level);
  if (n >= 0) out[n] = '\0';
  return n;
}

static void t_log(void) {
  static run_log l;
  char buf[LINK_LOG_LINE_MAX + 1];
  run_log_init(&l);
  CHECK(line(&l, 0, buf) == -1);
  run_log_write(&l, "hello\r\nwor", 10);
  CHECK(l.next == 1 && line(&l, 0, buf) == 5 && !strcmp(buf, "hello"));
  CHECK(line(&l, 1, buf) == -1);                     /* partial: not a line yet */
  run_log_write(&l, "ld\n", 3);
  CHECK(l.next == 2 && line(&l, 1, buf) == 5 && !strcmp(buf, "world"));
  run_log_write(&l, "tail", 4);
  run_log_flush(&l);
  CHECK(l.next == 3 && line(&l, 2, buf) == 4);
  /* A long line is cut at LINK_LOG_LINE_MAX. */
  char big[300];
  memset(big, 'x', sizeof big);
  run_log_write(&l, big, sizeof big);
  CHECK(l.next == 5 && line(&l, 3, buf) == (int)LINK_LOG_LINE_MAX);
  CHECK(l.npart == sizeof big - 2 * LINK_LOG_LINE_MAX);
  run_log_flush(&l);
  /* Fill the ring: the oldest go, counted lost when never sent. */
  l.noted = 2;                                       /* lines 0 and 1 were sent */
  uint32_t before = l.lost;
  for (int i = 0; i < 100; i++) run_log_write(&l, "0123456789\n", 11);
  CHECK(l.first > 2);
  CHECKF(l.lost == before + (l.first - 2), "lost %u first %u", (unsigned)l.lost, (unsigned)l.first);
  CHECK(line(&l, 0, buf) == -1 && line(&l, l.first, buf) >= 0 && line(&l, l.next - 1, buf) == 10);
  CHECK(l.head - l.tail <= RUN_LOG_RING);
  /* Every held line reads back whole across the ring's wrap. */
  for (uint32_t s = l.first; s < l.next; s++) CHECK(line(&l, s, buf) >= 0);
  /* Level: lines below it are not kept. */
  l.level = 1;
  uint32_t n = l.next;
  run_log_write(&l, "quiet\n", 6);
  CHECK(l.next == n);
}

static void t_telem(void) {
  static run_telem t;
  board_opts o;
  board_opts_init(&o);
  o.console = fopen("/dev/null", "w");
  REQUIRE(o.console && board_open(&o) == BOARD_EOK);
  run_telem_init(&t, 1000);
  CHECK(run_telem_put(&t, "temp", 4, 21));
  CHECK(run_telem_put(&t, "temp", 4, 22) && t.n == 1 && t.g[0].value == 22);
  CHECK(!run_telem_put(&t, "", 0, 1) && t.dropped == 1);
  char name[LINK_NAME_MAX + 1];
  memset(name, 'n', sizeof name);
  CHECK(!run_telem_put(&t, name, LINK_NAME_MAX + 1, 1) && t.dropped == 2);
  CHECK(run_telem_put(&t, name, LINK_NAME_MAX, 1));
  for (uint32_t i = t.n; i < RUN_TELEM_GUEST; i++) {
    char k[8] = { 'k', (char)('a' + i) };
    CHECK(run_telem_put(&t, k, 2, (int32_t)i));
  }
  CHECK(t.n == RUN_TELEM_GUEST && !run_telem_put(&t, "new", 3, 1));
  /* The rate limit: RUN_TELEM_CALLS a second of the board's clock. */
  run_telem_init(&t, 1000);
  board_sleep_until(5000000u);
  uint32_t taken = 0;
  for (int i = 0; i < 500; i++) taken += run_telem_put(&t, "x", 1, i);
  CHECK(taken == RUN_TELEM_CALLS && t.dropped == 500 - RUN_TELEM_CALLS);
  board_sleep_until(6000001u);
  CHECK(run_telem_put(&t, "x", 1, 7) && t.g[0].value == 7);
  board_close();
  fclose(o.console);
}

int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "all";
  if (!strcmp(which, "log") || !strcmp(which, "all")) t_log();
  if (!strcmp(which, "telem") || !strcmp(which, "all")) t_telem();
  return t_failures ? 1 : 0;
}
