int main(void) {
  int p = 0;
  p.x = 1;
  return 0;
}
