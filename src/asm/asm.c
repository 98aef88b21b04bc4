/*
** asm.c -- the assembler: text -> cvm1_image.
**
** One pass over the lines builds code, tables and data; names may be used
** before they are declared, so operands naming globals, arrays and
** functions become fixups resolved at the end, and labels (local to their
** function) are resolved at the function's .end. Instructions are encoded
** from the opcode table alone: the format gives the fields, each field's
** operand kind says how to read it.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm_int.h"

#define NONE (-1)
#define DEFAULT_DEPTH 32u
#define DEFAULT_STACK 2048u

struct asm_prog {
  uint32_t *code;   uint32_t ncode, ccode;
  cvm1_func *funcs; uint32_t nfuncs, cfuncs;
  cvm1_array *arrays; uint32_t narrays, carrays;
  cvm1_line *lines; uint32_t nlines, clines;
  asm_bytes data, rodata;
  char *source;
  cvm1_image img;
};

/* An operand whose value is known only later. */
typedef struct fixup {
  uint32_t at;           /* code word to patch */
  uint32_t base;         /* jumps: offsets count from this word */
  uint8_t shift, width, kind;
  int32_t window;        /* CALL-like: register A whose window the callee sizes */
  uint32_t func;         /* function the instruction is in */
  uint32_t line;
  char *name;            /* NULL: numeric value in num */
  int64_t num;
} fixup;

/* Per-function assembly state beyond the table entry. */
typedef struct fstate {
  uint32_t line;         /* of the .func */
  int32_t nslots, arrbytes;   /* NONE: computed */
  uint32_t need;         /* registers referenced */
  uint32_t lcur;         /* frame-array bytes declared by .local */
} fstate;

typedef struct st {
  asm_prog *P;
  const char *file;
  uint32_t line;
  FILE *diag;
  asm_diag d;
  asm_map globals, arrays, funcs, labels;
  fixup *fix;  uint32_t nfix, cfix;    /* resolved at the end of the file */
  fixup *lfix; uint32_t nlfix, clfix;  /* labels: resolved at .end */
  fstate *fs;  uint32_t cfs;
  int32_t cur;                          /* open function, or NONE */
  uint32_t gcur, rcur;                  /* globals, read-only data cursors */
  int64_t set_globals, set_rodata, set_datasize, set_memory, set_depth;
  uint32_t caps_used, caps_extra;
  char *entry[2]; int nentry;  uint32_t entry_line;  /* nentry -1: none */
  bool have_entry;
} st;

/* ---- diagnostics ----------------------------------------------------- */

static void verr(st *S, uint32_t line, asm_err e, const char *fmt, va_list ap) {
  if (S->d.nerrors == 0) {
    S->d.first = e;
    S->d.first_line = line;
  }
  S->d.nerrors++;
  if (!S->diag || S->d.nerrors > ASM_MAX_ERRORS) return;
  fprintf(S->diag, "%s:%u: error: %s", S->file, line, asm_err_str(e));
  if (fmt) {
    fputs(": ", S->diag);
    vfprintf(S->diag, fmt, ap);
  }
  fputc('\n', S->diag);
}

static void err(st *S, asm_err e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr(S, S->line, e, fmt, ap);
  va_end(ap);
}

static void errl(st *S, uint32_t line, asm_err e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr(S, line, e, fmt, ap);
  va_end(ap);
}

/* Report the current token as unexpected (or the lexer's own error). */
static void unexpected(st *S, const asm_lex *lx, const char *what) {
  if (lx->t == T_BAD) err(S, lx->err, "'%.*s'", (int)lx->len, lx->s);
  else if (lx->t == T_EOL) err(S, ASM_E_SYNTAX, "expected %s at end of line", what);
  else err(S, ASM_E_SYNTAX, "expected %s, found '%.*s'", what, (int)lx->len, lx->s);
}

/* ---- small parsers ---------------------------------------------------- */

static bool expect_end(st *S, asm_lex *lx) {
  if (lx->t == T_EOL) return true;
  unexpected(S, lx, "end of line");
  return false;
}

static bool num_in(st *S, asm_lex *lx, int64_t lo, int64_t hi, const char *what, int64_t *v) {
  if (lx->t != T_NUM) { unexpected(S, lx, what); return false; }
  if (lx->num < lo || lx->num > hi) {
    err(S, ASM_E_RANGE, "%s %lld not in %lld..%lld", what, (long long)lx->num,
        (long long)lo, (long long)hi);
    return false;
  }
  *v = lx->num;
  asm_lex_next(lx);
  return true;
}

static bool ident(st *S, asm_lex *lx, const char *what) {
  if (lx->t == T_IDENT) return true;
  unexpected(S, lx, what);
  return false;
}

static bool punct(st *S, asm_lex *lx, char c) {
  if (asm_lex_is(lx, c)) { asm_lex_next(lx); return true; }
  char what[4] = { '\'', c, '\'', 0 };
  unexpected(S, lx, what);
  return false;
}

static uint32_t align_up(uint32_t x, uint32_t a) { return (x + a - 1) & ~(a - 1); }

