/* A negative return value is truncated to 8 bits by the process status. */
// exit: 255
#include <stdio.h>

int main(void) {
  printf("bye\n");
  return -1;
}
