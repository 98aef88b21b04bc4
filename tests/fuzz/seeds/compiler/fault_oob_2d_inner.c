/* An inner index out of range in a 2-D array is caught even though the
** flattened index would still be inside the array. */
// fault: 8: array index out of bounds
int m[3][4];
int main(void) {
  int col = 4;
  m[0][3] = 1;
  m[0][col] = 2;
  return m[1][0];
}
