/* fib: recursive calls. */
#include <stdio.h>

int fib(int n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

int main(void) {
  int r = fib(37);
  printf("fib %d\n", r);
  return 0;
}
