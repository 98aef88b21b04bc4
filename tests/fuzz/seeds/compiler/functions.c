/* Functions: prototypes, definitions after use, void functions, early
** returns, narrow parameter and return types, calls in expressions. */
#include <stdio.h>
#include <stdint.h>

int square(int x);
void show(int a, int b);
uint8_t low_byte(int x);
int8_t to_s8(int x);
uint16_t to_u16(uint32_t x);
int abs_val(int x);
static int helper(int v);

int main(void) {
  printf("%d %d\n", square(7), square(-3));
  show(1, 2);
  printf("%d %d\n", low_byte(0x1234), low_byte(-1));
  printf("%d %d\n", to_s8(200), to_s8(-129));
  printf("%d\n", to_u16(0x12345678u));
  printf("%d %d %d\n", abs_val(-9), abs_val(9), abs_val(0));
  printf("%d\n", square(square(2)) + square(3) * 2);
  printf("%d\n", helper(5));
  int r = square(3) > 5 ? square(4) : square(1);
  printf("%d\n", r);
  return 0;
}

int square(int x) { return x * x; }

void show(int a, int b) {
  printf("show %d %d\n", a, b);
  if (a > b) return;
  printf("a <= b\n");
}

uint8_t low_byte(int x) { return x; }
int8_t to_s8(int x) { return (int8_t)x; }
uint16_t to_u16(uint32_t x) { return x; }

int abs_val(int x) {
  if (x < 0) return -x;
  return x;
}

static int helper(int v) { return v * 100 + 1; }
