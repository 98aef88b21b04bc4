/*
** stm32_gpio.c -- GPIO: pin configuration, and hal.h's pins. Guest pins
** are Arduino-style numbers mapped by a table onto the pins the WeAct
** CoreBoard (48-pin package) brings out, leaving out those other
** functions own (USARTs, I2C1, SWD, USB, crystals). Pin 13 is the LED on
** PC6 (active high); pin 2 the KEY button on PC13, read HIGH while pressed
** in every mode, as on the simulated board.
*/
#include "hal.h"
#include "stm32.h"

#define PINS 32u
#define LED_PIN 13u
#define BUTTON_PIN 2u

static const struct { uint8_t port, pin; } pin_map[PINS] = {
  /* port: 1 A, 2 B, 3 C; 0 = not brought out */
  {1, 0}, {1, 1}, {3, 13}, {1, 4}, {1, 5}, {1, 6}, {1, 7}, {2, 0},
  {2, 1}, {2, 2}, {2, 10}, {2, 11}, {2, 12}, {3, 6}, {2, 13}, {2, 14},
  {2, 15}, {1, 8}, {1, 15}, {2, 3}, {2, 4}, {2, 5}, {2, 6}, {2, 7},
  {3, 4}, {3, 10}, {3, 11}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},
};
static const uint32_t port_base[4] = { 0, GPIOA_BASE, GPIOB_BASE, GPIOC_BASE };
static uint8_t pin_mode[PINS];

void stm32_gpio_config(uint32_t base, uint32_t pin, uint32_t mode, uint32_t af,
                       uint32_t pull, bool open_drain) {
  uint32_t s2 = pin * 2u;
  if (mode == 2u) {
    uint32_t afr = base + (pin < 8 ? GPIO_AFRL : GPIO_AFRH), s4 = (pin & 7u) * 4u;
    CM_REG(afr) = (CM_REG(afr) & ~(0xFu << s4)) | (af & 0xFu) << s4;
  }
  CM_REG(base + GPIO_OTYPER) = (CM_REG(base + GPIO_OTYPER) & ~(1u << pin)) |
                               (open_drain ? 1u : 0u) << pin;
  CM_REG(base + GPIO_OSPEEDR) |= 2u << s2;             /* high speed */
  CM_REG(base + GPIO_PUPDR) = (CM_REG(base + GPIO_PUPDR) & ~(3u << s2)) | pull << s2;
  CM_REG(base + GPIO_MODER) = (CM_REG(base + GPIO_MODER) & ~(3u << s2)) | mode << s2;
}

void stm32_gpio_init(void) {
  CM_REG(RCC_AHB2ENR) |= 7u;                           /* GPIOA, B, C */
  (void)CM_REG(RCC_AHB2ENR);
  for (uint32_t i = 0; i < PINS; i++) pin_mode[i] = HAL_INPUT;
  stm32_gpio_config(GPIOC_BASE, 6, 1, 0, 0, false);    /* LED, off */
  CM_REG(GPIOC_BASE + GPIO_BSRR) = 1u << (6 + 16);
  stm32_gpio_config(GPIOC_BASE, 13, 0, 0, 2, false);   /* KEY, pulled down */
}

int hal_gpio_mode(uint32_t pin, uint32_t mode) {
  if (pin >= PINS || !pin_map[pin].port || mode > HAL_INPUT_PULLUP) return HAL_EINVAL;
  pin_mode[pin] = (uint8_t)mode;
  if (pin == BUTTON_PIN) return HAL_OK;                /* stays as the button */
  stm32_gpio_config(port_base[pin_map[pin].port], pin_map[pin].pin,
                    mode == HAL_OUTPUT ? 1u : 0u, 0, mode == HAL_INPUT_PULLUP ? 1u : 0u, false);
  return HAL_OK;
}

int hal_gpio_write(uint32_t pin, uint32_t value) {
  if (pin >= PINS || !pin_map[pin].port || value > 1) return HAL_EINVAL;
  if (pin == BUTTON_PIN) return HAL_OK;
  uint32_t n = pin_map[pin].pin;
  CM_REG(port_base[pin_map[pin].port] + GPIO_BSRR) = value ? 1u << n : 1u << (n + 16);
  (void)LED_PIN;
  return HAL_OK;
}

int hal_gpio_read(uint32_t pin) {
  if (pin >= PINS || !pin_map[pin].port) return HAL_EINVAL;
  uint32_t base = port_base[pin_map[pin].port], n = pin_map[pin].pin;
  if (pin_mode[pin] == HAL_OUTPUT && pin != BUTTON_PIN)
    return (int)(CM_REG(base + GPIO_ODR) >> n & 1u);
  return (int)(CM_REG(base + GPIO_IDR) >> n & 1u);
}
