/*
** asm_int.h -- internals shared by the assembler's files: tokens, growable
** buffers, a string map, and the field layout of each instruction format.
*/
#ifndef ASM_INT_H
#define ASM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm.h"

/* Largest section or offset the assembler builds (devices have kilobytes). */
#define ASM_MAX_BYTES (1u << 24)
#define ASM_MAX_ERRORS 50

/* ---- memory ---------------------------------------------------------- */
void *asm_xrealloc(void *p, size_t n);     /* aborts on exhaustion */
char *asm_xstrndup(const char *s, size_t n);
/* Make room for one more element in a growable array *p of *cap elements. */
#define ASM_GROW(p, n, cap)                                              \
  do {                                                                   \
    if ((n) >= (cap)) {                                                  \
      (cap) = (cap) ? (cap) * 2 : 16;                                    \
      (p) = asm_xrealloc((p), (size_t)(cap) * sizeof *(p));              \
    }                                                                    \
  } while (0)

/* Byte buffer that grows on writes beyond its end (zero-filled). */
typedef struct asm_bytes {
  uint8_t *b;
  uint32_t n, cap;
} asm_bytes;
void asm_bytes_put(asm_bytes *s, uint32_t off, uint32_t v, uint32_t size);

/* ---- string -> u32 map (open addressing) ----------------------------- */
typedef struct asm_map {
  char **keys;
  uint32_t *vals;
  uint32_t cap, n;
} asm_map;
bool asm_map_get(const asm_map *m, const char *s, size_t len, uint32_t *val);
bool asm_map_put(asm_map *m, const char *s, size_t len, uint32_t val); /* false: exists */
void asm_map_free(asm_map *m);

/* ---- tokens ---------------------------------------------------------- */
typedef enum asm_tok {
  T_EOL, T_IDENT, T_NUM, T_STR, T_PUNCT, T_BAD
} asm_tok;

typedef struct asm_lex {
  const char *p, *end;       /* rest of the current line */
  asm_tok t;                 /* current token */
  const char *s;             /* its text */
  size_t len;
  int64_t num;               /* T_NUM value */
  asm_err err;               /* T_BAD: why */
} asm_lex;

void asm_lex_init(asm_lex *lx, const char *line, const char *end);
void asm_lex_next(asm_lex *lx);
bool asm_lex_is(const asm_lex *lx, char punct);
bool asm_lex_word(const asm_lex *lx, const char *w);   /* identifier, exact */
/* Decode the current T_STR token into out (appended at out->n). */
bool asm_lex_string(const asm_lex *lx, asm_bytes *out);
bool asm_is_ident(const char *s, size_t len);

/* Capability group by name (case-insensitive); CVM_CAP__COUNT if none. */
uint32_t asm_find_cap(const char *s, size_t len);
const cvm_hcinfo *asm_find_call(const char *s, size_t len);
const asm_type *asm_find_type(const char *s, size_t len);

#endif /* ASM_INT_H */
