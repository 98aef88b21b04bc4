/* Matrix multiplication and powers with 2-D arrays. */
#include <stdio.h>

#define N 4

void mul(int a[][N], int b[][N], int out[][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int s = 0;
      for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
      out[i][j] = s;
    }
}

void copy(int dst[][N], int src[][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) dst[i][j] = src[i][j];
}

void show(int m[][N]) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) printf("%8d", m[i][j]);
    printf("\n");
  }
}

int main(void) {
  int a[N][N], r[N][N], t[N][N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) a[i][j] = (i + 1) * (j + 2) % 7 - 3;
  show(a);
  copy(r, a);
  for (int p = 0; p < 5; p++) {
    mul(r, a, t);
    copy(r, t);
  }
  show(r);
  int fib[N][N] = { { 1, 1 }, { 1, 0 } };
  int f[N][N] = { { 1, 0 }, { 0, 1 } };
  for (int p = 0; p < 30; p++) {
    mul(f, fib, t);
    copy(f, t);
  }
  printf("fib(30) = %d\n", f[0][1]);
  return 0;
}
