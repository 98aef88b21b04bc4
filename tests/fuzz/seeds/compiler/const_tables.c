/* const lookup tables (read-only data), const arrays passed to
** functions, local const arrays. */
#include <stdio.h>
#include <stdint.h>

const uint8_t sine[16] = { 128, 177, 218, 245, 255, 245, 218, 177, 128, 79, 38, 11, 1, 11, 38, 79 };
const int16_t deltas[4] = { -1000, 0, 1000, 32767 };
const int primes[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29 };
const char hexdigits[] = "0123456789abcdef";
const int shared[3] = { 4, 5, 6 };

int total(const int a[], int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

void hex(unsigned v) {
  char out[9];
  for (int i = 7; i >= 0; i--) {
    out[i] = hexdigits[v & 15];
    v >>= 4;
  }
  out[8] = 0;
  printf("%s\n", out);
}

int main(void) {
  int s = 0;
  for (int i = 0; i < 16; i++) s += sine[i];
  printf("%d %d\n", s, sine[4]);
  for (int i = 0; i < 4; i++) printf("%d ", deltas[i]);
  printf("\n");
  printf("%d %d\n", primes[9], (int)(sizeof primes / sizeof primes[0]));
  hex(0xC0FFEE42u);
  printf("%d\n", total(shared, 3));
  const int local[5] = { 10, 20, 30, 40, 50 };
  int idx = 3;
  printf("%d %d\n", local[idx], local[idx - 3]);
  const uint8_t pattern[] = { 1, 2, 4, 8 };
  int acc = 0;
  for (int i = 0; i < 4; i++) acc = acc * 16 + pattern[i];
  printf("%x\n", acc);
  return 0;
}
