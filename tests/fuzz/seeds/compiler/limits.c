/* <stdint.h> and <limits.h> limits, and arithmetic at the edges. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

int main(void) {
  printf("%d %d %d\n", INT8_MIN, INT8_MAX, UINT8_MAX);
  printf("%d %d %d\n", INT16_MIN, INT16_MAX, UINT16_MAX);
  printf("%d %d %u\n", INT32_MIN, INT32_MAX, UINT32_MAX);
  printf("%d %d %u %d\n", INT_MIN, INT_MAX, UINT_MAX, CHAR_BIT);
  printf("%d %d %d %d %d\n", SCHAR_MIN, SCHAR_MAX, UCHAR_MAX, SHRT_MIN, USHRT_MAX);
  int x = INT_MAX;
  printf("%d %d\n", x + 1, x * 2);
  int y = INT_MIN;
  printf("%d %d %d\n", y - 1, -y, y / 2);
  unsigned u = UINT_MAX;
  printf("%u %u\n", u + 1, u * u);
  printf("%d\n", INT_MIN % 7);
  printf("%d %d\n", INT_MAX / -1, INT_MIN / 1);
  return 0;
}
