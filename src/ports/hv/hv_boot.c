/*
** hv_boot.c -- the device's duties on src/boot and src/run, shared by
** every firmware port with a bootloader: the bootloader's main (select,
** hand off or serve installs) and the hypervisor's main (the handoff, then
** the runtime's supervisor: guest slices, the sideband link, trial
** supervision, services), as the simulated device runs the same runtime
** (src/ports/host/board_device.c).
*/
#include "boot.h"
#include "hal.h"
#include "hv.h"

__attribute__((section(".noinit"))) hv_handoff hv_handoff_area;

static boot_dev dev;
static boot_srv srv;

static void link_out(void *ctx, const uint8_t *p, uint32_t n) {
  (void)ctx;
  hv_port_link_put(p, n);
}

static void say(const char *what, uint32_t boots, int bank, bool trial) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-boot: boot ");
  hv_line_u64(&l, boots);
  hv_line_str(&l, what);
  if (bank >= 0) {
    char b = (char)('A' + bank);
    hv_line_mem(&l, &b, 1);
    if (trial) hv_line_str(&l, " on trial");
  }
  hv_line_end(&l);
}

/* Poll the link; true when a REBOOT was answered. */
static bool serve_link(void) {
  int c;
  while ((c = hv_port_link_get()) >= 0) {
    uint8_t b = (uint8_t)c;
    boot_srv_input(&srv, &b, 1);
  }
  return srv.reboot;
}

void hv_boot_main(const cvm1_policy *pol, uint32_t device_id) {
  hv_handoff *h = &hv_handoff_area;
  uint32_t boots = h->magic == HV_HANDOFF_MAGIC ? h->boots + 1u : 1u;
  /* New at every boot and unlikely to repeat across power cycles. */
  uint32_t id = (boots * 2654435761u) ^ device_id ^ (uint32_t)hal_time_us();
  bool stay = h->magic == HV_HANDOFF_MAGIC && h->stay;
  uint32_t why = hv_port_reset_reason();
  if (h->magic != HV_HANDOFF_MAGIC && why == LINK_RESET_SOFTWARE) why = LINK_RESET_POWER_ON;
  boot_init(&dev, pol, device_id, id ? id : 1u);
  /* Asked to stay (ENTER_BOOTLOADER): no selection, so no trial is started
  ** (and so none is lost) by a boot that runs nothing. */
  int bank = -1;
  if (stay) boot_scan(&dev);
  else bank = boot_select(&dev);
  *h = (hv_handoff){ HV_HANDOFF_MAGIC, boots, dev.boot_id, bank, dev.trial, why, dev.reverted, 0 };
  if (stay) say(": staying in the bootloader (requested)", boots, -1, false);
  if (bank >= 0) {
    say(": running bank ", boots, bank, dev.trial);
    hv_port_start_hv();
  }
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) {
    const link_bank *b = &dev.bank[i].st;
    if (dev.bank[i].rec[BOOT_REC_IMAGE] != BOOT_DW_VALID) continue;
    hv_line l = { .n = 0 };
    char name = (char)('A' + i);
    hv_line_str(&l, "cockpit-boot: bank ");
    hv_line_mem(&l, &name, 1);
    hv_line_str(&l, " state ");
    hv_line_u64(&l, b->state);
    hv_line_str(&l, " err ");
    hv_line_u64(&l, b->verdict);
    hv_line_str(&l, " reason ");
    hv_line_u64(&l, b->reason);
    hv_line_end(&l);
  }
  say(": no program to run; waiting for an install", boots, -1, false);
  boot_srv_init(&srv, &dev, link_out, 0);
  for (;;)
    if (serve_link()) hv_port_reboot();
}

/* ---- the hypervisor of a device (src/run's supervisor) ------------------- */

static run_dev rt;
static int peek = -1;         /* a link byte seen while idling */

int run_port_link_read(uint8_t *buf, uint32_t cap) {
  uint32_t n = 0;
  if (peek >= 0 && cap) {
    buf[n++] = (uint8_t)peek;
    peek = -1;
  }
  int c;
  while (n < cap && (c = hv_port_link_get()) >= 0) buf[n++] = (uint8_t)c;
  return (int)n;
}