/* Write initial values ("= v, "str", ...") of esize-byte elements into buf
** at base, at most count elements. */
static bool init_list(st *S, asm_lex *lx, asm_bytes *buf, uint32_t base, uint32_t esize,
                      uint32_t count) {
  int64_t lo = -((int64_t)1 << (8 * esize - 1)), hi = ((int64_t)1 << (8 * esize)) - 1;
  uint32_t i = 0;
  for (;;) {
    if (lx->t == T_STR) {
      asm_bytes s = {0};
      bool ok = asm_lex_string(lx, &s);
      if (!ok) err(S, ASM_E_BAD_STRING, "longer than %u bytes", ASM_MAX_BYTES);
      for (uint32_t j = 0; ok && j < s.n; j++, i++) {
        if (i >= count) {
          err(S, ASM_E_INIT_SIZE, "%u elements", count);
          ok = false;
        } else {
          asm_bytes_put(buf, base + i * esize, s.b[j], esize);
        }
      }
      free(s.b);
      if (!ok) return false;
      asm_lex_next(lx);
    } else {
      int64_t v;
      if (!num_in(S, lx, lo, hi, "initial value", &v)) return false;
      if (i >= count) {
        err(S, ASM_E_INIT_SIZE, "%u elements", count);
        return false;
      }
      asm_bytes_put(buf, base + i * esize, (uint32_t)v, esize);
      i++;
    }
    if (!asm_lex_is(lx, ',')) return true;
    asm_lex_next(lx);
  }
}

/* ---- directives ------------------------------------------------------- */

static bool in_func(st *S) {
  if (S->cur != NONE) return true;
  err(S, ASM_E_OUTSIDE_FUNC, NULL);
  return false;
}

static bool top_level(st *S, const char *dir) {
  if (S->cur == NONE) return true;
  err(S, ASM_E_SYNTAX, "%s is not allowed inside a function", dir);
  return false;
}

static bool set_size(st *S, asm_lex *lx, int64_t *slot, int64_t max, bool mult4,
                     const char *what) {
  int64_t v;
  if (!num_in(S, lx, 0, max, what, &v) || !expect_end(S, lx)) return false;
  if (mult4 && (v & 3)) {
    err(S, ASM_E_RANGE, "%s %lld is not a multiple of 4", what, (long long)v);
    return false;
  }
  *slot = v;
  return true;
}

static bool d_source(st *S, asm_lex *lx) {
  if (lx->t != T_STR) { unexpected(S, lx, "a string"); return false; }
  asm_bytes s = {0};
  bool ok = asm_lex_string(lx, &s) && (s.n == 0 || memchr(s.b, 0, s.n) == NULL);
  if (!ok) {
    err(S, ASM_E_BAD_STRING, "source name");
  } else {
    free(S->P->source);
    S->P->source = asm_xstrndup(s.n ? (const char *)s.b : "", s.n);
  }
  free(s.b);
  asm_lex_next(lx);
  return ok && expect_end(S, lx);
}

static bool d_entry(st *S, asm_lex *lx) {
  if (S->have_entry) { err(S, ASM_E_DUPLICATE, ".entry"); return false; }
  int n = 0;
  char *names[2] = {0};
  if (asm_lex_word(lx, "none")) {
    asm_lex_next(lx);
    n = -1;
  } else {
    while (n < 2 && (lx->t == T_IDENT || lx->t == T_NUM)) {
      names[n++] = asm_xstrndup(lx->s, lx->len);
      asm_lex_next(lx);
    }
    if (n == 0) unexpected(S, lx, "a function name");
  }
  if (n == 0 || !expect_end(S, lx)) {
    free(names[0]);
    free(names[1]);
    return false;
  }
  S->entry[0] = names[0];
  S->entry[1] = names[1];
  S->nentry = n;
  S->entry_line = S->line;
  S->have_entry = true;
  return true;
}

static bool d_memory(st *S, asm_lex *lx) { return set_size(S, lx, &S->set_memory, UINT32_MAX, false, "memory size"); }
static bool d_depth(st *S, asm_lex *lx) { return set_size(S, lx, &S->set_depth, 1 << 20, false, "call depth"); }
static bool d_globals(st *S, asm_lex *lx) { return set_size(S, lx, &S->set_globals, ASM_MAX_BYTES, true, "globals size"); }
static bool d_rodata(st *S, asm_lex *lx) { return set_size(S, lx, &S->set_rodata, ASM_MAX_BYTES, false, "read-only data size"); }
static bool d_datasize(st *S, asm_lex *lx) { return set_size(S, lx, &S->set_datasize, ASM_MAX_BYTES, false, "data image size"); }

static bool d_caps(st *S, asm_lex *lx) {
  while (lx->t == T_IDENT) {
    uint32_t c = asm_find_cap(lx->s, lx->len);
    if (c == CVM_CAP__COUNT) {
      err(S, ASM_E_UNKNOWN_CAP, "'%.*s'", (int)lx->len, lx->s);
      return false;
    }
    S->caps_extra |= CVM_CAPBIT(c);
    asm_lex_next(lx);
    if (asm_lex_is(lx, ',')) asm_lex_next(lx);
  }
  return expect_end(S, lx);
}

/* Optional "@ OFFSET" placement. */
static bool placement(st *S, asm_lex *lx, int64_t *at, int64_t max) {
  *at = NONE;
  if (!asm_lex_is(lx, '@')) return true;
  asm_lex_next(lx);
  return num_in(S, lx, 0, max, "offset", at);
}

