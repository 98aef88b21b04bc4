/* main's return value is the program's exit status. */
// exit: 42
#include <stdio.h>

int compute(void) { return 6 * 7; }

int main(void) {
  printf("returning %d\n", compute());
  return compute();
}
