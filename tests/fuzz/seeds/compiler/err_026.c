int main(void) {
  int x = 5;
  x = 6
}
