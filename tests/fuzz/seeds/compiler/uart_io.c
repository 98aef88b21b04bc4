/* UART: echo input bytes from a file back out, upper-cased. */
// run: --uart-in uart_io.input
#include "cockpit.h"

int main(void) {
  printf("write before begin: %d\n", uart_write('x'));
  uart_begin(115200);
  int n = 0;
  int c;
  while ((c = uart_read()) >= 0) {
    if (c >= 'a' && c <= 'z') c -= 32;
    uart_write(c);
    n++;
  }
  printf("\n%d bytes, available %d\n", n, uart_available());
  return 0;
}
