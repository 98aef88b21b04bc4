/* Nested switches, switch inside loops with break and continue, loops
** inside switches, case labels inside nested blocks. */
#include <stdio.h>

int main(void) {
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 3; j++) {
      switch (i) {
        case 0:
          switch (j) {
            case 0: printf("00 "); break;
            case 1: printf("01 "); continue;
            default: printf("0x ");
          }
          printf("| ");
          break;
        case 1:
          if (j == 1) break;
          printf("1%d ", j);
          break;
        case 2:
          for (int k = 0; k < 3; k++) {
            if (k == j) break;
            printf("2%d%d ", j, k);
          }
          break;
        default:
          printf("d%d ", j);
      }
    }
    printf("\n");
  }
  int x = 2, y = 0;
  switch (x) {
    case 1: {
      int t = 5;
      y = t;
      break;
    }
    case 2: {
      int t = 7;
      y = t * 2;
    }
    case 3:
      y += 1;
      break;
  }
  printf("y %d\n", y);
  int state = 0, steps = 0;
  while (state != 4) {
    switch (state) {
      case 0: state = 2; break;
      case 2: state = 1; break;
      case 1: state = 3; break;
      case 3: state = 4; break;
    }
    steps++;
  }
  printf("steps %d\n", steps);
  return 0;
}
