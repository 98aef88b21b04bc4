/*
** cvm_isa.c -- tables generated from the isa .def files: opcode metadata, Host ABI
** metadata, and the hashes that tie an artifact to the ISA and ABI it was
** built for.
*/
#include "cvm.h"

/* Device builds (CVM_TINY) drop the documentation strings, and take the two
** hashes as constants computed by the host build (CVM_ISA_HASH_VALUE,
** CVM_ABI_HASH_VALUE), so the tables cost a few hundred bytes of flash. */
#ifdef CVM_TINY
#define CVM_DOC(...)
#else
#define CVM_DOC(...) __VA_ARGS__
#endif

const cvm_opinfo cvm_opinfo_table[CVM_OP__COUNT] = {
#define X(name, fmt, ka, kb, kc, sp, size, sgn, eff, desc) \
  { CVM_FMT_##fmt, CVM_K_##ka, CVM_K_##kb, CVM_K_##kc, CVM_SP_##sp, size, sgn \
    CVM_DOC(, #name, eff, desc) },
#include "cvm_opcodes.def"
#undef X
};

#ifndef CVM_TINY
const char *const cvm_fmt_names[] = { "ABC", "ABX", "AXK", "SJ", "SW" };

const char *const cvm_kind_names[CVM_K__COUNT] = {
  "N", "RW", "RR", "RP", "WP", "RA", "I8", "I16", "U8", "U16", "SH", "K32",
  "GW", "KA", "KX", "FN", "HC", "NA", "J8", "J16", "J24", "RT", "RY", "RX"
};

const char *const cvm_cap_names[CVM_CAP__COUNT] = {
  "GPIO", "ANALOG", "TIME", "LOG", "UART", "I2C", "SPI", "SYS", "EVENT"
};
#endif

#define CVM_RET_v 'v'
#define CVM_RET_i 'i'
#define CVM_RET_u 'u'

const cvm_hcinfo cvm_hc_table[] = {
#define X(id, name, cap, ret, sig, params, desc) \
  { id, CVM_CAP_##cap, CVM_RET_##ret, sig CVM_DOC(, #name, params, desc) },
#include "cvm_hostabi.def"
#undef X
};
const unsigned cvm_hc_count = sizeof cvm_hc_table / sizeof cvm_hc_table[0];

const cvm_hcinfo *cvm_hc_find(uint32_t id) {
  for (unsigned i = 0; i < cvm_hc_count; i++)
    if (cvm_hc_table[i].id == id) return &cvm_hc_table[i];
  return NULL;
}

uint32_t cvm_hc_slots(const cvm_hcinfo *hc, bool *variadic) {
  uint32_t n = 0;
  bool va = false;
  for (const char *s = hc->sig; *s; s++) {
    switch (*s) {
      case 'i': case 'u': n += 1; break;
      case 'b': case 'w': case 's': n += 2; break;
      case '.': va = true; break;
      default: break;
    }
  }
  if (variadic) *variadic = va;
  return n;
}

uint32_t cvm_insn_words(uint32_t insn) {
  uint32_t op = CVM_I_OP(insn);
  if (op >= CVM_OP__COUNT) return 1;
  switch (cvm_opinfo_table[op].fmt) {
    case CVM_FMT_AXK: return 2;
    case CVM_FMT_SW: return 2 + CVM_I_BX(insn);
    default: return 1;
  }
}

#if defined(CVM_TINY)
#if !defined(CVM_ISA_HASH_VALUE) || !defined(CVM_ABI_HASH_VALUE)
#error "CVM_TINY builds need CVM_ISA_HASH_VALUE and CVM_ABI_HASH_VALUE (cockpit version)"
#endif
uint32_t cvm_isa_hash(void) { return CVM_ISA_HASH_VALUE; }
uint32_t cvm_abi_hash(void) { return CVM_ABI_HASH_VALUE; }
#else
/* The hashed texts: everything that changes meaning, nothing that is only
** documentation. Opcode numbers are the row order, so reordering changes
** the hash too. */
static const char isa_text[] =
#define X(name, fmt, ka, kb, kc, sp, size, sgn, eff, desc) \
  #name " " #fmt " " #ka " " #kb " " #kc " " #sp " " #size " " #sgn "\n"
#include "cvm_opcodes.def"
#undef X
  ;

static const char abi_text[] =
#define X(id, name, cap, ret, sig, params, desc) \
  #id " " #name " " #cap " " #ret " " sig "\n"
#include "cvm_hostabi.def"
#undef X
  ;

static uint32_t fnv1a(const char *s, size_t n) {
  uint32_t h = 0x811C9DC5u;
  for (size_t i = 0; i < n; i++) {
    h ^= (uint8_t)s[i];
    h *= 0x01000193u;
  }
  return h;
}

uint32_t cvm_isa_hash(void) { return fnv1a(isa_text, sizeof isa_text - 1); }
uint32_t cvm_abi_hash(void) { return fnv1a(abi_text, sizeof abi_text - 1); }
#endif

#ifdef CVM_TINY
/* Devices report error and fault codes as numbers. */
const char *cvm_verr_str(cvm_verr e) { (void)e; return ""; }
const char *cvm_verr_name(cvm_verr e) { (void)e; return ""; }
const char *cvm_fault_str(cvm_fault f) { (void)f; return ""; }
const char *cvm_fault_name(cvm_fault f) { (void)f; return ""; }
#else
const char *cvm_verr_str(cvm_verr e) {
  static const char *const msg[] = {
#define X(name, m) m,
    CVM_VERRORS(X)
#undef X
  };
  return (unsigned)e < CVM_VERR__COUNT ? msg[e] : "unknown verifier error";
}

const char *cvm_verr_name(cvm_verr e) {
  static const char *const names[] = {
#define X(name, m) #name,
    CVM_VERRORS(X)
#undef X
  };
  return (unsigned)e < CVM_VERR__COUNT ? names[e] : "UNKNOWN";
}

const char *cvm_fault_str(cvm_fault f) {
  static const char *const msg[] = {
#define X(name, m) m,
    CVM_FAULTS(X)
#undef X
  };
  return (unsigned)f < CVM_FAULT__COUNT ? msg[f] : "unknown fault";
}

const char *cvm_fault_name(cvm_fault f) {
  static const char *const names[] = {
#define X(name, m) #name,
    CVM_FAULTS(X)
#undef X
  };
  return (unsigned)f < CVM_FAULT__COUNT ? names[f] : "UNKNOWN";
}
#endif
