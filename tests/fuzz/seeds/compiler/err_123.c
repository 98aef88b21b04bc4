#include <stdint.h>
int main(void) {
  uint8_t b = 300;
  return b;
}
