/* sieve: the classic byte-array sieve of Eratosthenes, repeated. */
#include <stdio.h>
#include <stdint.h>

#define SIZE 8190
uint8_t flags[SIZE + 1];

int sieve(void) {
  int count = 0;
  for (int i = 0; i <= SIZE; i++) flags[i] = 1;
  for (int i = 2; i <= SIZE; i++) {
    if (flags[i]) {
      for (int k = i + i; k <= SIZE; k += i) flags[k] = 0;
      count++;
    }
  }
  return count;
}

int main(void) {
  int total = 0;
  for (int iter = 0; iter < 2000; iter++) total += sieve();
  printf("sieve %d\n", total);
  return 0;
}
