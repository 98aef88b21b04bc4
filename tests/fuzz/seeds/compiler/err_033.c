int main(void) {
  char c = 'ab';
  return c;
}
