#include <stdio.h>
int main(void) {
  printf("%*d\n", 3, 1);
  return 0;
}
