/* Loops that walk 2-D arrays along a row or down a column: the compiler
** keeps the element index in a register of its own and, where the loop
** variable is read only through those subscripts, closes the loop on that
** register instead. Every shape here must still count exactly as C does. */
#include <stdio.h>
#include <stdint.h>

int m[6][7];
uint8_t img[5][9];
int16_t w[4][4];

int row_sum(int r) {
  int s = 0;
  for (int k = 0; k < 7; k++) s += m[r][k];
  return s;
}

int main(void) {
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 7; j++) m[i][j] = i * 10 + j - 17;
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 9; j++) img[i][j] = (uint8_t)(i * 37 + j * 11);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) w[i][j] = (int16_t)(i - j * 3);

  for (int r = 0; r < 6; r++) printf("row %d sum %d\n", r, row_sum(r));

  /* column walk (k the row), row walk (k the column), both in one body */
  int c = 3, s = 0;
  for (int k = 0; k < 6; k++) s += m[k][c] * m[5 - 5][k];
  printf("mixed %d\n", s);

  /* steps other than one, trip counts that do not divide evenly */
  s = 0;
  for (int k = 1; k < 7; k += 2) s += m[2][k];
  printf("step2 %d\n", s);
  s = 0;
  for (int k = 0; k < 8; k += 3) s += img[4][k];
  printf("step3 %d\n", s);
  s = 0;
  for (int k = 2; k <= 5; k++) s = s * 3 + w[k - 2][1] + img[1][k];
  printf("le %d\n", s);

  /* the loop variable also read directly: must keep counting it */
  s = 0;
  for (int k = 0; k < 7; k++) s += m[1][k] * k;
  printf("direct %d\n", s);
  int last = -1;
  for (int k = 0; k < 9; k++) { if (img[2][k] > 150) last = k; }
  printf("last %d\n", last);

  /* break and continue inside a row walk */
  s = 0;
  for (int k = 0; k < 7; k++) {
    if (m[3][k] < 14) continue;
    if (m[3][k] > 17) break;
    s += m[3][k];
  }
  printf("brk %d\n", s);

  /* a loop that runs zero times, and one that runs once */
  s = 0;
  for (int k = 5; k < 5; k++) s += m[0][k];
  for (int k = 6; k < 7; k++) s += m[0][k];
  printf("edge %d\n", s);

  /* nested: the inner loop walks a row chosen by the outer one */
  int total = 0;
  for (int i = 0; i < 6; i++) {
    int acc = 0;
    for (int k = 0; k < 7; k++) acc += m[i][k] * m[5][k];
    total += acc;
  }
  printf("nested %d\n", total);

  /* stores along a row and down a column */
  for (int k = 0; k < 7; k++) m[0][k] = k * k;
  for (int k = 0; k < 6; k++) m[k][6] += 100;
  s = 0;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 7; j++) s = s * 31 + m[i][j];
  printf("stored %d\n", s);

  /* a bound beyond the inner size is still checked and faults like C's UB
  ** is not exercised here; a bound inside it but not from zero: */
  s = 0;
  for (int k = 3; k < 9; k++) s += img[0][k] - img[4][k - 3];
  printf("offset %d\n", s);
  return 0;
}
