/*
** mps2_hv.c -- the hypervisor image on the MPS2 boards: the bank the
** bootloader chose (or, started alone, bank A then B) under hv_run with
** the settings `cockpit sil` left in the harness page, the link served
** between slices; the exit status leaves QEMU through semihosting, the
** report line through semihosting stderr.
*/
#include "boot.h"
#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mps2.h"

/* The VM's memory: 24 KB, static (ARCHITECTURE.md budget). */
#define VM_MEM_SIZE (24u * 1024u)
static uint32_t vm_mem[VM_MEM_SIZE / 4u];

void hv_port_report(const char *s, uint32_t n) { cm_semi_write(CM_SEMI_STDERR, s, n); }
void hv_port_service(void) {}
void hv_port_wdog_feed(void) {}
uint32_t hv_port_reset_reason(void) { return LINK_RESET_SOFTWARE; }
void hv_port_start_hv(void) { cm_jump(MPS2_FLASH_BASE + MPS2_HV_OFF); }
void hv_port_reboot(void) { cm_jump(MPS2_FLASH_BASE + MPS2_BOOT_OFF); }

void hv_port_wait_until(uint64_t us) {
  while (cm_tick_us() < us) cm_wfi();
}

void port_crash(uint32_t pc, uint32_t exc) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: crash exception ");
  hv_line_u64(&l, exc);
  hv_line_str(&l, " pc ");
  hv_line_u64(&l, pc);
  hv_line_end(&l);
  cm_semi_exit(HV_STATUS_ERROR);
}

void port_main(void) {
  mps2_console_init();
  cm_tick_start(MPS2_SYSCLK);
  static hv_config c;
  hv_sil_config((const void *)(uintptr_t)(MPS2_FLASH_BASE + MPS2_SIL_OFF), &c.policy, &c);
  c.bank[0] = hal_flash_map(MPS2_BANK_A_OFF);     /* without a handoff: A, then B */
  c.bank[1] = hal_flash_map(MPS2_BANK_B_OFF);
  c.bank_size = MPS2_BANK_SIZE;
  c.mem = (uint8_t *)vm_mem;
  c.mem_size = VM_MEM_SIZE;
  c.device_id = hv_sil.device_id;
  c.health_ms = hv_sil.health_ms;
  c.exit_on_end = true;                            /* QEMU's exit status is the program's */
  cm_semi_exit(hv_dev_main(&c));
}
