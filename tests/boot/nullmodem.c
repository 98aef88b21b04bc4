/*
** nullmodem.c -- two ptys wired back to back, like a null-modem cable or
** `socat pty,link=A pty,link=B`: bytes written on one end come out of the
** other. For the test of `cockpit device` on a serial device it did not make.
** Usage: nullmodem A B SECONDS (links the two ends at A and B).
*/
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int end(const char *link, int *slave) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) return -1;
  const char *name = ptsname(m);
  *slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;   /* keeps the master alive */
  struct termios t;
  if (*slave < 0 || tcgetattr(*slave, &t) < 0) return -1;
  t.c_iflag = 0;
  t.c_oflag = 0;
  t.c_lflag = 0;
  t.c_cflag = CS8 | CREAD | CLOCAL;
  tcsetattr(*slave, TCSANOW, &t);
  unlink(link);
  return symlink(name, link) < 0 ? -1 : m;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: nullmodem A B SECONDS\n");
    return 2;
  }
  int sa, sb, a = end(argv[1], &sa), b = end(argv[2], &sb);
  if (a < 0 || b < 0) {
    perror("nullmodem");
    return 1;
  }
  time_t stop = time(NULL) + atoi(argv[3]);
  struct pollfd pf[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
  while (time(NULL) < stop) {
    if (poll(pf, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; i++) {
      if (!(pf[i].revents & POLLIN)) continue;
      char buf[4096];
      ssize_t n = read(pf[i].fd, buf, sizeof buf);
      for (ssize_t o = 0; n > 0 && o < n;) {
        ssize_t w = write(pf[1 - i].fd, buf + o, (size_t)(n - o));
        if (w <= 0) break;
        o += w;
      }
    }
  }
  unlink(argv[1]);
  unlink(argv[2]);
  return 0;
}
