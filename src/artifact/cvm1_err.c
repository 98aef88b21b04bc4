/*
** cvm1_err.c -- error messages and the section kind table.
*/
#include "cvm1_int.h"

static const char *const err_msg[] = {
#define X(name, msg) msg,
  CVM1_ERRORS(X)
#undef X
};
static const char *const err_name[] = {
#define X(name, msg) #name,
  CVM1_ERRORS(X)
#undef X
};

const char *cvm1_err_str(cvm1_err e) {
  return (unsigned)e < CVM1_ERR__COUNT ? err_msg[e] : "unknown CVM1 error";
}
const char *cvm1_err_name(cvm1_err e) {
  return (unsigned)e < CVM1_ERR__COUNT ? err_name[e] : "UNKNOWN";
}

const cvm1_kind cvm1_kinds[] = {
  { CVM1_SECT_CODE,   0,                4,              "code" },
  { CVM1_SECT_FUNCS,  0,                CVM_FUNC_SIZE,  "funcs" },
  { CVM1_SECT_ARRAYS, 0,                CVM_ARRAY_SIZE, "arrays" },
  { CVM1_SECT_RODATA, 0,                1,              "rodata" },
  { CVM1_SECT_DATA,   0,                1,              "data" },
  { CVM1_SECT_LINES,  CVM1_SF_OPTIONAL, CVM_LINE_SIZE,  "lines" },
  { CVM1_SECT_NAMES,  CVM1_SF_OPTIONAL, 1,              "names" },
};
const unsigned cvm1_nkinds = sizeof cvm1_kinds / sizeof cvm1_kinds[0];

const cvm1_kind *cvm1_kind_find(uint32_t type) {
  for (unsigned i = 0; i < cvm1_nkinds; i++)
    if (cvm1_kinds[i].type == type) return &cvm1_kinds[i];
  return NULL;
}