static bool d_global(st *S, asm_lex *lx) {
  if (!top_level(S, ".global") || !ident(S, lx, "a global name")) return false;
  const char *name = lx->s;
  size_t len = lx->len;
  asm_lex_next(lx);
  int64_t at, v = 0;
  if (!placement(S, lx, &at, ASM_MAX_BYTES - 4)) return false;
  if (at != NONE && (at & 3)) {
    err(S, ASM_E_RANGE, "global offset %lld is not a multiple of 4", (long long)at);
    return false;
  }
  uint32_t off = at != NONE ? (uint32_t)at : align_up(S->gcur, 4);
  if (off > ASM_MAX_BYTES - 4) { err(S, ASM_E_LIMIT, "globals exceed %u bytes", ASM_MAX_BYTES); return false; }
  if (asm_lex_is(lx, '=')) {
    asm_lex_next(lx);
    if (!num_in(S, lx, INT32_MIN, UINT32_MAX, "initial value", &v)) return false;
  }
  if (!expect_end(S, lx)) return false;
  if (!asm_map_put(&S->globals, name, len, off / 4)) {
    err(S, ASM_E_DUPLICATE, "global '%.*s'", (int)len, name);
    return false;
  }
  if (v) asm_bytes_put(&S->P->data, off, (uint32_t)v, 4);
  if (off + 4 > S->gcur) S->gcur = off + 4;
  return true;
}

/* Shared by .array, .local and .string: SPACE already known. */
static bool declare_array(st *S, asm_lex *lx, uint32_t space) {
  asm_prog *P = S->P;
  if (!ident(S, lx, "an array name")) return false;
  const char *name = lx->s;
  size_t len = lx->len;
  asm_lex_next(lx);
  if (!ident(S, lx, "an element type")) return false;
  const asm_type *ty = asm_find_type(lx->s, lx->len);
  if (!ty) { err(S, ASM_E_BAD_TYPE, "'%.*s'", (int)lx->len, lx->s); return false; }
  asm_lex_next(lx);
  int64_t count, inner = 0, at;
  if (!num_in(S, lx, 0, ASM_MAX_BYTES / ty->esize, "element count", &count)) return false;
  if (asm_lex_word(lx, "inner")) {
    asm_lex_next(lx);
    if (!num_in(S, lx, 0, 0xFFFF, "inner dimension", &inner)) return false;
  }
  uint32_t size = (uint32_t)count * ty->esize;
  if (!placement(S, lx, &at, ASM_MAX_BYTES - size)) return false;
  uint32_t *cur = space == CVM_SP_G ? &S->gcur : space == CVM_SP_R ? &S->rcur
                : S->cur != NONE ? &S->fs[S->cur].lcur : NULL;
  if (!cur && at == NONE) { err(S, ASM_E_PLACE, "'%.*s'", (int)len, name); return false; }
  uint32_t base = at != NONE ? (uint32_t)at : align_up(*cur, ty->esize);
  uint32_t limit = space == CVM_SP_L ? 0xFFFF : ASM_MAX_BYTES;
  if ((uint64_t)base + size > limit) {
    err(S, ASM_E_LIMIT, "'%.*s' ends beyond %u bytes", (int)len, name, limit);
    return false;
  }
  if (P->narrays >= 0xFFFF) { err(S, ASM_E_LIMIT, "more than 65535 arrays"); return false; }
  if (asm_lex_is(lx, '=')) {
    asm_lex_next(lx);
    if (space == CVM_SP_L) { err(S, ASM_E_NO_INIT, "frame arrays start zeroed; use AINIT"); return false; }
    if (!init_list(S, lx, space == CVM_SP_G ? &P->data : &P->rodata, base, ty->esize,
                   (uint32_t)count))
      return false;
  }
  if (!expect_end(S, lx)) return false;
  if (!asm_map_put(&S->arrays, name, len, P->narrays)) {
    err(S, ASM_E_DUPLICATE, "array '%.*s'", (int)len, name);
    return false;
  }
  ASM_GROW(P->arrays, P->narrays, P->carrays);
  P->arrays[P->narrays++] = (cvm1_array){ base, (uint32_t)count, ty->esize, (uint8_t)space,
                                          (uint16_t)inner };
  if (cur && base + size > *cur) *cur = base + size;
  return true;
}

static bool d_array(st *S, asm_lex *lx) {
  static const char spaces[] = { 0, 'G', 'L', 'R' };
  uint32_t sp = 0;
  if (!ident(S, lx, "an array space (G, L or R)")) return false;
  for (uint32_t i = 1; i < 4; i++)
    if (lx->len == 1 && (lx->s[0] == spaces[i] || lx->s[0] == spaces[i] + 32)) sp = i;
  if (!sp) { err(S, ASM_E_BAD_SPACE, "'%.*s'", (int)lx->len, lx->s); return false; }
  asm_lex_next(lx);
  if (sp != CVM_SP_L && !top_level(S, ".array G/R")) return false;
  return declare_array(S, lx, sp);
}

static bool d_local(st *S, asm_lex *lx) {
  return in_func(S) && declare_array(S, lx, CVM_SP_L);
}

