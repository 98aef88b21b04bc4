int main(void) {
  int (*fp)(int);
  return 0;
}
