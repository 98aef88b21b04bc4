/* Two-dimensional array parameters and rows of 2-D arrays passed as
** one-dimensional arrays. */
#include <stdio.h>

int total(int m[][3], int rows) {
  int s = 0;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < 3; c++) s += m[r][c];
  return s;
}

void identity(int m[][3], int rows) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < 3; c++) m[r][c] = r == c;
}

int row_sum(int row[], int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += row[i];
  return s;
}

void row_set(int row[], int n, int v) {
  for (int i = 0; i < n; i++) row[i] = v;
}

int pass_on(int m[][3], int rows) { return total(m, rows) + row_sum(m[rows - 1], 3); }

int gm[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };

int main(void) {
  int m[3][3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
  printf("%d %d\n", total(m, 3), total(gm, 2));
  for (int r = 0; r < 3; r++) printf("%d ", row_sum(m[r], 3));
  printf("\n");
  row_set(m[1], 3, 0);
  printf("%d\n", total(m, 3));
  identity(m, 3);
  printf("%d %d %d\n", m[0][0], m[0][1], total(m, 3));
  printf("%d\n", pass_on(gm, 2));
  int i = 1;
  row_set(gm[i], 3, 9);
  printf("%d\n", total(gm, 2));
  return 0;
}
