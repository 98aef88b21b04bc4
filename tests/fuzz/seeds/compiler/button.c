/*
** button.c -- a push button on pin 2 toggles the LED on pin 13.
**
**   cockpit run examples/button.c --button 200:450,1000:1020,1030:1300 --max-ms 2000
**
** The simulated board presses its button (pin 2, HIGH while pressed) in
** the windows --button gives, in ms of virtual time. The program polls it
** every 10 ms and ignores changes shorter than 30 ms (debouncing), so the
** 20 ms blip at 1000 ms is not a press.
*/
// run: --button 200:450,1000:1020,1030:1300 --max-ms 2000
#include "cockpit.h"

#define BUTTON      2
#define LED         LED_BUILTIN
#define POLL_MS     10
#define DEBOUNCE_MS 30

static bool led_on;
static int stable = LOW;       /* debounced button level */
static int last_raw = LOW;
static uint32_t changed_at;    /* when the raw level last changed */
static int presses;

void setup(void) {
  pinMode(BUTTON, INPUT);
  pinMode(LED, OUTPUT);
  digitalWrite(LED, LOW);
  printf("button: press to toggle the LED\n");
}

void loop(void) {
  int raw = digitalRead(BUTTON);
  uint32_t now = millis();
  if (raw != last_raw) {
    last_raw = raw;
    changed_at = now;
  }
  if (raw != stable && now - changed_at >= DEBOUNCE_MS) {
    stable = raw;
    if (stable == HIGH) {
      presses++;
      led_on = !led_on;
      digitalWrite(LED, led_on ? HIGH : LOW);
      printf("%u ms: press %d, LED %s\n", now, presses, led_on ? "on" : "off");
    } else {
      printf("%u ms: released\n", now);
    }
  }
  delay(POLL_MS);
}
