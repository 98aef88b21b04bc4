/*
** stm32.h -- the STM32G474 (WeAct STM32G474 CoreBoard): registers used by
** this port, written from the reference manual RM0440 (no vendor library),
** and the port's own interface between its files.
**
** Clocks: HSI16 -> PLL (M 4, N 84, R 2) = 168 MHz SYSCLK, Range 1 boost
** mode, 4 flash wait states; AHB, APB1, APB2 all 168 MHz.
** Pins: LED PC6 (guest pin 13), button PC13 (guest pin 2), USART2 console
** PA2/PA3 115200, USART1 link PA9/PA10, I2C1 PB8 (SCL) / PB9 (SDA).
*/
#ifndef STM32_H
#define STM32_H

#include <stdbool.h>
#include <stdint.h>

#include "cm.h"

#define STM32_SYSCLK 168000000u

/* ---- RCC, PWR, FLASH interface --------------------------------------------- */
#define RCC_BASE      0x40021000u
#define RCC_CR        (RCC_BASE + 0x00u)
#define RCC_CFGR      (RCC_BASE + 0x08u)
#define RCC_PLLCFGR   (RCC_BASE + 0x0Cu)
#define RCC_AHB1ENR   (RCC_BASE + 0x48u)
#define RCC_AHB2ENR   (RCC_BASE + 0x4Cu)
#define RCC_APB1ENR1  (RCC_BASE + 0x58u)
#define RCC_APB2ENR   (RCC_BASE + 0x60u)
#define RCC_CCIPR     (RCC_BASE + 0x88u)
#define RCC_CSR       (RCC_BASE + 0x94u)

#define PWR_BASE      0x40007000u
#define PWR_CR5       (PWR_BASE + 0x80u)   /* bit 8 R1MODE: 0 = boost */

#define FLASH_BASE_R  0x40022000u
#define FLASH_ACR     (FLASH_BASE_R + 0x00u)
#define FLASH_KEYR    (FLASH_BASE_R + 0x08u)
#define FLASH_SR      (FLASH_BASE_R + 0x10u)
#define FLASH_CR      (FLASH_BASE_R + 0x14u)
#define FLASH_OPTR    (FLASH_BASE_R + 0x20u)

/* ---- peripherals ------------------------------------------------------------ */
#define GPIOA_BASE    0x48000000u
#define GPIOB_BASE    0x48000400u
#define GPIOC_BASE    0x48000800u
#define GPIO_MODER    0x00u
#define GPIO_OTYPER   0x04u
#define GPIO_OSPEEDR  0x08u
#define GPIO_PUPDR    0x0Cu
#define GPIO_IDR      0x10u
#define GPIO_ODR      0x14u
#define GPIO_BSRR     0x18u
#define GPIO_AFRL     0x20u
#define GPIO_AFRH     0x24u

#define USART1_BASE   0x40013800u
#define USART2_BASE   0x40004400u
#define USART_CR1     0x00u
#define USART_BRR     0x0Cu
#define USART_ISR     0x1Cu
#define USART_ICR     0x20u
#define USART_RDR     0x24u
#define USART_TDR     0x28u

#define I2C1_BASE     0x40005400u
#define IWDG_BASE     0x40003000u
#define UID_BASE      0x1FFF7590u          /* 96-bit unique device id */

/* ---- the flash layout of this product (src/boot/boot.h, 128 KB) ------------- */
#define STM32_FLASH_BASE 0x08000000u

/* ---- port interface ----------------------------------------------------------- */

void stm32_clock_init(void);                    /* 168 MHz, or stays on HSI16 */
uint32_t stm32_sysclk(void);                    /* the clock actually running */

/* GPIO: mode 0 input, 1 output, 2 alternate function af, 3 analog;
** pull 0 none, 1 up, 2 down; open-drain for I2C. */
void stm32_gpio_config(uint32_t base, uint32_t pin, uint32_t mode, uint32_t af,
                       uint32_t pull, bool open_drain);
void stm32_gpio_init(void);                     /* LED and button */

/* USARTs: 8N1, polled. */
void stm32_usart_init(uint32_t base, uint32_t baud);
void stm32_usart_put(uint32_t base, uint8_t b);
int stm32_usart_get(uint32_t base);             /* byte, or -1 */

void stm32_i2c_init(void);

/* Independent watchdog: start with a timeout, then refresh. */
void stm32_iwdg_start(uint32_t ms);
void stm32_iwdg_refresh(void);

#endif /* STM32_H */
