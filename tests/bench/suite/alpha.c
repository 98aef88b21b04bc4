/* alpha: a short LCG loop, for the `cockpit bench` tests. */
#include <stdio.h>
#include <stdint.h>

int main(void) {
  uint32_t x = 1;
  for (int i = 0; i < 100000; i++) x = x * 1103515245u + 12345u;
  printf("alpha %u\n", x);
  return 0;
}
