/* Many live locals at once (register pressure) and deep expressions. */
#include <stdio.h>

int mix(int v0, int v1, int v2, int v3, int v4, int v5, int v6, int v7) {
  int a0 = v0 + 1, a1 = v1 * 2, a2 = v2 - 3, a3 = v3 ^ 4, a4 = v4 | 5, a5 = v5 & 6;
  int a6 = v6 << 1, a7 = v7 >> 1, a8 = a0 + a1, a9 = a2 + a3, a10 = a4 + a5, a11 = a6 + a7;
  int a12 = a8 * a9, a13 = a10 * a11, a14 = a12 - a13, a15 = a14 + a0;
  int b0 = a15 + a14 + a13 + a12 + a11 + a10 + a9 + a8 + a7 + a6 + a5 + a4 + a3 + a2 + a1 + a0;
  int b1 = ((((a0 + a1) * (a2 + a3)) - ((a4 + a5) * (a6 + a7))) + (((a8 - a9) * (a10 - a11)) +
            ((a12 + a13) * (a14 - a15))));
  return b0 ^ b1;
}

int main(void) {
  int total = 0;
  for (int i = 0; i < 20; i++) total += mix(i, i + 1, i + 2, i + 3, i * 2, i * 3, i * 5, i * 7);
  printf("%d\n", total);
  int x1 = 1, x2 = 2, x3 = 3, x4 = 4, x5 = 5, x6 = 6, x7 = 7, x8 = 8, x9 = 9, x10 = 10;
  int x11 = 11, x12 = 12, x13 = 13, x14 = 14, x15 = 15, x16 = 16, x17 = 17, x18 = 18;
  for (int k = 0; k < 5; k++) {
    x1 += x18; x2 += x1; x3 += x2; x4 += x3; x5 += x4; x6 += x5; x7 += x6; x8 += x7;
    x9 ^= x8; x10 ^= x9; x11 -= x10; x12 -= x11; x13 *= 3; x14 = x13 - x12;
    x15 = x14 % 1000; x16 = x15 / 3; x17 = x16 << 2; x18 = x17 >> 1;
  }
  printf("%d %d %d %d %d %d\n", x1, x5, x9, x12, x15, x18);
  return 0;
}
