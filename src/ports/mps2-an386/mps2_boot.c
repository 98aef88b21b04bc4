/*
** mps2_boot.c -- the image at the reset vector of the emulated part. Until
** the bootloader core (src/boot) is linked in, it only checks that the
** hypervisor's vector table is plausible and jumps to it.
*/
#include "cm.h"
#include "mps2.h"

void port_crash(uint32_t pc, uint32_t exc) {
  (void)pc;
  (void)exc;
  static const char msg[] = "cockpit-boot: crash\n";
  cm_semi_write(CM_SEMI_STDERR, msg, sizeof msg - 1);
  cm_semi_exit(1);
}

void port_main(void) {
  const uint32_t *v = (const uint32_t *)(uintptr_t)(MPS2_FLASH_BASE + MPS2_HV_OFF);
  uint32_t sp = v[0], pc = v[1] & ~1u;
  if (sp < MPS2_RAM_BASE || sp > MPS2_RAM_BASE + MPS2_RAM_SIZE ||
      pc < MPS2_FLASH_BASE + MPS2_HV_OFF || pc >= MPS2_FLASH_BASE + MPS2_BANK_A_OFF) {
    static const char msg[] = "cockpit-boot: no hypervisor\n";
    cm_semi_write(CM_SEMI_STDERR, msg, sizeof msg - 1);
    cm_semi_exit(1);
  }
  cm_jump(MPS2_FLASH_BASE + MPS2_HV_OFF);
}
