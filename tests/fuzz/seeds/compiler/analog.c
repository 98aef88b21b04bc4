/* analogRead: channel 0 follows a triangle wave over virtual time, the
** other channels are fixed. */
#include "cockpit.h"

int main(void) {
  for (int ch = 1; ch < 8; ch++) printf("%d ", analogRead(ch));
  printf("\n");
  for (int i = 0; i < 6; i++) {
    printf("t=%u a0=%d\n", millis(), analogRead(0));
    delay(1500);
  }
  return 0;
}
