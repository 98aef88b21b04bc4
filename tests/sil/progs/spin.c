/* A loop that never ends, stopped by the step limit after exactly the same
** number of instructions on both boards. */
// exit: 75
// run: --max-steps 250000
#include <stdio.h>

int main(void) {
  unsigned x = 1;
  printf("spinning\n");
  for (;;) x = x * 1103515245u + 12345u;
  return (int)x;
}