static bool d_string(st *S, asm_lex *lx) {
  asm_prog *P = S->P;
  if (!top_level(S, ".string") || !ident(S, lx, "a string name")) return false;
  const char *name = lx->s;
  size_t len = lx->len;
  asm_lex_next(lx);
  if (lx->t != T_STR) { unexpected(S, lx, "a string"); return false; }
  asm_bytes s = {0};
  bool ok = asm_lex_string(lx, &s) && S->rcur + s.n + 1 <= ASM_MAX_BYTES;
  asm_lex_next(lx);
  if (!ok) err(S, ASM_E_BAD_STRING, "'%.*s'", (int)len, name);
  else if (P->narrays >= 0xFFFF) { err(S, ASM_E_LIMIT, "more than 65535 arrays"); ok = false; }
  else if (!expect_end(S, lx)) ok = false;
  else if (!asm_map_put(&S->arrays, name, len, P->narrays)) {
    err(S, ASM_E_DUPLICATE, "array '%.*s'", (int)len, name);
    ok = false;
  }
  if (ok) {
    uint32_t base = S->rcur;
    for (uint32_t i = 0; i < s.n; i++) asm_bytes_put(&P->rodata, base + i, s.b[i], 1);
    asm_bytes_put(&P->rodata, base + s.n, 0, 1);
    ASM_GROW(P->arrays, P->narrays, P->carrays);
    P->arrays[P->narrays++] = (cvm1_array){ base, s.n + 1, 1, CVM_SP_R, 0 };
    S->rcur = base + s.n + 1;
  }
  free(s.b);
  return ok;
}

static bool d_bytes(st *S, asm_lex *lx) {
  if (!top_level(S, ".bytes") || !ident(S, lx, "G or R")) return false;
  bool g = lx->len == 1 && (lx->s[0] == 'G' || lx->s[0] == 'g');
  bool r = lx->len == 1 && (lx->s[0] == 'R' || lx->s[0] == 'r');
  if (!g && !r) { err(S, ASM_E_BAD_SPACE, "'%.*s' (G or R)", (int)lx->len, lx->s); return false; }
  asm_lex_next(lx);
  int64_t off;
  if (!num_in(S, lx, 0, ASM_MAX_BYTES, "offset", &off) || !punct(S, lx, '=')) return false;
  asm_bytes *buf = g ? &S->P->data : &S->P->rodata;
  asm_bytes tmp = {0};
  bool ok = init_list(S, lx, &tmp, 0, 1, ASM_MAX_BYTES - (uint32_t)off) && expect_end(S, lx);
  if (ok) {
    for (uint32_t i = 0; i < tmp.n; i++) asm_bytes_put(buf, (uint32_t)off + i, tmp.b[i], 1);
    uint32_t *cur = g ? &S->gcur : &S->rcur;
    if ((uint32_t)off + tmp.n > *cur) *cur = (uint32_t)off + tmp.n;
  }
  free(tmp.b);
  return ok;
}

static bool d_func(st *S, asm_lex *lx) {
  asm_prog *P = S->P;
  if (S->cur != NONE) { err(S, ASM_E_NESTED_FUNC, NULL); return false; }
  if (!ident(S, lx, "a function name")) return false;
  const char *name = lx->s;
  size_t len = lx->len;
  asm_lex_next(lx);
  int64_t np, ns = NONE, ab = NONE;
  if (!num_in(S, lx, 0, 255, "parameter count", &np)) return false;
  if (lx->t == T_NUM) {
    if (!num_in(S, lx, 0, 255, "slot count", &ns)) return false;
    if (lx->t == T_NUM && !num_in(S, lx, 0, 0xFFFF, "frame array bytes", &ab)) return false;
  }
  if (!expect_end(S, lx)) return false;
  if (P->nfuncs >= 0xFFFF) { err(S, ASM_E_LIMIT, "more than 65535 functions"); return false; }
  if (!asm_map_put(&S->funcs, name, len, P->nfuncs)) {
    err(S, ASM_E_DUPLICATE, "function '%.*s'", (int)len, name);
    return false;
  }
  ASM_GROW(P->funcs, P->nfuncs, P->cfuncs);
  if (P->nfuncs >= S->cfs) {
    S->cfs = P->cfuncs;
    S->fs = asm_xrealloc(S->fs, S->cfs * sizeof *S->fs);
  }
  P->funcs[P->nfuncs] = (cvm1_func){ P->ncode, (uint8_t)np, 0, 0, asm_xstrndup(name, len) };
  S->fs[P->nfuncs] = (fstate){ S->line, (int32_t)ns, (int32_t)ab, 0, 0 };
  S->cur = (int32_t)P->nfuncs++;
  return true;
}

static void patch(asm_prog *P, const fixup *f, int64_t v) {
  uint32_t mask = f->width == 32 ? 0xFFFFFFFFu : (uint32_t)(((uint64_t)1 << f->width) - 1);
  P->code[f->at] = (P->code[f->at] & ~(mask << f->shift)) | (((uint32_t)v & mask) << f->shift);
}

/* Close the open function: resolve its labels. */
static void end_func(st *S) {
  for (uint32_t i = 0; i < S->nlfix; i++) {
    fixup *f = &S->lfix[i];
    uint32_t target;
    if (!asm_map_get(&S->labels, f->name, strlen(f->name), &target)) {
      errl(S, f->line, ASM_E_UNDEF_LABEL, "'%s'", f->name);
    } else {
      int64_t off = (int64_t)target - f->base, lo, hi;
      asm_kind_range(f->kind, f->width, &lo, &hi);
      if (off < lo || off > hi)
        errl(S, f->line, ASM_E_JUMP_RANGE, "'%s' is %lld words away (%lld..%lld)", f->name,
             (long long)off, (long long)lo, (long long)hi);
      else
        patch(S->P, f, off);
    }
    free(f->name);
  }
  S->nlfix = 0;
  asm_map_free(&S->labels);
  S->cur = NONE;
}

