/* matmul: 2-D integer matrix multiply. */
#include <stdio.h>
#include <stdint.h>

#define N 48
int a[N][N];
int b[N][N];
int c[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (i * 3 + j) % 17 - 8;
      b[i][j] = (i + j * 5) % 13 - 6;
    }
  int check = 0;
  for (int r = 0; r < 1200; r++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        int s = 0;
        for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    a[r % N][(r * 7) % N] += 1;
    check += c[r % N][(r * 3) % N];
  }
  printf("matmul %d\n", check);
  return 0;
}
