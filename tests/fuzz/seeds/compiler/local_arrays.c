/* Local arrays are (re)initialised each time their declaration runs;
** initialisers may use variables; arrays in sibling blocks. */
#include <stdio.h>

int sum3(int a, int b, int c) {
  int v[3] = { a, b * 2, c * 3 };
  return v[0] + v[1] + v[2];
}

int main(void) {
  for (int round = 0; round < 3; round++) {
    int counts[4] = { 1, 2 };
    counts[round] += 10;
    printf("%d %d %d %d\n", counts[0], counts[1], counts[2], counts[3]);
  }
  printf("%d\n", sum3(1, 2, 3));
  int x = 5;
  int mixed[5] = { x, 0, x * x, 7 };
  for (int i = 0; i < 5; i++) printf("%d ", mixed[i]);
  printf("\n");
  {
    int a[4] = { 1, 1, 1, 1 };
    printf("%d\n", a[0] + a[3]);
  }
  {
    int b[4] = { 2 };
    printf("%d %d\n", b[0], b[3]);
  }
  char msg[8] = "abc";
  for (int i = 0; i < 3; i++) {
    char line[4] = "xyz";
    line[i] = msg[i];
    printf("%s ", line);
  }
  printf("\n");
  return 0;
}
