/* An out-of-bounds write to a global array. */
// fault: 9: array index out of bounds
// output: before
#include <stdio.h>
int a[4];
int main(void) {
  printf("before\n");
  for (int i = 0; i <= 4; i++)
    a[i] = i;
  printf("never\n");
  return 0;
}