bool run_port_link_write(const uint8_t *p, uint32_t n) {
  hv_port_link_put(p, n);
  return true;
}

void run_port_wdog_feed(void) { hv_port_wdog_feed(); }

/* Idle until us, or until a link byte arrives. */
static void idle_until(uint64_t us) {
  while (hal_time_us() < us) {
    if (peek < 0) peek = hv_port_link_get();
    if (peek >= 0) return;
    uint64_t step = hal_time_us() + 1000u;
    hv_port_wait_until(step < us ? step : us);
  }
}

/* Report lines for what the runtime did since the last look. */
static void report_events(uint32_t *seen) {
  const run_events *q = &rt.ev;
  if (*seen < q->first) *seen = q->first;
  for (; *seen < q->next; (*seen)++) {
    const link_event_note *e = &q->e[*seen % RUN_EVENTS];
    hv_line l = { .n = 0 };
    if (e->event == LINK_EV_TRIAL_CONFIRMED) {
      hv_line_str(&l, "cockpit-hv: trial confirmed, counter floor ");
      hv_line_u64(&l, (uint32_t)e->value);
    } else if (e->event == LINK_EV_REVERTED) {
      hv_line_str(&l, "cockpit-hv: trial rejected: ");
      hv_line_mem(&l, e->name, e->name_len);
    } else if (e->event == LINK_EV_WATCHDOG_RESET) {
      hv_line_str(&l, "cockpit-hv: the last reset was the watchdog's");
    } else {
      continue;
    }
    hv_line_end(&l);
  }
}

int hv_dev_main(const hv_config *c) {
  hv_handoff *h = &hv_handoff_area;
  if (h->magic != HV_HANDOFF_MAGIC || h->bank < 0 || h->bank >= (int32_t)BOOT_NBANKS)
    return hv_run(c);
  cvm1_policy pol = c->policy;
  boot_init(&dev, &pol, c->device_id, h->boot_id);
  boot_scan(&dev);
  pol.counter_floor = dev.floor > pol.counter_floor ? dev.floor : pol.counter_floor;
  dev.pol.counter_floor = pol.counter_floor;
  dev.running = h->bank;
  dev.trial = h->trial != 0;
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) boot_rescan(&dev, i, false);
  run_cfg rc = {
    .pol = pol, .device_id = c->device_id, .mem = c->mem, .mem_size = c->mem_size,
    .health_ms = c->health_ms, .trial_ms = c->trial_ms, .oled = c->oled,
    .max_steps = c->max_steps, .max_us = c->max_us,
    .bbox_off = BOOT_BLACKBOX_OFF, .bbox_pages = BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE,
  };
  run_boot b = { .bank = h->bank, .trial = h->trial != 0, .boot_id = h->boot_id,
                 .boots = h->boots, .reset_reason = (uint8_t)h->reset_reason,
                 .reverted = h->reverted };
  run_dev_start(&rt, &rc, &dev, &b);
  uint32_t seen = 0;
  bool reported = false;
  int status = HV_STATUS_ERROR;
  if (!rt.have_prog) {
    reported = true;
    if (rt.start_err == RUN_EARTIFACT) {
      hv_line l = { .n = 0 };
      hv_line_str(&l, "cockpit-hv: refused bank ");
      hv_line_u64(&l, (uint32_t)h->bank);
      hv_line_str(&l, " err ");
      hv_line_u64(&l, rt.art_err);
      hv_line_end(&l);
    } else {
      status = hv_report_start(&rt.rp, rt.start_err, &rt.prog, c->mem_size);
    }
  }
  for (;;) {
    run_act act = run_dev_poll(&rt);
    report_events(&seen);
    if (!reported && rt.rp.state != RUN_RUNNING && rt.rp.state != RUN_SLEEPING) {
      reported = true;
      status = hv_report_stop(&rt.rp, hal_time_us() - rt.t0_us, rt.gap_max_us);
    }
    if (reported && c->exit_on_end) return status;
    if (act == RUN_ACT_BOOTLOADER) h->stay = 1u;
    if (act != RUN_ACT_NONE) hv_port_reboot();
    idle_until(run_dev_wake_us(&rt));
  }
}
