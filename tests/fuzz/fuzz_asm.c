/*
** fuzz_asm.c -- libFuzzer target for the assembler and disassembler.
**
** Even first byte: the rest is assembly text. Whatever it is, the assembler
** must not crash; when it assembles, the program must survive the round
** trip write -> open -> disassemble -> assemble -> write byte for byte.
** Odd first byte: the rest is cut into the tables of a cvm_prog (as
** cvm1_open could bind them, but unchecked): the disassembler must not
** crash, and its output must not crash the assembler.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "cvm1.h"

static char *dis_text(const cvm_prog *p) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f) abort();
  asm_disassemble(p, f, NULL);
  fclose(f);
  return buf;
}

static uint8_t *write_art(const cvm1_image *img, size_t *len) {
  cvm1_meta m;
  memset(&m, 0, sizeof m);
  uint8_t *out = NULL;
  return cvm1_write(img, &m, &out, len) == CVM1_ERR_OK ? out : NULL;
}

static void text_case(const uint8_t *data, size_t size) {
  asm_prog *a = asm_assemble("f.s", (const char *)data, size, NULL, NULL);
  if (!a) return;
  size_t len1 = 0, len2 = 0;
  uint8_t *art1 = write_art(asm_image(a), &len1);
  asm_free(a);
  cvm_prog p;
  if (!art1 || cvm1_open(art1, len1, &p, NULL) != CVM1_ERR_OK) {
    free(art1);
    return;
  }
  char *text = dis_text(&p);
  asm_prog *b = asm_assemble("d.s", text, strlen(text), NULL, NULL);
  if (!b) {
    fprintf(stderr, "disassembly does not assemble:\n%s\n", text);
    abort();
  }
  uint8_t *art2 = write_art(asm_image(b), &len2);
  if (!art2 || len1 != len2 || memcmp(art1, art2, len1) != 0) {
    fprintf(stderr, "round trip changed the artifact:\n%s\n", text);
    abort();
  }
  free(art2);
  asm_free(b);
  free(text);
  free(art1);
}

/* Take n bytes (or what is left) from the input. */
static const uint8_t *take(const uint8_t **d, size_t *left, size_t n, size_t *got) {
  const uint8_t *p = *d;
  *got = n < *left ? n : *left;
  *d += *got;
  *left -= *got;
  return p;
}

static void prog_case(const uint8_t *data, size_t size) {
  if (size < 12) return;
  /* sizes of the tables, then the fields, then the tables' bytes */
  size_t ncode = data[0] * 4u, nfuncs = data[1] % 16, narrays = data[2] % 16;
  size_t nro = data[3], ndata = data[4], nlines = data[5] % 8, nnames = data[6];
  cvm_prog p;
  memset(&p, 0, sizeof p);
  p.globals_size = (uint32_t)data[7] * 4u;
  p.mem_size = 4096;
  p.max_depth = data[8];
  p.caps = data[9];
  p.entry_main = data[10] % 4 ? data[10] % 4 : CVM_NO_ENTRY;
  p.entry_setup = data[11] & 1 ? 0 : CVM_NO_ENTRY;
  p.entry_loop = data[11] & 2 ? 1 : CVM_NO_ENTRY;
  data += 12;
  size -= 12;
  size_t got;
  uint32_t *code = calloc(ncode / 4 + 1, 4);
  memcpy(code, take(&data, &size, ncode, &got), got);
  uint8_t *funcs = calloc(nfuncs + 1, CVM_FUNC_SIZE);
  memcpy(funcs, take(&data, &size, nfuncs * CVM_FUNC_SIZE, &got), got);
  uint8_t *arrays = calloc(narrays + 1, CVM_ARRAY_SIZE);
  memcpy(arrays, take(&data, &size, narrays * CVM_ARRAY_SIZE, &got), got);
  uint8_t *ro = calloc(nro + 1, 1);
  memcpy(ro, take(&data, &size, nro, &got), got);
  uint8_t *dat = calloc(ndata + 1, 1);
  memcpy(dat, take(&data, &size, ndata, &got), got);
  uint8_t *lines = calloc(nlines + 1, CVM_LINE_SIZE);
  memcpy(lines, take(&data, &size, nlines * CVM_LINE_SIZE, &got), got);
  char *names = calloc(nnames + 1, 1);
  memcpy(names, take(&data, &size, nnames, &got), got);
  p.code = code; p.ncode = (uint32_t)(ncode / 4);
  p.funcs = funcs; p.nfuncs = (uint32_t)nfuncs;
  p.arrays = arrays; p.narrays = (uint32_t)narrays;
  p.rodata = ro; p.rodata_size = (uint32_t)nro;
  p.data = dat; p.data_size = (uint32_t)(ndata < p.globals_size ? ndata : p.globals_size);
  p.lines = lines; p.nlines = (uint32_t)nlines;
  p.names = nnames ? names : NULL; p.names_size = (uint32_t)(nnames ? nnames + 1 : 0);
  char *text = dis_text(&p);
  asm_free(asm_assemble("d.s", text, strlen(text), NULL, NULL));
  free(text);
  free(code); free(funcs); free(arrays); free(ro); free(dat); free(lines); free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) prog_case(data + 1, size - 1);
  else text_case(data + 1, size - 1);
  return 0;
}
