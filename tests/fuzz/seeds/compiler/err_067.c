int main(void) {
  int a[3];
  int x = a;
  return x;
}
