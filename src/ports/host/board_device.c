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

typedef enum { G_NONE, G_SETUP, G_LOOP, G_MAIN, G_DONE, G_FAULT } gphase;
typedef enum { RUN_ON, RUN_REBOOT, RUN_STOP, RUN_ERROR } runst;

typedef struct dev {
  const board_device_opts *o;
  FILE *log;
  board_serial ser;
  cvm1_policy pol;
  boot_dev boot;
  boot_srv srv;
  uint64_t boot_ms, start_ms;
  uint32_t boots;
  cvm_prog prog;
  cvm_vinfo vi;
  cvm_vm vm;
  void *mem;
  gphase phase;
  bool board_open;
  bool throttle;             /* a pty limited to o->baud */
  uint64_t tok_us;           /* token bucket: bytes it may take now */
  uint32_t tokens;
} dev;

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

static void out_fn(void *ctx, const uint8_t *p, uint32_t n) {
  board_serial_put(&((dev *)ctx)->ser, p, n);
}

static uint64_t since_boot_ms(const dev *d) { return board_serial_now_ms() - d->boot_ms; }

static void guest_stop(dev *d) {
  if (d->board_open) board_close();
  d->board_open = false;
  free(d->mem);
  d->mem = NULL;
  d->phase = G_NONE;
}

static bool guest_call(dev *d, uint32_t f, gphase ph) {
  if (cvm_call(&d->vm, f)) {
    d->phase = ph;
    return true;
  }
  dlog(d, "program: cannot start a call (%s)", cvm_fault_str((cvm_fault)d->vm.fault));
  d->phase = G_FAULT;
  return false;
}

/* Bind, verify and start the selected bank's program. */
static bool guest_start(dev *d, uint32_t bank) {
  uint32_t size;
  const uint8_t *art = boot_image(&d->boot, bank, &size);
  cvm1_info info;
  cvm1_err ce = art ? cvm1_open(art, size, &d->prog, &info) : CVM1_ERR_TRUNCATED;
  if (ce != CVM1_ERR_OK) {
    dlog(d, "program: %s", cvm1_err_str(ce));
    return false;
  }
  uint32_t n = cvm_verify_scratch_size(&d->prog);
  void *scratch = malloc(n ? n : 1);
  cvm_verr ve = scratch ? cvm_verify(&d->prog, d->o->board.caps, scratch, n, &d->vi) : CVM_VERR_SCRATCH;
  free(scratch);
  if (ve != CVM_VERR_OK) {
    dlog(d, "program: verification failed: %s (pc %u)", cvm_verr_str(ve), (unsigned)d->vi.pc);
    return false;
  }
  uint32_t msize = d->o->board.mem_size > d->prog.mem_size ? d->o->board.mem_size : d->prog.mem_size;
  msize = (msize + 3u) & ~3u;
  d->mem = malloc(msize ? msize : 4);
  board_opts bo = d->o->board;
  bo.realtime = false;             /* the device loop keeps time itself */
  if (!d->mem || board_open(&bo) != BOARD_EOK) {
    dlog(d, "program: cannot set up the board");
    return false;
  }
  d->board_open = true;
  cvm_host_reset();
  if (cvm_init(&d->vm, &d->prog, &d->vi, d->mem, msize ? msize : 4, bo.caps) != CVM_VERR_OK) {
    dlog(d, "program: %s", board_err_str(BOARD_EINIT));
    return false;
  }
  if (d->prog.entry_main != CVM_NO_ENTRY) return guest_call(d, d->prog.entry_main, G_MAIN);
  if (d->prog.entry_loop == CVM_NO_ENTRY) {
    dlog(d, "program: %s", board_err_str(BOARD_EENTRY));
    return false;
  }
  if (d->prog.entry_setup != CVM_NO_ENTRY) return guest_call(d, d->prog.entry_setup, G_SETUP);
  return guest_call(d, d->prog.entry_loop, G_LOOP);
}

/* One slice of the guest if it is due. True if it wants the CPU again now. */
static bool guest_step(dev *d) {
  if (d->phase != G_SETUP && d->phase != G_LOOP && d->phase != G_MAIN) return false;
  board_sleep_until(since_boot_ms(d) * 1000u);
  if (d->vm.status == CVM_SLEEPING && d->vm.wake_us > board_now_us()) return false;
  if (d->vm.status == CVM_SLEEPING) board_sleep_until(d->vm.wake_us);
  uint64_t before = d->vm.steps;
  cvm_status st = cvm_run(&d->vm, d->o->board.slice ? d->o->board.slice : BOARD_SLICE);
  board_charge_steps(d->vm.steps - before);
  fflush(stdout);
  if (st == CVM_FAULTED) {
    board_result r = { .stop = BOARD_STOP_FAULT, .fault = (cvm_fault)d->vm.fault, .pc = d->vm.fault_pc };
    char line[256];
    board_describe(line, sizeof line, &d->prog, &r);
    dlog(d, "program: %s", line);
    d->phase = G_FAULT;
    return false;
  }
  if (st == CVM_DONE) {
    if (d->phase == G_MAIN) {
      dlog(d, "program: main returned %d", (int)d->vm.result);
      d->phase = G_DONE;
      return false;
    }
    return guest_call(d, d->prog.entry_loop, G_LOOP);
  }
  return st == CVM_RUNNABLE;
}

static void describe(char *buf, size_t n, const link_bank *b, uint32_t bank) {
  snprintf(buf, n, "bank %c (version %u.%u.%u, counter %u)", 'A' + (int)bank, b->version[0],
           b->version[1], b->version[2], (unsigned)b->counter);
}

