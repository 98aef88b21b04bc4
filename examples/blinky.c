/*
** blinky.c -- blink the LED on pin 13: on for 500 ms, off for 500 ms.
**
**   cockpit run examples/blinky.c --trace --max-ms 3000
**
** --trace shows each GPIO write at its virtual time. Without --max-ms the
** program blinks forever (Ctrl-C stops it); on the simulated board time
** is virtual, so three seconds of blinking take no time at all.
*/
// run: --max-ms 3000
#include "cockpit.h"

#define LED       LED_BUILTIN
#define PERIOD_MS 500

static int blinks;

void setup(void) {
  pinMode(LED, OUTPUT);
  printf("blinky: LED on pin %d, %d ms on, %d ms off\n", LED, PERIOD_MS, PERIOD_MS);
}

void loop(void) {
  digitalWrite(LED, HIGH);
  delay(PERIOD_MS);
  digitalWrite(LED, LOW);
  delay(PERIOD_MS);
  blinks++;
  printf("blink %d at %u ms\n", blinks, millis());
  telemetry("blinks", blinks);   /* a metric the device reports (cockpit monitor) */
}
