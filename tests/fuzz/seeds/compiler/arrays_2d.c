/* Two-dimensional arrays: nested and flat initialisers, row-major
** layout, loops over both dimensions, globals and locals. */
#include <stdio.h>

int grid[3][4] = { { 1, 2, 3, 4 }, { 5, 6 }, { 9, 10, 11, 12 } };
int flat[2][3] = { 1, 2, 3, 4, 5 };
int rows[][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };

int main(void) {
  for (int r = 0; r < 3; r++) {
    for (int c = 0; c < 4; c++) printf("%3d", grid[r][c]);
    printf("\n");
  }
  for (int r = 0; r < 2; r++)
    for (int c = 0; c < 3; c++) printf("%d ", flat[r][c]);
  printf("\n");
  printf("rows %d size %d\n", (int)(sizeof rows / sizeof rows[0]), (int)sizeof rows);
  int m[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) m[i][j] = i == j ? 1 : i * 10 + j;
  int trace = 0;
  for (int i = 0; i < 4; i++) trace += m[i][i];
  printf("trace %d m[3][2] %d\n", trace, m[3][2]);
  int t[3][3] = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } };
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++) {
      int tmp = t[i][j];
      t[i][j] = t[j][i];
      t[j][i] = tmp;
    }
  for (int i = 0; i < 3; i++) printf("%d%d%d ", t[i][0], t[i][1], t[i][2]);
  printf("\n");
  grid[1][3] += grid[2][0] * 2;
  grid[2][grid[0][0]]++;
  printf("%d %d\n", grid[1][3], grid[2][1]);
  char names[3][6] = { "one", "two", "three" };
  for (int i = 0; i < 3; i++) printf("%s ", names[i]);
  printf("\n");
  return 0;
}
