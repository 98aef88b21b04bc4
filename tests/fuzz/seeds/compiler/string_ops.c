/* String manipulation: reverse, palindromes, counting words, itoa. */
#include <stdio.h>
#include <stdbool.h>

int len(const char s[]) {
  int n = 0;
  while (s[n]) n++;
  return n;
}

void reverse(char s[]) {
  for (int i = 0, j = len(s) - 1; i < j; i++, j--) {
    char t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
}

bool palindrome(const char s[]) {
  int n = len(s);
  for (int i = 0; i < n / 2; i++)
    if (s[i] != s[n - 1 - i]) return false;
  return true;
}

int words(const char s[]) {
  int n = 0;
  bool in = false;
  for (int i = 0; s[i]; i++) {
    bool sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\n';
    if (!sp && !in) n++;
    in = !sp;
  }
  return n;
}

void itoa(int v, char out[]) {
  char tmp[12];
  int n = 0;
  unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  int k = 0;
  if (v < 0) out[k++] = '-';
  while (n) out[k++] = tmp[--n];
  out[k] = 0;
}

int main(void) {
  char s[] = "Cockpit VM";
  reverse(s);
  printf("%s\n", s);
  printf("%d %d %d\n", palindrome("racecar"), palindrome("abca"), palindrome(""));
  printf("%d\n", words("  the quick\tbrown  fox\n jumps "));
  char buf[12];
  int vals[] = { 0, 7, -7, 12345, -2147483647 - 1, 2147483647 };
  for (int i = 0; i < 6; i++) {
    itoa(vals[i], buf);
    printf("[%s] ", buf);
  }
  printf("\n");
  return 0;
}
