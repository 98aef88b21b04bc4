/* Global variables of every type with initialisers; functions sharing
** state through globals; tentative definitions. */
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

int gi = -5;
unsigned gu = 4000000000u;
int8_t g8 = -100;
uint8_t gu8 = 200;
int16_t g16 = -30000;
uint16_t gu16 = 60000;
bool gb = 7;
char gc = 'x';
int uninit;
int tentative;
int tentative;
const int gconst = 99;
int counter = 10;

void bump(void) { counter += 5; }
int get(void) { return counter; }

int main(void) {
  printf("%d %u %d %d %d %d %d %c %d %d\n", gi, gu, g8, gu8, g16, gu16, gb, gc, uninit, gconst);
  g8 -= 100;
  gu8 += 100;
  g16 -= 10000;
  gu16 += 10000;
  gb = 0;
  printf("%d %d %d %d %d\n", g8, gu8, g16, gu16, gb);
  bump();
  bump();
  printf("%d\n", get());
  tentative = 3;
  printf("%d\n", tentative);
  return 0;
}
