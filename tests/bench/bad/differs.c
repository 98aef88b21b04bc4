/* differs: its Lua version prints something else. */
#include <stdio.h>

int main(void) {
  printf("differs 1\n");
  return 0;
}
