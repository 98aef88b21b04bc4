/* enum constants and types, typedef names for integer types. */
#include <stdio.h>
#include <stdint.h>

enum color { RED, GREEN = 5, BLUE, LAST = BLUE + 10 };
enum { ALPHA = -2, BETA, GAMMA };
typedef unsigned char byte;
typedef int16_t sample_t;
typedef enum color color_t;

int weight(enum color c) {
  switch (c) {
    case RED: return 1;
    case GREEN: return 2;
    case BLUE: return 3;
    default: return 0;
  }
}

int main(void) {
  printf("%d %d %d %d\n", RED, GREEN, BLUE, LAST);
  printf("%d %d %d\n", ALPHA, BETA, GAMMA);
  enum color c = BLUE;
  color_t d = GREEN;
  printf("%d %d %d\n", weight(c), weight(d), weight(LAST));
  byte b = 300;
  sample_t s = -40000;
  printf("%d %d\n", b, s);
  byte arr[3] = { 1, 2, 255 };
  arr[2]++;
  printf("%d\n", arr[2]);
  int table[LAST + 1];
  table[LAST] = 42;
  printf("%d %d\n", table[LAST], (int)(sizeof table / sizeof table[0]));
  enum color e = RED;
  printf("%d\n", e - 1 > 0);   /* the enum type is unsigned (no negative constants) */
  return 0;
}
