int main(void) {
  int x = 1;
  int y = &x;
  return y;
}
