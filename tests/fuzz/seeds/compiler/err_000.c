int main(void) {
  int y = 1;
  return x + y;
}