/* A reset: the bootloader decides, the hypervisor starts the program. */
static runst dev_boot(dev *d) {
  guest_stop(d);
  d->boots++;
  d->boot_ms = board_serial_now_ms();
  uint32_t id = (uint32_t)(board_serial_now_ms() * 2654435761u) ^ ((uint32_t)getpid() << 12) ^ d->boots;
  boot_init(&d->boot, &d->pol, d->o->board.device_id, id ? id : 1u);
  memcpy(d->boot.hv_version, d->o->hv_version, sizeof d->boot.hv_version);
  int bank = boot_select(&d->boot);
  boot_srv_init(&d->srv, &d->boot, out_fn, d);
  char what[96];
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) {
    const link_bank *b = &d->boot.bank[i].st;
    if (b->state == LINK_BANK_REJECTED && b->gen && i != (uint32_t)bank) {
      describe(what, sizeof what, b, i);
      dlog(d, "boot %u: %s rejected: %s", d->boots, what, link_reason_str(b->reason));
    }
  }
  if (bank < 0) {
    dlog(d, "boot %u: no program to run; waiting for an install", d->boots);
    return RUN_ON;
  }
  describe(what, sizeof what, &d->boot.bank[bank].st, (uint32_t)bank);
  dlog(d, "boot %u: running %s%s", d->boots, what, d->boot.trial ? " on trial" : "");
  if (!guest_start(d, (uint32_t)bank)) {
    d->phase = G_FAULT;
    if (d->boot.trial) {
      uint32_t detail;
      boot_reject(&d->boot, (uint32_t)bank, LINK_REASON_FAULT, &detail);
      dlog(d, "trial rejected: the program cannot start; resetting");
      return RUN_REBOOT;
    }
  }
  return RUN_ON;
}

/* Trial supervision: confirm when healthy long enough, reject on a fault,
** reset when the confirmation does not come in time. */
static runst supervise(dev *d) {
  if (!d->boot.trial) return RUN_ON;
  uint32_t bank = (uint32_t)d->boot.running, detail;
  uint64_t t = since_boot_ms(d);
  if (d->phase == G_FAULT) {
    boot_reject(&d->boot, bank, LINK_REASON_FAULT, &detail);
    dlog(d, "trial rejected: the program faulted; resetting");
    return RUN_REBOOT;
  }
  if (d->o->health_ms && t >= d->o->health_ms) {
    link_st st = boot_confirm(&d->boot, bank, &detail);
    if (st == LINK_ST_OK) dlog(d, "trial confirmed after %llu ms without a fault; counter floor %u",
                               (unsigned long long)t, (unsigned)d->boot.floor);
    else dlog(d, "trial could not be confirmed: %s", link_st_str(st));
    return RUN_ON;
  }
  if (d->o->trial_ms && t >= d->o->trial_ms) {
    dlog(d, "trial not confirmed within %u ms: watchdog reset", (unsigned)d->o->trial_ms);
    return RUN_REBOOT;
  }
  return RUN_ON;
}

static int wait_ms(const dev *d, bool busy) {
  if (busy) return 0;
  uint64_t t = since_boot_ms(d), w = 100;
  if ((d->phase == G_SETUP || d->phase == G_LOOP || d->phase == G_MAIN) &&
      d->vm.status == CVM_SLEEPING) {
    uint64_t at = d->vm.wake_us / 1000u + 1u;
    w = at > t ? at - t : 0;
  }
  if (d->boot.trial) {
    uint64_t at = d->o->health_ms ? d->o->health_ms : d->o->trial_ms;
    if (at) w = at > t ? (at - t < w ? at - t : w) : 0;
  }
  if (d->o->max_ms) {
    uint64_t end = d->start_ms + d->o->max_ms, now = board_serial_now_ms();
    w = end > now ? (end - now < w ? end - now : w) : 0;
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

static runst dev_loop(dev *d) {
  uint8_t buf[512];
  for (;;) {
    bool busy = guest_step(d);
    runst rs = supervise(d);
    if (rs != RUN_ON) return rs;
    uint32_t cap = rx_budget(d, sizeof buf);
    int w = wait_ms(d, busy);
    int n = cap ? board_serial_get(&d->ser, buf, cap, w) : 0;
    if (!cap && w) {                     /* throttled: wait for the line */
      struct timespec ts = { 0, 1000000 };
      nanosleep(&ts, NULL);
    }
    if (d->throttle && n > 0) d->tokens -= (uint32_t)n;
    if (n < 0) {
      dlog(d, "serial port failed");
      return RUN_ERROR;
    }
    if (n > 0) {
      bool trial = d->boot.trial;
      uint32_t floor = d->boot.floor;
      boot_srv_input(&d->srv, buf, (uint32_t)n);
      if (trial && !d->boot.trial)
        dlog(d, "trial %s by command; counter floor %u",
             d->boot.floor != floor || d->boot.bank[d->boot.running].st.state == LINK_BANK_CONFIRMED
                 ? "confirmed" : "rejected", (unsigned)d->boot.floor);
    }
    if (d->srv.reboot) {
      dlog(d, "reboot requested");
      return RUN_REBOOT;
    }
    if (stop_flag) return RUN_STOP;
    if (d->o->max_ms && board_serial_now_ms() >= d->start_ms + d->o->max_ms) return RUN_STOP;
  }
}

int board_device_run(const board_device_opts *o) {
  static dev D;
  dev *d = &D;
  memset(d, 0, sizeof *d);
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
    if (rs == RUN_ON) rs = dev_loop(d);
  } while (rs == RUN_REBOOT);
  guest_stop(d);
  dlog(d, "stopped after %llu flash operations",
       (unsigned long long)board_flash_stats_get()->ops);
  board_serial_close(&d->ser);
  board_flash_close();
  return rs == RUN_STOP ? 0 : 1;
}
