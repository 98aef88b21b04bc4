/*
** cm_tick.c -- a millisecond SysTick interrupt and a microsecond clock read
** from the tick count plus the counter's progress within the tick.
*/
#include "cm.h"

static volatile uint32_t tick_lo, tick_hi;   /* milliseconds, 64-bit */
static uint32_t tick_reload, tick_per_us;
static uint64_t tick_last;                   /* the latest time returned */

void cm_systick_handler(void);
void cm_systick_handler(void) {
  uint32_t lo = tick_lo + 1u;
  if (lo == 0) tick_hi = tick_hi + 1u;
  tick_lo = lo;
}

void cm_tick_start(uint32_t hz) {
  tick_reload = hz / 1000u - 1u;
  tick_per_us = hz / 1000000u ? hz / 1000000u : 1u;
  tick_lo = tick_hi = 0;
  tick_last = 0;
  CM_REG(CM_SYST_CSR) = 0;
  CM_REG(CM_SYST_RVR) = tick_reload;
  CM_REG(CM_SYST_CVR) = 0;
  CM_REG(CM_SYST_CSR) = 7u;   /* core clock, interrupt, enable */
  cm_irq_on();
}

uint64_t cm_tick_us(void) {
  uint32_t lo, hi, val;
  bool wrapped;
  do {
    hi = tick_hi;
    lo = tick_lo;
    val = CM_REG(CM_SYST_CVR);
    /* Reloaded, but the interrupt not taken yet: that millisecond is over. */
    wrapped = (CM_REG(CM_SCB_ICSR) & (1u << 26)) && val > tick_reload / 2u;
  } while (lo != tick_lo || hi != tick_hi);
  uint32_t sub = (tick_reload - val) / tick_per_us;
  if (sub > 999u) sub = 999u;
  uint64_t t = (((uint64_t)hi << 32 | lo) + (wrapped ? 1u : 0u)) * 1000u + sub;
  /* With the interrupt held off for over a tick (an emulator descheduled
  ** on a busy host), the counter wraps more than once but only one tick is
  ** counted, and the sub-tick part can read less than last time: hold the
  ** clock still until it catches up rather than run it backwards. */
  if (t < tick_last) return tick_last;
  tick_last = t;
  return t;
}

void cm_tick_wait_until(uint64_t us) {
  while (cm_tick_us() < us) cm_wfi();
}
