/*
** fuzz_compiler.c -- libFuzzer target for the Cockpit C compiler: any
** input must compile or be rejected with diagnostics, never crash, hang
** or leak. Programs that compile must pass the verifier, and they run on a
** small VM for a bounded number of steps (the board is not involved: host
** calls are refused by granting no capabilities to the run).
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cockpitc.h"
#include "cvm.h"

/* Bind a cvm_prog to an image's tables (encoded as the artifact would). */
static uint8_t *tables(const cvm1_image *img, cvm_prog *p) {
  size_t n = (size_t)img->nfuncs * CVM_FUNC_SIZE + (size_t)img->narrays * CVM_ARRAY_SIZE;
  uint8_t *b = calloc(n ? n : 1, 1);
  if (!b) return NULL;
  uint8_t *f = b, *a = b + (size_t)img->nfuncs * CVM_FUNC_SIZE;
  for (uint32_t i = 0; i < img->nfuncs; i++) {
    uint8_t *e = f + i * CVM_FUNC_SIZE;
    uint32_t en = img->funcs[i].entry;
    e[0] = (uint8_t)en; e[1] = (uint8_t)(en >> 8); e[2] = (uint8_t)(en >> 16); e[3] = (uint8_t)(en >> 24);
    e[4] = img->funcs[i].nparams;
    e[5] = img->funcs[i].nslots;
    e[6] = (uint8_t)img->funcs[i].arrbytes;
    e[7] = (uint8_t)(img->funcs[i].arrbytes >> 8);
  }
  for (uint32_t i = 0; i < img->narrays; i++) {
    uint8_t *e = a + i * CVM_ARRAY_SIZE;
    const cvm1_array *r = &img->arrays[i];
    for (int k = 0; k < 4; k++) {
      e[k] = (uint8_t)(r->base >> (8 * k));
      e[4 + k] = (uint8_t)(r->count >> (8 * k));
    }
    e[8] = r->esize;
    e[9] = r->space;
    e[10] = (uint8_t)r->inner;
    e[11] = (uint8_t)(r->inner >> 8);
  }
  *p = (cvm_prog){ 0 };
  p->code = img->code;
  p->ncode = img->ncode;
  p->funcs = f;
  p->nfuncs = img->nfuncs;
  p->arrays = a;
  p->narrays = img->narrays;
  p->rodata = img->rodata;
  p->rodata_size = img->rodata_size;
  p->data = img->data;
  p->data_size = img->data_size;
  p->globals_size = img->globals_size;
  p->mem_size = img->mem_size;
  p->max_depth = img->max_depth;
  p->caps = img->caps;
  p->entry_main = img->entry_main;
  p->entry_setup = img->entry_setup;
  p->entry_loop = img->entry_loop;
  return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int nerr = 0;
  cc_options o = { 1, 0 };
  if (size > 0 && data[0] == '0') o.optimize = 0;
  cc_program *p = cc_compile("fuzz.c", (const char *)data, size, &o, NULL, &nerr);
  if (!p) return 0;
  const cvm1_image *img = cc_image(p);
  cvm_prog prog;
  uint8_t *tab = tables(img, &prog);
  if (!tab) { cc_free(p); return 0; }
  uint32_t ssz = cvm_verify_scratch_size(&prog);
  uint32_t *scratch = calloc(ssz / 4 + 1, 4);
  cvm_vinfo vi;
  cvm_verr ve = cvm_verify(&prog, CVM_CAPS_ALL, scratch, ssz, &vi);
  if (ve != CVM_VERR_OK) {
    fprintf(stderr, "compiled program fails verification: %s at pc %u\n", cvm_verr_str(ve),
            (unsigned)vi.pc);
    abort();
  }
  free(scratch);
  if (img->mem_size <= (1u << 22)) {
    uint32_t *mem = calloc(img->mem_size / 4 + 1, 4);
    cvm_vm vm;
    if (mem && cvm_init(&vm, &prog, &vi, mem, img->mem_size, 0) == CVM_VERR_OK) {
      uint32_t entry = img->entry_main != CVM_NO_ENTRY ? img->entry_main : img->entry_setup;
      if (cvm_call(&vm, entry)) cvm_run(&vm, 20000);
    }
    free(mem);
  }
  free(tab);
  cc_free(p);
  return 0;
}
