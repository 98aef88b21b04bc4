int main(void) {
  int a[4];
  int b[4];
  a = b;
  return 0;
}
