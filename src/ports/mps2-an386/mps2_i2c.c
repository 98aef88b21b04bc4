/*
** mps2_i2c.c -- the I2C controller of hal.h, bit-banged on the MPS2's
** SBCon two-wire interface (shield bus 1, where `cockpit sil` attaches
** QEMU's TMP105 sensor at 0x48): open-drain lines through set/clear
** registers, SDA read back. Absent devices do not acknowledge.
*/
#include "cm.h"
#include "hal.h"
#include "mps2.h"

#define SCL 1u
#define SDA 2u

static void line(uint32_t bit, bool high) {
  CM_REG(MPS2_SBCON + (high ? MPS2_SBCON_SET : MPS2_SBCON_CLR)) = bit;
}
static bool sda(void) { return (CM_REG(MPS2_SBCON + MPS2_SBCON_READ) & SDA) != 0; }

static void i2c_start(void) {
  line(SDA, true);
  line(SCL, true);
  line(SDA, false);
  line(SCL, false);
}

static void i2c_stop(void) {
  line(SDA, false);
  line(SCL, true);
  line(SDA, true);
}

/* Send a byte; true if acknowledged. */
static bool i2c_put(uint8_t b) {
  for (int i = 7; i >= 0; i--) {
    line(SDA, (b >> i) & 1u);
    line(SCL, true);
    line(SCL, false);
  }
  line(SDA, true);
  line(SCL, true);
  bool ack = !sda();
  line(SCL, false);
  return ack;
}

static uint8_t i2c_get(bool ack) {
  uint8_t b = 0;
  line(SDA, true);
  for (int i = 0; i < 8; i++) {
    line(SCL, true);
    b = (uint8_t)(b << 1 | (sda() ? 1u : 0u));
    line(SCL, false);
  }
  line(SDA, !ack);
  line(SCL, true);
  line(SCL, false);
  line(SDA, true);
  return b;
}

static int i2c_send(uint8_t addr, const uint8_t *data, uint32_t len) {
  i2c_start();
  if (!i2c_put((uint8_t)(addr << 1))) return HAL_ENACK;
  for (uint32_t i = 0; i < len; i++)
    if (!i2c_put(data[i])) return HAL_ENACK;
  return HAL_OK;
}

static int i2c_recv(uint8_t addr, uint8_t *buf, uint32_t len) {
  i2c_start();
  if (!i2c_put((uint8_t)(addr << 1 | 1u))) return HAL_ENACK;
  for (uint32_t i = 0; i < len; i++) buf[i] = i2c_get(i + 1 < len);
  return HAL_OK;
}

int hal_i2c_write(uint8_t addr, const uint8_t *data, uint32_t len) {
  if (addr > 0x7F) return HAL_EINVAL;
  int r = i2c_send(addr, data, len);
  i2c_stop();
  return r;
}

int hal_i2c_read(uint8_t addr, uint8_t *buf, uint32_t len) {
  if (addr > 0x7F) return HAL_EINVAL;
  int r = i2c_recv(addr, buf, len);
  i2c_stop();
  return r;
}

int hal_i2c_write_read(uint8_t addr, const uint8_t *data, uint32_t wlen,
                       uint8_t *buf, uint32_t rlen) {
  if (addr > 0x7F) return HAL_EINVAL;
  int r = i2c_send(addr, data, wlen);
  if (r == HAL_OK) r = i2c_recv(addr, buf, rlen);   /* repeated start */
  i2c_stop();
  return r;
}
