/* Integer promotions: narrow types compute as int, then truncate when
** stored back. */
#include <stdio.h>
#include <stdint.h>

int main(void) {
  uint8_t a = 200, b = 100;
  int sum = a + b;
  uint8_t wrapped = a + b;
  printf("%d %d\n", sum, wrapped);
  int8_t c = 100, d = 100;
  int8_t e = c + d;
  printf("%d %d\n", c + d, e);
  uint16_t x = 60000, y = 10000;
  uint16_t z = x + y;
  printf("%d %d\n", x + y, z);
  int16_t s = 30000;
  s += 10000;
  printf("%d\n", s);
  uint8_t u = 0;
  u -= 1;
  printf("%d\n", u);
  uint8_t m = 16;
  printf("%d\n", m * m);            /* 256: promoted, not truncated */
  uint8_t mm = m * m;
  printf("%d\n", mm);
  unsigned char uc = 255;
  printf("%d %d\n", uc + 1, (unsigned char)(uc + 1));
  char ch = 'A';
  printf("%d %c\n", ch + 1, ch + 1);
  printf("%d\n", -a);               /* promoted to int, then negated */
  printf("%d\n", ~a);
  uint8_t sh = 1;
  printf("%d\n", sh << 10);
  int16_t neg = -2;
  uint16_t un = neg;
  printf("%d %d\n", neg, un);
  printf("%d\n", (uint16_t)-1 == 65535);
  printf("%d\n", (int8_t)200 == -56);
  return 0;
}
