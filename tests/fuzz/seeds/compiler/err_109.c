#include "cockpit.h"
int main(void) {
  int buf = 0;
  i2c_read(0x48, buf, 2);
  return 0;
}
