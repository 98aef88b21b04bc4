/*
** mb_hal.c -- hal.h on the micro:bit under QEMU: SysTick time, UART0 as
** console and the guest's serial port, and the simulated board's models
** for the rest (GPIO levels kept in RAM -- the LED matrix is not a pin --,
** ADC, PWM, SPI loopback, an I2C bus with no devices), so programs print
** the same as on the simulated board.
*/
#include <stdbool.h>

#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mb.h"

#define PINS 32u
#define ADC_CHANNELS 8u

static uint8_t pin_mode[PINS], pin_level[PINS];
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

int hal_gpio_mode(uint32_t pin, uint32_t mode) {
  if (pin >= PINS || mode > HAL_INPUT_PULLUP) return HAL_EINVAL;
  pin_mode[pin] = (uint8_t)mode;
  return HAL_OK;
}

int hal_gpio_write(uint32_t pin, uint32_t value) {
  if (pin >= PINS || value > 1) return HAL_EINVAL;
  pin_level[pin] = (uint8_t)value;
  return HAL_OK;
}

int hal_gpio_read(uint32_t pin) {
  if (pin >= PINS) return HAL_EINVAL;
  switch (pin_mode[pin]) {
  case HAL_OUTPUT:       return pin_level[pin];
  case HAL_INPUT_PULLUP: return 1;
  default:               return 0;
  }
}

int hal_adc_read(uint32_t channel) {
  if (channel >= ADC_CHANNELS) return HAL_EINVAL;
  if (channel == 0) {
    uint32_t t = (uint32_t)(hal_time_us() / 1000u % 8190u);
    return (int)(t <= 4095 ? t : 8190 - t);
  }
  return (int)(channel * 512u);
}

int hal_pwm_write(uint32_t pin, uint32_t duty) {
  return pin >= PINS || duty > 255 ? HAL_EINVAL : HAL_OK;
}

int hal_spi_transfer(uint8_t byte) { return byte; }

int hal_i2c_write(uint8_t addr, const uint8_t *data, uint32_t len) {
  (void)data; (void)len;
  return addr > 0x7F ? HAL_EINVAL : HAL_ENACK;
}
int hal_i2c_read(uint8_t addr, uint8_t *buf, uint32_t len) {
  (void)buf; (void)len;
  return addr > 0x7F ? HAL_EINVAL : HAL_ENACK;
}
int hal_i2c_write_read(uint8_t addr, const uint8_t *data, uint32_t wlen, uint8_t *buf,
                       uint32_t rlen) {
  (void)data; (void)wlen; (void)buf; (void)rlen;
  return addr > 0x7F ? HAL_EINVAL : HAL_ENACK;
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
  return CM_REG(MB_UART + MB_UART_RXDRDY) ? 1 : 0;
}

int hal_uart_read(void) {
  if (!uart_open || !CM_REG(MB_UART + MB_UART_RXDRDY)) return -1;
  CM_REG(MB_UART + MB_UART_RXDRDY) = 0;
  return (int)(CM_REG(MB_UART + MB_UART_RXD) & 0xFFu);
}

uint32_t hal_device_id(void) { return hv_sil.device_id; }
uint32_t hal_random_seed(void) { return hv_sil.seed; }

void hal_event(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
}
