/* Reading past the end of a string. */
// fault: 6: array index out of bounds
int main(void) {
  char s[] = "abc";
  int n = 0;
  while (s[n] != 'x') n++;
  return n;
}
