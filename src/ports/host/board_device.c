/*
** board_device.c -- the simulated device's firmware: bootloader decision,
** hypervisor loop (guest slices, protocol server, trial supervision).
*/
#define _POSIX_C_SOURCE 200809L
#include "board_device.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board_flash.h"
#include "board_serial.h"
#include "boot.h"
#include "run.h"

typedef enum { DEV_ON, DEV_REBOOT, DEV_STOP, DEV_ERROR } runst;

typedef struct dev {
  const board_device_opts *o;
  FILE *log;
  board_serial ser;
  cvm1_policy pol;
  boot_dev boot;
  run_dev rt;                /* the runtime every port shares (src/run) */
  uint32_t ev_seen;          /* runtime events already logged */
  uint64_t boot_ms, start_ms;
  uint64_t fed_ms;           /* the watchdog was last fed (wall clock) */
  uint32_t boots;
  uint8_t reset_reason;      /* why the next boot happens (link_reset) */
  bool stay;                 /* ENTER_BOOTLOADER: the next boot stays there */
  bool stalled;              /* the --stall-host-ms injection happened */
  bool in_boot;              /* nothing runs: the bootloader serves installs */
  boot_srv bsrv;             /* its protocol server */
  uint8_t *mem;              /* the VM's memory, as a port's static array */
  uint32_t mem_size;
  bool board_open;
  bool throttle;             /* a pty limited to o->baud */
  uint64_t tok_us;           /* token bucket: bytes it may take now */
  uint32_t tokens;
  uint64_t oled_writes;      /* display transfers when the PNG was written */
} dev;

static dev D;
static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

/* A power cut ends the process at once, as the flash code would, but first
** takes down the pty link: left behind, it would point at a pty number the
** system may give to another process. */
static void on_power_cut(void *ctx) {
  dev *d = ctx;
  if (d->ser.link[0]) unlink(d->ser.link);
  static const char msg[] = "device: power cut during a flash operation\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  _exit(BOARD_FLASH_CUT_STATUS);
}

void board_device_opts_init(board_device_opts *o) {
  memset(o, 0, sizeof *o);
  o->baud = 0;
  o->health_ms = 1000;
  o->trial_ms = 10000;
  /* a process on a shared host can be descheduled for a second: the
  ** simulated watchdog's default leaves room for that (tests of the
  ** watchdog itself give --watchdog-ms) */
  o->wdog_ms = 5000;
  board_opts_init(&o->board);
}

