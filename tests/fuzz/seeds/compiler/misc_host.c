/* putchar, spi_transfer (loopback), device_id, yield, event_emit. */
// run: --device-id 0x12345678
#include "cockpit.h"

int main(void) {
  putchar('o');
  putchar('k');
  putchar('\n');
  printf("%d\n", putchar('!'));
  printf("\n");
  printf("spi %d %d %d\n", spi_transfer(0x5A), spi_transfer(300), spi_transfer(-1));
  printf("id %x\n", device_id());
  yield();
  event_emit("boot", 1);
  char name[] = "counter";
  event_emit(name, 42);
  printf("done\n");
  return 0;
}
