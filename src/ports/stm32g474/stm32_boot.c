/*
** stm32_boot.c -- the bootloader image at the STM32G474's reset vector:
** clocks, console (USART2) for its messages, the link (USART1) for
** installs, then src/boot's decision (hv_boot_main). The trust store is
** empty in this build, so unsigned artifacts are accepted (development
** policy, docs/hardware.md); a product build provisions its keys here.
*/
#include "hal.h"
#include "hv.h"
#include "stm32.h"

#define HV_VECTORS (STM32_FLASH_BASE + 0x4000u)

void hv_port_report(const char *s, uint32_t n) { hal_console_write(s, n); }
void hv_port_wait_until(uint64_t us) { cm_tick_wait_until(us); }
void hv_port_service(void) {}
void hv_port_start_hv(void) { cm_jump(HV_VECTORS); }
void hv_port_reboot(void) { cm_reset(); }
int hv_port_link_get(void) { return stm32_usart_get(USART1_BASE); }

/* RCC_CSR's reset flags (RM0440 7.4.29), cleared for the next reset. */
uint32_t hv_port_reset_reason(void) {
  uint32_t csr = CM_REG(RCC_CSR);
  CM_REG(RCC_CSR) = csr | (1u << 23);                /* RMVF */
  if (csr & (3u << 29)) return LINK_RESET_WATCHDOG;   /* IWDG, WWDG */
  if (csr & (1u << 27)) return LINK_RESET_BROWNOUT;
  if (csr & (1u << 28)) return LINK_RESET_SOFTWARE;
  if (csr & (1u << 26)) return LINK_RESET_PIN;
  return LINK_RESET_UNKNOWN;
}
void hv_port_wdog_feed(void) {}

void hv_port_link_put(const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) stm32_usart_put(USART1_BASE, p[i]);
}

void port_crash(uint32_t pc, uint32_t exc) {
  (void)pc;
  (void)exc;
  cm_reset();
}

void port_main(void) {
  stm32_clock_init();
  stm32_gpio_init();
  stm32_usart_init(USART2_BASE, 115200u);
  stm32_usart_init(USART1_BASE, 115200u);
  cm_tick_start(stm32_sysclk());
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.flags |= CVM1_POL_UNSIGNED_OK;
  hv_boot_main(&pol, hal_device_id());
}
