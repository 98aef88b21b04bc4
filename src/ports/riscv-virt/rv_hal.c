/*
** rv_hal.c -- hal.h on the RISC-V virt board: mtime for time, the NS16550
** as console and the guest's serial port; the rest are the simulated
** board's models (src/ports/hv/hv_model.c).
*/
#include <stdbool.h>

#include "hal.h"
#include "rv.h"

#define UART_B(off) (*(volatile uint8_t *)(uintptr_t)(RV_UART + (off)))

static bool uart_open;

uint64_t hal_time_us(void) { return rv_mtime() / (RV_MTIME_HZ / 1000000u); }

static void uart_tx(uint8_t b) {
  while (!(UART_B(RV_UART_LSR) & 0x20u)) {}
  UART_B(0) = b;
}

void hal_console_write(const char *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) uart_tx((uint8_t)s[i]);
}

int hal_uart_begin(uint32_t baud) {
  if (baud == 0) return HAL_EINVAL;
  uart_open = true;
  return HAL_OK;
}

int hal_uart_write(uint8_t byte) {
  if (!uart_open) return HAL_ECLOSED;
  uart_tx(byte);
  return HAL_OK;
}

int hal_uart_available(void) {
  if (!uart_open) return HAL_ECLOSED;
  return UART_B(RV_UART_LSR) & 1u ? 1 : 0;
}

int hal_uart_read(void) {
  if (!uart_open || !(UART_B(RV_UART_LSR) & 1u)) return -1;
  return UART_B(0);
}
