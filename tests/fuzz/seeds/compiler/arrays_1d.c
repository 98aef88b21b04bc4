/* One-dimensional arrays: globals, locals, initialiser lists (partial
** lists zero-fill), sizes from initialisers, sizeof, constant indexes. */
#include <stdio.h>

int g[5] = { 1, 2, 3 };
int gz[4];
int sized[] = { 9, 8, 7, 6, 5, 4 };

int main(void) {
  for (int i = 0; i < 5; i++) printf("%d ", g[i]);
  printf("\n");
  for (int i = 0; i < 4; i++) printf("%d ", gz[i]);
  printf("\n");
  printf("%d %d\n", (int)(sizeof sized / sizeof sized[0]), (int)sizeof sized);
  int local[6] = { 5, 4 };
  for (int i = 0; i < 6; i++) printf("%d ", local[i]);
  printf("\n");
  int zero[8] = { 0 };
  int s = 0;
  for (int i = 0; i < 8; i++) s += zero[i];
  printf("zero sum %d\n", s);
  int sq[10];
  for (int i = 0; i < 10; i++) sq[i] = i * i;
  for (int i = 9; i >= 0; i--) printf("%d ", sq[i]);
  printf("\n");
  sq[0] = sq[9] + sq[8];
  sq[sq[2]] = -1;
  printf("%d %d\n", sq[0], sq[4]);
  int idx = 3;
  g[idx] = g[idx - 1] * 10;
  g[g[0]] += 100;
  printf("%d %d %d\n", g[3], g[1], g[idx + 1]);
  int fib[20] = { 0, 1 };
  for (int i = 2; i < 20; i++) fib[i] = fib[i - 1] + fib[i - 2];
  printf("fib19 %d\n", fib[19]);
  int rev[5] = { 1, 2, 3, 4, 5 };
  for (int i = 0, j = 4; i < j; i++, j--) {
    int t = rev[i];
    rev[i] = rev[j];
    rev[j] = t;
  }
  for (int i = 0; i < 5; i++) printf("%d", rev[i]);
  printf("\n");
  return 0;
}
