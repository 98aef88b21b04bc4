int main(void) {
  int y = 3;
  switch (y) {
    case y: return 1;
  }
  return 0;
}
