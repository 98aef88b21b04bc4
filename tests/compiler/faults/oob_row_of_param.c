/* A row of a 2-D array parameter that does not exist (the parameter's
** row count is only known at run time). */
// fault: 5: array index out of bounds
int first(int r[]) { return r[0]; }
int row_first(int m[][3], int i) { return first(m[i]); }
int g[2][3];
int main(void) {
  int s = 0;
  for (int i = 0; i < 3; i++) s += row_first(g, i);
  return s;
}
