/* random(): the host's deterministic generator (same seed, same numbers). */
// run: --seed 12345
#include "cockpit.h"

int main(void) {
  for (int i = 0; i < 10; i++) printf("%d ", random(100));
  printf("\n%d %d\n", random(0), random(-5));
  int hist[6] = { 0 };
  for (int i = 0; i < 600; i++) hist[random(6)]++;
  for (int i = 0; i < 6; i++) printf("%d ", hist[i]);
  printf("\n%d\n", random(2147483647));
  return 0;
}
