/*
** asm_lex.c -- tokens of one assembly line: identifiers (directives start
** with '.'), numbers (decimal, 0x hex, 0b binary, 'c' characters, optional
** sign), "strings" with C escapes, and the punctuation , : = @. A ';' starts
** a comment that runs to the end of the line.
*/
#include <string.h>

#include "asm_int.h"

#define NUM_MAX ((uint64_t)1 << 40)   /* beyond any field: "malformed" */

static bool id_start(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}
static bool id_char(int c) { return id_start(c) || (c >= '0' && c <= '9'); }

bool asm_is_ident(const char *s, size_t len) {
  if (len == 0 || !id_start((unsigned char)s[0])) return false;
  for (size_t i = 1; i < len; i++)
    if (!id_char((unsigned char)s[i])) return false;
  return true;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* One character of a quoted literal at *pp (before end). Returns the byte,
** or -1 if malformed; advances *pp. */
static int lit_char(const char **pp, const char *end) {
  const char *p = *pp;
  if (p >= end) return -1;
  int c = (unsigned char)*p++;
  if (c != '\\') { *pp = p; return c; }
  if (p >= end) return -1;
  c = (unsigned char)*p++;
  switch (c) {
    case 'n': c = '\n'; break;
    case 't': c = '\t'; break;
    case 'r': c = '\r'; break;
    case '0': c = 0; break;
    case 'a': c = '\a'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'v': c = '\v'; break;
    case '\\': case '"': case '\'': break;
    case 'x': {
      if (end - p < 2 || hexval(p[0]) < 0 || hexval(p[1]) < 0) return -1;
      c = hexval(p[0]) * 16 + hexval(p[1]);
      p += 2;
      break;
    }
    default: return -1;
  }
  *pp = p;
  return c;
}

void asm_lex_init(asm_lex *lx, const char *line, const char *end) {
  *lx = (asm_lex){ .p = line, .end = end };
  asm_lex_next(lx);
}

static void bad(asm_lex *lx, const char *s, asm_err e) {
  lx->t = T_BAD;
  lx->s = s;
  lx->len = (size_t)(lx->p - s);
  lx->err = e;
}

static void number(asm_lex *lx) {
  const char *s = lx->p, *p = s;
  bool neg = false;
  if (*p == '-' || *p == '+') neg = *p++ == '-';
  uint64_t v = 0;
  bool ok = true;
  if (p < lx->end && *p == '\'') {
    p++;
    int c = (p < lx->end && *p != '\'') ? lit_char(&p, lx->end) : -1;
    if (c < 0 || p >= lx->end || *p != '\'') {
      while (p < lx->end && *p != '\'') p++;
      lx->p = p < lx->end ? p + 1 : p;
      bad(lx, s, ASM_E_BAD_STRING);
      return;
    }
    p++;
    v = (uint64_t)c;
  } else {
    int base = 10;
    if (lx->end - p > 1 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) base = 16, p += 2;
    else if (lx->end - p > 1 && p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) base = 2, p += 2;
    const char *digits = p;
    while (p < lx->end && id_char((unsigned char)*p)) {
      int d = hexval((unsigned char)*p);
      if (d < 0 || d >= base) ok = false;
      else if (v < NUM_MAX) v = v * (uint64_t)base + (uint64_t)d;
      p++;
    }
    if (p == digits || v >= NUM_MAX) ok = false;
  }
  lx->p = p;
  if (!ok || (p < lx->end && id_char((unsigned char)*p))) {
    while (lx->p < lx->end && id_char((unsigned char)*lx->p)) lx->p++;
    bad(lx, s, ASM_E_BAD_NUMBER);
    return;
  }
  lx->t = T_NUM;
  lx->s = s;
  lx->len = (size_t)(p - s);
  lx->num = neg ? -(int64_t)v : (int64_t)v;
}

void asm_lex_next(asm_lex *lx) {
  const char *p = lx->p;
  while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')) p++;
  lx->p = p;
  if (p >= lx->end || *p == ';') {
    lx->t = T_EOL;
    lx->s = p;
    lx->len = 0;
    lx->p = lx->end;
    return;
  }
  int c = (unsigned char)*p;
  if (id_start(c)) {
    while (p < lx->end && id_char((unsigned char)*p)) p++;
    lx->t = T_IDENT;
    lx->s = lx->p;
    lx->len = (size_t)(p - lx->p);
    lx->p = p;
  } else if ((c >= '0' && c <= '9') || c == '\'' ||
             ((c == '-' || c == '+') && p + 1 < lx->end &&
              ((p[1] >= '0' && p[1] <= '9') || p[1] == '\''))) {
    number(lx);
  } else if (c == '"') {
    const char *s = p++;
    for (;;) {
      if (p >= lx->end) { lx->p = p; bad(lx, s, ASM_E_BAD_STRING); return; }
      if (*p == '"') break;
      if (lit_char(&p, lx->end) < 0) {
        while (p < lx->end && *p != '"') p++;
        lx->p = p < lx->end ? p + 1 : p;
        bad(lx, s, ASM_E_BAD_STRING);
        return;
      }
    }
    lx->t = T_STR;
    lx->s = s;
    lx->p = p + 1;
    lx->len = (size_t)(lx->p - s);
  } else if (c == ',' || c == ':' || c == '=' || c == '@') {
    lx->t = T_PUNCT;
    lx->s = p;
    lx->len = 1;
    lx->p = p + 1;
  } else {
    lx->p = p + 1;
    bad(lx, p, ASM_E_SYNTAX);
  }
}

bool asm_lex_is(const asm_lex *lx, char punct) {
  return lx->t == T_PUNCT && lx->s[0] == punct;
}

bool asm_lex_word(const asm_lex *lx, const char *w) {
  return lx->t == T_IDENT && strlen(w) == lx->len && memcmp(lx->s, w, lx->len) == 0;
}

bool asm_lex_string(const asm_lex *lx, asm_bytes *out) {
  if (lx->t != T_STR) return false;
  const char *p = lx->s + 1, *end = lx->s + lx->len - 1;
  while (p < end) {
    int c = lit_char(&p, end);
    if (c < 0) return false;
    if (out->n >= ASM_MAX_BYTES) return false;
    asm_bytes_put(out, out->n, (uint32_t)c, 1);
  }
  return true;
}
