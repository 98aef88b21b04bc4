#include <stdint.h>
int sum(int a[], int n) { return a[0] + n; }
uint8_t b[4];
int main(void) { return sum(b, 4); }
