/*
** stm32_clock.c -- 168 MHz from HSI16 through the PLL (RM0440 6.2, 6.4):
** 4 flash wait states with prefetch and caches, Range 1 boost mode, and the
** AHB divided by 2 for the switch (the manual's sequence for going above
** 80 MHz). If the PLL does not lock the part stays on HSI16.
*/
#include "stm32.h"

static uint32_t sysclk = 16000000u;

uint32_t stm32_sysclk(void) { return sysclk; }

static bool wait_set(uint32_t reg, uint32_t mask, uint32_t want) {
  for (uint32_t i = 0; i < 1000000u; i++)
    if ((CM_REG(reg) & mask) == want) return true;
  return false;
}

void stm32_clock_init(void) {
  CM_REG(RCC_APB1ENR1) |= 1u << 28;                    /* PWREN */
  CM_REG(FLASH_ACR) = (CM_REG(FLASH_ACR) & ~0xFu) | 4u | 1u << 8 | 1u << 9 | 1u << 10;
  if (!wait_set(FLASH_ACR, 0xFu, 4u)) return;
  CM_REG(PWR_CR5) &= ~(1u << 8);                       /* R1MODE = 0: boost */

  /* PLL: source HSI16 (2), M = 4 (3), N = 84, R = 2 (0), R output on. */
  CM_REG(RCC_PLLCFGR) = 2u | 3u << 4 | 84u << 8 | 1u << 24;
  CM_REG(RCC_CR) |= 1u << 24;                          /* PLLON */
  if (!wait_set(RCC_CR, 1u << 25, 1u << 25)) return;   /* PLLRDY */

  CM_REG(RCC_CFGR) = (CM_REG(RCC_CFGR) & ~0xF0u) | 0x80u;  /* HPRE /2 */
  CM_REG(RCC_CFGR) = (CM_REG(RCC_CFGR) & ~3u) | 3u;        /* SW = PLL */
  if (!wait_set(RCC_CFGR, 0xCu, 0xCu)) return;
  for (volatile uint32_t i = 0; i < 200u; i++) {}          /* > 1 us */
  CM_REG(RCC_CFGR) &= ~0xF0u;                              /* HPRE /1 */
  sysclk = STM32_SYSCLK;
}
