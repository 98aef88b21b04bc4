/* Loop optimisations: programs a review found miscompiled, kept as
** regressions. Two same-shaped accesses to different arrays share an index
** register but not a descriptor; a narrowing cast keeps a product out of
** MACP; a variable declared in the body, or read or stepped inside an
** array initialiser, keeps its loop; a derived index near INT_MAX must not
** end a loop early (the loop closes on equality, modulo 2^32); an array
** declared in the body, or a const one, keeps its plain loads; a derived
** step that would not fit 32 bits, or a counter whose last step would pass
** INT_MAX, keeps its loop. */
#include <stdio.h>
#include <stdint.h>

int a[4][5], b[4][5];
int aa[3][6], ww[3][6];
int8_t cc[3][6];
int m[4][3];
int big[3][10];

int dot_same_shape(void) {
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 5; j++) { a[i][j] = i + j + 1; b[i][j] = 10 * (i + 1) - j; }
  int i = 2, acc = 0;
  for (int k = 0; k < 5; k++) acc += a[i][k] * b[i][k];
  return acc;
}

int16_t dot16(int16_t x[][4], int16_t y[][4], int r) {
  int acc = 0;
  for (int k = 0; k < 4; k++) acc += x[r][k] * y[r][k];
  return (int16_t)acc;
}

void mixed_widths(void) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 6; j++) { aa[i][j] = 1000 + i * 10 + j; cc[i][j] = (int8_t)(j - 3); ww[i][j] = j + 1; }
  int r = 1, acc = 0, acc2 = 0;
  for (int k = 0; k < 6; k++) {
    acc += aa[r][k] * ww[r][k];
    acc2 += cc[r][k] * ww[r][k];
  }
  printf("mixed %d %d\n", acc, acc2);
}

void narrowing(void) {
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 5; j++) { a[i][j] = 70000 * (i + j + 1); b[i][j] = 65537 * (j + 2) + i; }
  int i = 1, j = 2, acc = 0, acc2 = 0;
  for (int k = 0; k < 5; k++) {
    acc += a[i][k] * b[j][k];
    acc2 += (int16_t)a[i][k] * (int16_t)b[j][k];
  }
  printf("narrow %d %d\n", acc, acc2);
}

void declared_in_body(void) {
  int z = 100, n = 0;
  for (int k = 0; k < 3; k++) { int i = 5; printf("%d ", i); n++; i++; }
  printf("decl n=%d z=%d\n", n, z);
}

void initialisers(void) {
  int i = 0;
  for (int k = 0; k < 3; k++) { int t[2] = { k, 7 }; printf("%d/%d ", t[0], i); i++; }
  int j = 0, n = 0;
  for (int k = 0; k < 5; k++) { int t[1] = { j++ }; printf("%d ", t[0]); n++; if (n > 20) break; j++; }
  printf("init i=%d j=%d n=%d\n", i, j, n);
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 3; c++) m[r][c] = r * 10 + c;
  int s = 0;
  for (int k = 0; k < 4; k++) { int t[2] = { k, 0 }; s = s * 10 + t[0] + m[k][1] * 0; }
  int s2 = 0;
  for (int k = 0; k < 4; k++) { int t[1] = { m[k][2] }; s2 += t[0] + m[k][1]; }
  printf("init %d %d\n", s, s2);
}

void near_int_max(void) {
  int r = 214748364, flag = 0, cnt = 0, s = 0;
  for (int k = 0; k < 10; k++) { if (flag) s += big[r][k]; cnt += 2; }
  int cnt2 = 0;
  for (int k = 214748360; k < 214748365; k++) { if (flag) s += big[k][0]; cnt2 += 2; }
  printf("max %d %d %d\n", cnt, cnt2, s);
}

int mflag = 0;
int huge[3][8];

void second_review(void) {
  int other[2][4] = { { 9, 9, 9, 9 }, { 9, 9, 9, 9 } };
  int acc = 0;
  for (int k = 0; k < 4; k++) {
    int t[2][4] = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } };
    acc += t[0][k] * t[1][k];
  }
  const int ct[2][4] = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } };
  int acc2 = 0;
  for (int k = 0; k < 4; k++) acc2 += ct[0][k] * ct[1][k];
  int f = mflag, cnt = 0;
  for (int k = 0; k < 1610612736; k += 536870912) {   /* k = 0, 2^29, 2^30 */
    if (f) cnt += huge[k][1];
    cnt++;
  }
  int cnt2 = 0, s = 0;
  for (int k = 1000; k < 2147483647; k += 1073741823) {   /* wraps (as -fwrapv) */
    if (f) s += huge[k][0];
    cnt2++;
    if (cnt2 > 6) break;
  }
  printf("second %d %d %d %d %d %d\n", acc, acc2, other[1][3], cnt, cnt2, s);
}

int main(void) {
  printf("same shape %d\n", dot_same_shape());
  int16_t x[2][4], y[2][4];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 4; j++) { x[i][j] = (int16_t)(-300 * j + i); y[i][j] = (int16_t)(250 * i - j * 7); }
  printf("params %d %d\n", dot16(x, y, 1), dot16(x, x, 0));
  mixed_widths();
  narrowing();
  declared_in_body();
  initialisers();
  near_int_max();
  second_review();
  return 0;
}