static bool d_end(st *S, asm_lex *lx) {
  if (!in_func(S) || !expect_end(S, lx)) return false;
  end_func(S);
  return true;
}

static bool d_line(st *S, asm_lex *lx) {
  int64_t n;
  if (!in_func(S) || !num_in(S, lx, 0, UINT32_MAX, "line number", &n) || !expect_end(S, lx))
    return false;
  asm_prog *P = S->P;
  ASM_GROW(P->lines, P->nlines, P->clines);
  P->lines[P->nlines++] = (cvm1_line){ P->ncode, (uint32_t)n };
  return true;
}

static void emit(asm_prog *P, uint32_t w) {
  ASM_GROW(P->code, P->ncode, P->ccode);
  P->code[P->ncode++] = w;
}

static bool d_word(st *S, asm_lex *lx) {
  int64_t v;
  if (!in_func(S) || !num_in(S, lx, INT32_MIN, UINT32_MAX, "word", &v) || !expect_end(S, lx))
    return false;
  emit(S->P, (uint32_t)v);
  return true;
}

typedef struct directive {
  const char *name;
  bool (*fn)(st *S, asm_lex *lx);
} directive;

static const directive directives[] = {
  { ".source", d_source },   { ".entry", d_entry },     { ".memory", d_memory },
  { ".depth", d_depth },     { ".caps", d_caps },       { ".globals", d_globals },
  { ".rodata", d_rodata },   { ".datasize", d_datasize }, { ".global", d_global },
  { ".array", d_array },     { ".local", d_local },     { ".string", d_string },
  { ".bytes", d_bytes },     { ".func", d_func },       { ".end", d_end },
  { ".line", d_line },       { ".word", d_word },
};

/* ---- instructions ----------------------------------------------------- */

static void add_fix(fixup **v, uint32_t *n, uint32_t *cap, fixup f) {
  ASM_GROW(*v, *n, *cap);
  (*v)[(*n)++] = f;
}

static bool reg(st *S, asm_lex *lx, int64_t *v) {
  if (lx->t != T_IDENT || lx->len < 2 || (lx->s[0] != 'r' && lx->s[0] != 'R')) {
    if (lx->t == T_BAD) unexpected(S, lx, "a register");
    else err(S, ASM_E_EXPECT_REG, "found '%.*s'", (int)lx->len, lx->s);
    return false;
  }
  int64_t n = 0;
  for (size_t i = 1; i < lx->len; i++) {
    if (lx->s[i] < '0' || lx->s[i] > '9') {
      err(S, ASM_E_EXPECT_REG, "found '%.*s'", (int)lx->len, lx->s);
      return false;
    }
    if (n < 1000) n = n * 10 + (lx->s[i] - '0');
  }
  if (n > 255) {
    err(S, ASM_E_REG_RANGE, "'%.*s'", (int)lx->len, lx->s);
    return false;
  }
  *v = n;
  asm_lex_next(lx);
  return true;
}

/* Parse one operand of kind k for a field of width w. Either sets *v, or
** (for names and labels) fills *fx with a pending fixup and sets *pending. */
static bool operand(st *S, asm_lex *lx, uint32_t k, uint32_t w, int64_t *v, fixup *fx,
                    bool *pending) {
  int64_t lo, hi;
  *pending = false;
  if (asm_kind_is_reg(k)) return reg(S, lx, v);
  asm_kind_range(k, w, &lo, &hi);
  if (lx->t == T_NUM) {
    if (!num_in(S, lx, lo, hi, cvm_kind_names[k], v)) return false;
    if (k == CVM_K_FN) {   /* the callee's parameters size the window: later */
      fx->name = NULL;
      fx->num = *v;
      *pending = true;
    }
    return true;
  }
  bool named = k == CVM_K_GW || k == CVM_K_KA || k == CVM_K_KX || k == CVM_K_FN ||
               k == CVM_K_HC || asm_kind_is_jump(k);
  if (!named || lx->t != T_IDENT) {
    if (lx->t == T_IDENT || lx->t == T_STR || lx->t == T_PUNCT)
      err(S, ASM_E_KIND, "%s operand (%s) expected, found '%.*s'", cvm_kind_names[k],
          asm_kind_table[k].syntax, (int)lx->len, lx->s);
    else unexpected(S, lx, named ? "a name or number" : "a number");
    return false;
  }
  if (k == CVM_K_HC) {
    const cvm_hcinfo *hc = asm_find_call(lx->s, lx->len);
    if (!hc) { err(S, ASM_E_UNKNOWN_CALL, "'%.*s'", (int)lx->len, lx->s); return false; }
    *v = hc->id;
    asm_lex_next(lx);
    return true;
  }
  fx->name = asm_xstrndup(lx->s, lx->len);
  *pending = true;
  asm_lex_next(lx);
  return true;
}

