/*
** board_tmp102.c -- a TMP102 temperature sensor model on the I2C bus.
*/
#include "board_int.h"

typedef struct tmp102 {
  uint8_t ptr;
  uint16_t reg[4];      /* reg[0] unused: temperature is computed */
} tmp102;

static tmp102 tmp_state;

int32_t board_tmp102_temp16(uint64_t us) {
  uint32_t t = (uint32_t)(us / 1000000u % 128u);
  return 352 + (int32_t)(t <= 64 ? t : 128 - t);
}

static void tmp_reset(board_i2c_model *m) {
  tmp102 *s = m->state;
  s->ptr = 0;
  s->reg[0] = 0;
  s->reg[1] = 0x60A0;
  s->reg[2] = 0x4B00;
  s->reg[3] = 0x5000;
}

static uint16_t tmp_reg(tmp102 *s) {
  if (s->ptr == 0) return (uint16_t)((uint32_t)board_tmp102_temp16(board_now_us()) << 4);
  return s->reg[s->ptr];
}

/* [ptr] selects a register; [ptr, msb, lsb] also writes it (not reg 0). */
static int tmp_write(board_i2c_model *m, const uint8_t *d, uint32_t len) {
  tmp102 *s = m->state;
  if (len == 0) return HAL_OK;                  /* address probe */
  if (d[0] > 3 || len > 3) return HAL_ENACK;
  s->ptr = d[0];
  if (len == 3 && s->ptr != 0) s->reg[s->ptr] = (uint16_t)(d[1] << 8 | d[2]);
  return HAL_OK;
}

static int tmp_read(board_i2c_model *m, uint8_t *buf, uint32_t len) {
  uint16_t v = tmp_reg(m->state);
  for (uint32_t i = 0; i < len; i++) buf[i] = (uint8_t)(i % 2 == 0 ? v >> 8 : v);
  return HAL_OK;
}

static board_i2c_model tmp_model = {
  "TMP102", BOARD_TMP102_ADDR, tmp_write, tmp_read, tmp_reset, &tmp_state
};

board_i2c_model *board_tmp102(void) { return &tmp_model; }
