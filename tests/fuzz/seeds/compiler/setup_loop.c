/* Arduino-style entry: setup() once, then loop() until the time limit. */
// run: --max-ms 1000
#include "cockpit.h"

int ticks;

void setup(void) {
  pinMode(LED_BUILTIN, OUTPUT);
  printf("setup\n");
}

void loop(void) {
  ticks++;
  digitalWrite(LED_BUILTIN, ticks % 2);
  printf("loop %d at %u ms, led %d\n", ticks, millis(), digitalRead(LED_BUILTIN));
  delay(300);
}
