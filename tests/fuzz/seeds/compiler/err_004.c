#include "cockpit.h"
int main(void) {
  pinMode(13, 1, 2);
  return 0;
}
