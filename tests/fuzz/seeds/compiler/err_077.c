#include <stdio.h>
int main(void) {
  char f[] = "%d\n";
  printf(f, 1);
  return 0;
}
