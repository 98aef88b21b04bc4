/*
** hv_model.c -- hal.h for emulated boards without the peripherals: the
** simulated board's models (src/ports/host), so programs print the same on
** both. GPIO levels in RAM (OUTPUT reads back its level, INPUT_PULLUP 1,
** INPUT 0), ADC channel 0 a triangle over time and channel n = n * 512,
** PWM duties accepted, SPI loopback, an I2C bus where no device answers,
** identity from the SIL harness page, events on the report channel.
*/
#include "hal.h"
#include "hv.h"

#define PINS 32u
#define ADC_CHANNELS 8u

static uint8_t pin_mode[PINS], pin_level[PINS];

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
  (void)data;
  (void)len;
  return addr > 0x7F ? HAL_EINVAL : HAL_ENACK;
}

int hal_i2c_read(uint8_t addr, uint8_t *buf, uint32_t len) {
  (void)buf;
  (void)len;
  return addr > 0x7F ? HAL_EINVAL : HAL_ENACK;
}

int hal_i2c_write_read(uint8_t addr, const uint8_t *data, uint32_t wlen, uint8_t *buf,
                       uint32_t rlen) {
  (void)data;
  (void)wlen;
  (void)buf;
  (void)rlen;
  return addr > 0x7F ? HAL_EINVAL : HAL_ENACK;
}

uint32_t hal_device_id(void) { return hv_sil.device_id; }
uint32_t hal_random_seed(void) { return hv_sil.seed; }

void hal_event(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
}

void hal_telemetry(const char *name, uint32_t name_len, int32_t value) {
  hv_report_event(name, name_len, value);
}
