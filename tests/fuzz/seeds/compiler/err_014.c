int main(void) {
  int x = 2.5;
  return x;
}
