/* switch with sparse, negative, large and unsigned case values, on char
** and on narrow types. */
#include <stdio.h>
#include <stdint.h>

int sparse(int x) {
  switch (x) {
    case -1000000: return 1;
    case -5: return 2;
    case 0: return 3;
    case 17: return 4;
    case 1000: return 5;
    case 65536: return 6;
    case 2147483647: return 7;
    default: return 0;
  }
}

int useq(unsigned u) {
  switch (u) {
    case 0u: return 10;
    case 1u: return 11;
    case 2u: return 12;
    case 3u: return 13;
    case 4u: return 14;
    case 0xFFFFFFFFu: return 99;
  }
  return -1;
}

int chr(char c) {
  switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 1;
    case ' ': return 2;
    case '\n': return 3;
    default: return 0;
  }
}

int dense_neg(int x) {
  switch (x) {
    case -3: return 30;
    case -2: return 20;
    case -1: return 10;
    case 0: return 0;
    case 1: return -10;
    case 2: return -20;
  }
  return 99;
}

int main(void) {
  int v[] = { -1000000, -5, 0, 17, 1000, 65536, 2147483647, 3, -1 };
  for (int i = 0; i < 9; i++) printf("%d ", sparse(v[i]));
  printf("\n");
  unsigned u[] = { 0, 1, 2, 3, 4, 5, 0xFFFFFFFFu, 0xFFFFFFFEu };
  for (int i = 0; i < 8; i++) printf("%d ", useq(u[i]));
  printf("\n");
  char text[] = "hello world\nbye";
  int counts[4] = { 0 };
  for (int i = 0; text[i]; i++) counts[chr(text[i])]++;
  printf("%d %d %d %d\n", counts[0], counts[1], counts[2], counts[3]);
  for (int x = -5; x <= 4; x++) printf("%d ", dense_neg(x));
  printf("\n");
  uint8_t b = 200;
  switch (b) {
    case 200: printf("byte 200\n"); break;
    case 56: printf("not here\n"); break;
  }
  int8_t sb = -56;
  switch (sb) {
    case -56: printf("int8 -56\n"); break;
    case 200: printf("never\n"); break;
  }
  return 0;
}
