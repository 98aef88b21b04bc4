/* Shifts: arithmetic right shift of signed values, logical of unsigned,
** counts up to 31, shifts of narrow types after promotion. */
#include <stdio.h>
#include <stdint.h>

int main(void) {
  int s[] = { 1, -1, 12345, -12345, 2147483647, -2147483647 - 1 };
  for (int i = 0; i < 6; i++) {
    for (int k = 0; k < 32; k += 5) printf("%d<<%d=%d ", s[i], k, s[i] << k);
    printf("\n");
    for (int k = 0; k < 32; k += 5) printf("%d>>%d=%d ", s[i], k, s[i] >> k);
    printf("\n");
    unsigned u = (unsigned)s[i];
    for (int k = 0; k < 32; k += 5) printf("%u>>%d=%u ", u, k, u >> k);
    printf("\n");
  }
  int x = -8;
  printf("%d %d %d\n", x >> 1, x >> 31, (x >> 1) << 1);
  printf("%d\n", -1 >> 31);
  uint8_t b = 0x81;
  printf("%d %d\n", b << 1, b >> 1);
  int8_t c = -128;
  printf("%d %d\n", c >> 3, c << 2);
  uint16_t h = 0x8000;
  printf("%d %u\n", h << 16, (unsigned)(h << 16));
  unsigned one = 1u;
  printf("%u %u\n", one << 31, (one << 31) >> 31);
  int k = 31;
  printf("%d %u\n", 1 << k, 1u << k);
  int sh = 3;
  int acc = 100;
  acc <<= sh;
  printf("%d\n", acc);
  acc >>= 2;
  printf("%d\n", acc);
  return 0;
}
