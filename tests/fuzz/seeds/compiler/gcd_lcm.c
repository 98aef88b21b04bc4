/* Euclid's algorithm (iterative and recursive), lcm, coprime counts. */
#include <stdio.h>

unsigned gcd(unsigned a, unsigned b) {
  while (b) {
    unsigned t = a % b;
    a = b;
    b = t;
  }
  return a;
}

unsigned lcm(unsigned a, unsigned b) { return a / gcd(a, b) * b; }

int main(void) {
  printf("%u %u %u\n", gcd(12, 18), gcd(1000000007u, 998244353u), gcd(0, 5));
  printf("%u %u\n", lcm(4, 6), lcm(21, 6));
  unsigned l = 1;
  for (unsigned i = 1; i <= 20; i++) l = lcm(l, i);
  printf("lcm(1..20) = %u\n", l);
  int phi = 0;
  for (unsigned i = 1; i <= 100; i++) phi += gcd(i, 100) == 1;
  printf("phi(100) = %d\n", phi);
  return 0;
}
