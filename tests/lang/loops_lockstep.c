/* Counting loops whose counter the body never reads, while the body steps
** another variable by one as its last statement: the compiler closes such
** a loop on that variable (INCNE) and drops the counter. These must count
** exactly as C does, across wrap-around, zero-trip loops, break, and the
** shapes the transformation must leave alone. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

uint16_t data[40];

uint32_t sum16(uint16_t w[], int len) {
  uint32_t s = 0;
  int i = 0;
  while (len > 0) {
    int block = len < 7 ? len : 7;
    len -= block;
    for (int k = 0; k < block; k++) {
      s = s * 3 + w[i];
      i++;
    }
  }
  return s;
}

int main(void) {
  for (int i = 0; i < 40; i++) data[i] = (uint16_t)(i * 977 + 5);
  printf("sum16 %u %u %u\n", sum16(data, 40), sum16(data, 7), sum16(data, 0));

  /* the stepped variable wraps past INT_MAX (wrapping as gcc -fwrapv) */
  int i = INT_MAX - 3, n = 0;
  for (int k = 0; k < 10; k++) { n += i & 7; i++; }
  printf("wrap i=%d n=%d\n", i, n);

  unsigned u = 4294967290u;
  for (int k = 2; k < 12; k++) u++;
  printf("unsigned u=%u\n", u);

  /* zero trips, one trip, a bound in a variable, negative starts */
  int z = 5, lim = -3, c = 0;
  for (int k = 0; k < lim; k++) { c += 100; z++; }
  for (int k = -7; k < -6; k++) { c += 1; z++; }
  int top = 9;
  for (int k = -2; k < top; k++) { c += z; z++; }
  printf("edges z=%d c=%d\n", z, c);

  /* break leaves early; the stepped variable keeps its value */
  int j = 100, hits = 0;
  for (int k = 0; k < 50; k++) {
    if (data[j - 100] % 7 == 3) break;
    hits++;
    j++;
  }
  printf("break j=%d hits=%d\n", j, hits);

  /* left alone: continue skips the step, the counter is read, the
  ** variable is stepped twice, the step is not the last statement */
  int a = 0, b = 0, d = 0, e = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  for (int k = 0; k < 12; k++) { if (k % 3 == 0) continue; s1 += a; a++; }
  for (int k = 0; k < 12; k++) { s2 += b * k; b++; }
  for (int k = 0; k < 12; k++) { d++; s3 += d; d++; }
  for (int k = 0; k < 12; k++) { e++; s4 += e; }
  printf("alone a=%d b=%d d=%d e=%d %d %d %d %d\n", a, b, d, e, s1, s2, s3, s4);
  return 0;
}
