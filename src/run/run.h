/*
** run.h -- the device runtime every port shares: the stepper (one guest
** program driven in slices) and the supervisor (trial confirm or revert,
** the sideband link, the host's services between the guest's slices).
**
** Freestanding C11, no heap: the port gives the VM memory and the state
** lives in the caller's structs. The simulated board (`cockpit run`), the
** simulated device (`cockpit device`), the fleet simulator and every
** firmware (src/ports/<board>) run this code; a port keeps only adapters
** (the run_port_* functions at the end). docs/architecture.md draws who
** owns what, docs/sideband.md the link's runtime messages.
**
**   stepper     run_prog: bind a verified program, start main() or setup()
**               then loop() forever, run one slice of at most `budget`
**               instruction words, say running / sleeping / exited /
**               faulted / limit.
**   supervisor  run_dev: the hypervisor's loop body. One run_dev_poll() is
**               one guest slice then one service pass: link input, trial
**               supervision, heartbeat, telemetry, log and event
**               notifications, the blackbox, the status display, and the
**               watchdog, fed only when every service kept its deadline.
**               The slice budget bounds the gap between two passes.
*/
#ifndef RUN_H
#define RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "bbox.h"
#include "boot.h"
#include "cvm.h"
#include "cvm1.h"
#include "link.h"
#include "oled.h"

/* ---- the stepper --------------------------------------------------------- */

#define RUN_SLICE 10000u   /* default instruction words per slice */

#define RUN_ERRORS(X) \
  X(OK,       "ok") \
  X(ARTIFACT, "the artifact cannot be opened") \
  X(VERIFY,   "program failed verification") \
  X(MEMORY,   "VM memory too small for the program") \
  X(ENTRY,    "program has no entry point") \
  X(CALL,     "cannot start a call of the entry point")

typedef enum run_err {
#define X(name, msg) RUN_E##name,
  RUN_ERRORS(X)
#undef X
  RUN_E__COUNT
} run_err;
const char *run_err_str(run_err e);

typedef enum run_state {
  RUN_IDLE,       /* nothing started */
  RUN_RUNNING,    /* wants the CPU again */
  RUN_SLEEPING,   /* until vm.wake_us (delay) */
  RUN_EXITED,     /* main returned: vm.result */
  RUN_FAULTED,    /* vm.fault at vm.fault_pc */
  RUN_LIMIT,      /* max_steps reached (pc where) */
  RUN_ERROR       /* the next loop() call could not start */
} run_state;

typedef enum run_limit { RUN_LIMIT_STEPS, RUN_LIMIT_TIME } run_limit;

typedef enum run_phase { RUN_PH_NONE, RUN_PH_MAIN, RUN_PH_SETUP, RUN_PH_LOOP } run_phase;

typedef cvm_status (*run_exec_fn)(cvm_vm *vm, uint32_t budget, void *ctx);

typedef struct run_prog {
  const cvm_prog *prog;
  cvm_vinfo vi;
  cvm_vm vm;
  run_state state;
  uint8_t phase;            /* run_phase */
  uint64_t max_steps;       /* 0: no limit */
  uint32_t loops;           /* loop() calls completed */
  uint32_t pc;              /* fault pc, or where a limit stopped it */
  uint8_t limit;            /* LIMIT: run_limit */
  cvm_verr verr;            /* RUN_EVERIFY */
  run_exec_fn exec;         /* NULL: cvm_run (a profiler puts its own) */
  void *exec_ctx;
} run_prog;

/* Verify p (unless vi is a successful verification; the scratch is
** mem[0..mem_cap)), bind it to the first max(grant, p->mem_size) bytes of
** mem (rounded up to 4) and start its first call: main, else setup, else
** loop. RUN_EOK also when that first call faulted (state FAULTED). The
** fields exec, exec_ctx and max_steps set before are kept. */
run_err run_prog_start(run_prog *r, const cvm_prog *p, const cvm_vinfo *vi, uint8_t *mem,
                       uint32_t mem_cap, uint32_t grant, uint32_t caps);
/* Run one slice of at most budget words (a loop() that returns starts the
** next one). Call again while RUNNING, or once vm.wake_us has come while
** SLEEPING. */
run_state run_prog_step(run_prog *r, uint32_t budget);
/* Stop by a limit: state LIMIT at the current pc (the caller keeps time). */
void run_prog_limit(run_prog *r, run_limit why);
/* VM memory above the deepest statically known stack (bytes). */
uint32_t run_prog_stack_free(const run_prog *r);

/* ---- services: guest output lines (run_log.c) ------------------------- */

#ifndef RUN_LOG_RING
#define RUN_LOG_RING 512u     /* bytes of lines kept */
#endif

