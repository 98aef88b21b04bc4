/* Loops the compiler optimises: bounds computed once before the loop,
** row offsets of 2-D accesses hoisted, counting variables whose range
** makes inner bounds checks unnecessary -- and loops where none of that
** is allowed because the values change inside. */
#include <stdio.h>
#include <stdint.h>

int m[4][5];
int16_t w[6][3];
uint8_t q[8][2];

/* m[k][c] with k counting: the index k * 5 + c is kept in a register */
int columns(int c, int step) {
  int s = 0;
  for (int k = 0; k < 4; k += step) s += m[k][c] * (k + 1);
  for (int k = 1; k < 4; k++) {
    if (k == 2) continue;
    s += m[k][2] + m[k][c];
  }
  return s;
}

int bounded(int n) {
  int s = 0;
  for (int i = 0; i < n - 1; i++) s += i;        /* n - 1 once */
  return s;
}

int shrinking(int n) {
  int s = 0;
  for (int i = 0; i < n - 1; i++) {             /* n changes: re-evaluated */
    s += i;
    n--;
  }
  return s;
}

int big_bound(void) {
  int s = 0;
  for (int i = 0; i < 1000; i++) s += i & 3;
  for (unsigned u = 0; u < 300u; u += 7) s += (int)u;
  int w = 0;
  while (w < 70000) w += 1000;
  return s + w;
}

int main(void) {
  printf("%d %d %d %d\n", bounded(10), bounded(0), shrinking(10), big_bound());
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 5; j++) m[i][j] = i * 10 + j;
  int s = 0;
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 5; k++) s += m[i][k];
  printf("sum %d\n", s);
  int row = 1;
  for (int k = 0; k < 5; k++) {
    m[row][k] += 100;                            /* row changes inside */
    if (k == 2) row = 3;
  }
  for (int i = 0; i < 4; i++) printf("%d %d %d %d %d\n", m[i][0], m[i][1], m[i][2], m[i][3], m[i][4]);
  int t = 0;
  for (int k = 0; k <= 4; k++) t += m[3][k];
  for (int k = 1; k < 5; k += 2) t -= m[0][k];
  for (int k = 4; k >= 0; k--) t += m[2][k] * k;
  printf("t %d\n", t);
  int c = 0;
  for (int k = 0; k < 5; k++) {
    if (k == 1) continue;
    c += m[1][k];
  }
  printf("c %d\n", c);
  int n = 3, x = 0;
  while (x < n * 4 && n > 0) {                   /* n changes */
    x += 2;
    if (x == 6) n--;
  }
  printf("x %d n %d\n", x, n);
  int d = 0, lim = 5;
  do {
    d++;
  } while (d < lim + 2);
  printf("d %d\n", d);
  printf("cols %d %d %d\n", columns(0, 1), columns(4, 2), columns(3, 3));
  for (int k = 0; k < 6; k++)
    for (int j = 0; j < 3; j++) w[k][j] = (int16_t)(k * 100 - j * 7);
  for (int k = 0; k < 8; k++) {
    q[k][0] = (uint8_t)(k * 40);
    q[k][1] = (uint8_t)(w[k % 6][2] + k);
  }
  int acc = 0;
  for (int k = 2; k <= 5; k++) acc += w[k][1] - q[k][1] + q[k + 2][0] + w[5 - k][2];
  printf("acc %d\n", acc);
  return 0;
}
