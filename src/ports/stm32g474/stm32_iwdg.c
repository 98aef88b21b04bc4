/*
** stm32_iwdg.c -- the independent watchdog (RM0440 42): LSI 32 kHz / 32,
** so the reload counts milliseconds (at most 4095). Once started it cannot
** be stopped; the hypervisor refreshes it between guest slices.
*/
#include "stm32.h"

#define IWDG_KR  (IWDG_BASE + 0x00u)
#define IWDG_PR  (IWDG_BASE + 0x04u)
#define IWDG_RLR (IWDG_BASE + 0x08u)
#define IWDG_SR  (IWDG_BASE + 0x0Cu)

void stm32_iwdg_start(uint32_t ms) {
  if (ms > 4095u) ms = 4095u;
  CM_REG(IWDG_KR) = 0xCCCCu;             /* start (turns the LSI on) */
  CM_REG(IWDG_KR) = 0x5555u;             /* unlock PR and RLR */
  CM_REG(IWDG_PR) = 3u;                  /* /32 */
  CM_REG(IWDG_RLR) = ms;
  for (uint32_t i = 0; i < 1000000u && CM_REG(IWDG_SR); i++) {}
  CM_REG(IWDG_KR) = 0xAAAAu;
}

void stm32_iwdg_refresh(void) { CM_REG(IWDG_KR) = 0xAAAAu; }
