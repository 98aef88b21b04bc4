/* A host call with an argument the board refuses. */
// fault: 5: bad host-call argument
#include "cockpit.h"
int main(void) {
  pinMode(99, OUTPUT);
  return 0;
}
