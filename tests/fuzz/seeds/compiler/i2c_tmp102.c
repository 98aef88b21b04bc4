/* I2C: the TMP102 temperature sensor at 0x48; a missing device NACKs. */
#include "cockpit.h"

int read_temp16(void) {
  uint8_t reg[1] = { 0 };
  uint8_t raw[2];
  if (i2c_write_read(0x48, reg, 1, raw, 2) != 0) return -9999;
  int16_t v = (int16_t)((raw[0] << 8) | raw[1]);
  return v >> 4;                    /* 1/16 degree C */
}

int main(void) {
  uint8_t cfg[1] = { 1 };
  uint8_t out[2];
  printf("write %d\n", i2c_write(0x48, cfg, 1));
  printf("read %d\n", i2c_read(0x48, out, 2));
  printf("config %02x%02x\n", out[0], out[1]);
  printf("absent %d\n", i2c_write(0x50, cfg, 1));
  for (int i = 0; i < 4; i++) {
    int t = read_temp16();
    printf("%d.%04d C\n", t / 16, (t % 16) * 625);
    delay(20000);
  }
  uint8_t thigh[3] = { 3, 0x12, 0x34 };
  i2c_write(0x48, thigh, 3);
  uint8_t back[2];
  i2c_read(0x48, back, 2);
  printf("T_HIGH %02x %02x\n", back[0], back[1]);
  return 0;
}
