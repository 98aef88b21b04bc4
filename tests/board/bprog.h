/*
** bprog.h -- hand-assembled programs for the run-loop tests.
*/
#ifndef BPROG_H
#define BPROG_H

#include <string.h>

#include "cvm.h"

typedef struct bprog {
  uint32_t code[256]; uint32_t ncode;
  uint8_t funcs[8 * CVM_FUNC_SIZE]; uint32_t nfuncs;
  uint8_t arrays[8 * CVM_ARRAY_SIZE]; uint32_t narrays;
  uint8_t rodata[256]; uint32_t nrodata;
  uint8_t lines[32 * CVM_LINE_SIZE]; uint32_t nlines;
  char names[64]; uint32_t nnames;
  cvm_prog p;
} bprog;

static inline void bp_wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static inline void bp_init(bprog *b) {
  memset(b, 0, sizeof *b);
  b->p.globals_size = 64;
  b->p.mem_size = 4096;
  b->p.max_depth = 8;
  b->p.caps = CVM_CAPS_ALL;
  b->p.entry_main = b->p.entry_setup = b->p.entry_loop = CVM_NO_ENTRY;
}

/* Start a function with no parameters at the current code position. */
static inline uint16_t bp_func(bprog *b, uint32_t nslots) {
  uint8_t *f = b->funcs + b->nfuncs * CVM_FUNC_SIZE;
  bp_wr32(f, b->ncode);
  f[5] = (uint8_t)nslots;
  return (uint16_t)b->nfuncs++;
}

static inline void bp_w(bprog *b, uint32_t w) { b->code[b->ncode++] = w; }
#define OP3(b, op, x, y, z) bp_w(b, CVM_ENC_ABC(CVM_OP_##op, x, y, z))
#define OPX(b, op, x, bx)   bp_w(b, CVM_ENC_ABX(CVM_OP_##op, x, bx))
#define OPJ(b, op, sj)      bp_w(b, CVM_ENC_SJ(CVM_OP_##op, sj))
#define SYSC(b, a, name, n) OP3(b, SYS, a, CVM_HC_##name, n)

/* A NUL-terminated string in read-only data; returns its array entry. */
static inline uint32_t bp_rostr(bprog *b, const char *s) {
  uint32_t n = (uint32_t)strlen(s) + 1;
  uint8_t *a = b->arrays + b->narrays * CVM_ARRAY_SIZE;
  memcpy(b->rodata + b->nrodata, s, n);
  bp_wr32(a, b->nrodata);
  bp_wr32(a + 4, n);
  a[8] = 1;
  a[9] = CVM_SP_R;
  b->nrodata += (n + 3) & ~3u;
  return b->narrays++;
}

/* Source line of the code from here on. */
static inline void bp_line(bprog *b, uint32_t line) {
  bp_wr32(b->lines + b->nlines * CVM_LINE_SIZE, b->ncode);
  bp_wr32(b->lines + b->nlines * CVM_LINE_SIZE + 4, line);
  b->nlines++;
}

static inline void bp_names(bprog *b, const char *blob, uint32_t n) {
  memcpy(b->names, blob, n);
  b->nnames = n;
}

static inline const cvm_prog *bp_done(bprog *b) {
  b->p.code = b->code; b->p.ncode = b->ncode;
  b->p.funcs = b->funcs; b->p.nfuncs = b->nfuncs;
  b->p.arrays = b->narrays ? b->arrays : NULL; b->p.narrays = b->narrays;
  b->p.rodata = b->nrodata ? b->rodata : NULL; b->p.rodata_size = b->nrodata;
  b->p.lines = b->nlines ? b->lines : NULL; b->p.nlines = b->nlines;
  b->p.names = b->nnames ? b->names : NULL; b->p.names_size = b->nnames;
  return &b->p;
}

#endif /* BPROG_H */
