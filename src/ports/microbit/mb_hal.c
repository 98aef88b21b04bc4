/*
** mb_hal.c -- hal.h on the micro:bit under QEMU: SysTick time and UART0 as
** console and the guest's serial port; the rest are the simulated board's
** models (src/ports/hv/hv_model.c: the LED matrix is not a pin).
*/
#include <stdbool.h>

#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mb.h"

static bool uart_open;

void mb_console_init(void) {
  CM_REG(MB_UART + MB_UART_ENABLE) = 4u;
  CM_REG(MB_UART + MB_UART_STARTTX) = 1u;
  CM_REG(MB_UART + MB_UART_STARTRX) = 1u;
}

static void uart_tx(uint8_t b) {
  CM_REG(MB_UART + MB_UART_TXDRDY) = 0;
  CM_REG(MB_UART + MB_UART_TXD) = b;
  while (!CM_REG(MB_UART + MB_UART_TXDRDY)) {}
}

uint64_t hal_time_us(void) { return cm_tick_us(); }

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
  return CM_REG(MB_UART + MB_UART_RXDRDY) ? 1 : 0;
}

int hal_uart_read(void) {
  if (!uart_open || !CM_REG(MB_UART + MB_UART_RXDRDY)) return -1;
  CM_REG(MB_UART + MB_UART_RXDRDY) = 0;
  return (int)(CM_REG(MB_UART + MB_UART_RXD) & 0xFFu);
}

