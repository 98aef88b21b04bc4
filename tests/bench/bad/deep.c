/* deep: recursion deeper than the VM's memory allows (fine natively). */
#include <stdio.h>

int down(int n) {
  if (n == 0) return 0;
  return down(n - 1) + 1;
}

int main(void) {
  printf("deep %d\n", down(100000));
  return 0;
}
