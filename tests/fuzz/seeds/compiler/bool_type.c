/* bool: conversion of any nonzero value to 1, bool arithmetic, ++ and --. */
#include <stdio.h>
#include <stdbool.h>

bool is_even(int n) { return n % 2 == 0; }
bool nonzero(int n) { return n; }

int main(void) {
  bool t = true, f = false;
  printf("%d %d %d %d\n", t, f, t + t, !t);
  bool b = 42;
  printf("%d\n", b);
  b = -7;
  printf("%d\n", b);
  b = 0;
  printf("%d\n", b);
  bool c = 256;
  printf("%d\n", c);
  int count = 0;
  for (int i = 0; i < 10; i++) count += is_even(i);
  printf("evens %d\n", count);
  printf("%d %d %d\n", nonzero(5), nonzero(0), nonzero(-1));
  bool inc = false;
  inc++;
  printf("%d\n", inc);
  inc++;
  printf("%d\n", inc);
  bool dec = true;
  dec--;
  printf("%d\n", dec);
  dec--;
  printf("%d\n", dec);
  bool flags[4] = { true, false, 3, 0 };
  for (int i = 0; i < 4; i++) printf("%d", flags[i]);
  printf("\n");
  bool x = true;
  x += 5;
  printf("%d\n", x);
  x *= 0;
  printf("%d\n", x);
  printf("%d\n", (bool)2 == (bool)3);
  return 0;
}
