int main(void) {
  float f = 1;
  return 0;
}
