/*
** cvm_debug.c -- optional debug information: pc -> line, function names.
*/
#include "cvm.h"

bool cvm_line_for_pc(const cvm_prog *p, uint32_t pc, uint32_t *line) {
  if (!p->lines || p->nlines == 0) return false;
  /* last entry with entry.pc <= pc */
  uint32_t lo = 0, hi = p->nlines;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cvm_rd32(p->lines + mid * CVM_LINE_SIZE) <= pc) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return false;
  *line = cvm_rd32(p->lines + (lo - 1) * CVM_LINE_SIZE + 4);
  return true;
}

/* n-th NUL-terminated string of the names blob (0 = source file). */
static const char *nth_name(const cvm_prog *p, uint32_t n) {
  if (!p->names || p->names_size == 0 || p->names[p->names_size - 1] != '\0') return NULL;
  uint32_t i = 0;
  while (n > 0) {
    while (i < p->names_size && p->names[i]) i++;
    i++;
    if (i >= p->names_size) return NULL;
    n--;
  }
  return p->names[i] ? p->names + i : NULL;
}

const char *cvm_source_name(const cvm_prog *p) { return nth_name(p, 0); }

const char *cvm_func_name(const cvm_prog *p, uint32_t f) {
  return f < p->nfuncs ? nth_name(p, f + 1) : NULL;
}

uint32_t cvm_func_of_pc(const cvm_prog *p, uint32_t pc) {
  if (pc >= p->ncode || p->nfuncs == 0) return p->nfuncs;
  uint32_t lo = 0, hi = p->nfuncs;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (CVM_FUNC_ENTRY(p, mid) <= pc) lo = mid + 1;
    else hi = mid;
  }
  return lo == 0 ? p->nfuncs : lo - 1;
}