static bool instruction(st *S, asm_lex *lx) {
  asm_prog *P = S->P;
  uint32_t op = asm_find_op(lx->s, lx->len);
  if (op == CVM_OP__COUNT) { err(S, ASM_E_UNKNOWN_OP, "'%.*s'", (int)lx->len, lx->s); return false; }
  if (!in_func(S)) return false;
  const cvm_opinfo *oi = &cvm_opinfo_table[op];
  asm_lex_next(lx);

  asm_field fl[3];
  int nf = asm_fields(oi->fmt, fl);
  uint32_t w = op, k32 = 0, pc = P->ncode, nops = 0, want = 0;
  int64_t val[3] = {0};
  fixup fx[3];
  bool pend[3] = {0};
  for (int i = 0; i < nf; i++) want += asm_op_kind(oi, fl[i].slot) != CVM_K_N;

  bool ok = true;
  for (int i = 0; i < nf && ok; i++) {
    uint32_t k = asm_op_kind(oi, fl[i].slot);
    if (k == CVM_K_N) continue;
    if (nops > 0 && !asm_lex_is(lx, ',')) {
      if (lx->t == T_EOL) err(S, ASM_E_OPERANDS, "%s takes %u", oi->name, want);
      else unexpected(S, lx, "','");
      ok = false;
      break;
    }
    if (nops > 0) asm_lex_next(lx);
    if (lx->t == T_EOL) {
      err(S, ASM_E_OPERANDS, "%s takes %u", oi->name, want);
      ok = false;
      break;
    }
    fx[i] = (fixup){ .shift = fl[i].shift, .width = fl[i].width, .kind = (uint8_t)k,
                     .window = NONE, .func = (uint32_t)S->cur, .line = S->line };
    ok = operand(S, lx, k, fl[i].width, &val[i], &fx[i], &pend[i]);
    nops++;
  }
  /* SW: Bx + 1 jump targets follow, one word each. */
  uint32_t ntab = 0;
  if (ok && oi->fmt == CVM_FMT_SW) ntab = (uint32_t)val[1] + 1;
  uint32_t next = pc + 1 + (oi->fmt == CVM_FMT_AXK) + ntab;
  fixup *tab = ntab ? asm_xrealloc(NULL, ntab * sizeof *tab) : NULL;
  bool *tpend = ntab ? asm_xrealloc(NULL, ntab * sizeof *tpend) : NULL;
  int64_t *tval = ntab ? asm_xrealloc(NULL, ntab * sizeof *tval) : NULL;
  uint32_t got = 0;
  for (; ok && got < ntab; got++) {
    if (!asm_lex_is(lx, ',')) {
      if (lx->t == T_EOL)
        err(S, ASM_E_OPERANDS, "%s with %u cases takes %u jump targets", oi->name, ntab - 1, ntab);
      else unexpected(S, lx, "','");
      ok = false;
      break;
    }
    asm_lex_next(lx);
    if (lx->t == T_EOL) {
      err(S, ASM_E_OPERANDS, "%s with %u cases takes %u jump targets", oi->name, ntab - 1, ntab);
      ok = false;
      break;
    }
    tab[got] = (fixup){ .at = pc + 1 + got, .base = next, .shift = 0, .width = 32,
                        .kind = CVM_K_J24, .window = NONE, .func = (uint32_t)S->cur,
                        .line = S->line };
    ok = operand(S, lx, CVM_K_J24, 32, &tval[got], &tab[got], &tpend[got]);
    if (!ok) break;
  }
  if (ok && lx->t != T_EOL) {
    if (asm_lex_is(lx, ',')) err(S, ASM_E_OPERANDS, "%s takes %u", oi->name, want + ntab);
    else unexpected(S, lx, "end of line");
    ok = false;
  }
  if (!ok) {
    for (int i = 0; i < nf; i++) if (pend[i]) free(fx[i].name);
    for (uint32_t j = 0; j < got; j++) if (tpend[j]) free(tab[j].name);
    free(tab); free(tpend); free(tval);
    return false;
  }

  /* Encode; note registers used and fixups. */
  fstate *fs = &S->fs[S->cur];
  for (int i = 0; i < nf; i++) {
    uint32_t k = asm_op_kind(oi, fl[i].slot);
    if (k == CVM_K_N) continue;
    if (pend[i]) {
      fx[i].at = pc;
      fx[i].base = next;
      if (k == CVM_K_FN && oi->ka == CVM_K_RA) fx[i].window = (int32_t)val[0];
      if (asm_kind_is_jump(k)) add_fix(&S->lfix, &S->nlfix, &S->clfix, fx[i]);
      else add_fix(&S->fix, &S->nfix, &S->cfix, fx[i]);
      continue;
    }
    if (fl[i].width == 32) k32 = (uint32_t)val[i];
    else w |= ((uint32_t)val[i] & (uint32_t)(((uint64_t)1 << fl[i].width) - 1)) << fl[i].shift;
    uint32_t need = 0;
    if (asm_kind_is_reg(k)) need = (uint32_t)val[i] + asm_kind_regs(k);
    if (k == CVM_K_NA && oi->ka == CVM_K_RA) need = (uint32_t)(val[0] + val[i]);
    if (need > fs->need) fs->need = need;
    if (k == CVM_K_HC) {
      const cvm_hcinfo *hc = cvm_hc_find((uint32_t)val[i]);
      if (hc) S->caps_used |= CVM_CAPBIT(hc->cap);
    }
  }
  emit(P, w);
  if (oi->fmt == CVM_FMT_AXK) emit(P, k32);
  for (uint32_t j = 0; j < ntab; j++) {
    emit(P, (uint32_t)tval[j]);
    if (tpend[j]) add_fix(&S->lfix, &S->nlfix, &S->clfix, tab[j]);
  }
  free(tab); free(tpend); free(tval);
  return true;
}

