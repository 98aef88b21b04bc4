/* Sieve of Eratosthenes over a global byte array. */
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

#define N 1000
bool composite[N + 1];

int main(void) {
  int count = 0;
  for (int i = 2; i * i <= N; i++)
    if (!composite[i])
      for (int j = i * i; j <= N; j += i) composite[j] = true;
  for (int i = 2; i <= N; i++) {
    if (!composite[i]) {
      count++;
      if (i > 900) printf("%d ", i);
    }
  }
  printf("\n%d primes below %d\n", count, N);
  return 0;
}
