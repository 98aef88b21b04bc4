/* The smallest program: printf and a return value of 0. */
#include <stdio.h>

int main(void) {
  printf("Hello, Cockpit!\n");
  printf("%d + %d = %d\n", 2, 3, 2 + 3);
  return 0;
}
