int main(void) {
  unsigned x = 0x100000000;
  return 0;
}
