#include "cockpit.h"
const uint8_t rom[2] = { 1, 2 };
int main(void) {
  i2c_read(0x48, rom, 2);
  return 0;
}
