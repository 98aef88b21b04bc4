/*
** stm32_hal.c -- the rest of hal.h on the STM32G474: SysTick time, the
** identity from the 96-bit unique id, events on the console. The ADC, PWM
** and SPI calls answer HAL_EINVAL (a guest using them faults with a bad
** host-call argument): this port does not drive those peripherals yet.
*/
#include "hal.h"
#include "hv.h"
#include "stm32.h"

uint64_t hal_time_us(void) { return cm_tick_us(); }

int hal_adc_read(uint32_t channel) { (void)channel; return HAL_EINVAL; }
int hal_pwm_write(uint32_t pin, uint32_t duty) { (void)pin; (void)duty; return HAL_EINVAL; }
int hal_spi_transfer(uint8_t byte) { (void)byte; return HAL_EINVAL; }

/* FNV-1a over the unique id, with a different start for the seed. */
static uint32_t uid_hash(uint32_t h) {
  const volatile uint8_t *uid = (const volatile uint8_t *)(uintptr_t)UID_BASE;
  for (uint32_t i = 0; i < 12u; i++) {
    h ^= uid[i];
    h *= 0x01000193u;
  }
  return h;
}

uint32_t hal_device_id(void) { return uid_hash(0x811C9DC5u); }
uint32_t hal_random_seed(void) { return uid_hash(0x2545F491u) ^ (uint32_t)cm_tick_us(); }

void hal_event(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
  if (run_tap.event) run_tap.event(run_tap.dev, name, name_len, value);
}

void hal_telemetry(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
  if (run_tap.telemetry) run_tap.telemetry(run_tap.dev, name, name_len, value);
}
