int main(void) {
  uint8_t b = 1;
  return b;
}
