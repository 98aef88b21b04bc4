int main(void) {
  int x = u;
  int y = 1
  int z = 2;
  return w + x + y + z;
}
