/* Binary search and a lower-bound search in sorted arrays. */
#include <stdio.h>

int find(const int a[], int n, int key) {
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] == key) return mid;
    if (a[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

int lower_bound(const unsigned a[], int n, unsigned key) {
  int lo = 0, hi = n;
  while (lo < hi) {
    int mid = (lo + hi) >> 1;
    if (a[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

int sorted[20];
unsigned us[6] = { 1, 10, 100, 1000, 100000, 4000000000u };

int main(void) {
  for (int i = 0; i < 20; i++) sorted[i] = i * 3 - 10;
  for (int k = -12; k <= 50; k += 7) printf("%d:%d ", k, find(sorted, 20, k));
  printf("\n");
  printf("%d %d %d %d\n", lower_bound(us, 6, 0), lower_bound(us, 6, 100), lower_bound(us, 6, 101),
         lower_bound(us, 6, 4000000001u));
  return 0;
}
