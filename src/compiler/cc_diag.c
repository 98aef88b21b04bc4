/*
** cc_diag.c -- memory (arena, vectors) and diagnostics in GCC form:
**   FILE:LINE:COL: error: message
**    LINE | source text
**         |     ^
*/
#define _POSIX_C_SOURCE 200809L   /* open_memstream */
#include <stdlib.h>
#include <string.h>

#include "cc_int.h"

/* ---- arena ------------------------------------------------------------- */
struct cc_chunk {
  cc_chunk *next;
  size_t used, size;
  max_align_t mem[];
};

#define CHUNK_MIN (64u << 10)

void *cc_alloc(cc_state *cs, size_t n) {
  cc_arena *a = &cs->arena;
  n = (n + 15u) & ~(size_t)15u;
  if (n == 0) n = 16;
  cc_chunk *c = a->head;
  if (!c || c->size - c->used < n) {
    size_t sz = n > CHUNK_MIN ? n : CHUNK_MIN;
    if (a->total + sz > CC_MAX_ARENA) cc_fatal(cs, "program too large: compiler memory limit reached");
    c = malloc(sizeof *c + sz);
    if (!c) cc_fatal(cs, "out of memory");
    c->next = a->head;
    c->used = 0;
    c->size = sz;
    a->head = c;
    a->total += sz;
  }
  void *p = (char *)c->mem + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

char *cc_strndup(cc_state *cs, const char *s, size_t n) {
  char *p = cc_alloc(cs, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void cc_arena_free(cc_arena *a) {
  cc_chunk *c = a->head;
  while (c) {
    cc_chunk *n = c->next;
    free(c);
    c = n;
  }
  a->head = NULL;
  a->total = 0;
}

/* Vectors grow inside the arena (the old buffer is simply abandoned), so a
** longjmp out of the compiler never leaks. */
void *cc_vpush(cc_state *cs, cc_vec *v) {
  if (v->n == v->cap) {
    uint32_t ncap = v->cap ? v->cap * 2 : 16;
    if ((uint64_t)ncap * v->isz > CC_MAX_ARENA) cc_fatal(cs, "program too large");
    void *p = cc_alloc(cs, (size_t)ncap * v->isz);
    if (v->n) memcpy(p, v->v, (size_t)v->n * v->isz);
    v->v = p;
    v->cap = ncap;
  }
  void *item = (char *)v->v + (size_t)v->n * v->isz;
  memset(item, 0, v->isz);
  v->n++;
  return item;
}

void cc_vfree(cc_vec *v) {
  v->v = NULL;
  v->n = v->cap = 0;
}

/* ---- diagnostics ------------------------------------------------------- */

/* Diagnostics are formatted as they come, buffered, and printed at the end
** sorted by source position (stable), as GCC would report them: the lexer
** runs over the whole file before the parser, so its errors would
** otherwise come first. A note sorts with the error or warning before it;
** messages without a position come last. */
typedef struct cc_diagrec {
  uint32_t line, col, seq;
  char *text;
} cc_diagrec;

static int diag_cmp(const void *a, const void *b) {
  const cc_diagrec *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void cc_diag_flush(cc_state *cs) {
  if (!cs->diag || cs->diags.n == 0) return;
  cc_diagrec *d = cs->diags.v;
  qsort(d, cs->diags.n, sizeof *d, diag_cmp);
  for (uint32_t i = 0; i < cs->diags.n; i++) fputs(d[i].text, cs->diag);
  fflush(cs->diag);
  cs->diags.n = 0;
}

/* Keep one formatted message (in the arena); line 0 sorts last. */
static void keep(cc_state *cs, uint32_t line, uint32_t col, char *buf, size_t n) {
  cs->diags.isz = sizeof(cc_diagrec);
  cc_diagrec *d = cc_vpush(cs, &cs->diags);
  d->line = line ? line : UINT32_MAX;
  d->col = col;
  d->seq = cs->diags.n;
  d->text = cc_strndup(cs, buf ? buf : "", buf ? n : 0);
}

/* Print source line `line` with a caret under column `col`. Tabs are kept
** in the caret line so the caret lines up in a terminal. */
static void show_line(FILE *out, cc_state *cs, uint32_t line, uint32_t col) {
  if (!out || line == 0 || line > cs->nlines) return;
  uint32_t s = cs->linestart[line - 1], e = s;
  while (e < cs->len && cs->src[e] != '\n' && cs->src[e] != '\r') e++;
  if (e - s > 400) e = s + 400;
  char gutter[16];
  int gw = snprintf(gutter, sizeof gutter, "%5u", (unsigned)line);
  fprintf(out, "%s | ", gutter);
  for (uint32_t i = s; i < e; i++) {
    unsigned char ch = (unsigned char)cs->src[i];
    fputc(ch == '\t' || ch >= 0x20 ? ch : ' ', out);
  }
  fputc('\n', out);
  fprintf(out, "%*s | ", gw, "");
  for (uint32_t i = s; i + 1 < s + col && i < e; i++)
    fputc(cs->src[i] == '\t' ? '\t' : ' ', out);
  fputs("^\n", out);
}

static void report(cc_state *cs, const char *kind, uint32_t line, uint32_t col,
                   const char *fmt, va_list ap) {
  if (!cs->diag) return;
  char *buf = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&buf, &n);
  if (!out) return;
  if (line) fprintf(out, "%s:%u:%u: %s: ", cs->file, (unsigned)line, (unsigned)col, kind);
  else fprintf(out, "%s: %s: ", cs->file, kind);
  vfprintf(out, fmt, ap);
  fputc('\n', out);
  show_line(out, cs, line, col);
  fclose(out);
  bool note = kind[0] == 'n';
  if (!note) { cs->gline = line; cs->gcol = col; }
  keep(cs, note ? cs->gline : line, note ? cs->gcol : col, buf, n);
  free(buf);
}

void cc_error(cc_state *cs, uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  if (cs->stop) return;
  va_start(ap, fmt);
  report(cs, "error", line, col, fmt, ap);
  va_end(ap);
  if (++cs->nerrors >= CC_MAX_ERRORS) {
    cc_diag_flush(cs);
    if (cs->diag) fprintf(cs->diag, "%s: fatal error: too many errors, stopping\n", cs->file);
    cs->stop = true;
    longjmp(cs->fail, 1);
  }
}

void cc_warning(cc_state *cs, uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  if (cs->stop) return;
  va_start(ap, fmt);
  report(cs, "warning", line, col, fmt, ap);
  va_end(ap);
  cs->nwarnings++;
}

void cc_note(cc_state *cs, uint32_t line, uint32_t col, const char *fmt, ...) {
  va_list ap;
  if (cs->stop) return;
  va_start(ap, fmt);
  report(cs, "note", line, col, fmt, ap);
  va_end(ap);
}

void cc_fatal(cc_state *cs, const char *fmt, ...) {
  va_list ap;
  if (cs->diag && !cs->stop) {
    /* printed at once, after what came before it: the arena may be full */
    cc_diag_flush(cs);
    fprintf(cs->diag, "%s: fatal error: ", cs->file);
    va_start(ap, fmt);
    vfprintf(cs->diag, fmt, ap);
    va_end(ap);
    fputc('\n', cs->diag);
  }
  cs->nerrors++;
  cs->stop = true;
  longjmp(cs->fail, 1);
}
