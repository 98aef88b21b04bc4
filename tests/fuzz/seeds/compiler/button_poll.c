/* The board's button on pin 2, pressed in given windows of virtual time. */
// run: --button 100:250,600:700
#include "cockpit.h"

int main(void) {
  pinMode(2, INPUT);
  int last = -1, changes = 0;
  for (int t = 0; t < 1000; t += 50) {
    int b = digitalRead(2);
    if (b != last) {
      printf("%u ms: %s\n", millis(), b ? "pressed" : "released");
      last = b;
      changes++;
    }
    delay(50);
  }
  printf("%d changes\n", changes);
  return 0;
}
