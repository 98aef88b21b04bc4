/*
** uart_echo.c -- echo every byte received on the serial port, and count
** the lines.
**
**   cockpit run examples/uart_echo.c --uart-in examples/uart_echo.txt --max-ms 500
**   echo hello | cockpit run examples/uart_echo.c --uart-in - --max-ms 500
**
** The board's serial input comes from a file (or stdin with "-"); what the
** program writes to the port appears on the console.
*/
// run: --uart-in uart_echo.txt --max-ms 500
#include "cockpit.h"

#define BAUD 115200

static int lines, bytes;
static char line[64];
static int len;

void setup(void) {
  uart_begin(BAUD);
  printf("uart_echo: %d baud\n", BAUD);
}

void loop(void) {
  while (uart_available() > 0) {
    int c = uart_read();
    if (c < 0) break;
    bytes++;
    uart_write(c);                    /* echo */
    if (c == '\n') {
      line[len] = '\0';
      lines++;
      printf("[line %d: %d chars: %s]\n", lines, len, line);
      len = 0;
    } else if (len < (int)sizeof line - 1) {
      line[len++] = (char)c;
    }
  }
  delay(20);
}
