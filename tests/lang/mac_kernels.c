/* Multiply-accumulate kernels over two-dimensional arrays: the compiler
** turns acc += x[..][..] * y[..][..] in a counting loop into one MACP
** (words) or MACPS16 (signed halfwords) when both elements walk with the
** loop. Every variant here must still compute exactly what C computes,
** including the ones it must leave alone. */
#include <stdio.h>
#include <stdint.h>

#define N 6
int a[N][N], b[N][N];
int16_t h[N][N], g[N][N];
uint32_t u[N][N], v[N][N];
uint16_t w[N][N];
const int16_t coef[2][N] = { { 3, -1, 4, -1, 5, -9 }, { 2, 6, -5, 3, -5, 8 } };

int dot_rows(int p[N][N], int q[N][N], int i, int j) {
  int s = 0;
  for (int k = 0; k < N; k++) s += p[i][k] * q[k][j];
  return s;
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (i * 7 + j * 3) % 11 - 5;
      b[i][j] = (i + j * 5) % 9 - 4;
      h[i][j] = (int16_t)((i * 9001 + j * 1234) % 65536 - 32768);
      g[i][j] = (int16_t)((i * 4321 - j * 777) % 30000);
      u[i][j] = 0x80000000u + (uint32_t)(i * 123457 + j * 98765);
      v[i][j] = 0xFFFFFFF0u - (uint32_t)(i * 31 + j);
      w[i][j] = (uint16_t)(60000 + i * 100 + j);
    }

  int c[N][N];
  int check = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int s = 0;
      for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
      check = check * 31 + s;
    }
  printf("int matmul %d c[2][3]=%d\n", check, c[2][3]);

  /* signed halfwords: products near 2^30, sums that wrap */
  check = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int s = 7;
      for (int k = 0; k < N; k++) s += h[i][k] * g[k][j];
      check ^= s + i * j;
    }
  printf("int16 %d\n", check);

  /* unsigned words, wrapping products, unsigned accumulator */
  uint32_t us = 0;
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) us += u[i][k] * v[k][i];
  printf("uint32 %u\n", us);

  /* unsigned halfwords are not signed: must not use MACPS16 */
  int ws = 0;
  for (int k = 0; k < N; k++) ws += w[1][k] * w[k][2];
  printf("uint16 %d\n", ws);

  /* mixed widths, a const table, a narrow accumulator: left alone */
  int mixed = 0;
  for (int k = 0; k < N; k++) mixed += a[2][k] * h[k][3];
  int cst = 0;
  for (int k = 0; k < N; k++) cst += coef[1][k] * h[4][k];
  int16_t narrow = 0;
  for (int k = 0; k < N; k++) narrow += h[0][k] * g[k][0];
  printf("mixed %d const %d narrow %d\n", mixed, cst, narrow);

  /* the accumulator's value used inside the loop, and a second statement */
  int run = 0, peak = -1000000;
  for (int k = 0; k < N; k++) {
    run += a[3][k] * b[k][4];
    if (run > peak) peak = run;
  }
  printf("run %d peak %d\n", run, peak);

  /* arrays passed as parameters, a local array */
  printf("params %d %d\n", dot_rows(a, b, 1, 2), dot_rows(b, a, 5, 0));
  int loc[N][N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) loc[i][j] = a[j][i] - b[i][j];
  int ls = 0;
  for (int k = 0; k < N; k++) ls += loc[4][k] * loc[k][1];
  printf("local %d\n", ls);

  /* steps other than one, and a column index that is not the loop's */
  int st = 0;
  for (int k = 1; k < N; k += 2) st += a[k][0] * b[5][k];
  int j = 4, cs = 0;
  for (int k = 0; k < N; k++) cs += a[k][j] * b[j][k];
  printf("step %d col %d\n", st, cs);
  return 0;
}
