/* Falling off the end of main returns 0; early returns from nested loops. */
#include <stdio.h>

int find(int target) {
  for (int i = 0; i < 10; i++)
    for (int j = 0; j < 10; j++)
      if (i * j == target) return i * 10 + j;
  return -1;
}

int main(void) {
  printf("%d %d %d\n", find(12), find(81), find(97));
}
