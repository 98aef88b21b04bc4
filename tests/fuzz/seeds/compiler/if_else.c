/* if/else chains, dangling else, nested conditions, constant conditions. */
#include <stdio.h>



int classify(int x) {
  if (x < 0) return -1;
  else if (x == 0) return 0;
  else if (x < 10) return 1;
  else if (x < 100) return 2;
  else return 3;
}

int main(void) {
  int v[] = { -5, 0, 7, 42, 1000 };
  for (int i = 0; i < 5; i++) printf("%d ", classify(v[i]));
  printf("\n");
  int a = 1, b = 0;
  if (a)
    if (b) printf("a and b\n");
    else printf("a, not b\n");
  if (0) printf("dead\n");
  if (1) printf("live\n"); else printf("dead too\n");
  int x = 3;
  if (x > 2) {
    int x = 10;
    if (x > 5) printf("inner %d\n", x);
  } else {
    printf("never\n");
  }
  if (x) {} else { printf("empty then\n"); }
  if (!x) ; else printf("x nonzero\n");
  int count = 0;
  for (int i = 0; i < 20; i++) {
    if (i % 2) continue;
    if (i % 3 == 0) count += 10;
    else if (i % 5 == 0) count += 100;
    else count += 1;
  }
  printf("%d\n", count);
  return 0;
}
