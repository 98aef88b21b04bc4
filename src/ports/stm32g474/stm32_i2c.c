/*
** stm32_i2c.c -- I2C1 on PB8 (SCL) / PB9 (SDA), 100 kHz standard mode,
** master, polled (RM0440 41). Transfers of up to 255 bytes per direction
** (NBYTES without reload); a missing acknowledge is HAL_ENACK, a stuck bus
** or lost arbitration HAL_EBUS (the controller is then reset).
*/
#include "hal.h"
#include "stm32.h"

#define I2C_CR1     (I2C1_BASE + 0x00u)
#define I2C_CR2     (I2C1_BASE + 0x04u)
#define I2C_TIMINGR (I2C1_BASE + 0x10u)
#define I2C_ISR     (I2C1_BASE + 0x18u)
#define I2C_ICR     (I2C1_BASE + 0x1Cu)
#define I2C_RXDR    (I2C1_BASE + 0x24u)
#define I2C_TXDR    (I2C1_BASE + 0x28u)

#define ISR_TXIS  (1u << 1)
#define ISR_RXNE  (1u << 2)
#define ISR_NACKF (1u << 4)
#define ISR_STOPF (1u << 5)
#define ISR_TC    (1u << 6)
#define ISR_BERR  (1u << 8)
#define ISR_ARLO  (1u << 9)
#define ISR_BUSY  (1u << 15)
#define CR2_RD    (1u << 10)
#define CR2_START (1u << 13)
#define CR2_STOP  (1u << 14)
#define CR2_AUTOEND (1u << 25)
#define ICR_ALL   0x3F38u

/* PCLK1 168 MHz: PRESC 15 (95 ns), SCLDEL 4, SDADEL 2, SCLH 42 (4.1 us),
** SCLL 49 (4.8 us): about 100 kHz. */
#define TIMING_168MHZ 0xF0422A31u
/* HSI16 fallback: PRESC 3 (250 ns), SCLDEL 4, SDADEL 2, SCLH 15, SCLL 19. */
#define TIMING_16MHZ  0x30420F13u

void stm32_i2c_init(void) {
  CM_REG(RCC_APB1ENR1) |= 1u << 21;
  stm32_gpio_config(GPIOB_BASE, 8, 2, 4, 1, true);
  stm32_gpio_config(GPIOB_BASE, 9, 2, 4, 1, true);
  CM_REG(I2C_CR1) = 0;
  CM_REG(I2C_TIMINGR) = stm32_sysclk() == STM32_SYSCLK ? TIMING_168MHZ : TIMING_16MHZ;
  CM_REG(I2C_CR1) = 1u;                                   /* PE */
}

/* Wait for any bit of mask; 0 on timeout, or a NACK/error bit. */
static uint32_t wait_any(uint32_t mask) {
  for (uint32_t i = 0; i < 200000u; i++) {
    uint32_t isr = CM_REG(I2C_ISR);
    if (isr & (mask | ISR_NACKF | ISR_BERR | ISR_ARLO)) return isr;
  }
  return 0;
}

static int finish(uint32_t isr) {
  int r = HAL_OK;
  if (!isr || (isr & (ISR_BERR | ISR_ARLO))) {
    CM_REG(I2C_CR1) = 0;                                  /* reset the controller */
    CM_REG(I2C_CR1) = 1u;
    r = HAL_EBUS;
  } else if (isr & ISR_NACKF) {
    if (!(CM_REG(I2C_CR2) & CR2_AUTOEND)) CM_REG(I2C_CR2) |= CR2_STOP;
    wait_any(ISR_STOPF);
    r = HAL_ENACK;
  }
  CM_REG(I2C_ICR) = ICR_ALL;
  return r;
}

/* One direction of a transfer; last: end with a stop (else wait for TC). */
static int xfer(uint8_t addr, bool rd, uint8_t *p, uint32_t n, bool last) {
  CM_REG(I2C_CR2) = (uint32_t)addr << 1 | (rd ? CR2_RD : 0u) | n << 16 |
                    (last ? CR2_AUTOEND : 0u) | CR2_START;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t isr = wait_any(rd ? ISR_RXNE : ISR_TXIS);
    if (!isr || (isr & (ISR_NACKF | ISR_BERR | ISR_ARLO))) return finish(isr);
    if (rd) p[i] = (uint8_t)CM_REG(I2C_RXDR);
    else CM_REG(I2C_TXDR) = p[i];
  }
  uint32_t isr = wait_any(last ? ISR_STOPF : ISR_TC);
  if (!isr || (isr & (ISR_NACKF | ISR_BERR | ISR_ARLO))) return finish(isr);
  CM_REG(I2C_ICR) = ICR_ALL;
  return HAL_OK;
}

static int start(uint8_t addr, uint32_t n1, uint32_t n2) {
  if (addr > 0x7F || n1 > 255u || n2 > 255u) return HAL_EINVAL;
  for (uint32_t i = 0; CM_REG(I2C_ISR) & ISR_BUSY; i++)
    if (i > 200000u) return finish(0);
  CM_REG(I2C_ICR) = ICR_ALL;
  return HAL_OK;
}

int hal_i2c_write(uint8_t addr, const uint8_t *data, uint32_t len) {
  int r = start(addr, len, 0);
  return r ? r : xfer(addr, false, (uint8_t *)(uintptr_t)data, len, true);
}

int hal_i2c_read(uint8_t addr, uint8_t *buf, uint32_t len) {
  int r = start(addr, len, 0);
  return r ? r : xfer(addr, true, buf, len, true);
}

int hal_i2c_write_read(uint8_t addr, const uint8_t *data, uint32_t wlen,
                       uint8_t *buf, uint32_t rlen) {
  int r = start(addr, wlen, rlen);
  if (!r) r = xfer(addr, false, (uint8_t *)(uintptr_t)data, wlen, false);
  return r ? r : xfer(addr, true, buf, rlen, true);   /* repeated start */
}
