/* Arrays passed to functions by reference: reading, writing, passing
** them on, uint8_t buffers, element counts passed alongside. */
#include <stdio.h>
#include <stdint.h>

int sum(int a[], int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

void fill(int a[], int n, int v) {
  for (int i = 0; i < n; i++) a[i] = v + i;
}

void scale(int a[], int n, int k) {
  for (int i = 0; i < n; i++) a[i] *= k;
}

int sum_twice(int a[], int n) { return sum(a, n) * 2; }

void bytes(uint8_t buf[], int n) {
  for (int i = 0; i < n; i++) buf[i] = (uint8_t)(i * 70);
}

int checksum(const uint8_t data[], int n) {
  int c = 0;
  for (int i = 0; i < n; i++) c = (c * 31 + data[i]) & 0xFFFF;
  return c;
}

void incr_all(int8_t v[], int n) {
  for (int i = 0; i < n; i++) v[i]++;
}

int g[6];

int main(void) {
  int a[5] = { 1, 2, 3, 4, 5 };
  printf("%d\n", sum(a, 5));
  fill(a, 5, 10);
  printf("%d %d\n", a[0], a[4]);
  scale(a, 3, -2);
  printf("%d %d %d %d\n", a[0], a[2], a[3], sum_twice(a, 5));
  fill(g, 6, 100);
  printf("%d\n", sum(g, 6));
  uint8_t buf[8];
  bytes(buf, 8);
  for (int i = 0; i < 8; i++) printf("%d ", buf[i]);
  printf("\n%d\n", checksum(buf, 8));
  int8_t sv[3] = { 127, -1, 0 };
  incr_all(sv, 3);
  printf("%d %d %d\n", sv[0], sv[1], sv[2]);
  static int st[4] = { 1, 1, 1, 1 };
  scale(st, 4, 7);
  printf("%d\n", sum(st, 4));
  return 0;
}
