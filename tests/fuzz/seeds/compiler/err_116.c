#include <stdio.h>
int a[2];
char s[3];
int main(void) {
  printf("%s", 1 ? a : s);
  return 0;
}
