/* static locals keep their value between calls; file-scope statics;
** static functions. */
#include <stdio.h>

static int calls;
static int table[4] = { 1, 2, 3, 4 };

static int counter(void) {
  static int n = 100;
  n++;
  calls++;
  return n;
}

int accumulate(int v) {
  static int total;
  total += v;
  return total;
}

int history(int v) {
  static int last[3];
  static int pos;
  last[pos] = v;
  pos = (pos + 1) % 3;
  return last[0] + last[1] + last[2];
}

int main(void) {
  for (int i = 0; i < 3; i++) printf("%d ", counter());
  printf("calls %d\n", calls);
  for (int i = 1; i <= 5; i++) printf("%d ", accumulate(i));
  printf("\n");
  for (int i = 1; i <= 6; i++) printf("%d ", history(i * 10));
  printf("\n");
  table[2] += 40;
  printf("%d %d\n", table[2], table[3]);
  {
    static int block_static = 7;
    block_static *= 2;
    printf("%d\n", block_static);
  }
  return 0;
}
