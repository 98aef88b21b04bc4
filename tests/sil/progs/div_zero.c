/* A division by zero after some output: both boards print the same line
** and report the same fault at the same pc. */
// exit: 70
#include <stdio.h>

int divide(int a, int b) { return a / b; }

int main(void) {
  int z = 0;
  printf("%d\n", divide(84, 2));
  printf("%d\n", divide(1, z));
  return 0;
}
