/* delay() and millis()/micros() on the virtual clock: the board's time
** advances only while the program sleeps. */
#include "cockpit.h"

int main(void) {
  printf("start %u %u\n", millis(), micros());
  delay(250);
  printf("after 250 ms: %u\n", millis());
  delayMicroseconds(1500);
  printf("micros %u millis %u\n", micros(), millis());
  uint32_t t0 = millis();
  for (int i = 0; i < 4; i++) delay(100);
  printf("elapsed %u\n", millis() - t0);
  return 0;
}
