/* Functions with 8 and more parameters, of mixed types, and array
** parameters among them. */
#include <stdio.h>
#include <stdint.h>

int sum8(int a, int b, int c, int d, int e, int f, int g, int h) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

int mix(uint8_t a, int8_t b, uint16_t c, int16_t d, unsigned e, int f, char g, int h[],
        int hn, int last) {
  int s = a + b + c + d + (int)e + f + g + last;
  for (int i = 0; i < hn; i++) s += h[i];
  return s;
}

int twelve(int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10,
           int a11, int a12) {
  return a1 - a2 + a3 - a4 + a5 - a6 + a7 - a8 + a9 - a10 + a11 - a12 + a12 * 1000;
}

int main(void) {
  printf("%d\n", sum8(1, 2, 3, 4, 5, 6, 7, 8));
  printf("%d\n", sum8(-1, -2, -3, -4, -5, -6, -7, -8));
  int arr[3] = { 100, 200, 300 };
  printf("%d\n", mix(255, -1, 65535, -32768, 10u, 20, 'A', arr, 3, 7));
  printf("%d\n", mix(300, 200, 70000, 40000, 1u, 1, 1, arr, 1, 1));
  printf("%d\n", twelve(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
  printf("%d\n", sum8(sum8(1, 1, 1, 1, 1, 1, 1, 1), 0, 0, 0, 0, 0, 0, sum8(0, 0, 0, 0, 0, 0, 0, 1)));
  return 0;
}
