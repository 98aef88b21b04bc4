/* Collatz sequences: the longest chain below a bound. */
#include <stdio.h>

int steps(unsigned n) {
  int s = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n >> 1;
    s++;
  }
  return s;
}

int main(void) {
  int best = 0;
  unsigned arg = 0;
  for (unsigned n = 1; n < 3000; n++) {
    int s = steps(n);
    if (s > best) {
      best = s;
      arg = n;
    }
  }
  printf("%u takes %d steps\n", arg, best);
  printf("%d %d %d\n", steps(27), steps(97), steps(871));
  return 0;
}
