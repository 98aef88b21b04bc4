/* The fault names the line inside the callee. */
// fault: 4: division by zero
unsigned ratio(unsigned a, unsigned b) {
  return a / b;
}
int main(void) {
  return (int)ratio(7, 0);
}
