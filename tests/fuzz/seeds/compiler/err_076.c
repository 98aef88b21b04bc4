#include <stdio.h>
int main(void) {
  printf("%s\n", 42);
  return 0;
}
