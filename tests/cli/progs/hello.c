#include <stdio.h>

int main(void) {
  printf("hello, %s %d\n", "cockpit", 42);
  return 3;
}
