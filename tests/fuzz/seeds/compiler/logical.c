/* && and || short-circuit, ! and the value of logical expressions. */
#include <stdio.h>

int calls;

int t(int v) {
  calls++;
  printf("t(%d) ", v);
  return v;
}

int main(void) {
  int r;
  calls = 0;
  r = t(0) && t(1);
  printf("= %d calls %d\n", r, calls);
  r = t(1) && t(0);
  printf("= %d\n", r);
  r = t(2) && t(3);
  printf("= %d\n", r);
  r = t(0) || t(0);
  printf("= %d\n", r);
  r = t(5) || t(1);
  printf("= %d\n", r);
  r = t(0) || t(7);
  printf("= %d\n", r);
  r = (t(1) && t(0)) || (t(1) && t(2));
  printf("= %d\n", r);
  r = t(0) && (t(1) || t(2));
  printf("= %d\n", r);
  r = !t(0) && !t(3);
  printf("= %d\n", r);
  printf("%d %d %d %d\n", !0, !1, !42, !!42);
  printf("%d %d\n", 3 && -2, 0 || 0);
  int x = 5;
  if (x > 3 && x < 10) printf("in range\n");
  if (x < 3 || x > 4) printf("outside 3..4\n");
  if (!(x == 5)) printf("never\n"); else printf("x is 5\n");
  int a = 0, b = 0;
  (a = 1) || (b = 1);
  printf("a %d b %d\n", a, b);
  a = 0;
  (a = 0) && (b = 2);
  printf("a %d b %d\n", a, b);
  for (int i = 0; i < 6; i++) printf("%d", (i > 1 && i < 4) || i == 5);
  printf("\n");
  return 0;
}
