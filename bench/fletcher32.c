/* fletcher32: Fletcher-32 over 360 bytes, the Femto-Containers kernel. */
#include <stdio.h>
#include <stdint.h>

uint16_t data[180];

uint32_t fletcher32(uint16_t words[], int len) {
  uint32_t c0 = 0, c1 = 0;
  int i = 0;
  while (len > 0) {
    int block = len < 359 ? len : 359;
    len -= block;
    for (int k = 0; k < block; k++) {
      c0 = c0 + words[i];
      c1 = c1 + c0;
      i++;
    }
    c0 = c0 % 65535;
    c1 = c1 % 65535;
  }
  return (c1 << 16) | c0;
}

int main(void) {
  for (int i = 0; i < 180; i++) data[i] = (uint16_t)(i * 7919 + 13);
  uint32_t acc = 0;
  for (int r = 0; r < 500000; r++) {
    data[r % 180] = (uint16_t)(data[r % 180] + r);
    acc ^= fletcher32(data, 180);
  }
  printf("fletcher32 %08x\n", acc);
  return 0;
}
