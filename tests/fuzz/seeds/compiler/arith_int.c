/* Signed 32-bit arithmetic: wrapping, truncating division, remainders. */
#include <stdio.h>

int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a - b; }
int mul(int a, int b) { return a * b; }
int quo(int a, int b) { return a / b; }
int rem(int a, int b) { return a % b; }

int main(void) {
  int v[] = { 0, 1, -1, 7, -7, 3, -3, 100, 2147483647, -2147483647 - 1 };
  int n = sizeof v / sizeof v[0];
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      int a = v[i], b = v[j];
      printf("%d %d: %d %d %d", a, b, add(a, b), sub(a, b), mul(a, b));
      if (b != 0 && !(a == -2147483647 - 1 && b == -1))
        printf(" %d %d", quo(a, b), rem(a, b));
      printf("\n");
    }
  }
  int x = 2147483647;
  x++;
  printf("wrap %d\n", x);
  x = -x;
  printf("neg INT_MIN %d\n", x);
  printf("const folding %d %d %d\n", 2147483647 + 1, -17 / 5, -17 % 5);
  printf("precedence %d %d %d\n", 2 + 3 * 4, (2 + 3) * 4, 20 - 5 - 3);
  return 0;
}
