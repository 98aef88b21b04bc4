/*
** asm_isa.c -- what the assembler and disassembler know about the ISA beyond
** the opcode table: how each operand kind is written, the field layout of
** each format, element types, and name lookups. Per kind and per format
** only; nothing here names an opcode.
*/
#include <string.h>
#include <strings.h>

#include "asm_int.h"

const asm_kindinfo asm_kind_table[CVM_K__COUNT] = {
  [CVM_K_N]   = { "",          "unused field (must be 0)" },
  [CVM_K_RW]  = { "rN",        "register written" },
  [CVM_K_RR]  = { "rN",        "register read" },
  [CVM_K_RP]  = { "rN",        "register pair read: rN and rN+1 (an array descriptor (base, count), or ADDLT's step and limit)" },
  [CVM_K_WP]  = { "rN",        "register pair written: an array descriptor in rN, rN+1" },
  [CVM_K_RT]  = { "rN",        "register triple read: an array descriptor in rN, rN+1 and an index in rN+2" },
  [CVM_K_RX]  = { "rN",        "register group of 5: an array descriptor in rN, rN+1, an index in rN+2 (updated), its step in rN+3 and a count in rN+4 (updated)" },
  [CVM_K_RY]  = { "rN",        "register group of 4: an array descriptor in rN, rN+1, an index in rN+2 (updated) and its step in rN+3" },
  [CVM_K_RA]  = { "rN",        "argument window starting at rN; the result is written to rN" },
  [CVM_K_I8]  = { "-128..127", "signed 8-bit immediate" },
  [CVM_K_I16] = { "-32768..32767", "signed 16-bit immediate" },
  [CVM_K_U8]  = { "0..255",    "unsigned 8-bit immediate" },
  [CVM_K_U16] = { "0..65535",  "unsigned 16-bit immediate" },
  [CVM_K_SH]  = { "0..31",     "constant shift count" },
  [CVM_K_K32] = { "integer",   "32-bit constant held in the next word" },
  [CVM_K_GW]  = { "global",    "global scalar word: a .global name, or its word index" },
  [CVM_K_KA]  = { "array",     "array table entry (8-bit): an .array/.string/.local name, or its index" },
  [CVM_K_KX]  = { "array",     "array table entry (16-bit): an .array/.string/.local name, or its index" },
  [CVM_K_FN]  = { "function",  "function: a .func name, or its index" },
  [CVM_K_HC]  = { "call",      "Host ABI call: its name (see host-abi.md), or its id" },
  [CVM_K_NA]  = { "0..255",    "number of argument slots passed to a host call" },
  [CVM_K_J8]  = { "label",     "jump target within -128..127 words: a label, or a signed word offset" },
  [CVM_K_J16] = { "label",     "jump target within -32768..32767 words: a label, or a signed word offset" },
  [CVM_K_J24] = { "label",     "jump target within 24 signed bits of words: a label, or a signed word offset" },
};

const asm_type asm_types[6] = {
  { "u8", 1, false }, { "s8", 1, true }, { "u16", 2, false },
  { "s16", 2, true }, { "u32", 4, false }, { "s32", 4, true },
};

const char *asm_err_str(asm_err e) {
  static const char *const msg[] = {
#define X(name, m) m,
    ASM_ERRORS(X)
#undef X
  };
  return (unsigned)e < ASM_E__COUNT ? msg[e] : "unknown error";
}

int asm_fields(uint32_t fmt, asm_field f[3]) {
  switch (fmt) {
    case CVM_FMT_ABC:
      f[0] = (asm_field){ 0, 8, 8 };
      f[1] = (asm_field){ 1, 16, 8 };
      f[2] = (asm_field){ 2, 24, 8 };
      return 3;
    case CVM_FMT_ABX: case CVM_FMT_SW:
      f[0] = (asm_field){ 0, 8, 8 };
      f[1] = (asm_field){ 1, 16, 16 };
      return 2;
    case CVM_FMT_AXK:
      f[0] = (asm_field){ 0, 8, 8 };
      f[1] = (asm_field){ 1, 0, 32 };
      return 2;
    case CVM_FMT_SJ:
      f[0] = (asm_field){ 1, 8, 24 };
      return 1;
    default: return 0;
  }
}

uint32_t asm_op_kind(const cvm_opinfo *oi, int slot) {
  return slot == 0 ? oi->ka : slot == 1 ? oi->kb : oi->kc;
}

bool asm_kind_signed(uint32_t k) {
  return k == CVM_K_I8 || k == CVM_K_I16 || k == CVM_K_K32 || asm_kind_is_jump(k);
}

bool asm_kind_is_reg(uint32_t k) {
  return k == CVM_K_RW || k == CVM_K_RR || k == CVM_K_RP || k == CVM_K_WP || k == CVM_K_RA ||
         k == CVM_K_RT || k == CVM_K_RX || k == CVM_K_RY;
}

uint32_t asm_kind_regs(uint32_t k) {
  return k == CVM_K_RX ? 5 : k == CVM_K_RY ? 4 : k == CVM_K_RT ? 3 : k == CVM_K_RP || k == CVM_K_WP ? 2 : 1;
}

bool asm_kind_is_jump(uint32_t k) {
  return k == CVM_K_J8 || k == CVM_K_J16 || k == CVM_K_J24;
}

void asm_kind_range(uint32_t k, uint32_t width, int64_t *lo, int64_t *hi) {
  if (k == CVM_K_SH) { *lo = 0; *hi = 31; return; }
  if (k == CVM_K_K32) { *lo = INT32_MIN; *hi = UINT32_MAX; return; }
  if (asm_kind_signed(k)) {
    *lo = -((int64_t)1 << (width - 1));
    *hi = ((int64_t)1 << (width - 1)) - 1;
  } else {
    *lo = 0;
    *hi = ((int64_t)1 << width) - 1;
  }
}

int64_t asm_field_get(uint32_t insn, const asm_field *f, uint32_t kind) {
  uint32_t v = (insn >> f->shift) & (uint32_t)(((uint64_t)1 << f->width) - 1);
  if (asm_kind_signed(kind) && f->width < 32 && (v >> (f->width - 1)) & 1u)
    return (int64_t)v - ((int64_t)1 << f->width);
  return v;
}

uint32_t asm_find_op(const char *s, size_t len) {
  for (uint32_t i = 0; i < CVM_OP__COUNT; i++) {
    const char *n = cvm_opinfo_table[i].name;
    if (strlen(n) == len && strncasecmp(n, s, len) == 0) return i;
  }
  return CVM_OP__COUNT;
}

uint32_t asm_find_cap(const char *s, size_t len) {
  for (uint32_t i = 0; i < CVM_CAP__COUNT; i++)
    if (strlen(cvm_cap_names[i]) == len && strncasecmp(cvm_cap_names[i], s, len) == 0) return i;
  return CVM_CAP__COUNT;
}

const cvm_hcinfo *asm_find_call(const char *s, size_t len) {
  for (unsigned i = 0; i < cvm_hc_count; i++)
    if (strlen(cvm_hc_table[i].name) == len && memcmp(cvm_hc_table[i].name, s, len) == 0)
      return &cvm_hc_table[i];
  return NULL;
}

const asm_type *asm_find_type(const char *s, size_t len) {
  for (unsigned i = 0; i < sizeof asm_types / sizeof asm_types[0]; i++)
    if (strlen(asm_types[i].name) == len && memcmp(asm_types[i].name, s, len) == 0)
      return &asm_types[i];
  return NULL;
}
