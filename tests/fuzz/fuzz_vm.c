/*
** fuzz_vm.c -- random and mutated bytecode through the verifier, and every
** program it accepts through the interpreter (both in exact-size heap
** buffers, so ASan sees any access outside the instance's memory).
**
** Input: u8 nfuncs, then per function u8 nparams, u8 nslots, u16 arrbytes,
** u16 entry; u8 narrays, then 12 bytes per array entry; u8 caps; the rest
** is code words.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cvm.h"

#define GLOBALS 64u
#define RODATA 32u
#define MEMSIZE 2048u

static uint32_t rd16le(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  size_t at = 0;
  if (n < 2) return 0;
  uint32_t nfuncs = d[at++] % 8 + 1;
  if (n < at + nfuncs * 6 + 2) return 0;
  uint8_t *funcs = malloc(nfuncs * CVM_FUNC_SIZE);
  for (uint32_t f = 0; f < nfuncs; f++, at += 6) {
    uint32_t entry = rd16le(d + at + 4);
    funcs[f * 8 + 0] = (uint8_t)entry; funcs[f * 8 + 1] = (uint8_t)(entry >> 8);
    funcs[f * 8 + 2] = 0; funcs[f * 8 + 3] = 0;
    funcs[f * 8 + 4] = d[at]; funcs[f * 8 + 5] = d[at + 1];
    funcs[f * 8 + 6] = d[at + 2]; funcs[f * 8 + 7] = d[at + 3];
  }
  uint32_t narrays = d[at++] % 8;
  if (n < at + narrays * CVM_ARRAY_SIZE + 1) { free(funcs); return 0; }
  uint8_t *arrays = malloc(narrays * CVM_ARRAY_SIZE + 1);
  memcpy(arrays, d + at, narrays * CVM_ARRAY_SIZE);
  at += narrays * CVM_ARRAY_SIZE;
  uint32_t caps = d[at++] & (CVM_CAPBIT(CVM_CAP_GPIO) | CVM_CAPBIT(CVM_CAP_ANALOG) |
                             CVM_CAPBIT(CVM_CAP_TIME) | CVM_CAPBIT(CVM_CAP_SYS));
  uint32_t ncode = (uint32_t)((n - at) / 4);
  uint32_t *code = malloc(ncode * 4 + 4);
  memcpy(code, d + at, ncode * 4);
  uint8_t *rodata = malloc(RODATA);
  for (uint32_t i = 0; i < RODATA; i++) rodata[i] = (uint8_t)(i * 37);

  cvm_prog p = {0};
  p.code = code; p.ncode = ncode;
  p.funcs = funcs; p.nfuncs = nfuncs;
  p.arrays = arrays; p.narrays = narrays;
  p.rodata = rodata; p.rodata_size = RODATA;
  p.globals_size = GLOBALS; p.mem_size = MEMSIZE; p.max_depth = 16;
  p.caps = caps | CVM_CAPBIT(CVM_CAP_LOG);
  p.entry_main = 0; p.entry_setup = p.entry_loop = CVM_NO_ENTRY;

  uint32_t ss = cvm_verify_scratch_size(&p);
  void *scratch = malloc(ss + 4);
  cvm_vinfo info;
  cvm_verr e = cvm_verify(&p, caps, scratch, ss, &info);
  if (e == CVM_VERR_OK) {
    void *mem = malloc(MEMSIZE);
    cvm_vm vm;
    if (cvm_init(&vm, &p, &info, mem, MEMSIZE, caps) == CVM_VERR_OK && cvm_call(&vm, 0)) {
      for (int slice = 0; slice < 8; slice++) {
        cvm_status st = cvm_run(&vm, 2000);
        if (st == CVM_DONE || st == CVM_FAULTED) break;
      }
    }
    free(mem);
  }
  free(scratch); free(rodata); free(code); free(arrays); free(funcs);
  return 0;
}
