int main(void) {
  switch (3) {
    default: break;
    case 1: break;
    default: break;
  }
  return 0;
}
