int main(void) {
  int i = 0;
  if (i) goto out;
  return 1;
}
