/* A counting loop's variable changed inside the body keeps its bounds
** checks: the inner index 9 is caught. */
// fault: 9: array index out of bounds
int m[3][4];
int main(void) {
  int s = 0;
  for (int k = 0; k < 4; k++) {
    if (k == 2) k = 9;
    s += m[1][k];
  }
  return s;
}
