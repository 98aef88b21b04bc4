/* Precedence and associativity of every operator; long expressions. */
#include <stdio.h>

int main(void) {
  int a = 3, b = 5, c = 7, d = 11;
  printf("%d\n", a + b * c - d / a % b);
  printf("%d\n", a << 2 + 1);
  printf("%d\n", (a << 2) + 1);
  printf("%d\n", a < b == c < d);
  printf("%d\n", a & b | c ^ d);
  printf("%d\n", a || b && 0);
  printf("%d\n", a - b - c - d);
  printf("%d\n", a - (b - (c - d)));
  printf("%d\n", 100 / 10 / 5);
  printf("%d\n", -a * -b);
  printf("%d\n", ~a + !b - -c);
  printf("%d\n", a > b ? a : b > c ? b : c);
  int x, y, z;
  x = y = z = 4;
  printf("%d %d %d\n", x, y, z);
  x += y -= z *= 2;
  printf("%d %d %d\n", x, y, z);
  printf("%d\n", ((a + b) * (c - d) + (a * b - c) * (d + a)) / (b - a));
  int e = a * b + c * d - (a + b + c + d) * (a - d) + (b << 3) - (c >> 1) + (d % 4) - (a ^ c);
  printf("%d\n", e);
  unsigned u = 0xFFFFu;
  printf("%u\n", (u << 16 | u >> 4) & 0xF0F0F0F0u ^ 0x0F0F0F0Fu);
  printf("%d\n", (a, b, c));
  printf("%d\n", a++ + ++b);
  printf("%d %d\n", a, b);
  return 0;
}
