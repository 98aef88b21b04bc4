/* void functions, ignored results, calls as statements and in conditions. */
#include <stdio.h>

int log_count;

void log_it(int v) {
  log_count++;
  printf("log %d\n", v);
}

int side(int v) {
  printf("side %d\n", v);
  return v;
}

void nothing(void) {}

void early(int v) {
  if (v) {
    printf("early\n");
    return;
  }
  printf("late\n");
}

int main(void) {
  log_it(1);
  side(2);
  (void)side(3);
  nothing();
  early(1);
  early(0);
  if (side(0) || side(4)) log_it(5);
  while (side(log_count) < 3) log_it(log_count * 10);
  printf("%d\n", log_count);
  return 0;
}
