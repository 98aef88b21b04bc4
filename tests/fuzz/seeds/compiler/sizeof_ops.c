/* sizeof of types, variables, arrays, rows, string literals. */
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

int arr[10];
int16_t m[3][5];

int main(void) {
  printf("%d %d %d %d %d\n", (int)sizeof(char), (int)sizeof(short), (int)sizeof(int),
         (int)sizeof(unsigned), (int)sizeof(bool));
  printf("%d %d %d %d %d %d\n", (int)sizeof(int8_t), (int)sizeof(uint8_t), (int)sizeof(int16_t),
         (int)sizeof(uint16_t), (int)sizeof(int32_t), (int)sizeof(uint32_t));
  printf("%d %d %d\n", (int)sizeof arr, (int)sizeof arr[0], (int)(sizeof arr / sizeof arr[0]));
  printf("%d %d %d\n", (int)sizeof m, (int)sizeof m[0], (int)sizeof m[0][0]);
  printf("%d %d\n", (int)sizeof "hello", (int)sizeof("")) ;
  int x = 5;
  printf("%d %d\n", (int)sizeof x, (int)sizeof(x + 1));
  uint8_t b = 1;
  printf("%d %d\n", (int)sizeof b, (int)sizeof(b + b));
  int n = sizeof(arr) / sizeof(int);
  printf("%d\n", n);
  printf("%d\n", sizeof(int) == 4);
  return 0;
}
