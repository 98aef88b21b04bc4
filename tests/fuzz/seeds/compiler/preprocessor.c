/* The preprocessor subset: object-like #define, #undef, #ifdef, #ifndef,
** #if/#elif/#else/#endif with defined(), nested conditionals. */
#include <stdio.h>
#include <stdint.h>

#define SIZE 4
#define DOUBLE_SIZE (SIZE * 2)
#define GREETING "hi there"
#define FLAG
#define NEG -3
#define EMPTY

#ifdef FLAG
#define MODE 1
#else
#define MODE 2
#endif

#ifndef MISSING
#define FALLBACK 10
#endif

#if SIZE > 3 && defined(FLAG)
#define BIG 1
#elif SIZE > 1
#define BIG 2
#else
#define BIG 3
#endif

#if 0
this is not C at all and is skipped
#ifdef FLAG
#error not reached
#endif
#endif

#ifdef __COCKPIT__
#define WHERE 1
#else
#define WHERE 1
#endif

int table[DOUBLE_SIZE];

int main(void) {
  printf("%d %d %d %d\n", SIZE, DOUBLE_SIZE, MODE, FALLBACK);
  printf("%s %d %d\n", GREETING, BIG, NEG * NEG);
  printf("%d\n", (int)(sizeof table / sizeof table[0]));
  int x = 5 EMPTY;
  printf("%d %d\n", x, WHERE);
#undef SIZE
#define SIZE 9
  printf("%d\n", SIZE);
#if defined SIZE && SIZE == 9
  printf("SIZE is 9\n");
#endif
#if (1 << 4) == 16 && 10 / 3 == 3 && -1 < 0 && !0
  printf("arithmetic in #if\n");
#endif
#if UNDEFINED_NAME == 0
  printf("undefined names are 0\n");
#endif
  return 0;
}
