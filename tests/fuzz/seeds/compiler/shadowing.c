/* Block scope and shadowing of globals, parameters and outer locals. */
#include <stdio.h>

int x = 1;

int f(int x) {
  printf("param %d ", x);
  {
    int x = 30;
    printf("inner %d ", x);
  }
  return x;
}

int main(void) {
  printf("global %d\n", x);
  int x = 2;
  printf("local %d\n", x);
  {
    int x = 3;
    printf("block %d\n", x);
    {
      int x = 4;
      x++;
      printf("nested %d\n", x);
    }
    printf("block again %d\n", x);
  }
  printf("local again %d\n", x);
  printf("f %d\n", f(20));
  for (int x = 10; x < 12; x++) printf("for %d ", x);
  printf("\nafter for %d\n", x);
  int y = x;
  {
    int z = y + 1;
    int y = z * 2;
    printf("y %d\n", y);
  }
  printf("%d\n", y);
  return 0;
}
