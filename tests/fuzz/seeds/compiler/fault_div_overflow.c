/* INT_MIN / -1 traps (it has no int result). */
// fault: 6: integer overflow in division (INT_MIN / -1)
#include <limits.h>
int main(void) {
  int m = INT_MIN, d = -1;
  int q = m / d;
  return q;
}
