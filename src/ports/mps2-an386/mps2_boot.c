/*
** mps2_boot.c -- the bootloader image at the reset vector of the emulated
** part: src/boot's decision (hv_boot_main) with the trust store of the
** SIL harness page, installs over UART1, messages on semihosting stderr.
*/
#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mps2.h"

void hv_port_report(const char *s, uint32_t n) { cm_semi_write(CM_SEMI_STDERR, s, n); }
void hv_port_wait_until(uint64_t us) { cm_tick_wait_until(us); }
void hv_port_service(void) {}
void hv_port_start_hv(void) { cm_jump(MPS2_FLASH_BASE + MPS2_HV_OFF); }
void hv_port_reboot(void) { cm_jump(MPS2_FLASH_BASE + MPS2_BOOT_OFF); }
/* QEMU keeps no reset flags: a reset with a handoff in RAM was ours. */
uint32_t hv_port_reset_reason(void) { return LINK_RESET_SOFTWARE; }
void hv_port_wdog_feed(void) {}

void port_crash(uint32_t pc, uint32_t exc) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-boot: crash exception ");
  hv_line_u64(&l, exc);
  hv_line_str(&l, " pc ");
  hv_line_u64(&l, pc);
  hv_line_end(&l);
  cm_semi_exit(HV_STATUS_ERROR);
}

void port_main(void) {
  mps2_console_init();
  cm_tick_start(MPS2_SYSCLK);
  cvm1_policy pol;
  hv_sil_config((const void *)(uintptr_t)(MPS2_FLASH_BASE + MPS2_SIL_OFF), &pol, 0);
  hv_boot_main(&pol, hv_sil.device_id);
}
