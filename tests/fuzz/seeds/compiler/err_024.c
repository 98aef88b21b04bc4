int main(void) {
  int x = 08;
  return x;
}
