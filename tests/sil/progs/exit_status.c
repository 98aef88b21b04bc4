/* main's return value is the exit status, on the emulated board through
** semihosting. */
// exit: 42
#include <stdio.h>

int main(void) {
  printf("forty-two\n");
  return 42;
}