static void dlog(dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dlog(dev *d, const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fputs("device: ", d->log);
  va_start(ap, fmt);
  vfprintf(d->log, fmt, ap);
  va_end(ap);
  fputc('\n', d->log);
  fflush(d->log);
}

static uint64_t since_boot_ms(const dev *d) { return board_serial_now_ms() - d->boot_ms; }

/* ---- the port's adapters for src/run ------------------------------------- */

int run_port_link_read(uint8_t *buf, uint32_t cap) {
  (void)buf;
  (void)cap;
  return 0;                  /* the loop below reads and hands bytes in */
}

bool run_port_link_write(const uint8_t *p, uint32_t n) {
  uint64_t before = D.ser.tx_dropped;
  board_serial_put(&D.ser, p, n);
  return D.ser.tx_dropped == before;
}

void run_port_wdog_feed(void) { D.fed_ms = board_serial_now_ms(); }

static void boot_out(void *ctx, const uint8_t *p, uint32_t n) {
  board_serial_put(&((dev *)ctx)->ser, p, n);
}

static void hook_console(void *ctx, const char *s, uint32_t n) { run_dev_console(&((dev *)ctx)->rt, s, n); }
static void hook_event(void *ctx, const char *name, uint32_t len, int32_t v) {
  run_dev_event(&((dev *)ctx)->rt, name, len, v);
}
static void hook_telemetry(void *ctx, const char *name, uint32_t len, int32_t v) {
  run_dev_telemetry(&((dev *)ctx)->rt, name, len, v);
}

/* The runtime's events as device log lines. */
static void log_events(dev *d) {
  const run_events *q = &d->rt.ev;
  if (d->ev_seen < q->first) d->ev_seen = q->first;
  for (; d->ev_seen < q->next; d->ev_seen++) {
    const link_event_note *e = &q->e[d->ev_seen % RUN_EVENTS];
    bool by = e->name_len == 7 && !memcmp(e->name, "command", 7);
    switch (e->event) {
    case LINK_EV_FAULTED: {
      board_result r = { .stop = BOARD_STOP_FAULT, .fault = (cvm_fault)e->value, .pc = e->pc };
      char line[256];
      board_describe(line, sizeof line, &d->rt.prog, &r);
      dlog(d, "program: %s", line);
      break;
    }
    case LINK_EV_EXITED:
      dlog(d, "program: main returned %d", (int)e->value);
      break;
    case LINK_EV_TRIAL_CONFIRMED:
      if (by) dlog(d, "trial confirmed by command; counter floor %u", (unsigned)e->value);
      else dlog(d, "trial confirmed after %llu ms without a fault; counter floor %u",
                (unsigned long long)e->uptime_ms, (unsigned)e->value);
      break;
    case LINK_EV_REVERTED:
      if (by) dlog(d, "trial rejected by command; counter floor %u", (unsigned)d->boot.floor);
      else if (e->name_len == 5 && !memcmp(e->name, "fault", 5))
        dlog(d, "trial rejected: the program faulted; resetting");
      else if (e->name_len == 5 && !memcmp(e->name, "start", 5))
        dlog(d, "trial rejected: the program cannot start; resetting");
      else if (e->name_len == 7 && !memcmp(e->name, "timeout", 7))
        dlog(d, "trial not confirmed within %u ms: watchdog reset", (unsigned)d->o->trial_ms);
      break;
    case LINK_EV_WATCHDOG_RESET:
      dlog(d, "boot %u: the last reset was the watchdog's", d->boots);
      break;
    case LINK_EV_BOOTLOADER:
      dlog(d, "entering the bootloader");
      break;
    default:
      break;
    }
  }
}

static void describe(char *buf, size_t n, const link_bank *b, uint32_t bank) {
  snprintf(buf, n, "bank %c (version %u.%u.%u, counter %u)", 'A' + (int)bank, b->version[0],
           b->version[1], b->version[2], (unsigned)b->counter);
}

static void guest_stop(dev *d) {
  if (d->board_open) board_close();
  d->board_open = false;
}

static void oled_png(dev *d, bool force);

/* A reset: the bootloader decides, the runtime starts the program. */
static runst dev_boot(dev *d) {
  guest_stop(d);
  d->boots++;
  d->boot_ms = board_serial_now_ms();
  d->fed_ms = d->boot_ms;
  uint32_t id = (uint32_t)(board_serial_now_ms() * 2654435761u) ^ ((uint32_t)getpid() << 12) ^ d->boots;
  boot_init(&d->boot, &d->pol, d->o->board.device_id, id ? id : 1u);
  memcpy(d->boot.hv_version, d->o->hv_version, sizeof d->boot.hv_version);
  /* Asked to stay (ENTER_BOOTLOADER): no selection, so no trial starts. */
  int bank = -1;
  if (d->stay) {
    boot_scan(&d->boot);
    d->boot.reverted = -1;
  } else {
    bank = boot_select(&d->boot);
  }
  char what[96];
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) {
    const link_bank *b = &d->boot.bank[i].st;
    if (b->state == LINK_BANK_REJECTED && b->gen && i != (uint32_t)bank) {
      describe(what, sizeof what, b, i);
      dlog(d, "boot %u: %s rejected: %s", d->boots, what, link_reason_str(b->reason));
    }
  }
  if (d->stay) {
    dlog(d, "boot %u: staying in the bootloader (requested); waiting for an install", d->boots);
  } else if (bank < 0) {
    dlog(d, "boot %u: no program to run; waiting for an install", d->boots);
  } else {
    describe(what, sizeof what, &d->boot.bank[bank].st, (uint32_t)bank);
    dlog(d, "boot %u: running %s%s", d->boots, what, d->boot.trial ? " on trial" : "");
  }
  if (bank < 0) {             /* as the firmware's bootloader: installs only */
    d->in_boot = true;
    d->stay = false;
    d->reset_reason = LINK_RESET_SOFTWARE;   /* what ends it: a REBOOT (or the watchdog) */
    boot_srv_init(&d->bsrv, &d->boot, boot_out, d);
    oled_png(d, true);   /* the bootloader leaves the display alone: as it was, dark at power-on */
    return DEV_ON;
  }
  d->in_boot = false;
  board_opts bo = d->o->board;
  bo.realtime = false;             /* the device loop keeps time itself */
  if (board_open(&bo) != BOARD_EOK) {
    dlog(d, "program: cannot set up the board");
    return DEV_ERROR;
  }
  d->board_open = true;
  if (d->o->oled_png && board_i2c_attach(board_ssd1306()) != HAL_OK) {
    dlog(d, "program: cannot attach the display model");
    return DEV_ERROR;
  }
  oled_png(d, true);                 /* dark until the runtime sets it up */
  run_cfg c = {
    .pol = d->pol, .device_id = d->o->board.device_id, .mem = d->mem, .mem_size = d->mem_size,
    .slice = d->o->board.slice, .health_ms = d->o->health_ms, .trial_ms = d->o->trial_ms,
    .wdog_ms = d->o->wdog_ms, .oled = d->o->oled_png != NULL,
    .bbox_off = BOOT_BLACKBOX_OFF, .bbox_pages = BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE,
  };
  memcpy(c.hv_version, d->o->hv_version, sizeof c.hv_version);
  c.pol.granted_caps = d->o->board.caps;
  run_boot b = { .bank = bank, .trial = d->boot.trial, .boot_id = d->boot.boot_id,
                 .boots = d->boots, .reset_reason = d->reset_reason, .reverted = d->boot.reverted };
  d->reset_reason = LINK_RESET_SOFTWARE;
  d->ev_seen = 0;
  run_dev_start(&d->rt, &c, &d->boot, &b);
  board_hooks h = { d, hook_console, hook_event, hook_telemetry };
  board_set_hooks(&h);
  if (bank >= 0 && !d->rt.have_prog) dlog(d, "program: cannot start it");
  log_events(d);
  return DEV_ON;
}

