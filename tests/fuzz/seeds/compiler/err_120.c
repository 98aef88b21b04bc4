int f(int x) {
  if (x) return 1;
  else return 2;
}
int g(int x) {
  while (1) {
    if (x) return x;
  }
}
int h(int x) {
  switch (x) {
    default: return 0;
  }
}
int main(void) { return f(1) + g(1) + h(1); }
