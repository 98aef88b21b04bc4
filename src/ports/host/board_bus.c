/*
** board_bus.c -- the simulated I2C bus with its device models, and SPI
** (loopback).
*/
#include "board_int.h"

static board_i2c_model *models[BOARD_I2C_MODELS];

void board_bus_reset(void) {
  for (uint32_t i = 0; i < BOARD_I2C_MODELS; i++) models[i] = NULL;
  board_i2c_attach(board_tmp102());
  board_i2c_model *oled = board_ssd1306();   /* not attached: the runtime decides */
  oled->reset(oled);
}

board_i2c_model *board_i2c_find(uint8_t addr) {
  for (uint32_t i = 0; i < BOARD_I2C_MODELS; i++)
    if (models[i] && models[i]->addr == addr) return models[i];
  return NULL;
}

int board_i2c_attach(board_i2c_model *m) {
  if (!m || m->addr > 0x7F || board_i2c_find(m->addr)) return HAL_EINVAL;
  for (uint32_t i = 0; i < BOARD_I2C_MODELS; i++) {
    if (!models[i]) {
      models[i] = m;
      if (m->reset) m->reset(m);
      return HAL_OK;
    }
  }
  return HAL_EINVAL;
}

void board_i2c_detach(uint8_t addr) {
  for (uint32_t i = 0; i < BOARD_I2C_MODELS; i++)
    if (models[i] && models[i]->addr == addr) models[i] = NULL;
}

static int bus_write(uint8_t addr, const uint8_t *data, uint32_t len) {
  board_i2c_model *m = board_i2c_find(addr);
  if (!m) return HAL_ENACK;
  return m->write ? m->write(m, data, len) : HAL_ENACK;
}

static int bus_read(uint8_t addr, uint8_t *buf, uint32_t len) {
  board_i2c_model *m = board_i2c_find(addr);
  if (!m || !m->read) return HAL_ENACK;
  return m->read(m, buf, len);
}

static const char *ack(int r) {
  return r == HAL_OK ? "ACK" : r == HAL_ENACK ? "NACK" : "bus error";
}

int hal_i2c_write(uint8_t addr, const uint8_t *data, uint32_t len) {
  if (addr > 0x7F) return HAL_EINVAL;
  int r = bus_write(addr, data, len);
  if (board_tracing()) {
    char h[80];
    board_hex(h, sizeof h, data, len);
    board_trace("i2c 0x%02x write %s %s", addr, h, ack(r));
  }
  return r;
}

int hal_i2c_read(uint8_t addr, uint8_t *buf, uint32_t len) {
  if (addr > 0x7F) return HAL_EINVAL;
  int r = bus_read(addr, buf, len);
  if (board_tracing()) {
    char h[80];
    board_hex(h, sizeof h, buf, r == HAL_OK ? len : 0);
    board_trace("i2c 0x%02x read %s %s", addr, h, ack(r));
  }
  return r;
}

/* Write, repeated start, read: one transaction on the bus. The write part
** is copied first, so data and buf may overlap. */
int hal_i2c_write_read(uint8_t addr, const uint8_t *data, uint32_t wlen,
                       uint8_t *buf, uint32_t rlen) {
  if (addr > 0x7F) return HAL_EINVAL;
  char hw[80] = "", hr[80] = "";
  if (board_tracing()) board_hex(hw, sizeof hw, data, wlen);
  int r = bus_write(addr, data, wlen);
  if (r == HAL_OK) r = bus_read(addr, buf, rlen);
  if (board_tracing()) {
    board_hex(hr, sizeof hr, buf, r == HAL_OK ? rlen : 0);
    board_trace("i2c 0x%02x write %s read %s %s", addr, hw, hr, ack(r));
  }
  return r;
}

int hal_spi_transfer(uint8_t byte) {
  board_trace("spi 0x%02x -> 0x%02x", byte, byte);
  return byte;
}
