/* An array index past the end faults (bounds are checked at run time). */
// exit: 70
#include <stdio.h>

int table[4] = { 1, 2, 3, 4 };

int main(void) {
  int s = 0;
  for (int i = 0; i <= 4; i++) {
    s += table[i];
    printf("%d\n", s);
  }
  return s;
}
