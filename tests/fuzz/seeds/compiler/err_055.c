int main(void) {
  int x = 1;
  switch (x) {
    case 1: int y = 2;
  }
  return 0;
}
