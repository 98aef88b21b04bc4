/* novm: C that gcc builds, but not Cockpit C (no floating point). */
#include <stdio.h>

double half = 0.5;

int main(void) {
  printf("novm %d\n", (int)(half * 4));
  return 0;
}
