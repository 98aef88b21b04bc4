/* Division by zero traps. */
// fault: 6: division by zero
int divide(int a, int b) { return a / b; }
int main(void) {
  int z = 0;
  int r = 10 % z;
  return divide(r, 1);
}
