/*
** nullmodem.c -- two ptys wired back to back, like a null-modem cable or
** `socat pty,link=A pty,link=B`: bytes written on one end come out of the
** other. For the test of `cockpit device` on a serial device it did not make,
** and, with faults, for the copilot's link over a bad line.
** Usage: nullmodem A B SECONDS [faults] (links the two ends at A and B).
** Faults, each a rate in parts per million of the bytes carried, either way,
** drawn from a seeded generator (the same seed, the same draws):
**   --flip-ppm N     flip one bit of the byte
**   --drop-ppm N     lose the byte
**   --dup-ppm N      deliver the byte twice
**   --garbage-ppm N  deliver a random byte before it
**   --seed N         the generators' seed (1); each direction has its own,
**                    so a fault falls on the same byte of a stream however
**                    the two directions interleave
**   --stats FILE     at the end (SECONDS, SIGTERM or SIGINT), write the
**                    counts: "bytes N flips N drops N dups N garbage N" for
**                    each direction, "a>b" then "b>a"
*/
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { F_FLIP, F_DROP, F_DUP, F_GARBAGE, F__COUNT };
static const char *const fault_opt[F__COUNT] = { "--flip-ppm", "--drop-ppm", "--dup-ppm", "--garbage-ppm" };
static const char *const fault_name[F__COUNT] = { "flips", "drops", "dups", "garbage" };

static uint32_t ppm[F__COUNT];
static uint64_t rng[2];

/* splitmix64: a well-mixed, never zero, state for each direction's
** xorshift from any seed (small seeds give xorshift poor first draws) */
static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return z ? z : 1;
}
static struct { unsigned long long bytes, n[F__COUNT]; } count[2];
static volatile sig_atomic_t stop_now;

static void on_signal(int sig) { (void)sig; stop_now = 1; }

static uint32_t draw(int dir) {   /* xorshift64* */
  uint64_t x = rng[dir];
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rng[dir] = x;
  return (uint32_t)((x * 2685821657736338717ull) >> 32);
}
static int hit(int dir, int f) { return ppm[f] && draw(dir) % 1000000u < ppm[f]; }

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

/* n bytes in, what the line delivers out (at most 3 n); the faults counted
** for direction dir. */
static size_t line(int dir, const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = in[i];
    count[dir].bytes++;
    if (hit(dir, F_GARBAGE)) { out[o++] = (unsigned char)draw(dir); count[dir].n[F_GARBAGE]++; }
    if (hit(dir, F_DROP)) { count[dir].n[F_DROP]++; continue; }
    if (hit(dir, F_FLIP)) { c ^= (unsigned char)(1u << (draw(dir) % 8u)); count[dir].n[F_FLIP]++; }
    out[o++] = c;
    if (hit(dir, F_DUP)) { out[o++] = c; count[dir].n[F_DUP]++; }
  }
  return o;
}

static int usage(const char *why, const char *what) {
  if (why) fprintf(stderr, "nullmodem: %s%s%s\n", why, what ? " " : "", what ? what : "");
  fprintf(stderr, "usage: nullmodem A B SECONDS [--flip-ppm N] [--drop-ppm N] [--dup-ppm N] "
                  "[--garbage-ppm N] [--seed N] [--stats FILE]\n");
  return 2;
}

/* a number 0..1000000 (a rate) or, for the seed, any 64-bit value */
static int number(const char *s, unsigned long long max, unsigned long long *v) {
  char *e;
  if (!s || !*s || *s == '-') return 0;
  *v = strtoull(s, &e, 10);
  return !*e && *v <= max;
}

int main(int argc, char **argv) {
  if (argc < 4) return usage(NULL, NULL);
  if ((argc - 4) % 2) return usage("an option without its value:", argv[argc - 1]);
  const char *stats = NULL;
  uint64_t seed = 1;
  for (int i = 4; i < argc; i += 2) {
    unsigned long long v;
    int f = 0;
    while (f < F__COUNT && strcmp(argv[i], fault_opt[f])) f++;
    if (f < F__COUNT) {
      if (!number(argv[i + 1], 1000000u, &v)) return usage("not a rate 0..1000000 (ppm):", argv[i + 1]);
      ppm[f] = (uint32_t)v;
    } else if (!strcmp(argv[i], "--seed")) {
      if (!number(argv[i + 1], ~0ull, &v)) return usage("not a seed:", argv[i + 1]);
      seed = v;
    } else if (!strcmp(argv[i], "--stats")) {
      stats = argv[i + 1];
    } else {
      return usage("unknown option", argv[i]);
    }
  }
  rng[0] = mix(&seed);
  rng[1] = mix(&seed);
  int sa, sb, a = end(argv[1], &sa), b = end(argv[2], &sb);
  if (a < 0 || b < 0) {
    perror("nullmodem");
    return 1;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  time_t stop = time(NULL) + atoi(argv[3]);
  struct pollfd pf[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
  while (!stop_now && time(NULL) < stop) {
    if (poll(pf, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; i++) {
      if (!(pf[i].revents & POLLIN)) continue;
      unsigned char buf[4096], out[3 * sizeof buf];
      ssize_t n = read(pf[i].fd, buf, sizeof buf);
      size_t len = n > 0 ? line(i, buf, (size_t)n, out) : 0;
      for (size_t o = 0; o < len;) {
        ssize_t w = write(pf[1 - i].fd, out + o, len - o);
        if (w <= 0) break;
        o += (size_t)w;
      }
    }
  }
  unlink(argv[1]);
  unlink(argv[2]);
  if (stats) {
    FILE *f = fopen(stats, "w");
    if (!f) {
      perror(stats);
      return 1;
    }
    for (int d = 0; d < 2; d++) {
      fprintf(f, "%s bytes %llu", d ? "b>a" : "a>b", count[d].bytes);
      for (int k = 0; k < F__COUNT; k++) fprintf(f, " %s %llu", fault_name[k], count[d].n[k]);
      fputc('\n', f);
    }
    fclose(f);
  }
  return 0;
}
