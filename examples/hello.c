/* hello.c -- the smallest guest: print, compute, return an exit status.
**
**   cockpit run examples/hello.c        (exit status 0)
**   gcc -Iguest/include examples/hello.c guest/native/cockpit_native.c
*/
#include <stdio.h>
#include "cockpit.h"

int square(int x) { return x * x; }

int main(void) {
  printf("hello from CockpitVM on device %08x\n", device_id());
  for (int i = 1; i <= 3; i++) printf("%d squared is %d\n", i, square(i));
  return 0;
}