typedef struct run_log {
  uint8_t ring[RUN_LOG_RING]; /* entries: len u8, level u8, text */
  uint32_t head, tail;        /* byte offsets (mod RUN_LOG_RING), tail = oldest */
  uint32_t first, next;       /* number of the oldest line held, of the next */
  uint32_t noted;             /* next line to send as a notification */
  uint32_t sent;              /* the line after the last one sent */
  uint32_t lost;              /* lines evicted before they were sent */
  uint32_t lost_noted;        /* of them, reported in a LOG notification's lost */
  char part[LINK_LOG_LINE_MAX];
  uint32_t npart;
  uint8_t level;              /* keep lines at or above (SET LOG_LEVEL) */
  uint8_t cut;                /* the last line was cut at LINK_LOG_LINE_MAX */
} run_log;

void run_log_init(run_log *l);
/* Guest output bytes: whole lines (at '\n', or LINK_LOG_LINE_MAX) enter
** the ring, evicting the oldest. */
void run_log_write(run_log *l, const char *s, uint32_t n);
void run_log_flush(run_log *l);                /* end a partial line */
/* Line number seq: its text (up to cap bytes) and level; its length, or
** -1 when the ring does not hold it. */
int run_log_get(const run_log *l, uint32_t seq, uint8_t *out, uint32_t cap, uint8_t *level);

/* ---- services: telemetry (run_telem.c) ---------------------------------- */

#ifndef RUN_TELEM_GUEST
#define RUN_TELEM_GUEST 8u         /* named guest metrics */
#endif
#define RUN_TELEM_CALLS 100u       /* guest calls taken per second, at most */

typedef struct run_telem {
  struct { char name[LINK_NAME_MAX]; uint8_t len; int32_t value; } g[RUN_TELEM_GUEST];
  uint32_t n;
  uint32_t calls;               /* in this second */
  uint64_t second_ms;           /* when it began */
  uint32_t dropped;             /* over the rate limit or the table */
  uint32_t interval_ms;         /* SET TELEMETRY_MS; 0: no samples */
  uint64_t next_ms;             /* next sample */
} run_telem;

void run_telem_init(run_telem *t, uint32_t interval_ms);
/* The guest's telemetry(name, value): false when dropped (counted). */
bool run_telem_put(run_telem *t, const char *name, uint32_t len, int32_t value);

/* ---- the supervisor -------------------------------------------------------- */

typedef struct run_cfg {
  cvm1_policy pol;               /* what the device accepts (copied) */
  uint32_t device_id;
  uint16_t hv_version[3];
  uint8_t *mem;                  /* VM memory, 4-byte aligned, static */
  uint32_t mem_size;
  uint32_t slice;                /* instruction words per slice (0: RUN_SLICE) */
  uint32_t health_ms;            /* trial confirmed after this long healthy; 0 never */
  uint32_t trial_ms;             /* trial not confirmed by then: reset; 0 never */
  uint32_t heartbeat_ms;         /* heartbeat interval (0: 1000) */
  uint32_t telemetry_ms;         /* telemetry sample interval at boot (0: 1000) */
  uint32_t wdog_ms;              /* a service pass later than this: no feed (0: 1000) */
  uint32_t bbox_off, bbox_pages; /* blackbox ring in flash; 0 pages: none */
  bool oled;                     /* drive the status display (I2C 0x3C) */
  uint64_t max_steps, max_us;    /* stop the program (SIL harness); 0: no limit */
} run_cfg;

/* What the port should do after a poll. */
typedef enum run_act {
  RUN_ACT_NONE,        /* go on (wait until run_dev.wake_us if idle) */
  RUN_ACT_REBOOT,      /* reset: REBOOT, a trial rejected or timed out */
  RUN_ACT_BOOTLOADER   /* ENTER_BOOTLOADER: reset and stay in the bootloader */
} run_act;

/* One event waiting to be sent as a notification. */
#ifndef RUN_EVENTS
#define RUN_EVENTS 6u
#endif
typedef struct run_events {
  link_event_note e[RUN_EVENTS];
  uint32_t first, next;          /* numbers of the oldest held and the next */
  uint32_t noted;
} run_events;

typedef struct run_dev run_dev;

/* The longest runtime answer or notification (header included): LOGS and
** BLACKBOX answers fill what fits and say where to go on. */
#define RUN_MSG_MAX 300u

/* The boot this runtime starts in, as the bootloader decided it. */
typedef struct run_boot {
  int bank;                      /* -1: nothing to run */
  bool trial;
  uint32_t boot_id, boots;       /* boots: resets since power-on */
  uint8_t reset_reason;          /* link_reset */
  int reverted;                  /* bank the bootloader rejected at this boot, -1 none */
} run_boot;

