int main(void) {
  int x = 12abc;
  return x;
}
