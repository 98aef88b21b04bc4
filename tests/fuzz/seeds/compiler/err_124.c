int main(void) {
  int a[5] = { 0 };
  return a[5];
}
