/*
** stm32_boot.c -- the image at the STM32G474's reset vector. Until the
** bootloader core (src/boot) is linked in, it checks that the
** hypervisor's vector table is plausible and jumps to it; without one it
** blinks the LED fast.
*/
#include "stm32.h"

#define HV_VECTORS (STM32_FLASH_BASE + 0x4000u)

void port_crash(uint32_t pc, uint32_t exc) {
  (void)pc;
  (void)exc;
  cm_reset();
}

void port_main(void) {
  const uint32_t *v = (const uint32_t *)(uintptr_t)HV_VECTORS;
  uint32_t sp = v[0], pc = v[1] & ~1u;
  if (sp > 0x20000000u && sp <= 0x20008000u && pc >= HV_VECTORS &&
      pc < STM32_FLASH_BASE + 0xE000u)
    cm_jump(HV_VECTORS);
  stm32_gpio_init();
  for (uint32_t n = 0;; n++) {
    CM_REG(GPIOC_BASE + GPIO_BSRR) = n & 1u ? 1u << 6 : 1u << 22;
    for (volatile uint32_t i = 0; i < 200000u; i++) {}
  }
}