/* ---- one line ---------------------------------------------------------- */

static void line(st *S, const char *s, const char *end) {
  asm_lex lx;
  asm_lex_init(&lx, s, end);
  if (lx.t == T_IDENT) {
    asm_lex peek = lx;
    asm_lex_next(&peek);
    if (asm_lex_is(&peek, ':')) {   /* label */
      if (!in_func(S)) return;
      if (!asm_map_put(&S->labels, lx.s, lx.len, S->P->ncode)) {
        err(S, ASM_E_DUPLICATE, "label '%.*s'", (int)lx.len, lx.s);
        return;
      }
      lx = peek;
      asm_lex_next(&lx);
    }
  }
  if (lx.t == T_EOL) return;
  if (lx.t != T_IDENT) { unexpected(S, &lx, "a directive or an instruction"); return; }
  if (lx.s[0] == '.') {
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
      if (strlen(directives[i].name) == lx.len && memcmp(directives[i].name, lx.s, lx.len) == 0) {
        asm_lex_next(&lx);
        directives[i].fn(S, &lx);
        return;
      }
    }
    err(S, ASM_E_UNKNOWN_DIR, "'%.*s'", (int)lx.len, lx.s);
    return;
  }
  instruction(S, &lx);
}

/* ---- the end: resolve names, size everything, fill the image ----------- */

static void resolve(st *S) {
  asm_prog *P = S->P;
  for (uint32_t i = 0; i < S->nfix; i++) {
    fixup *f = &S->fix[i];
    const asm_map *m = f->kind == CVM_K_GW ? &S->globals : f->kind == CVM_K_FN ? &S->funcs
                     : &S->arrays;
    asm_err e = f->kind == CVM_K_GW ? ASM_E_UNDEF_GLOBAL : f->kind == CVM_K_FN ? ASM_E_UNDEF_FUNC
              : ASM_E_UNDEF_ARRAY;
    uint32_t v = (uint32_t)f->num;
    if (f->name && !asm_map_get(m, f->name, strlen(f->name), &v)) {
      errl(S, f->line, e, "'%s'", f->name);
    } else if (f->width < 32 && v >= (1u << f->width)) {
      errl(S, f->line, ASM_E_RANGE, "'%s' has index %u; this operand holds 0..%u", f->name, v,
           (1u << f->width) - 1);
    } else {
      patch(P, f, v);
      if (f->window != NONE && f->kind == CVM_K_FN && v < P->nfuncs) {
        uint32_t need = (uint32_t)f->window + P->funcs[v].nparams;
        if (need > S->fs[f->func].need) S->fs[f->func].need = need;
      }
    }
    free(f->name);
  }
  S->nfix = 0;
}

static uint32_t entry_func(st *S, const char *name) {
  uint32_t f;
  char *endp;
  unsigned long n = strtoul(name, &endp, 0);
  if (*endp == '\0' && name[0] >= '0' && name[0] <= '9') {
    if (n <= 0xFFFF) return (uint32_t)n;
  } else if (asm_map_get(&S->funcs, name, strlen(name), &f)) {
    return f;
  }
  errl(S, S->entry_line, ASM_E_ENTRY, "no function '%s'", name);
  return CVM_NO_ENTRY;
}

