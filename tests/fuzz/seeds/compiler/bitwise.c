/* Bitwise operators and their precedence against comparisons. */
#include <stdio.h>

int popcount(unsigned x) {
  int n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

int main(void) {
  unsigned a = 0xF0F0F0F0u, b = 0x12345678u;
  printf("%08x %08x %08x %08x\n", a & b, a | b, a ^ b, ~a);
  int x = 0x55;
  printf("%x %x %x %x\n", x & 0x0F, x | 0x100, x ^ 0xFF, ~x);
  printf("%d %d\n", 6 & 3 == 2, (6 & 3) == 2);
  printf("%d\n", 1 | 2 ^ 3 & 4);
  for (unsigned v = 0; v < 300; v += 37) printf("pop(%u)=%d ", v, popcount(v));
  printf("\npop(all)=%d\n", popcount(0xFFFFFFFFu));
  int m = -1;
  printf("%d %d %d\n", m & 255, m ^ m, ~m);
  unsigned flags = 0;
  flags |= 1u << 3;
  flags |= 1u << 7;
  flags &= ~(1u << 3);
  flags ^= 0xFFu;
  printf("flags %x\n", flags);
  return 0;
}
