/* An out-of-bounds write through an array parameter: the descriptor
** carries the caller's array length. */
// fault: 8: array index out of bounds
#include <stdint.h>
void clear(uint8_t buf[], int n) {
  for (int i = 0; i < n; i++) {
    if (i > 100) return;
    buf[i] = 0;
  }
}
int main(void) {
  uint8_t small[5];
  clear(small, 10);
  return 0;
}
