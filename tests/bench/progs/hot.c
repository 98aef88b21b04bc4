/* hot.c -- a loop whose lines differ in cost, for the profile tests. */
#include <stdio.h>

int main(void) {
  int s = 0;
  for (int i = 0; i < 1000; i++) {
    if (i % 3 == 0) s += 2;
    s += i;
  }
  printf("hot %d\n", s);
  return 0;
}
