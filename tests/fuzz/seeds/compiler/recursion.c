/* Recursion: factorial, Fibonacci, Ackermann, mutual recursion, gcd. */
#include <stdio.h>

int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int ack(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}
int is_odd(int n);
int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }
int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }
int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }
int sum_digits(unsigned n) { return n < 10 ? (int)n : (int)(n % 10) + sum_digits(n / 10); }
void count_down(int n) {
  if (n < 0) { printf("\n"); return; }
  printf("%d ", n);
  count_down(n - 1);
}

int main(void) {
  for (int i = 0; i <= 12; i++) printf("%d ", fact(i));
  printf("\n%d\n", fact(13));
  for (int i = 0; i <= 20; i++) printf("%d ", fib(i));
  printf("\n");
  printf("ack %d %d %d\n", ack(1, 2), ack(2, 3), ack(2, 10));
  printf("%d %d %d %d\n", is_even(10), is_odd(10), is_even(7), is_odd(7));
  printf("%d %d %d\n", gcd(48, 18), gcd(17, 5), gcd(1071, 462));
  printf("%d\n", sum_digits(4294967295u));
  count_down(9);
  return 0;
}