static void finish(st *S) {
  asm_prog *P = S->P;
  cvm1_image *im = &P->img;
  if (P->nfuncs == 0) { errl(S, S->line, ASM_E_NO_FUNCS, NULL); return; }

  for (uint32_t f = 0; f < P->nfuncs; f++) {
    fstate *fs = &S->fs[f];
    cvm1_func *fn = &P->funcs[f];
    uint32_t ns = fs->need > fn->nparams ? fs->need : fn->nparams;
    if (ns == 0) ns = 1;
    if (fs->nslots != NONE) ns = (uint32_t)fs->nslots;
    else if (ns > 255) errl(S, fs->line, ASM_E_LIMIT, "'%s' uses %u registers (255 at most)", fn->name, ns);
    fn->nslots = (uint8_t)ns;
    uint32_t ab = align_up(fs->lcur, 4);
    if (fs->arrbytes != NONE) {
      if ((uint32_t)fs->arrbytes < fs->lcur)
        errl(S, fs->line, ASM_E_SIZE, "'%s' declares %d frame array bytes but its arrays take %u",
             fn->name, fs->arrbytes, fs->lcur);
      ab = (uint32_t)fs->arrbytes;
    } else if (ab > 0xFFFF) {
      errl(S, fs->line, ASM_E_LIMIT, "'%s' has more than 65535 bytes of frame arrays", fn->name);
    }
    fn->arrbytes = (uint16_t)ab;
  }

  /* entry points */
  uint32_t e[3] = { CVM_NO_ENTRY, CVM_NO_ENTRY, CVM_NO_ENTRY };
  if (S->have_entry) {
    if (S->nentry == 1) e[0] = entry_func(S, S->entry[0]);
    else if (S->nentry == 2) e[1] = entry_func(S, S->entry[0]), e[2] = entry_func(S, S->entry[1]);
  } else if (asm_map_get(&S->funcs, "main", 4, &e[0])) {
  } else if (!asm_map_get(&S->funcs, "setup", 5, &e[1]) || !asm_map_get(&S->funcs, "loop", 4, &e[2])) {
    errl(S, S->line, ASM_E_ENTRY, "no .entry, and no function main (or setup and loop)");
  }

  /* globals and their data image */
  uint32_t gsize = align_up(S->gcur, 4);
  if (S->set_globals != NONE) {
    if ((uint32_t)S->set_globals < S->gcur)
      errl(S, S->line, ASM_E_SIZE, ".globals %lld but the globals take %u bytes",
           (long long)S->set_globals, S->gcur);
    gsize = (uint32_t)S->set_globals;
  }
  uint32_t used = P->data.n;
  while (used > 0 && P->data.b[used - 1] == 0) used--;
  uint32_t dsize = align_up(used, 4);
  if (dsize > gsize) dsize = gsize;
  if (S->set_datasize != NONE) {
    if ((uint32_t)S->set_datasize < used || (uint32_t)S->set_datasize > gsize)
      errl(S, S->line, ASM_E_SIZE, ".datasize %lld outside %u..%u", (long long)S->set_datasize,
           used, gsize);
    dsize = (uint32_t)S->set_datasize;
  }
  /* the image must hold dsize bytes: rewrite the last one, growing if needed */
  if (dsize > 0) asm_bytes_put(&P->data, dsize - 1, dsize <= P->data.n ? P->data.b[dsize - 1] : 0, 1);

  uint32_t rsize = align_up(S->rcur, 4);
  if (S->set_rodata != NONE) {
    if ((uint32_t)S->set_rodata < S->rcur)
      errl(S, S->line, ASM_E_SIZE, ".rodata %lld but read-only data takes %u bytes",
           (long long)S->set_rodata, S->rcur);
    rsize = (uint32_t)S->set_rodata;
  }
  if (rsize > 0)   /* likewise */
    asm_bytes_put(&P->rodata, rsize - 1, rsize <= P->rodata.n ? P->rodata.b[rsize - 1] : 0, 1);

  uint32_t depth = S->set_depth != NONE ? (uint32_t)S->set_depth : DEFAULT_DEPTH;
  uint64_t mem = (uint64_t)gsize + DEFAULT_STACK + (uint64_t)depth * CVM_CALL_RECORD;
  if (S->set_memory != NONE) mem = (uint64_t)S->set_memory;

  /* a .line with no instruction after it names nothing: the disassembly
  ** could not show it, and the line table would not round-trip */
  uint32_t nl = P->nlines;
  while (nl && P->lines[nl - 1].pc >= P->ncode) nl--;

  *im = (cvm1_image){
    .code = P->code, .ncode = P->ncode,
    .funcs = P->funcs, .nfuncs = P->nfuncs,
    .arrays = P->arrays, .narrays = P->narrays,
    .rodata = P->rodata.b, .rodata_size = rsize,
    .data = P->data.b, .data_size = dsize,
    .globals_size = gsize, .mem_size = (uint32_t)mem, .max_depth = depth,
    .caps = S->caps_used | S->caps_extra,
    .entry_main = (uint16_t)e[0], .entry_setup = (uint16_t)e[1], .entry_loop = (uint16_t)e[2],
    .lines = P->lines, .nlines = nl,
    .source_name = P->source,
  };
}

asm_prog *asm_assemble(const char *filename, const char *src, size_t len, FILE *diag,
                       asm_diag *result) {
  st S = { .file = filename ? filename : "<input>", .diag = diag, .cur = NONE,
           .set_globals = NONE, .set_rodata = NONE, .set_datasize = NONE,
           .set_memory = NONE, .set_depth = NONE };
  S.P = asm_xrealloc(NULL, sizeof *S.P);
  *S.P = (asm_prog){0};
  const char *p = src, *end = src + len;
  while (p < end && S.d.nerrors <= ASM_MAX_ERRORS) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    S.line++;
    line(&S, p, le);
    p = nl ? nl + 1 : end;
  }
  if (S.cur != NONE) {
    errl(&S, S.fs[S.cur].line, ASM_E_MISSING_END, "'%s'", S.P->funcs[S.cur].name);
    end_func(&S);
  }
  resolve(&S);
  if (S.d.nerrors == 0) finish(&S);
  if (diag && S.d.nerrors > ASM_MAX_ERRORS)
    fprintf(diag, "%s: too many errors (%d)\n", S.file, S.d.nerrors);

  for (uint32_t i = 0; i < S.nfix; i++) free(S.fix[i].name);
  for (uint32_t i = 0; i < S.nlfix; i++) free(S.lfix[i].name);
  free(S.fix);
  free(S.lfix);
  free(S.fs);
  free(S.entry[0]);
  free(S.entry[1]);
  asm_map_free(&S.globals);
  asm_map_free(&S.arrays);
  asm_map_free(&S.funcs);
  asm_map_free(&S.labels);
  if (result) *result = S.d;
  if (S.d.nerrors) {
    asm_free(S.P);
    return NULL;
  }
  return S.P;
}

const cvm1_image *asm_image(const asm_prog *p) { return &p->img; }

void asm_free(asm_prog *p) {
  if (!p) return;
  for (uint32_t i = 0; i < p->nfuncs; i++) free((char *)p->funcs[i].name);
  free(p->code);
  free(p->funcs);
  free(p->arrays);
  free(p->lines);
  free(p->data.b);
  free(p->rodata.b);
  free(p->source);
  free(p);
}
