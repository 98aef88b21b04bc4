/* Qualifiers and specifiers that are accepted: const parameters and
** locals, volatile, register, auto, inline, static inline, every spelling
** of the integer types. */
#include <stdio.h>

static inline int twice(const int x) { return x + x; }
static inline int thrice(int x) { return 3 * x; }

volatile int ticks;
signed sv = -1;
unsigned int ui = 1u;
short int si = -2;
unsigned short int usi = 65535;
signed char sc = -3;
unsigned char uc = 250;

int main(void) {
  register int r = 5;
  auto int a = 6;
  const int c = 7;
  volatile int v = 8;
  ticks += v;
  signed short ss = -300;
  unsigned short us = 300;
  printf("%d %d %d %d %d %d\n", twice(r), thrice(a), c, ticks, ss, us);
  printf("%d %u %d %d %d %d %d\n", sv, ui, si, usi, sc, uc, (int)sizeof(short int));
  return 0;
}
