/* Unbounded recursion ends in a stack overflow fault, at the same depth on
** both boards (the VM's memory is what the program asks for). */
// exit: 70
#include <stdio.h>

int depth(int n) {
  if (n % 1000 == 0) printf("%d\n", n);
  return depth(n + 1) + 1;
}

int main(void) { return depth(0); }
