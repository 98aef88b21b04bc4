/*
** stm32_usart.c -- USART1 (the link) and USART2 (the console), 8N1,
** polled, FIFOs off (RM0440 37). USART2 is also the guest's serial port.
*/
#include "hal.h"
#include "run.h"
#include "stm32.h"

#define ISR_ORE  (1u << 3)
#define ISR_RXNE (1u << 5)
#define ISR_TXE  (1u << 7)

void stm32_usart_init(uint32_t base, uint32_t baud) {
  if (base == USART1_BASE) {
    CM_REG(RCC_APB2ENR) |= 1u << 14;
    stm32_gpio_config(GPIOA_BASE, 9, 2, 7, 0, false);    /* TX */
    stm32_gpio_config(GPIOA_BASE, 10, 2, 7, 1, false);   /* RX, pulled up */
  } else {
    CM_REG(RCC_APB1ENR1) |= 1u << 17;
    stm32_gpio_config(GPIOA_BASE, 2, 2, 7, 0, false);
    stm32_gpio_config(GPIOA_BASE, 3, 2, 7, 1, false);
  }
  CM_REG(base + USART_CR1) = 0;
  CM_REG(base + USART_BRR) = (stm32_sysclk() + baud / 2u) / baud;
  CM_REG(base + USART_CR1) = 1u | 1u << 2 | 1u << 3;      /* UE, RE, TE */
}

void stm32_usart_put(uint32_t base, uint8_t b) {
  while (!(CM_REG(base + USART_ISR) & ISR_TXE)) {}
  CM_REG(base + USART_TDR) = b;
}

int stm32_usart_get(uint32_t base) {
  uint32_t isr = CM_REG(base + USART_ISR);
  if (isr & ISR_ORE) CM_REG(base + USART_ICR) = ISR_ORE;
  if (!(isr & ISR_RXNE)) return -1;
  return (int)(CM_REG(base + USART_RDR) & 0xFFu);
}

/* ---- hal.h: console and the guest's serial port ----------------------------- */

static bool uart_open;
static int rx_held = -1;      /* a byte uart_available saw, not yet read */

void hal_console_write(const char *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (s[i] == '\n') stm32_usart_put(USART2_BASE, '\r');
    stm32_usart_put(USART2_BASE, (uint8_t)s[i]);
  }
  if (run_tap.console) run_tap.console(run_tap.dev, s, n);   /* the sideband's log */
}

int hal_uart_begin(uint32_t baud) {
  if (baud == 0) return HAL_EINVAL;
  uart_open = true;
  return HAL_OK;
}

int hal_uart_write(uint8_t byte) {
  if (!uart_open) return HAL_ECLOSED;
  stm32_usart_put(USART2_BASE, byte);
  return HAL_OK;
}

int hal_uart_available(void) {
  if (!uart_open) return HAL_ECLOSED;
  if (rx_held < 0) rx_held = stm32_usart_get(USART2_BASE);
  return rx_held < 0 ? 0 : 1;
}

int hal_uart_read(void) {
  if (!uart_open) return -1;
  int b = rx_held >= 0 ? rx_held : stm32_usart_get(USART2_BASE);
  rx_held = -1;
  return b;
}
