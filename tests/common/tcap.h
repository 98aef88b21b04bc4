/*
** tcap.h -- a stdio stream a test reads back (open_memstream, POSIX 2008:
** define _POSIX_C_SOURCE 200809L or _GNU_SOURCE before any include).
*/
#ifndef TCAP_H
#define TCAP_H

#include <stdio.h>
#include <stdlib.h>

/* A stream whose contents the test can read back; clearing only moves the
** start mark (memstreams do not truncate). */
typedef struct tcap {
  char *buf;
  size_t len, mark;
  FILE *f;
} tcap;
static inline void tcap_open(tcap *c) {
  c->buf = NULL;
  c->len = c->mark = 0;
  c->f = open_memstream(&c->buf, &c->len);
  if (!c->f) { perror("open_memstream"); exit(2); }
}
/* The text since the last clear (NUL-terminated; may hold NULs). */
static inline const char *tcap_text(tcap *c) {
  fflush(c->f);
  return c->buf ? c->buf + c->mark : "";
}
static inline size_t tcap_len(tcap *c) {
  fflush(c->f);
  return c->len - c->mark;
}
static inline void tcap_clear(tcap *c) {
  fflush(c->f);
  c->mark = c->len;
}
static inline void tcap_close(tcap *c) {
  fclose(c->f);
  free(c->buf);
}

#endif /* TCAP_H */
