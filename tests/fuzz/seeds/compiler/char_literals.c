/* Character constants and escapes, string escapes, signed char. */
#include <stdio.h>

int main(void) {
  printf("%d %d %d %d %d %d\n", 'a', 'Z', '0', ' ', '~', '\0');
  printf("%d %d %d %d %d %d %d\n", '\n', '\t', '\r', '\\', '\'', '\"', '\?');
  printf("%d %d %d %d %d\n", '\a', '\b', '\f', '\v', '\e');
  printf("%d %d %d %d\n", '\101', '\x41', '\377', '\xff');
  printf("%d %d\n", '\0' == 0, '\x7f');
  char s[] = "tab\there\nq\"uote\\ \101\x42\103";
  printf("%s|\n", s);
  printf("%d\n", (int)sizeof s);
  char c = 200;
  printf("%d\n", c);
  char hi = '\x80';
  printf("%d %d\n", hi, hi < 0);
  printf("%c%c%c%c\n", 'C', 'V', 'M', '!');
  printf("[%c]\n", 65 + 25);
  printf("%%c of a char var: %c\n", s[0]);
  return 0;
}
