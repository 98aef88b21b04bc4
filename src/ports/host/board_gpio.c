/*
** board_gpio.c -- simulated GPIO pins, the button, ADC channels and PWM.
*/
#include "board_int.h"

static uint8_t pin_mode[BOARD_PINS];
static uint8_t pin_level[BOARD_PINS];
static int16_t pwm_duty[BOARD_PINS];
static int button_seen;          /* level of the button at the last read */

static const char *const mode_names[] = { "INPUT", "OUTPUT", "INPUT_PULLUP" };

void board_gpio_reset(void) {
  for (uint32_t i = 0; i < BOARD_PINS; i++) {
    pin_mode[i] = HAL_INPUT;
    pin_level[i] = 0;
    pwm_duty[i] = -1;
  }
  button_seen = 0;
}

bool board_button_pressed(uint64_t us) {
  const board_opts *o = &board_S.o;
  for (uint32_t i = 0; i < o->nbutton && i < BOARD_MAX_WINDOWS; i++)
    if (us >= o->button[i].from_us && us < o->button[i].to_us) return true;
  return false;
}

int board_pin_level(uint32_t pin) { return pin < BOARD_PINS ? pin_level[pin] : -1; }
int board_pin_mode(uint32_t pin) { return pin < BOARD_PINS ? pin_mode[pin] : -1; }
int board_pwm_duty(uint32_t pin) { return pin < BOARD_PINS ? pwm_duty[pin] : -1; }

int hal_gpio_mode(uint32_t pin, uint32_t mode) {
  if (pin >= BOARD_PINS || mode > HAL_INPUT_PULLUP) return HAL_EINVAL;
  pin_mode[pin] = (uint8_t)mode;
  board_trace("gpio %u mode %s", (unsigned)pin, mode_names[mode]);
  return HAL_OK;
}

int hal_gpio_write(uint32_t pin, uint32_t value) {
  if (pin >= BOARD_PINS || value > 1) return HAL_EINVAL;
  pin_level[pin] = (uint8_t)value;
  board_trace("gpio %u = %s%s", (unsigned)pin, value ? "HIGH" : "LOW",
              pin != BOARD_LED_PIN ? "" : value ? " (LED on)" : " (LED off)");
  return HAL_OK;
}

int hal_gpio_read(uint32_t pin) {
  if (pin >= BOARD_PINS) return HAL_EINVAL;
  if (pin == BOARD_BUTTON_PIN) {
    int level = board_button_pressed(board_S.now_us) ? 1 : 0;
    if (level != button_seen)
      board_trace("gpio %u = %s (button %s)", (unsigned)pin, level ? "HIGH" : "LOW",
                  level ? "pressed" : "released");
    button_seen = level;
    return level;
  }
  switch (pin_mode[pin]) {
  case HAL_OUTPUT:       return pin_level[pin];
  case HAL_INPUT_PULLUP: return 1;
  default:               return 0;
  }
}

int hal_adc_read(uint32_t channel) {
  if (channel >= BOARD_ADC_CHANNELS) return HAL_EINVAL;
  if (channel == 0) {
    uint32_t t = (uint32_t)(board_S.now_us / 1000u % 8190u);
    return (int)(t <= 4095 ? t : 8190 - t);
  }
  return (int)(channel * 512u);
}

int hal_pwm_write(uint32_t pin, uint32_t duty) {
  if (pin >= BOARD_PINS || duty > 255) return HAL_EINVAL;
  pwm_duty[pin] = (int16_t)duty;
  board_trace("pwm %u = %u/255", (unsigned)pin, (unsigned)duty);
  return HAL_OK;
}
