/* The conditional operator: values, types, nesting, side effects. */
#include <stdio.h>
#include <stdint.h>

int max3(int a, int b, int c) { return a > b ? (a > c ? a : c) : (b > c ? b : c); }
int sign(int x) { return x < 0 ? -1 : x > 0 ? 1 : 0; }
int n;
int next(void) { return ++n; }

int main(void) {
  printf("%d %d %d\n", max3(1, 2, 3), max3(9, 2, 3), max3(1, 8, 3));
  for (int i = -2; i <= 2; i++) printf("%d ", sign(i));
  printf("\n");
  int x = 0;
  int y = x ? next() : next() + 10;
  printf("%d %d\n", y, n);
  unsigned u = 1;
  int neg = -1;
  printf("%u\n", 1 ? neg : u);       /* common type is unsigned */
  printf("%d\n", (1 ? neg : u) > 0);
  uint8_t small = 200;
  printf("%d\n", 0 ? small : small + 100);
  const int k = 3;
  printf("%s\n", k > 2 ? "big" : "small");
  int z = 5;
  z = z > 3 ? z * 2 : z - 1;
  printf("%d\n", z);
  int a = 1, b = 2;
  (a < b ? printf("a<b\n") : printf("a>=b\n"));
  printf("%d\n", a ? b ? 12 : 10 : 0);
  return 0;
}
