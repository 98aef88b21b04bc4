#include <stdio.h>
int main(void) {
  printf("%300d\n", 1);
  return 0;
}
