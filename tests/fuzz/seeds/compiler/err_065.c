int f(void) { return 1; }
int main(void) {
  int x = f;
  return x;
}
