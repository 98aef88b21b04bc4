/* while, do/while and for loops with break and continue; loops that run
** zero times; nested loops; infinite loops left with break. */
#include <stdio.h>

int main(void) {
  int i = 0;
  while (i < 5) {
    printf("w%d ", i);
    i++;
  }
  printf("\n");
  while (0) printf("never\n");
  int n = 10;
  while (n < 5) n++;
  printf("n %d\n", n);
  int d = 0;
  do {
    printf("d%d ", d);
    d += 2;
  } while (d < 7);
  printf("\n");
  do printf("once\n"); while (0);
  for (int k = 10; k > 0; k -= 3) printf("f%d ", k);
  printf("\n");
  for (int k = 0; k < 0; k++) printf("never\n");
  int total = 0;
  for (;;) {
    total++;
    if (total == 7) break;
  }
  printf("total %d\n", total);
  for (int k = 0; k < 10; k++) {
    if (k == 2) continue;
    if (k == 6) break;
    printf("k%d ", k);
  }
  printf("\n");
  int e = 0;
  do {
    e++;
    if (e < 3) continue;
    printf("e%d ", e);
  } while (e < 5);
  printf("\n");
  int w = 0;
  while (1) {
    if (++w > 4) break;
    if (w % 2) continue;
    printf("w%d ", w);
  }
  printf("\n");
  for (int a = 0; a < 3; a++) {
    for (int b = 0; b < 3; b++) {
      if (b > a) break;
      printf("%d%d ", a, b);
    }
  }
  printf("\n");
  unsigned u = 3;
  while (u--) printf("u%u ", u);
  printf("%u\n", u);
  int sum = 0;
  for (int a = 0; a < 100; a++)
    for (int b = 0; b < 100; b++)
      if ((a + b) % 7 == 0) sum += a - b;
  printf("sum %d\n", sum);
  return 0;
}
