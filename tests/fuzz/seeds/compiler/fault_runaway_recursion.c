/* Recursion without a base case overflows the stack. */
// fault: 4: stack overflow
int down(int n) {
  return down(n + 1) + 1;
}
int main(void) { return down(0); }
