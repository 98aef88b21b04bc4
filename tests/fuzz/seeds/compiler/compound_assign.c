/* Every compound assignment on ints, unsigned and narrow types, on
** variables, globals and array elements. */
#include <stdio.h>
#include <stdint.h>

int g = 100;
uint8_t gb = 250;
int arr[3] = { 10, 20, 30 };
int8_t sb[2] = { 100, -100 };

int main(void) {
  int x = 1000;
  x += 5; printf("%d ", x);
  x -= 10; printf("%d ", x);
  x *= 3; printf("%d ", x);
  x /= 7; printf("%d ", x);
  x %= 100; printf("%d ", x);
  x <<= 4; printf("%d ", x);
  x >>= 2; printf("%d ", x);
  x &= 0xF0; printf("%d ", x);
  x |= 0x101; printf("%d ", x);
  x ^= 0xFF; printf("%d\n", x);
  unsigned u = 5;
  u -= 10; printf("%u ", u);
  u /= 3; printf("%u ", u);
  u >>= 28; printf("%u\n", u);
  int m = -100;
  m /= 7; printf("%d ", m);
  m %= 5; printf("%d ", m);
  m >>= 1; printf("%d\n", m);
  uint8_t b = 250;
  b += 10; printf("%d ", b);
  b -= 20; printf("%d ", b);
  b *= 3; printf("%d ", b);
  b <<= 3; printf("%d ", b);
  b |= 0x101; printf("%d\n", b);
  int8_t s = 120;
  s += 10; printf("%d ", s);
  s *= -1; printf("%d ", s);
  s -= 100; printf("%d\n", s);
  uint16_t h = 65000;
  h += 1000; printf("%d ", h);
  int16_t sh = -32000;
  sh -= 1000; printf("%d\n", sh);
  g += 11; g *= 2; g >>= 1; printf("g %d\n", g);
  gb += 10; printf("gb %d\n", gb);
  arr[1] += 5; arr[2] *= arr[1]; arr[0] -= arr[2];
  printf("arr %d %d %d\n", arr[0], arr[1], arr[2]);
  sb[0] += 100; sb[1] -= 100;
  printf("sb %d %d\n", sb[0], sb[1]);
  int i = 0;
  int v[4] = { 1, 2, 3, 4 };
  v[i++] += 10;
  printf("%d %d %d\n", v[0], v[1], i);
  unsigned w = 7;
  int neg = -1;
  w += neg; printf("%u\n", w);
  int q = 7;
  q /= 2u;   /* unsigned division, converted back */
  printf("%d\n", q);
  int r = -7;
  r /= 2u;
  printf("%d\n", r);
  return 0;
}
