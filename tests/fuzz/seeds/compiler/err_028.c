int main(void) {
  int a[3];
  a[1 = 2;
  return 0;
}
