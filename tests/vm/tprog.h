/*
** tprog.h -- a tiny in-memory program builder for VM tests.
*/
#ifndef TPROG_H
#define TPROG_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cvm.h"

typedef struct tprog {
  uint32_t code[4096]; uint32_t ncode;
  uint8_t funcs[64 * CVM_FUNC_SIZE]; uint32_t nfuncs;
  uint8_t arrays[64 * CVM_ARRAY_SIZE]; uint32_t narrays;
  uint8_t rodata[1024]; uint32_t nrodata;
  uint8_t data[1024]; uint32_t ndata;
  cvm_prog p;
  uint32_t mem[4096];
  uint8_t scratch[8192];
  cvm_vinfo info;
  cvm_vm vm;
} tprog;

extern bool tp_seen[CVM_OP__COUNT];

static inline void wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void wr32(uint8_t *p, uint32_t v) { wr16(p, v); wr16(p + 2, v >> 16); }

static inline void tp_init(tprog *t) {
  memset(t, 0, sizeof *t);
  t->p.globals_size = 256;
  t->p.mem_size = sizeof t->mem;
  t->p.max_depth = 32;
  t->p.caps = CVM_CAPS_ALL;
  t->p.entry_main = 0;
  t->p.entry_setup = t->p.entry_loop = CVM_NO_ENTRY;
}

/* Begin a function at the current code position; returns its index. */
static inline uint32_t tp_func(tprog *t, uint32_t nparams, uint32_t nslots, uint32_t arrbytes) {
  uint8_t *f = t->funcs + t->nfuncs * CVM_FUNC_SIZE;
  wr32(f, t->ncode);
  f[4] = (uint8_t)nparams; f[5] = (uint8_t)nslots; wr16(f + 6, arrbytes);
  return t->nfuncs++;
}

static inline uint32_t tp_array(tprog *t, uint32_t base, uint32_t count, uint32_t esize,
                                uint32_t space) {
  uint8_t *a = t->arrays + t->narrays * CVM_ARRAY_SIZE;
  wr32(a, base); wr32(a + 4, count); a[8] = (uint8_t)esize; a[9] = (uint8_t)space;
  return t->narrays++;
}

static inline void tp_w(tprog *t, uint32_t w) {
  if (t->ncode < 4096) {
    if (CVM_I_OP(w) < CVM_OP__COUNT) tp_seen[CVM_I_OP(w)] = true;
    t->code[t->ncode++] = w;
  }
}
#define ABC(op, a, b, c) tp_w(t, CVM_ENC_ABC(CVM_OP_##op, a, b, c))
#define ABX(op, a, bx)   tp_w(t, CVM_ENC_ABX(CVM_OP_##op, a, bx))
#define SJ(op, sj)       tp_w(t, CVM_ENC_SJ(CVM_OP_##op, sj))
static inline void tp_ldk(tprog *t, uint32_t r, uint32_t k) {
  tp_w(t, CVM_ENC_ABX(CVM_OP_LDK, r, 0));
  t->code[t->ncode++] = k;
}

static inline void tp_bind(tprog *t) {
  t->p.code = t->code; t->p.ncode = t->ncode;
  t->p.funcs = t->funcs; t->p.nfuncs = t->nfuncs;
  t->p.arrays = t->arrays; t->p.narrays = t->narrays;
  t->p.rodata = t->rodata; t->p.rodata_size = t->nrodata;
  t->p.data = t->data; t->p.data_size = t->ndata;
}

static inline cvm_verr tp_verify(tprog *t) {
  tp_bind(t);
  return cvm_verify(&t->p, CVM_CAPS_ALL, t->scratch, sizeof t->scratch, &t->info);
}

/* Verify, init, call main, run to completion (or budget). */
static inline cvm_status tp_run(tprog *t, uint32_t budget) {
  if (tp_verify(t) != CVM_VERR_OK) return CVM_IDLE;
  if (cvm_init(&t->vm, &t->p, &t->info, t->mem, sizeof t->mem, CVM_CAPS_ALL)) return CVM_IDLE;
  if (!cvm_call(&t->vm, t->p.entry_main)) return (cvm_status)t->vm.status;
  return cvm_run(&t->vm, budget);
}

#endif
