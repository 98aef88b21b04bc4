/* bubble: bubble sort of pseudo-random integers. */
#include <stdio.h>
#include <stdint.h>

#define N 1000
int v[N];

void fill(uint32_t seed) {
  for (int i = 0; i < N; i++) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = (int)(seed >> 8) % 100000;
  }
}

void sort(int a[], int n) {
  for (int i = 0; i < n - 1; i++) {
    int swapped = 0;
    for (int j = 0; j < n - 1 - i; j++) {
      if (a[j] > a[j + 1]) {
        int t = a[j];
        a[j] = a[j + 1];
        a[j + 1] = t;
        swapped = 1;
      }
    }
    if (!swapped) break;
  }
}

int main(void) {
  uint32_t check = 0;
  for (int r = 0; r < 20; r++) {
    fill((uint32_t)r + 1u);
    sort(v, N);
    check = check * 31u + (uint32_t)v[r * 50] + (uint32_t)v[N - 1];
  }
  printf("bubble %u\n", check);
  return 0;
}
