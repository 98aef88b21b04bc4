/* A negative index into a local array. */
// fault: 7: array index out of bounds
int get(int i) {
  int t[3] = { 1, 2, 3 };
  if (i > 2) return 0;
  int k = i - 1;
  return t[k];
}
int main(void) { return get(0); }
