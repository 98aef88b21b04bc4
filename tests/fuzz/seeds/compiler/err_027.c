int main(void) {
  if (1 == 1 {
    return 1;
  }
  return 0;
}
