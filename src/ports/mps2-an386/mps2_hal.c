/*
** mps2_hal.c -- hal.h on the MPS2 board under QEMU: SysTick time, the
** console UART (also the guest's serial port), FPGA LED and button, the
** shield I2C bus, and board models where the MPS2 has no such peripheral
** (ADC, PWM, SPI), which answer as the simulated board does so programs
** print the same on both (docs/hardware.md lists each).
*/
#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mps2.h"

#define PINS       32u
#define LED_PIN    13u
#define BUTTON_PIN 2u
#define ADC_CHANNELS 8u

static uint8_t pin_mode[PINS], pin_level[PINS];
static bool uart_open;

static uint32_t uart_reg(uint32_t off) { return CM_REG(MPS2_UART0 + off); }

void mps2_console_init(void) {
  static const uint32_t uarts[] = { MPS2_UART0, MPS2_UART1 };
  for (uint32_t i = 0; i < 2; i++) {
    CM_REG(uarts[i] + MPS2_UART_BAUDDIV) = MPS2_SYSCLK / 115200u;
    CM_REG(uarts[i] + MPS2_UART_CTRL) = 3u;   /* TX and RX enabled */
  }
}

/* ---- the link: UART1 ------------------------------------------------------- */

int hv_port_link_get(void) {
  if (!(CM_REG(MPS2_UART1 + MPS2_UART_STATE) & 2u)) return -1;
  return (int)(CM_REG(MPS2_UART1 + MPS2_UART_DATA) & 0xFFu);
}

void hv_port_link_put(const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    while (CM_REG(MPS2_UART1 + MPS2_UART_STATE) & 1u) {}
    CM_REG(MPS2_UART1 + MPS2_UART_DATA) = p[i];
  }
}

static void uart_tx(uint8_t b) {
  while (uart_reg(MPS2_UART_STATE) & 1u) {}
  CM_REG(MPS2_UART0 + MPS2_UART_DATA) = b;
}

uint64_t hal_time_us(void) { return cm_tick_us(); }

/* ---- GPIO: pin 13 drives FPGA LED 0, pin 2 reads push button 0 --------- */

int hal_gpio_mode(uint32_t pin, uint32_t mode) {
  if (pin >= PINS || mode > HAL_INPUT_PULLUP) return HAL_EINVAL;
  pin_mode[pin] = (uint8_t)mode;
  return HAL_OK;
}

int hal_gpio_write(uint32_t pin, uint32_t value) {
  if (pin >= PINS || value > 1) return HAL_EINVAL;
  pin_level[pin] = (uint8_t)value;
  if (pin == LED_PIN) {
    uint32_t led = CM_REG(MPS2_FPGAIO_LED);
    CM_REG(MPS2_FPGAIO_LED) = value ? led | 1u : led & ~1u;
  }
  return HAL_OK;
}

int hal_gpio_read(uint32_t pin) {
  if (pin >= PINS) return HAL_EINVAL;
  if (pin == BUTTON_PIN) return (int)(CM_REG(MPS2_FPGAIO_BUTTON) & 1u);
  switch (pin_mode[pin]) {
  case HAL_OUTPUT:       return pin_level[pin];
  case HAL_INPUT_PULLUP: return 1;
  default:               return 0;
  }
}

/* ---- models: ADC channel 0 a triangle over time, channel n reads n*512;
** PWM duty kept; SPI loops back --------------------------------------------- */

int hal_adc_read(uint32_t channel) {
  if (channel >= ADC_CHANNELS) return HAL_EINVAL;
  if (channel == 0) {
    uint32_t t = (uint32_t)(hal_time_us() / 1000u % 8190u);
    return (int)(t <= 4095 ? t : 8190 - t);
  }
  return (int)(channel * 512u);
}

int hal_pwm_write(uint32_t pin, uint32_t duty) {
  if (pin >= PINS || duty > 255) return HAL_EINVAL;
  return HAL_OK;
}

int hal_spi_transfer(uint8_t byte) { return byte; }

/* ---- console and the guest's serial port (both UART0) --------------------- */

void hal_console_write(const char *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) uart_tx((uint8_t)s[i]);
  if (run_tap.console) run_tap.console(run_tap.dev, s, n);   /* the sideband's log */
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
  return (uart_reg(MPS2_UART_STATE) & 2u) ? 1 : 0;
}

int hal_uart_read(void) {
  if (!uart_open || !(uart_reg(MPS2_UART_STATE) & 2u)) return -1;
  return (int)(uart_reg(MPS2_UART_DATA) & 0xFFu);
}

/* ---- identity and telemetry ----------------------------------------------- */

uint32_t hal_device_id(void) { return hv_sil.device_id; }
uint32_t hal_random_seed(void) { return hv_sil.seed; }

void hal_event(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
  if (run_tap.event) run_tap.event(run_tap.dev, name, name_len, value);
}

void hal_telemetry(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
  if (run_tap.telemetry) run_tap.telemetry(run_tap.dev, name, name_len, value);
}
