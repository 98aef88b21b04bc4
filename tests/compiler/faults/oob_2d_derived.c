/* m[k][c] in a counting loop, with c unknown: the inner check stays. */
// fault: 6: array index out of bounds
int m[4][5];
int sum_column(int c) {
  int s = 0;
  for (int k = 0; k < 4; k++) s += m[k][c];
  return s;
}
int main(void) { return sum_column(2) + sum_column(5); }
