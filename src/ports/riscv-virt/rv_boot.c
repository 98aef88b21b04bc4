/*
** rv_boot.c -- the image at the start of the RISC-V board's DRAM: like
** the micro:bit's, the minimal start of the smoke test: it jumps to the
** hypervisor's entry (the first word of its image).
*/
#include "rv.h"

void port_crash(uint32_t pc, uint32_t cause) {
  (void)pc;
  (void)cause;
  rv_semi_exit(1);
}

void port_main(void) {
  void (*hv)(void) = (void (*)(void))(uintptr_t)(RV_FLASH_BASE + RV_HV_OFF);
  hv();
  for (;;) {}
}
