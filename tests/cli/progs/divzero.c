/* the source divzero.s pretends to come from */
int main(void) {
  int a = 10;
  int b = 0;
  /* ... */
  int x = a;
  return x / b;
}
