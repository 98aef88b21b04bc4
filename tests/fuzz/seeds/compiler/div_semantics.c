/* Division truncates toward zero; the remainder has the dividend's sign;
** unsigned division of "negative" values. */
#include <stdio.h>

int main(void) {
  int a[] = { 7, -7, 7, -7, 1, -1, 0, 100, -100 };
  int b[] = { 2, 2, -2, -2, 3, 3, 5, 7, -7 };
  for (int i = 0; i < 9; i++)
    printf("%d/%d=%d %d%%%d=%d  ", a[i], b[i], a[i] / b[i], a[i], b[i], a[i] % b[i]);
  printf("\n");
  for (int i = 0; i < 9; i++) {
    unsigned ua = (unsigned)a[i], ub = (unsigned)b[i];
    printf("%u ", ua / ub);
  }
  printf("\n");
  int x = -9;
  printf("%d %d %d\n", x / 4, x >> 2, x % 4);
  unsigned p = 1000;
  printf("%u %u %u %u\n", p / 8, p % 8, p / 10, p % 16);
  int y = 1000;
  printf("%d %d %d %d\n", y / 8, y % 8, -y / 8, -y % 8);
  return 0;
}
