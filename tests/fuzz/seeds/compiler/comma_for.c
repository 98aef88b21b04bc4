/* The comma operator, in for clauses and in expressions. */
#include <stdio.h>

int main(void) {
  int i, j;
  for (i = 0, j = 10; i < j; i++, j--) printf("%d,%d ", i, j);
  printf("\n");
  int x = (1, 2, 3);
  printf("%d\n", x);
  int a = 0, b = 0;
  int c = (a = 5, b = a * 2, a + b);
  printf("%d %d %d\n", a, b, c);
  for (int k = 0, m = 1; k < 5; k++, m *= 2) printf("%d:%d ", k, m);
  printf("\n");
  int n = 0;
  while (n++, n < 4) printf("n=%d ", n);
  printf("\n");
  int s = 0;
  for (int p = 0, q = 0; p < 3; p++) for (q = 0; q < 3; q++) s += p * q;
  printf("%d\n", s);
  return 0;
}
