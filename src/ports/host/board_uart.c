/*
** board_uart.c -- the simulated serial port: output to the console stream,
** input from a file or stdin, read without blocking.
*/
#include "board_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

static int rx_fd = -1;           /* -1: no input */
static bool rx_own;              /* we opened it (not stdin) */
static bool rx_eof;
static uint8_t rx_buf[BOARD_UART_RX];
static uint32_t rx_head, rx_len;
static bool uart_open;

board_err board_uart_open(const char *path) {
  board_uart_close();
  if (path) {
    if (path[0] == '-' && path[1] == '\0') {
      rx_fd = 0;
    } else {
      rx_fd = open(path, O_RDONLY | O_CLOEXEC);
      if (rx_fd < 0) return BOARD_EUART_IN;
      rx_own = true;
    }
  }
  return BOARD_EOK;
}

void board_uart_close(void) {
  if (rx_own && rx_fd >= 0) close(rx_fd);
  rx_fd = -1;
  rx_own = rx_eof = uart_open = false;
  rx_head = rx_len = 0;
}

/* Refill the receive buffer from whatever input is ready now. */
static void rx_fill(void) {
  if (rx_len > 0 || rx_fd < 0 || rx_eof) return;
  struct pollfd pf = { rx_fd, POLLIN, 0 };
  if (poll(&pf, 1, 0) <= 0) return;
  ssize_t n;
  do n = read(rx_fd, rx_buf, sizeof rx_buf); while (n < 0 && errno == EINTR);
  if (n <= 0) { rx_eof = true; return; }
  rx_head = 0;
  rx_len = (uint32_t)n;
}

static const char *show_byte(char *buf, size_t n, uint8_t b) {
  if (b >= 0x20 && b < 0x7F && b != '\'' && b != '\\') snprintf(buf, n, " '%c'", b);
  else if (b == '\n') snprintf(buf, n, " '\\n'");
  else if (b == '\r') snprintf(buf, n, " '\\r'");
  else buf[0] = '\0';
  return buf;
}

int hal_uart_begin(uint32_t baud) {
  if (baud == 0) return HAL_EINVAL;
  uart_open = true;
  board_trace("uart begin %u baud", (unsigned)baud);
  return HAL_OK;
}

int hal_uart_write(uint8_t byte) {
  char s[8];
  if (!uart_open) return HAL_ECLOSED;
  fputc(byte, board_S.o.console);
  board_trace("uart tx 0x%02x%s", byte, show_byte(s, sizeof s, byte));
  return HAL_OK;
}

int hal_uart_available(void) {
  if (!uart_open) return HAL_ECLOSED;
  rx_fill();
  return (int)rx_len;
}

int hal_uart_read(void) {
  char s[8];
  if (!uart_open) return -1;
  rx_fill();
  if (rx_len == 0) return -1;
  uint8_t b = rx_buf[rx_head++];
  rx_len--;
  board_trace("uart rx 0x%02x%s", b, show_byte(s, sizeof s, b));
  return b;
}