/* Start: take the device's boot state from flash, bind and start the
** bank's program, open the blackbox and the display. The boot_dev is the
** caller's (the simulator's bootloader step fills it; firmware gets a new
** one scanned here when d->boot is NULL at entry). */
void run_dev_start(run_dev *d, const run_cfg *c, boot_dev *boot, const run_boot *b);
/* One guest slice (if it is due) and one service pass; now from hal_time_us. */
run_act run_dev_poll(run_dev *d);
/* Bytes from the link (the port reads them; or run_dev_poll pulls them
** through run_port_link_read). */
void run_dev_input(run_dev *d, const uint8_t *p, uint32_t n);
/* The guest's console output, event_emit and telemetry(), from the port's
** hal_console_write, hal_event and hal_telemetry while a runtime runs. */
void run_dev_console(run_dev *d, const char *s, uint32_t n);
void run_dev_event(run_dev *d, const char *name, uint32_t len, int32_t value);
void run_dev_telemetry(run_dev *d, const char *name, uint32_t len, int32_t value);
/* A watchdog reset is about to happen (the simulator's, or a port that
** can tell in an early-warning interrupt): record it. */
void run_dev_watchdog(run_dev *d);
/* When the next poll is due (hal_time_us), for a port that idles. */
uint64_t run_dev_wake_us(const run_dev *d);
/* What the status display shows now (cfg.oled or not). */
void run_dev_oled_status(const run_dev *d, oled_status *out);
/* The runtime status the sideband reports. */
void run_dev_status(const run_dev *d, link_rt_status *out);
/* The runtime the port's HAL forwards the guest's console output,
** event_emit and telemetry() to (run_dev_start sets it; all NULL when no
** runtime runs, as in a bootloader or a runner without one; run_tap.c). */
typedef struct run_taps {
  run_dev *dev;
  void (*console)(run_dev *d, const char *s, uint32_t n);
  void (*event)(run_dev *d, const char *name, uint32_t len, int32_t value);
  void (*telemetry)(run_dev *d, const char *name, uint32_t len, int32_t value);
} run_taps;
extern run_taps run_tap;

struct run_dev {
  run_cfg cfg;
  boot_dev *boot;
  boot_srv srv;                  /* the programming protocol */
  run_boot b;
  cvm_prog prog;
  run_prog rp;
  bool have_prog;
  run_err start_err;             /* why the program did not start */
  cvm1_err art_err;              /* RUN_EARTIFACT: the artifact check */
  bool started;                  /* STARTED event sent */
  uint64_t t0_us;                /* this boot started */
  uint64_t last_pass_us, gap_max_us;
  /* sideband (frames are decoded by srv.rx) */
  uint8_t host_state;            /* link_host_state */
  uint32_t notify;               /* subscribed notification mask */
  uint64_t notify_until_ms;      /* lease */
  uint16_t note_seq;
  uint32_t notes_lost;
  uint32_t link_frames, link_errors, naks;
  bool boot_req;                 /* ENTER_BOOTLOADER taken */
  uint16_t boot_req_seq;
  bool want_reboot;
  uint64_t next_hb_ms;
  bool hb_due;                   /* the link could not take the heartbeat yet */
  uint32_t faults;
  run_log log;
  run_telem telem;
  run_events ev;
  bbox bb;                       /* the blackbox ring */
  bool bb_ok;
  /* the status display (cfg.oled) */
  oled_dev oled;
  uint64_t oled_next_ms;         /* the next display pass */
  bool oled_seen;                /* it answered once: a failure now is DEGRADED */
  uint64_t link_rx_ms;           /* the last good frame came, if link_rx */
  bool link_rx;
  bool link_gone;                /* run_port_link_read said the link is gone */
  /* services state */
  uint64_t svc_ms[4];            /* when each service last ran */
  bool degraded;                 /* the last flash operation failed */
  uint64_t err_window_ms;        /* link error rate: damaged frames since then */
  uint32_t err_window;
  uint8_t body[RUN_MSG_MAX];      /* a runtime answer or notification */
  uint8_t tx[LINK_WIRE_SIZE(RUN_MSG_MAX)];
};

/* ---- supplied by the port ------------------------------------------------ */

/* Link bytes that have arrived (non-blocking): count, 0 none, < 0 gone. */
int run_port_link_read(uint8_t *buf, uint32_t cap);
/* Send bytes on the link; false when the port cannot take them now (a
** full transmit queue): notifications are then counted as lost. */
bool run_port_link_write(const uint8_t *p, uint32_t n);
/* Feed the hardware watchdog. */
void run_port_wdog_feed(void);

#endif /* RUN_H */
