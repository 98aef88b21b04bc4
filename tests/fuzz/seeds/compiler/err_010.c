int main(void) {
  union u { int a; } v;
  return 0;
}
