/* fault.c -- a guest that writes past the end of an array it was given.
** The VM stops it with the guest's file:line; the host keeps running.
**
**   cockpit run examples/fault.c      (exit status 70)
*/
#include <stdio.h>

int samples[8];

void record(int buf[], int n) {
  for (int i = 0; i <= n; i++)   /* off by one: writes buf[n] */
    buf[i] = i * i;
}

int main(void) {
  printf("recording 8 samples\n");
  record(samples, 8);
  printf("never printed\n");
  return 0;
}
