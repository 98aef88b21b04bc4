/*
** hv_boot.c -- the device's boot and link duties on src/boot, shared by
** every firmware port: the bootloader's main (select, hand off or serve
** installs) and the hypervisor's part (link server between guest slices,
** trial supervision), as the simulated device does them
** (src/ports/host/board_device.c).
*/
#include "boot.h"
#include "hal.h"
#include "hv.h"

__attribute__((section(".noinit"))) hv_handoff hv_handoff_area;

static boot_dev dev;
static boot_srv srv;
static bool serving;
static uint32_t health_ms;
static uint64_t started_us;

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
  boot_init(&dev, pol, device_id, id ? id : 1u);
  int bank = boot_select(&dev);
  *h = (hv_handoff){ HV_HANDOFF_MAGIC, boots, dev.boot_id, bank, dev.trial };
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

int hv_dev_init(cvm1_policy *pol, uint32_t device_id, uint32_t health) {
  const hv_handoff *h = &hv_handoff_area;
  if (h->magic != HV_HANDOFF_MAGIC || h->bank < 0 || h->bank >= (int32_t)BOOT_NBANKS) return -1;
  boot_init(&dev, pol, device_id, h->boot_id);
  boot_scan(&dev);
  pol->counter_floor = dev.floor > pol->counter_floor ? dev.floor : pol->counter_floor;
  dev.pol.counter_floor = pol->counter_floor;
  dev.running = h->bank;
  dev.trial = h->trial != 0;
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) boot_rescan(&dev, i, false);
  boot_srv_init(&srv, &dev, link_out, 0);
  serving = true;
  health_ms = health;
  started_us = hal_time_us();
  return h->bank;
}

void hv_dev_service(void) {
  if (!serving) return;
  if (serve_link()) hv_port_reboot();
  if (dev.trial && health_ms && hal_time_us() - started_us >= (uint64_t)health_ms * 1000u) {
    uint32_t detail;
    if (boot_confirm(&dev, (uint32_t)dev.running, &detail) == LINK_ST_OK) {
      hv_line l = { .n = 0 };
      hv_line_str(&l, "cockpit-hv: trial confirmed, counter floor ");
      hv_line_u64(&l, dev.floor);
      hv_line_end(&l);
    }
  }
}

void hv_dev_stopped(bool faulted) {
  if (!serving || !faulted || !dev.trial) return;
  uint32_t detail;
  boot_reject(&dev, (uint32_t)dev.running, LINK_REASON_FAULT, &detail);
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: trial rejected: the program faulted");
  hv_line_end(&l);
}
