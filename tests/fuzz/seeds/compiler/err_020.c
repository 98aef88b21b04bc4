int main(void) {
  int x = 5L;
  return x;
}
