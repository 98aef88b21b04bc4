/* Strings are char arrays: literals, initialisers, %s, a strlen, copying,
** comparing, string literals passed to functions. */
#include <stdio.h>

int length(const char s[]) {
  int n = 0;
  while (s[n] != '\0') n++;
  return n;
}

void copy(char dst[], const char src[]) {
  int i = 0;
  while ((dst[i] = src[i]) != 0) i++;
}

int compare(const char a[], const char b[]) {
  int i = 0;
  while (a[i] && a[i] == b[i]) i++;
  return a[i] - b[i];
}

void upper(char s[]) {
  for (int i = 0; s[i]; i++)
    if (s[i] >= 'a' && s[i] <= 'z') s[i] = s[i] - 'a' + 'A';
}

char greeting[] = "hello";
char buffer[32];

int main(void) {
  printf("%s %d %d\n", greeting, length(greeting), (int)sizeof greeting);
  copy(buffer, greeting);
  upper(buffer);
  printf("%s %s\n", greeting, buffer);
  printf("%d %d %d\n", compare("abc", "abd"), compare("abc", "abc"), compare("b", "a"));
  printf("%d\n", length("a literal"));
  char local[] = "local text";
  local[0] = 'L';
  printf("%s\n", local);
  char sized[10] = "hi";
  printf("[%s] %d %d\n", sized, sized[2], sized[9]);
  char exact[3] = "abc";
  printf("%c%c%c\n", exact[0], exact[1], exact[2]);
  printf("%s\n", "direct");
  printf("%c\n", "xyz"[1]);
  copy(buffer, "replaced");
  printf("%s %d\n", buffer, length(buffer));
  char empty[] = "";
  printf("[%s] %d\n", empty, length(empty));
  return 0;
}
