int main(void) {
  unsigned x = 3000000000;
  return 0;
}
