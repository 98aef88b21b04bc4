/*
** board_serial.c -- pty and serial-port plumbing for the programming link.
*/
#define _XOPEN_SOURCE 700
#include "board_serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static speed_t speed_of(uint32_t baud) {
  switch (baud) {
  case 9600: return B9600;
  case 19200: return B19200;
  case 38400: return B38400;
  case 57600: return B57600;
  case 230400: return B230400;
  case 460800: return B460800;
  case 921600: return B921600;
  default: return B115200;
  }
}

/* Raw 8N1: no echo, no line editing, no translation, no flow control. */
static int make_raw(int fd, uint32_t baud) {
  struct termios t;
  if (tcgetattr(fd, &t) < 0) return -1;
  t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF);
  t.c_oflag &= ~(tcflag_t)OPOST;
  t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB);
  t.c_cflag |= CS8 | CREAD | CLOCAL;
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  cfsetispeed(&t, speed_of(baud));
  cfsetospeed(&t, speed_of(baud));
  return tcsetattr(fd, TCSANOW, &t);
}

static int fail(board_serial *s, char *msg, uint32_t n, const char *what, const char *path) {
  int e = errno;
  snprintf(msg, n, "%s %s: %s", what, path, strerror(e));
  board_serial_close(s);
  errno = e;
  return -1;
}

static int open_tty(board_serial *s, const char *path, uint32_t baud, char *msg, uint32_t n) {
  s->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (s->fd < 0) return fail(s, msg, n, "cannot open", path);
  if (make_raw(s->fd, baud) < 0) return fail(s, msg, n, "not a serial port:", path);
  return 0;
}

int board_serial_serve(board_serial *s, const char *path, uint32_t baud, char *msg, uint32_t n) {
  memset(s, 0, sizeof *s);
  s->fd = s->keep = -1;
  struct stat sb;
  if (stat(path, &sb) == 0 && S_ISCHR(sb.st_mode)) return open_tty(s, path, baud, msg, n);
  if (lstat(path, &sb) == 0 && !S_ISLNK(sb.st_mode)) {
    errno = EEXIST;
    return fail(s, msg, n, "will not replace", path);
  }
  s->fd = posix_openpt(O_RDWR | O_NOCTTY);
  if (s->fd < 0 || grantpt(s->fd) < 0 || unlockpt(s->fd) < 0) return fail(s, msg, n, "cannot make a pty for", path);
  const char *slave = ptsname(s->fd);
  if (!slave) return fail(s, msg, n, "cannot make a pty for", path);
  /* Holding the slave open keeps the master usable while no client is
  ** attached, and sets raw mode for whoever opens it next. */
  s->keep = open(slave, O_RDWR | O_NOCTTY);
  if (s->keep < 0 || make_raw(s->keep, baud) < 0) return fail(s, msg, n, "cannot set up", slave);
  /* Link under a private name, then rename over path: a client never sees
  ** path missing, nor a stale link (to a pty number another process may
  ** have been given since) once we return. */
  char tmp[sizeof s->link + 32];
  if (strlen(path) >= sizeof s->link) {
    errno = ENAMETOOLONG;
    return fail(s, msg, n, "cannot link", path);
  }
  snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
  unlink(tmp);
  if (symlink(slave, tmp) < 0) return fail(s, msg, n, "cannot link", path);
  if (rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    errno = e;
    return fail(s, msg, n, "cannot link", path);
  }
  snprintf(s->link, sizeof s->link, "%s", path);
  int fl = fcntl(s->fd, F_GETFL);
  fcntl(s->fd, F_SETFL, fl | O_NONBLOCK);
  return 0;
}

int board_serial_open(board_serial *s, const char *path, uint32_t baud, char *msg, uint32_t n) {
  memset(s, 0, sizeof *s);
  s->fd = s->keep = -1;
  if (open_tty(s, path, baud, msg, n) < 0) return -1;
  tcflush(s->fd, TCIFLUSH);
  return 0;
}

void board_serial_close(board_serial *s) {
  if (s->link[0]) unlink(s->link);
  if (s->keep >= 0) close(s->keep);
  if (s->fd >= 0) close(s->fd);
  s->fd = s->keep = -1;
  s->link[0] = 0;
}

void board_serial_flush(board_serial *s) {
  while (s->txn) {
    uint32_t run = BOARD_SERIAL_TXQ - s->txh < s->txn ? BOARD_SERIAL_TXQ - s->txh : s->txn;
    ssize_t w = write(s->fd, s->txq + s->txh, run);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    s->txh = (s->txh + (uint32_t)w) % BOARD_SERIAL_TXQ;
    s->txn -= (uint32_t)w;
  }
}

void board_serial_put(board_serial *s, const uint8_t *p, uint32_t n) {
  board_serial_flush(s);
  if (n > BOARD_SERIAL_TXQ - s->txn) {
    s->tx_dropped += n;
    return;
  }
  for (uint32_t i = 0; i < n; i++) s->txq[(s->txh + s->txn + i) % BOARD_SERIAL_TXQ] = p[i];
  s->txn += n;
  board_serial_flush(s);
}

int board_serial_get(board_serial *s, uint8_t *p, uint32_t cap, int timeout_ms) {
  struct pollfd pf = { s->fd, (short)(POLLIN | (s->txn ? POLLOUT : 0)), 0 };
  int r = poll(&pf, 1, timeout_ms);
  if (r < 0) return errno == EINTR ? 0 : -1;
  if (r == 0) return 0;
  if (pf.revents & (POLLERR | POLLNVAL)) return -1;
  if (pf.revents & POLLOUT) board_serial_flush(s);
  if (!(pf.revents & (POLLIN | POLLHUP))) return 0;
  ssize_t k = read(s->fd, p, cap);
  if (k < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
  if (k == 0 && (pf.revents & POLLHUP)) return -1;
  return (int)k;
}

uint64_t board_serial_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- link_io ------------------------------------------------------------- */

static int io_send(void *ctx, const uint8_t *p, uint32_t n) {
  board_serial *s = ctx;
  while (n) {
    ssize_t w = write(s->fd, p, n);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      struct pollfd pf = { s->fd, POLLOUT, 0 };
      if (poll(&pf, 1, 1000) <= 0) return -1;
      continue;
    }
    if (w <= 0) return -1;
    p += w;
    n -= (uint32_t)w;
  }
  return 0;
}

static int io_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t timeout_ms) {
  return board_serial_get(ctx, p, cap, (int)timeout_ms);
}

static uint64_t io_now(void *ctx) {
  (void)ctx;
  return board_serial_now_ms();
}

link_io board_serial_io(board_serial *s) { return (link_io){ s, io_send, io_recv, io_now }; }