/* How long the loop may wait for link input now. */
static int wait_ms(const dev *d) {
  uint64_t now = board_now_us(), at = d->in_boot ? now + 100000u : run_dev_wake_us(&d->rt);
  uint64_t w = at > now ? (at - now + 999u) / 1000u : 0;
  if (d->o->max_ms) {
    uint64_t end = d->start_ms + d->o->max_ms, t = board_serial_now_ms();
    w = end > t ? (end - t < w ? end - t : w) : 0;
  }
  return (int)(w > 100 ? 100 : w);
}

/* How many bytes the port may deliver now: all it has, or on a throttled
** pty what baud/10 bytes a second allow (with a burst of 64). */
static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t rx_budget(dev *d, uint32_t cap) {
  if (!d->throttle) return cap;
  uint64_t now = now_us(), rate = d->o->baud / 10u;
  uint64_t add = (now - d->tok_us) * rate / 1000000u;
  if (add) {
    d->tokens = (uint32_t)(d->tokens + add > 64u ? 64u : d->tokens + add);
    d->tok_us += add * 1000000u / rate;
    if (d->tokens == 64u) d->tok_us = now;
  }
  return d->tokens < cap ? d->tokens : cap;
}

/* The simulated watchdog, on the wall clock the device's time follows: not
** fed within wdog_ms, it resets the device. A stalled host loop (the
** --stall-host-ms fault injection) feeds nothing and waits for it. */
static bool watchdog_bites(dev *d) {
  if (!d->o->wdog_ms || board_serial_now_ms() - d->fed_ms <= d->o->wdog_ms) return false;
  dlog(d, "watchdog: not fed for %u ms; resetting", (unsigned)d->o->wdog_ms);
  run_dev_watchdog(&d->rt);
  d->reset_reason = LINK_RESET_WATCHDOG;
  return true;
}

/* The display's PNG, whenever the runtime has sent it something new (at
** most a page every 100 ms); written by rename, so a reader never sees
** half a picture. */
static void oled_png(dev *d, bool force) {
  if (!d->o->oled_png) return;
  uint64_t w = board_ssd1306_counts()->writes;
  if (!force && w == d->oled_writes) return;
  d->oled_writes = w;
  if (board_ssd1306_png(d->o->oled_png, d->o->oled_scale ? d->o->oled_scale : 4u) < 0)
    dlog(d, "cannot write the display picture %s: %s", d->o->oled_png, strerror(errno));
}

