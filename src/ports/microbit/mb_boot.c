/*
** mb_boot.c -- the image at the micro:bit's reset vector. The smoke test
** keeps the minimal start: it checks that the hypervisor's vector table is
** plausible and jumps to it (the bootloader proper, src/boot, runs on the
** MPS2 boards and the STM32G474).
*/
#include "cm.h"
#include "mb.h"

void port_crash(uint32_t pc, uint32_t exc) {
  (void)pc;
  (void)exc;
  cm_semi_exit(1);
}

void port_main(void) {
  const uint32_t *v = (const uint32_t *)(uintptr_t)(MB_FLASH_BASE + MB_HV_OFF);
  uint32_t sp = v[0], pc = v[1] & ~1u;
  if (sp < MB_RAM_BASE || sp > MB_RAM_BASE + MB_RAM_SIZE ||
      pc < MB_FLASH_BASE + MB_HV_OFF || pc >= MB_FLASH_BASE + MB_BANK_A_OFF) {
    static const char msg[] = "cockpit-boot: no hypervisor\n";
    cm_semi_write(CM_SEMI_STDERR, msg, sizeof msg - 1);
    cm_semi_exit(1);
  }
  cm_jump(MB_FLASH_BASE + MB_HV_OFF);
}
