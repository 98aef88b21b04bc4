/*
** bcheck.h -- check helpers shared by the board and hostcall tests.
*/
#ifndef BCHECK_H
#define BCHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long b_checks, b_failed;

#define CHECK(cond, ...)                                                    \
  do {                                                                      \
    b_checks++;                                                             \
    if (!(cond)) {                                                          \
      b_failed++;                                                           \
      if (b_failed <= 50) {                                                 \
        fprintf(stderr, "%s:%d: FAIL (%s): ", __FILE__, __LINE__, #cond);   \
        fprintf(stderr, __VA_ARGS__);                                       \
        fputc('\n', stderr);                                                \
      }                                                                     \
    }                                                                       \
  } while (0)

/* A stream whose contents the test can read back; clearing only moves the
** start mark (memstreams do not truncate). */
typedef struct bcap {
  char *buf;
  size_t len, mark;
  FILE *f;
} bcap;

static inline void bcap_open(bcap *c) {
  c->buf = NULL;
  c->len = c->mark = 0;
  c->f = open_memstream(&c->buf, &c->len);
  if (!c->f) { perror("open_memstream"); exit(2); }
}
/* The text since the last clear (NUL-terminated; may hold NULs). */
static inline const char *bcap_text(bcap *c) {
  fflush(c->f);
  return c->buf ? c->buf + c->mark : "";
}
static inline size_t bcap_len(bcap *c) {
  fflush(c->f);
  return c->len - c->mark;
}
static inline void bcap_clear(bcap *c) {
  fflush(c->f);
  c->mark = c->len;
}
static inline void bcap_close(bcap *c) {
  fclose(c->f);
  free(c->buf);
}

static inline int b_done(const char *name) {
  printf("%s: %ld checks, %ld failed\n", name, b_checks, b_failed);
  return b_failed != 0 || b_checks == 0;
}

#endif /* BCHECK_H */
