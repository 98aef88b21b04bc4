/*
** board_core.c -- the simulated board's clock, trace, console, ids and
** events; board_open/board_close reset everything.
*/
#include "board_int.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

board_state board_S;
static bool board_is_open;

static const char *const board_msgs[] = {
#define X(name, msg) msg,
  BOARD_ERRORS(X)
#undef X
};

const char *board_err_str(board_err e) {
  return (unsigned)e < BOARD_E__COUNT ? board_msgs[e] : "unknown board error";
}

static uint64_t wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

board_err board_open(const board_opts *o) {
  if (board_is_open) board_close();
  memset(&board_S, 0, sizeof board_S);
  board_S.o = *o;
  if (!board_S.o.console) board_S.o.console = stdout;
  if (!board_S.o.trace_out) board_S.o.trace_out = stderr;
  board_S.wall0_ns = wall_ns();
  board_gpio_reset();
  board_bus_reset();
  board_events_reset();
  board_err e = board_uart_open(o->uart_in);
  if (e != BOARD_EOK) return e;
  board_is_open = true;
  return BOARD_EOK;
}

void board_close(void) {
  board_uart_close();
  if (board_S.o.console) fflush(board_S.o.console);
  if (board_S.o.trace_out) fflush(board_S.o.trace_out);
  board_is_open = false;
}

const board_opts *board_options(void) { return &board_S.o; }

/* ---- time ---------------------------------------------------------------- */

uint64_t board_now_us(void) { return board_S.now_us; }
uint64_t hal_time_us(void) { return board_S.now_us; }

void board_sleep_until(uint64_t us) {
  if (us <= board_S.now_us) return;
  board_S.now_us = us;
  if (board_S.o.realtime) {
    if (board_S.o.console) fflush(board_S.o.console);
    uint64_t target = board_S.wall0_ns + us * 1000u;
    struct timespec ts = { (time_t)(target / 1000000000u), (long)(target % 1000000000u) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
    }
  }
}

void board_charge_steps(uint64_t steps) {
  uint64_t ns = board_S.ns_left + steps * board_S.o.step_ns;
  board_S.now_us += ns / 1000u;
  board_S.ns_left = ns % 1000u;
}

/* ---- trace --------------------------------------------------------------- */

bool board_tracing(void) { return board_S.o.trace && board_S.o.trace_out; }

void board_trace(const char *fmt, ...) {
  if (!board_tracing()) return;
  FILE *f = board_S.o.trace_out;
  if (board_S.o.console) fflush(board_S.o.console);   /* keep the order */
  fprintf(f, "[%9llu.%03u ms] ", (unsigned long long)(board_S.now_us / 1000u),
          (unsigned)(board_S.now_us % 1000u));
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  fflush(f);
}

void board_hex(char *buf, size_t n, const uint8_t *d, uint32_t len) {
  size_t k = 0;
  if (n == 0) return;
  buf[0] = '\0';
  k += (size_t)snprintf(buf + k, n - k, "[");
  for (uint32_t i = 0; i < len && i < 16 && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, i ? " %02x" : "%02x", d[i]);
  if (len > 16 && k < n) k += (size_t)snprintf(buf + k, n - k, " +%u", (unsigned)(len - 16));
  if (k < n) snprintf(buf + k, n - k, "]");
}

/* ---- console, ids -------------------------------------------------------- */

static board_hooks hooks;
void board_set_hooks(const board_hooks *h) {
  if (h) hooks = *h;
  else memset(&hooks, 0, sizeof hooks);
}

void hal_telemetry(const char *name, uint32_t name_len, int32_t value) {
  board_trace("telemetry %.*s = %d", (int)(name_len < 64u ? name_len : 64u), name, (int)value);
  if (hooks.telemetry) hooks.telemetry(hooks.ctx, name, name_len, value);
}

void hal_console_write(const char *s, uint32_t n) {
  if (hooks.console) hooks.console(hooks.ctx, s, n);
  fwrite(s, 1, n, board_S.o.console ? board_S.o.console : stdout);
  if (board_S.o.realtime) fflush(board_S.o.console ? board_S.o.console : stdout);
}

uint32_t hal_device_id(void) { return board_S.o.device_id; }
uint32_t hal_random_seed(void) { return board_S.o.seed; }

/* ---- events -------------------------------------------------------------- */

static board_event events[BOARD_MAX_EVENTS];
static uint32_t nevents;

void board_events_reset(void) {
  memset(events, 0, sizeof events);
  nevents = 0;
}

const board_event *board_events(uint32_t *n) {
  *n = nevents;
  return events;
}

void hal_event(const char *name, uint32_t name_len, int32_t value) {
  char shown[BOARD_EVENT_NAME * 4 + 1];
  uint32_t k = 0;
  for (uint32_t i = 0; i < name_len && i < BOARD_EVENT_NAME - 1; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c >= 0x20 && c < 0x7F && c != '\\') shown[k++] = (char)c;
    else k += (uint32_t)snprintf(shown + k, sizeof shown - k, "\\x%02x", c);
  }
  shown[k] = '\0';
  board_trace("event %s%s = %d", shown, name_len >= BOARD_EVENT_NAME ? "..." : "", (int)value);
  if (hooks.event) hooks.event(hooks.ctx, name, name_len, value);

  uint32_t len = name_len < BOARD_EVENT_NAME - 1 ? name_len : BOARD_EVENT_NAME - 1;
  board_event *e = NULL;
  for (uint32_t i = 0; i < nevents; i++)
    if (strlen(events[i].name) == len && memcmp(events[i].name, name, len) == 0) e = &events[i];
  if (!e && nevents < BOARD_MAX_EVENTS) {
    e = &events[nevents++];
    memcpy(e->name, name, len);
    e->name[len] = '\0';
  }
  if (e) {
    e->last = value;
    e->count++;
  }
}
