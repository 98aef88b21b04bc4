/* Prefix and postfix ++/-- on locals, globals, array elements and narrow
** types; their values. */
#include <stdio.h>
#include <stdint.h>

int g;
uint8_t gb = 255;
int a[5];
uint16_t h[2] = { 65535, 0 };

int main(void) {
  int x = 5;
  printf("%d ", x++);
  printf("%d ", x);
  printf("%d ", ++x);
  printf("%d ", x--);
  printf("%d ", --x);
  printf("%d\n", x);
  int g1 = g++;
  int g2 = g++;
  int g3 = ++g;
  printf("%d %d %d %d\n", g1, g2, g3, g);
  gb++;
  printf("gb %d\n", gb);
  gb--;
  printf("gb %d\n", gb);
  for (int i = 0; i < 5; i++) a[i] = i * i;
  int i = 1;
  printf("%d ", a[i]++);
  printf("%d ", a[i]);
  printf("%d ", ++a[i]);
  printf("%d ", a[i]--);
  printf("%d ", --a[++i]);
  printf("%d %d\n", a[2], i);
  h[0]++;
  h[1]--;
  printf("h %d %d\n", h[0], h[1]);
  int8_t c = 127;
  c++;
  printf("%d\n", c);
  int8_t d = -128;
  int8_t old = d--;
  printf("%d %d\n", old, d);
  uint8_t u8 = 0;
  int u8old = u8--;
  printf("%d %d\n", u8old, u8);
  int y = 10;

  y = 10;
  int p = y++;
  int q = y++;
  printf("%d %d %d\n", p, q, y);
  int n = 0;
  while (n++ < 3) printf("n%d ", n);
  printf("\n");
  int m = 3;
  while (m--) printf("m%d ", m);
  printf("%d\n", m);
  /* a[i++] as a store target and as a value */
  uint8_t buf[8];
  int len = 0;
  for (int k = 0; k < 5; k++) buf[len++] = (uint8_t)(k * 60);
  int pos = 0, sum = 0;
  while (pos < len) sum += buf[pos++];
  int back = len;
  int last = buf[--back];
  int prev = buf[back--];
  printf("%d %d %d %d %d %d\n", len, pos, sum, last, prev, back);
  unsigned ui = 2;
  a[ui++] = 77;
  a[ui--] = 88;
  printf("%d %d %u\n", a[2], a[3], ui);
  return 0;
}
