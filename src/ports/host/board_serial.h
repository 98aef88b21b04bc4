/*
** board_serial.h -- serial ports for the programming link on Linux: the
** simulated device's UART as a pty linked at a path (or a real serial
** device), and the client's end as a link_io (link.h).
*/
#ifndef BOARD_SERIAL_H
#define BOARD_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "link.h"

#define BOARD_SERIAL_TXQ 2048u

typedef struct board_serial {
  int fd;                  /* what we read and write */
  int keep;                /* pty: our own slave end, held open; else -1 */
  char link[256];          /* pty: the symlink we made; else "" */
  uint64_t tx_dropped;     /* device: bytes nobody could take */
  uint8_t txq[BOARD_SERIAL_TXQ];   /* device: the transmit queue, as a UART's */
  uint32_t txh, txn;       /* its oldest byte, bytes queued */
} board_serial;

/* The device's side. If path is a character device (a real serial port,
** or a pty made by someone else) it is opened raw at baud; otherwise a new
** pty is made and symlinked at path (an existing symlink is replaced in one
** rename, any other file refused; close removes the link). Nonblocking. 0,
** or -1 with errno and a message. */
int board_serial_serve(board_serial *s, const char *path, uint32_t baud, char *msg, uint32_t n);
/* The client's side: open path raw at baud, discarding stale input. */
int board_serial_open(board_serial *s, const char *path, uint32_t baud, char *msg, uint32_t n);
void board_serial_close(board_serial *s);

/* Device: queue p (one frame) for sending, whole, or drop it when the
** transmit queue has no room for it (a UART nobody listens to, or one
** slower than what is sent): the link never carries half a frame. The
** queue drains into the port as it takes bytes: here, in
** board_serial_get (which waits for that too) and board_serial_flush. */
void board_serial_put(board_serial *s, const uint8_t *p, uint32_t n);
void board_serial_flush(board_serial *s);
/* Wait up to timeout_ms for bytes: count read, 0 none, -1 error. */
int board_serial_get(board_serial *s, uint8_t *p, uint32_t cap, int timeout_ms);

/* A monotonic clock in ms, and a link_io on an open client port. */
uint64_t board_serial_now_ms(void);
link_io board_serial_io(board_serial *s);

#endif /* BOARD_SERIAL_H */
