#include <stdio.h>
int main(void) {
  printf("%.3d\n", 1);
  return 0;
}
