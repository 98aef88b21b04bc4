/* Regressions from the review of one-dimensional multiply-accumulates: a
** loop whose counter moved onto a derived index register must read every
** other access with the same subscript through that register too -- the
** same element read or written beside the MAC, and a MAC whose other
** operand does not move with the loop (which is then no MACP at all). */
#include <stdio.h>
#include <stdint.h>

int a[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
int b[10] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
int l[8];
int16_t s[12];

int main(void) {
  int acc = 0, c = 0;
  for (int k = 0; k < 4; k++) { acc += a[k] * a[k]; c += a[k]; }
  printf("same element beside: %d %d\n", acc, c);

  for (int i = 0; i < 8; i++) l[i] = i + 1;
  acc = 0;
  for (int k = 0; k < 8; k++) { acc += l[k] * l[7 - k]; l[k] = 100; }
  printf("stored beside: %d %d %d\n", acc, l[0], l[7]);

  acc = 0;
  for (int k = 0; k < 10; k++) { acc += a[9 - k] * b[k]; a[9 - k] = 7; }
  printf("reversed and stored: %d %d %d\n", acc, a[0], a[9]);

  acc = 0;
  c = 0;
  for (int k = 0; k < 10; k++) { acc += a[k]; acc += a[k] * b[k]; c += b[k]; }
  printf("two statements: %d %d\n", acc, c);

  int o = 4;
  acc = 0;
  for (int k = 0; k < 5; k++) acc += a[3] * b[k];
  c = 0;
  for (int k = 0; k < 5; k++) c += a[o] * b[k];
  printf("fixed operand: %d %d\n", acc, c);

  for (int i = 0; i < 12; i++) s[i] = (int16_t)(i * 1000 - 6000);
  acc = 0;
  for (int k = 0; k < 12; k++) acc += s[k] * s[3];
  c = 0;
  for (int k = 0; k < 6; k++) c += a[k + o] * b[o];
  printf("fixed int16 and offset: %d %d\n", acc, c);

  acc = 0;
  c = 0;
  for (int i = 0; i < 2; i++)     /* the outer counter indexes the MAC */
    for (int k = -21; k < -15; k += 3) { c += k; acc += b[k + 21] * b[i]; }
  printf("outer counter: %d %d\n", acc, c);
  return 0;
}
