#include <stdio.h>
int main(void) {
  char s[] = "ab";
  printf("%d\n", s);
  return 0;
}
