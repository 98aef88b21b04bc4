/* switch: fall-through, default anywhere, dense tables, break. */
#include <stdio.h>

void name(int d) {
  switch (d) {
    case 0: printf("zero "); break;
    case 1: printf("one "); break;
    case 2: printf("two "); break;
    case 3: printf("three "); break;
    case 4: printf("four "); break;
    case 5: printf("five "); break;
    default: printf("many "); break;
  }
}

int fall(int x) {
  int r = 0;
  switch (x) {
    case 1: r += 1;
    case 2: r += 10;
    case 3: r += 100; break;
    case 4: r += 1000;
    default: r += 10000;
    case 5: r += 100000;
  }
  return r;
}

int main(void) {
  for (int i = -1; i < 8; i++) name(i);
  printf("\n");
  for (int i = 0; i < 7; i++) printf("%d ", fall(i));
  printf("\n");
  int count = 0;
  for (int i = 0; i < 10; i++) {
    switch (i % 4) {
      case 0: count += 1; break;
      case 1: count += 2; continue;
      case 2: count += 3;
      default: count += 4;
    }
    count *= 2;
  }
  printf("count %d\n", count);
  switch (3) { case 3: printf("const switch\n"); }
  switch (9) { case 1: printf("no\n"); }
  int k = 2;
  switch (k) {
    default: printf("default first\n"); break;
    case 1: printf("one\n");
  }
  return 0;
}
