int f(int x) {
  static int s = x;
  return s;
}
int main(void) { return f(1); }
