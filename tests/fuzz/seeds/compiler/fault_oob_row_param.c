/* Passing a row that does not exist. */
// fault: 8: array index out of bounds
int sum(int r[], int n) { return r[0] + n; }
int g[2][3];
int main(void) {
  int s = 0;
  for (int i = 0; i < 3; i++)
    s += sum(g[i], 3);
  return s;
}
