/* Integer literals: decimal, hex, octal, binary, u suffixes, types. */
#include <stdio.h>

int main(void) {
  printf("%d %d %d %d\n", 42, 0x2A, 052, 0b101010);
  printf("%d %d\n", 0, 00);
  printf("%u %u %u\n", 42u, 0x2AU, 052u);
  printf("%x %X\n", 0xdeadbeef, 0XCAFEBABE);
  printf("%u\n", 4294967295u);
  printf("%d\n", 0x7FFFFFFF);
  printf("%u\n", 0x80000000);          /* hex that does not fit int: unsigned */
  printf("%d\n", 0x80000000 > 0);      /* unsigned comparison */
  printf("%d\n", -2147483647 - 1);
  printf("%d\n", 017777777777);
  printf("%u\n", 037777777777);
  printf("%d %d\n", -0x10, -010);
  int big = 1000000;
  printf("%d\n", big * 1000);
  unsigned ub = 1000000u;
  printf("%u\n", ub * 1000u);
  printf("%d\n", 10 / 3 * 3 + 10 % 3);
  return 0;
}
