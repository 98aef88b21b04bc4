/* Corners: sizeof does not evaluate, switch evaluates once, assignment
** chains through arrays and globals, local const arrays passed on, ?:
** choosing arrays for user functions, %c of negative values, recursion
** 200 calls deep. */
#include <stdio.h>
#include <stdint.h>

int g;
int calls;

int next(void) { return ++calls; }

int total(const int a[], int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

int len(const char s[]) {
  int n = 0;
  while (s[n]) n++;
  return n;
}

int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }

int main(void) {
  int x = 5;
  int sz = sizeof(x++);
  printf("%d %d\n", sz, x);
  switch (next()) {
    case 1: printf("one\n");
    case 2: printf("fall %d\n", calls); break;
    default: printf("default\n");
  }
  int a[3], b[3];
  a[1] = b[2] = g = 7;
  printf("%d %d %d\n", a[1], b[2], g);
  g += a[1] *= 2;
  printf("%d %d\n", g, a[1]);
  const int local[4] = { 1, 2, 3, 4 };
  printf("%d\n", total(local, 4));
  int flag = 1;
  printf("%d %d\n", len(flag ? "four" : "sixsix"), len(!flag ? "four" : "sixsix"));
  char yes[] = "yes", no[] = "no";
  printf("%s %s\n", flag ? yes : no, flag - 1 ? yes : no);
  printf("[%c][%c]\n", 'A' - 256, 65 + 512);
  printf("%d\n", depth(200));
  int8_t v = -1;
  printf("%u %x\n", (unsigned)v, v);
  uint16_t big = 65535;
  printf("%d %u\n", big * big, (unsigned)(big * big));
  return 0;
}
