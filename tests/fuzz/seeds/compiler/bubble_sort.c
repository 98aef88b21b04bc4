/* Sorting: bubble sort and insertion sort over array parameters. */
#include <stdio.h>

void bubble(int a[], int n) {
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

void insertion(unsigned a[], int n) {
  for (int i = 1; i < n; i++) {
    unsigned key = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = key;
  }
}

void show(int a[], int n) {
  for (int i = 0; i < n; i++) printf("%d ", a[i]);
  printf("\n");
}

int main(void) {
  int a[12] = { 5, -3, 99, 0, 42, -100, 7, 7, 2147483647, -2147483647 - 1, 1, 13 };
  bubble(a, 12);
  show(a, 12);
  unsigned u[8] = { 3000000000u, 5u, 0u, 4294967295u, 17u, 2147483648u, 1u, 99u };
  insertion(u, 8);
  for (int i = 0; i < 8; i++) printf("%u ", u[i]);
  printf("\n");
  int seq[50];
  unsigned x = 12345;
  for (int i = 0; i < 50; i++) {
    x = x * 1103515245u + 12345u;
    seq[i] = (int)(x >> 16) % 1000;
  }
  bubble(seq, 50);
  show(seq, 50);
  return 0;
}
