/* Eight queens by backtracking: global arrays and recursion. */
#include <stdio.h>
#include <stdbool.h>

#define N 8
int col[N];
bool used_col[N], used_d1[2 * N], used_d2[2 * N];
int solutions;

void place(int r) {
  if (r == N) {
    if (solutions == 0) {
      for (int i = 0; i < N; i++) printf("%d", col[i]);
      printf("\n");
    }
    solutions++;
    return;
  }
  for (int c = 0; c < N; c++) {
    if (used_col[c] || used_d1[r + c] || used_d2[r - c + N]) continue;
    used_col[c] = used_d1[r + c] = used_d2[r - c + N] = true;
    col[r] = c;
    place(r + 1);
    used_col[c] = used_d1[r + c] = used_d2[r - c + N] = false;
  }
}

int main(void) {
  place(0);
  printf("%d solutions\n", solutions);
  return 0;
}