static runst dev_loop(dev *d) {
  uint8_t buf[512];
  for (;;) {
    board_sleep_until(since_boot_ms(d) * 1000u);
    if (d->o->stall_ms && !d->stalled && board_serial_now_ms() - d->start_ms >= d->o->stall_ms) {
      d->stalled = true;
      dlog(d, "fault injection: the host loop stalls");
      while (!watchdog_bites(d) && !stop_flag) {
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
      }
      return stop_flag ? DEV_STOP : DEV_REBOOT;
    }
    run_act act = d->in_boot ? RUN_ACT_NONE : run_dev_poll(&d->rt);
    if (d->in_boot && d->bsrv.reboot) {
      dlog(d, "reboot requested");
      return DEV_REBOOT;
    }
    if (!d->in_boot) {
      log_events(d);
      oled_png(d, false);
    }
    if (act == RUN_ACT_BOOTLOADER) {
      d->stay = true;
      return DEV_REBOOT;
    }
    if (act == RUN_ACT_REBOOT) {
      if (d->rt.srv.reboot) {
        dlog(d, "reboot requested");
        d->stay = false;
      }
      return DEV_REBOOT;
    }
    if (d->in_boot) d->fed_ms = board_serial_now_ms();   /* the bootloader's own loop */
    if (watchdog_bites(d)) return DEV_REBOOT;
    board_serial_flush(&d->ser);
    uint32_t cap = rx_budget(d, sizeof buf);
    int w = wait_ms(d);
    int n = cap ? board_serial_get(&d->ser, buf, cap, w) : 0;
    if (!cap && w) {                     /* throttled: wait for the line */
      struct timespec ts = { 0, 1000000 };
      nanosleep(&ts, NULL);
    }
    if (d->throttle && n > 0) d->tokens -= (uint32_t)n;
    if (n < 0) {
      dlog(d, "serial port failed");
      return DEV_ERROR;
    }
    if (n > 0) {
      board_sleep_until(since_boot_ms(d) * 1000u);
      if (d->in_boot) boot_srv_input(&d->bsrv, buf, (uint32_t)n);
      else run_dev_input(&d->rt, buf, (uint32_t)n);
    }
    if (stop_flag) return DEV_STOP;
    if (d->o->max_ms && board_serial_now_ms() >= d->start_ms + d->o->max_ms) return DEV_STOP;
  }
}

int board_device_run(const board_device_opts *o) {
  dev *d = &D;
  memset(d, 0, sizeof *d);
  d->reset_reason = LINK_RESET_POWER_ON;

  d->o = o;
  d->log = o->log ? o->log : stderr;
  d->start_ms = board_serial_now_ms();
  cvm1_policy_init(&d->pol);
  d->pol.granted_caps = o->board.caps;
  d->pol.keys = o->keys;
  d->pol.nkeys = o->nkeys;
  if (!o->nkeys) d->pol.flags |= CVM1_POL_UNSIGNED_OK;
  if (board_flash_open(o->flash) < 0) {
    dlog(d, "cannot open the flash image %s: %s", o->flash, strerror(errno));
    return 1;
  }
  char msg[300];
  if (board_serial_serve(&d->ser, o->uart, o->baud ? o->baud : 115200u, msg, sizeof msg) < 0) {
    dlog(d, "%s", msg);
    board_flash_close();
    return 1;
  }
  d->mem_size = o->board.mem_size > BOARD_DEVICE_MEM ? o->board.mem_size : BOARD_DEVICE_MEM;
  d->mem = calloc(1, d->mem_size);
  if (!d->mem) {
    dlog(d, "cannot allocate the VM's memory");
    board_serial_close(&d->ser);
    board_flash_close();
    return 1;
  }
  if (o->cut_after) board_flash_cut_at(o->cut_after, o->cut_seed, on_power_cut, d);
  d->throttle = o->baud && d->ser.keep >= 0;
  d->tok_us = now_us();
  stop_flag = 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  char rate[48] = "";
  if (d->throttle) snprintf(rate, sizeof rate, " at %u baud", (unsigned)o->baud);
  dlog(d, "flash %s, serial port %s%s%s", o->flash, o->uart, rate,
       o->nkeys ? "" : " (no --trust: unsigned artifacts accepted)");
  runst rs;
  do {
    rs = dev_boot(d);
    if (rs == DEV_ON) rs = dev_loop(d);
  } while (rs == DEV_REBOOT);
  guest_stop(d);
  dlog(d, "stopped after %llu flash operations",
       (unsigned long long)board_flash_stats_get()->ops);
  board_set_hooks(NULL);
  board_serial_close(&d->ser);
  board_flash_close();
  free(d->mem);
  return rs == DEV_STOP ? 0 : 1;
}
