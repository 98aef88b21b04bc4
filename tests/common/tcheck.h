/* tcheck.h - tiny check helpers for the tests/common programs. */
#ifndef TCHECK_H
#define TCHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static long t_checks, t_failed;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    t_checks++;                                                            \
    if (!(cond)) {                                                         \
      t_failed++;                                                          \
      if (t_failed <= 50) {                                                \
        fprintf(stderr, "%s:%d: FAIL (%s): ", __FILE__, __LINE__, #cond);  \
        fprintf(stderr, __VA_ARGS__);                                      \
        fputc('\n', stderr);                                               \
      }                                                                    \
    }                                                                      \
  } while (0)

/* Hex to bytes; returns the byte count (hex must be well formed). */
static inline size_t unhex(uint8_t *out, const char *hex)
{
  size_t n = 0;
  for (; hex[0] && hex[1]; hex += 2) {
    unsigned v;
    sscanf(hex, "%2x", &v);
    out[n++] = (uint8_t)v;
  }
  return n;
}

static inline int hexeq(const uint8_t *b, size_t n, const char *hex)
{
  uint8_t want[256];
  return strlen(hex) == 2 * n && unhex(want, hex) == n && !memcmp(b, want, n);
}

/* xorshift64*: deterministic test data, seedable from the command line. */
static uint64_t t_rng = 0x9e3779b97f4a7c15u;
static inline uint64_t rnd(void)
{
  t_rng ^= t_rng >> 12;
  t_rng ^= t_rng << 25;
  t_rng ^= t_rng >> 27;
  return t_rng * 0x2545f4914f6cdd1du;
}
static inline void rndbytes(uint8_t *p, size_t n)
{
  while (n--)
    *p++ = (uint8_t)(rnd() >> 56);
}

static inline int t_done(const char *name)
{
  printf("%s: %ld checks, %ld failed\n", name, t_checks, t_failed);
  return t_failed != 0 || t_checks == 0;
}

#endif
