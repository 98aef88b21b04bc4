/* Comparisons: signed, unsigned, and mixed (usual arithmetic conversions). */
#include <stdio.h>
#include <stdint.h>

int main(void) {
  int m = -1;
  unsigned one = 1;
  printf("%d %d %d\n", m < 1, m < (int)one, (unsigned)m < one);
  printf("%d\n", m < one);            /* -1 becomes UINT_MAX */
  printf("%d\n", -1 < 1u);
  printf("%d %d\n", m == 0xFFFFFFFFu, 4294967295u == -1);
  uint8_t c = 200;
  int8_t d = -56;
  printf("%d %d %d\n", c > d, c == (uint8_t)d, (int)c + d);
  unsigned short us = 65535;
  short ss = -1;
  printf("%d %d\n", us == ss, us > ss);  /* both promote to int */
  int vals[] = { -5, -1, 0, 1, 5, 2147483647, -2147483647 - 1 };
  for (int i = 0; i < 7; i++) {
    for (int j = 0; j < 7; j++) {
      int a = vals[i], b = vals[j];
      unsigned ua = (unsigned)a, ub = (unsigned)b;
      printf("%d%d%d%d%d%d %d%d%d%d ", a < b, a <= b, a > b, a >= b, a == b, a != b,
             ua < ub, ua <= ub, ua > ub, ua >= ub);
    }
    printf("\n");
  }
  unsigned z = 0;
  int zc = 0;
  if (z > 0) zc++;
  if (z >= 0) zc += 10;
  if (z <= 0) zc += 100;
  if (z < 1) zc += 1000;
  printf("zc %d\n", zc);
  return 0;
}
