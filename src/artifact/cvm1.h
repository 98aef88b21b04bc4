/*
** cvm1.h -- CVM1 artifacts: the package every program travels in.
**
** Device side (freestanding): cvm1_open() checks an artifact's structure and
** binds a cvm_prog to its sections in place, so the bytecode executes from
** wherever the artifact sits. Host side (libc): cvm1_write() serialises a
** cvm1_image built by the compiler or the assembler.
**
** The byte-by-byte format is in docs/cvm1-format.md.
*/
#ifndef CVM1_H
#define CVM1_H

#include <stddef.h>
#include <stdint.h>

#include "cvm.h"

/* Host-side description of a program, everything the writer needs. */
typedef struct cvm1_func {
  uint32_t entry;          /* word index of the first instruction */
  uint8_t nparams, nslots;
  uint16_t arrbytes;       /* frame array bytes, multiple of 4 */
  const char *name;
} cvm1_func;

typedef struct cvm1_array {
  uint32_t base, count;    /* bytes; elements */
  uint8_t esize, space;    /* 1/2/4; CVM_SP_G, CVM_SP_L or CVM_SP_R */
  uint16_t inner;          /* inner dimension of a 2-D array, else 0 */
} cvm1_array;

typedef struct cvm1_line {
  uint32_t pc, line;
} cvm1_line;

typedef struct cvm1_image {
  const uint32_t *code;        uint32_t ncode;
  const cvm1_func *funcs;      uint32_t nfuncs;
  const cvm1_array *arrays;    uint32_t narrays;
  const uint8_t *rodata;       uint32_t rodata_size;
  const uint8_t *data;         uint32_t data_size;
  uint32_t globals_size, mem_size, max_depth, caps;
  uint16_t entry_main, entry_setup, entry_loop;
  const cvm1_line *lines;      uint32_t nlines;   /* optional */
  const char *source_name;                        /* optional */
} cvm1_image;

#endif /* CVM1_H */
