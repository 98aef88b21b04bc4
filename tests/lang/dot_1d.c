/* Dot products over one-dimensional arrays: acc += x[s] * y[t] with each
** subscript k, k + o, o + k or o - k (k the loop's counter, o fixed in the
** loop) is one MACP/MACPS16, and a loop that is only that statement one
** DOTP/DOTPS16 -- FIR filters, correlations, sums of squares. Each must
** compute exactly what C computes, the shapes left alone included. */
#include <stdio.h>
#include <stdint.h>

#define TAPS 12
#define LEN 64
int h[TAPS];
int x[LEN];
int16_t hs[TAPS], xs[LEN];
uint32_t ux[LEN];
uint16_t w16[LEN];

/* y[n] = sum h[k] * x[n - k]: a convolution, x walked backwards */
int fir_at(int n) {
  int acc = 0;
  for (int k = 0; k < TAPS; k++) acc += h[k] * x[n - k];
  return acc;
}

/* the same through array parameters, whose lengths the callee does not know */
int corr(int a[], int b[], int lag) {
  int s = 0;
  for (int k = 0; k <= 20; k += 2) s += a[k] * b[k + lag];
  return s;
}

int main(void) {
  for (int i = 0; i < TAPS; i++) {
    h[i] = (i * 37) % 11 - 5;
    hs[i] = (int16_t)(h[i] * 2731);
  }
  for (int i = 0; i < LEN; i++) {
    x[i] = (i * 7919) % 2001 - 1000;
    xs[i] = (int16_t)(x[i] * 32);
    ux[i] = 0x9E3779B9u * (uint32_t)(i + 1);
    w16[i] = (uint16_t)(i * 999);
  }
  unsigned chk = 0;
  for (int n = TAPS - 1; n < LEN; n++) {
    int a16 = 0;
    for (int k = 0; k < TAPS; k++) a16 += hs[k] * xs[n - k];
    int fwd = 0;
    for (int k = 0; k < TAPS; k++) fwd += x[k + n - TAPS + 1] * h[k];
    chk = chk * 31u + (unsigned)fir_at(n) + (unsigned)a16 * 7u + (unsigned)fwd;
  }
  printf("fir %u\n", chk);
  printf("corr %d %d\n", corr(x, x, 1), corr(x, x, 30));

  unsigned su = 0;                 /* words that wrap */
  for (int k = 0; k < LEN; k++) su += ux[k] * ux[LEN - 1 - k];
  int sq = 0;                      /* one element twice */
  for (int k = 0; k < LEN; k++) sq += x[k] * x[k];
  int16_t loc[10];                 /* a local array */
  for (int i = 0; i < 10; i++) loc[i] = (int16_t)(i * -3000);
  int sl = 0;
  for (int k = 1; k < 10; k++) sl += loc[k] * loc[k - 1];
  printf("wrap %u squares %d local %d\n", su, sq, sl);

  /* shapes that must stay ordinary loops, or loops around a MACP */
  int mixed = 0;
  for (int k = 0; k < LEN; k++) mixed += x[k] * xs[k];            /* int by int16_t */
  unsigned narrow = 0;
  for (int k = 0; k < LEN; k++) narrow += w16[k] * w16[LEN - 1 - k];  /* uint16_t */
  int two = 0, cnt = 0;
  for (int k = 0; k < LEN; k++) { two += x[k] * h[k % TAPS]; cnt++; }
  int brk = 0;
  for (int k = 0; k < LEN; k++) {
    brk += x[k] * x[LEN - 1 - k];
    if (brk > 3000000) break;
  }
  int k = 0, after = 0;
  for (k = 5; k < 40; k++) after += x[k] * x[k + 3];
  printf("mixed %d narrow %u two %d %d brk %d after %d %d\n", mixed, narrow, two, cnt, brk,
         after, k);

  int zero = 7;                    /* no iterations */
  for (int j = 10; j < 10; j++) zero += x[j] * h[j];
  printf("zero %d\n", zero);
  return 0;
}
