/*
** i2c_sensor.c -- read a TMP102 temperature sensor at I2C address 0x48
** once a second.
**
**   cockpit run examples/i2c_sensor.c --trace --max-ms 5000
**
** The TMP102 keeps the temperature in register 0 as a 12-bit value, left
** justified, in 1/16 degree C. A write of the register number selects it;
** a read then returns it MSB first. The simulated board has a TMP102 at
** 0x48 that warms from 22 degree C by 1/16 degree every second.
*/
// run: --max-ms 5000
#include "cockpit.h"

#define TMP102     0x48
#define REG_TEMP   0
#define REG_CONFIG 1

static int readings;

/* Temperature in 1/16 degree C, or -10000 if the sensor does not answer. */
int read_temp16(void) {
  uint8_t reg[1] = { REG_TEMP };
  uint8_t raw[2];
  if (i2c_write_read(TMP102, reg, 1, raw, 2) != 0) return -10000;
  int16_t v = (int16_t)(raw[0] << 8 | raw[1]);
  return v >> 4;                         /* arithmetic shift keeps the sign */
}

void print_temp(int t16) {
  int whole = t16 / 16, frac = (t16 < 0 ? -t16 : t16) % 16 * 100 / 16;
  printf("%d.%02d C", whole, frac);
}

void setup(void) {
  uint8_t reg[1] = { REG_CONFIG };
  uint8_t cfg[2];
  if (i2c_write_read(TMP102, reg, 1, cfg, 2) != 0) {
    printf("no TMP102 at 0x%02x\n", TMP102);
    return;
  }
  printf("TMP102 at 0x%02x, config 0x%02x%02x\n", TMP102, cfg[0], cfg[1]);
}

void loop(void) {
  int t = read_temp16();
  readings++;
  printf("%u ms: reading %d: ", millis(), readings);
  if (t == -10000) printf("sensor not answering");
  else print_temp(t);
  printf("\n");
  delay(1000);
}
