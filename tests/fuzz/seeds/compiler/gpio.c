/* GPIO: pin modes, writes read back on outputs, pull-ups, inputs. */
#include "cockpit.h"

int main(void) {
  pinMode(LED_BUILTIN, OUTPUT);
  digitalWrite(LED_BUILTIN, HIGH);
  printf("led %d\n", digitalRead(LED_BUILTIN));
  digitalWrite(LED_BUILTIN, LOW);
  printf("led %d\n", digitalRead(LED_BUILTIN));
  digitalWrite(LED_BUILTIN, 5);          /* any nonzero value is HIGH */
  printf("led %d\n", digitalRead(LED_BUILTIN));
  pinMode(7, INPUT_PULLUP);
  pinMode(8, INPUT);
  printf("pullup %d input %d\n", digitalRead(7), digitalRead(8));
  printf("button %d\n", digitalRead(2));
  for (int pin = 3; pin < 6; pin++) {
    pinMode(pin, OUTPUT);
    digitalWrite(pin, pin % 2);
  }
  for (int pin = 3; pin < 6; pin++) printf("%d", digitalRead(pin));
  printf("\n");
  analogWrite(9, 128);
  printf("HIGH=%d LOW=%d INPUT=%d OUTPUT=%d INPUT_PULLUP=%d LED_BUILTIN=%d\n", HIGH, LOW,
         INPUT, OUTPUT, INPUT_PULLUP, LED_BUILTIN);
  return 0;
}
