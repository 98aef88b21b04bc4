/* Unsigned arithmetic: wrap-around, unsigned division and shifts. */
#include <stdio.h>

unsigned ops(unsigned a, unsigned b, int which) {
  switch (which) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return a % b;
    default: return a >> (b & 31);
  }
}

int main(void) {
  unsigned v[] = { 0u, 1u, 2u, 7u, 100u, 65535u, 2147483648u, 4294967295u, 0xDEADBEEFu };
  int n = sizeof v / sizeof v[0];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      printf("%u %u:", v[i], v[j]);
      for (int k = 0; k < 6; k++) {
        if ((k == 3 || k == 4) && v[j] == 0) continue;
        printf(" %u", ops(v[i], v[j], k));
      }
      printf("\n");
    }
  unsigned u = 0;
  u--;
  printf("%u %x %d\n", u, u, (int)u);
  unsigned big = 4000000000u;
  printf("%u %u %u\n", big / 3u, big % 1000u, big * 3u);
  printf("%u\n", 0xFFFFFFFFu / 16u);
  unsigned p = 1u;
  for (int i = 0; i < 40; i++) p *= 3u;
  printf("3^40 mod 2^32 = %u\n", p);
  return 0;
}
