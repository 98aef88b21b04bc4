/* beta: a sum with no Lua version, for the `cockpit bench` tests. */
#include <stdio.h>

int main(void) {
  int s = 0;
  for (int i = 1; i <= 1000; i++) s += i;
  printf("beta %d\n", s);
  return 0;
}
