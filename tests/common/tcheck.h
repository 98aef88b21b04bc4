/*
** tcheck.h -- the one test support header of the C tests (every folder
** under tests/ has tests/common on its include path):
**
**   CHECK(cond [, fmt, ...])    count a check; on failure count it and say
**                               where, the condition and the message
**   CHECKF                      the same (the older spelling)
**   REQUIRE(cond [, fmt, ...])  a check the test cannot go on without: exit 1
**   t_done(name)                the summary line; the exit status (1 when a
**                               check failed or none ran)
**   unhex, hexeq                hex test vectors
**   rnd, rndbytes               deterministic test data (xorshift64*)
**
** The counters are weak definitions, so a test made of several files has
** one pair of them. tcap.h: a stdio stream the test reads back.
*/
#ifndef TCHECK_H
#define TCHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((weak)) long t_checks;
__attribute__((weak)) int t_failures;

/* The message is optional: CHECK(c) passes "" as the format, and a message
** given gets one more ("") argument than its format uses. */
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
__attribute__((format(printf, 4, 5)))
static inline void t_fail_(const char *file, int line, const char *cond, const char *fmt, ...) {
  t_failures++;
  if (t_failures > 50) return;
  fprintf(stderr, "%s:%d: check failed: %s%s", file, line, cond, *fmt ? ": " : "");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}
#define T_CHECK_(c, ...) do { t_checks++; \
  if (!(c)) t_fail_(__FILE__, __LINE__, #c, __VA_ARGS__); } while (0)
#define CHECK(...) T_CHECK_(__VA_ARGS__, "")
#define CHECKF CHECK
#define T_REQUIRE_(c, ...) do { t_checks++; if (!(c)) { \
  t_fail_(__FILE__, __LINE__, #c, __VA_ARGS__); \
  fprintf(stderr, "%s:%d: required; giving up\n", __FILE__, __LINE__); exit(1); } } while (0)
#define REQUIRE(...) T_REQUIRE_(__VA_ARGS__, "")

static inline int t_done(const char *name) {
  printf("%s: %ld checks, %d failed\n", name, t_checks, t_failures);
  return t_failures != 0 || t_checks == 0;
}

/* Hex to bytes; returns the byte count (hex must be well formed). */
static inline size_t unhex(uint8_t *out, const char *hex) {
  size_t n = 0;
  for (; hex[0] && hex[1]; hex += 2) {
    unsigned v;
    if (sscanf(hex, "%2x", &v) != 1) break;
    out[n++] = (uint8_t)v;
  }
  return n;
}
static inline int hexeq(const uint8_t *b, size_t n, const char *hex) {
  uint8_t want[256];
  return strlen(hex) == 2 * n && n <= sizeof want && unhex(want, hex) == n && !memcmp(b, want, n);
}

/* xorshift64*: deterministic test data, seedable by setting t_rng. */
__attribute__((weak)) uint64_t t_rng = 0x9e3779b97f4a7c15u;
static inline uint64_t rnd(void) {
  t_rng ^= t_rng >> 12;
  t_rng ^= t_rng << 25;
  t_rng ^= t_rng >> 27;
  return t_rng * 0x2545f4914f6cdd1du;
}
static inline void rndbytes(uint8_t *p, size_t n) {
  while (n--) *p++ = (uint8_t)(rnd() >> 56);
}

#endif /* TCHECK_H */
