int main(void) {
  long x = 5;
  return 0;
}
