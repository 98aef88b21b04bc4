/* Fletcher-32 over 360 bytes, the Femto-Containers benchmark kernel. The
** same text is the guest (cockpit build) and, with -DCOCKPIT_NATIVE, the
** native reference linked into the benchmark firmware (src/ports/
** mps2-an386/mps2_bench.c), which times bench() both ways. */
#include <stdint.h>
#ifndef COCKPIT_NATIVE
#include <stdio.h>
#endif

uint16_t data[180];
uint32_t result;

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

void bench_init(void) {
  for (int i = 0; i < 180; i++) data[i] = (uint16_t)(i * 7919 + 13);
}

uint32_t bench(void) {
  result = fletcher32(data, 180);
  return result;
}

#ifndef COCKPIT_NATIVE
int main(void) {
  bench_init();
  bench();
  printf("fletcher32 %08x\n", result);
  return 0;
}
#endif
