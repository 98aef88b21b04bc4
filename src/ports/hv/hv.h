/*
** hv.h -- what every firmware image shares on top of the device runtime
** (src/run): the report lines, the runner for boards without a bootloader
** (hv_run: find the artifact in a bank, check it, verify it, run it on the
** stepper), the device main for boards with one (hv_dev_main: the
** bootloader's handoff, then the supervisor with its services and the
** sideband link), and the bootloader's main. Freestanding; each port
** calls one of them from its main and supplies the hv_port_* functions.
**
** The outcome is one report line on the port's diagnostic channel, made
** to be read by people and by `cockpit sil` (numbers are the enum values
** of cvm.h / cvm1.h, which device builds carry without their names):
**   cockpit-hv: exit CODE steps N us T [gap G]  (G: the longest gap between
**                                               two service passes, us)
**   cockpit-hv: fault F pc P steps N us T
**   cockpit-hv: limit steps|time pc P steps N us T
**   cockpit-hv: refused bank B err E          (cvm1_err, B = 0 for A)
**   cockpit-hv: verify V pc P func F           (cvm_verr)
**   cockpit-hv: memory need N have M           (VM memory too small)
**   cockpit-hv: entry                          (no main and no loop)
**   cockpit-hv: event NAME VALUE               (event_emit, as they come)
** and hv_run returns the exit status the simulated board would give
** (board_exit_status in src/ports/host/board.h).
*/
#ifndef HV_H
#define HV_H

#include <stdbool.h>
#include <stdint.h>

#include "cvm.h"
#include "cvm1.h"
#include "run.h"

/* Exit statuses besides main's return value (as BOARD_STATUS_*). */
#define HV_STATUS_ERROR 1
#define HV_STATUS_FAULT 70
#define HV_STATUS_LIMIT 75

#define HV_BANKS 2u
#define HV_SLICE 10000u   /* instruction words per cvm_run, as the board */

typedef struct hv_config {
  const uint8_t *bank[HV_BANKS];  /* execute-in-place views, NULL: absent */
  uint32_t bank_size;
  cvm1_policy policy;             /* what this device accepts */
  uint8_t *mem;                   /* VM memory, 4-byte aligned (static) */
  uint32_t mem_size;
  uint64_t max_steps;             /* 0: no limit */
  uint64_t max_us;                /* time since start; 0: no limit */
  /* hv_dev_main only */
  uint32_t device_id;
  uint32_t health_ms, trial_ms;   /* trial supervision (run_cfg) */
  bool exit_on_end;               /* return when the program ends (SIL) */
  bool oled;                      /* a status display on I2C 0x3C */
} hv_config;

/* Run the first bank that holds an acceptable artifact (A, then B).
** Returns the exit status; the report line says why. */
int hv_run(const hv_config *c);

/* The stop line of a program (exit, fault, limit), returning the exit
** status; the line for a program that could not start (verify, memory,
** entry), returning HV_STATUS_ERROR. */
int hv_report_stop(const run_prog *r, uint64_t us, uint64_t gap_us);
int hv_report_start(const run_prog *r, run_err e, const cvm_prog *p, uint32_t have);

/* The event line for hal_event (ports' telemetry over the report channel). */
void hv_report_event(const char *name, uint32_t name_len, int32_t value);

/* ---- emulated boards (hv_sil.c): the run's settings come from the SIL
** harness page (hv_sil.h) that `cockpit sil` writes beside the flash ---- */

typedef struct hv_sil_state {
  bool page;                  /* a valid harness page was found */
  uint32_t device_id, seed;   /* the page's, else the simulated board's defaults */
  uint32_t health_ms;
} hv_sil_state;
extern hv_sil_state hv_sil;

/* Read the page at `page` (may hold anything) into hv_sil and pol (trust
** store, floor, unsigned artifacts) and, if c is not NULL, c's limits.
** Without a page the policy trusts no key. */
void hv_sil_config(const void *page, cvm1_policy *pol, hv_config *c);

/* ---- bootloader and device duties (hv_boot.c, on src/boot) ---------------
** Both images keep one hv_handoff in RAM that survives a soft reset (the
** .noinit section, first in RAM at the same address in both): the boot
** count, and the bootloader's choice for the hypervisor. */

#define HV_HANDOFF_MAGIC 0x48564F42u   /* "BOVH" */
typedef struct hv_handoff {
  uint32_t magic;
  uint32_t boots;          /* resets since power-on */
  uint32_t boot_id;        /* HELLO's boot id: new at every boot */
  int32_t bank;            /* what the bootloader chose, -1 none */
  uint32_t trial;          /* it runs on trial */
  uint32_t reset_reason;   /* link_reset, as the bootloader read it */
  int32_t reverted;        /* bank the bootloader rejected as a failed trial, -1 */
  uint32_t stay;           /* ENTER_BOOTLOADER: the next boot serves installs */
} hv_handoff;
extern hv_handoff hv_handoff_area;

/* The bootloader: boot_select, then hand the chosen bank to the hypervisor
** (hv_port_start_hv), or, with nothing to run, serve the programming
** protocol on the link until a REBOOT (hv_port_reboot). Never returns. */
void hv_boot_main(const cvm1_policy *pol, uint32_t device_id) __attribute__((noreturn));

/* The hypervisor of a board with a bootloader: take the handoff's bank and
** device state (floor, banks), then poll the runtime (src/run): guest
** slices, the link, trial supervision, services; reset when it says so.
** The report line when the program stops; with c->exit_on_end it then
** returns the exit status, else it goes on serving. Without a handoff it
** runs as hv_run. */
int hv_dev_main(const hv_config *c);

/* ---- supplied by the port ------------------------------------------------ */

/* The diagnostic channel: semihosting stderr under QEMU, the console on a
** real part. Whole lines, newline included. */
void hv_port_report(const char *s, uint32_t n);
/* Sleep until hal_time_us() >= us (or return early on an event). */
void hv_port_wait_until(uint64_t us);
/* Called between slices of hv_run (boards without a device runtime). */
void hv_port_service(void);
/* Device boards: feed the hardware watchdog; why the last reset happened
** (link_reset; the bootloader asks, the handoff carries it). */
void hv_port_wdog_feed(void);
uint32_t hv_port_reset_reason(void);
/* The link (programming port): a received byte or -1; send bytes. */
int hv_port_link_get(void);
void hv_port_link_put(const uint8_t *p, uint32_t n);
/* Restart at the bootloader keeping RAM (the handoff); jump to the
** hypervisor image. */
void hv_port_reboot(void) __attribute__((noreturn));
void hv_port_start_hv(void) __attribute__((noreturn));

/* ---- line building (no stdio) -------------------------------------------- */

typedef struct hv_line {
  char buf[96];
  uint32_t n;
} hv_line;
void hv_line_str(hv_line *l, const char *s);
void hv_line_mem(hv_line *l, const char *s, uint32_t n);
void hv_line_u64(hv_line *l, uint64_t v);
void hv_line_i32(hv_line *l, int32_t v);
void hv_line_end(hv_line *l);   /* append '\n' and hand to hv_port_report */

#endif /* HV_H */
