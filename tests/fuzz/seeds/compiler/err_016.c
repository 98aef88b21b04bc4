int main(void) {
out:
  return 0;
}
