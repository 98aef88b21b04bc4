/* Counting loops that step by more than one: by a constant, by a variable
** fixed for the loop, by a parameter, with <= and < bounds held in
** constants, variables and parameters, and loops whose step or bound
** changes inside the body (which must be honoured as C does). */
#include <stdio.h>
#include <stdint.h>

uint8_t marks[200];

int sum_stride(int from, int to, int step) {
  int s = 0;
  for (int k = from; k < to; k += step) s += k;
  return s;
}

int main(void) {
  int n = 0;
  for (int i = 2; i < 200; i++) {
    if (marks[i]) continue;
    n++;
    for (int k = i + i; k <= 199; k += i) marks[k] = 1;
  }
  printf("primes below 200: %d\n", n);

  printf("stride %d %d %d %d\n", sum_stride(0, 100, 7), sum_stride(5, 6, 3),
         sum_stride(10, 10, 2), sum_stride(-50, 50, 9));

  int s = 0, lim = 77, st = 5;
  for (int k = 3; k < lim; k += st) s = s * 3 + k;
  printf("vars %d\n", s);

  s = 0;
  for (int k = 0; k <= 1000; k += 250) s += k;       /* lands on the bound */
  printf("le %d\n", s);

  /* the step changes inside the body */
  s = 0;
  int d = 1;
  for (int k = 0; k < 100; k += d) { s += k; d++; }
  printf("growing %d\n", s);

  /* the bound changes inside the body */
  s = 0;
  int top = 50;
  for (int k = 0; k < top; k += 4) { s += k; top -= 3; }
  printf("shrinking %d\n", s);

  /* a negative step counting toward a lower bound would never end; a
  ** negative step under a < bound ends at once or after wrapping is not
  ** portable, so: a large step that crosses the bound in one go */
  s = 0;
  for (int k = 0; k < 1000000; k += 300000) s++;
  printf("big %d\n", s);

  /* the loop variable is read after the step in the body's next round */
  int last = 0;
  for (int k = 1; k < 64; k += 6) last = k;
  printf("last %d\n", last);
  return 0;
}
