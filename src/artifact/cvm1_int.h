/*
** cvm1_int.h -- internals shared by the cvm1 and cvm1_host sources:
** header field offsets, byte readers/writers, the section kind table.
** Not a public header.
*/
#ifndef CVM1_INT_H
#define CVM1_INT_H

#include "cvm1.h"

/* Header field offsets (docs/cvm1-format.md, "Header"). */
enum {
  H_MAGIC = 0x00, H_FORMAT = 0x04, H_HDRSIZE = 0x06, H_FLAGS = 0x08,
  H_IMAGE_SIZE = 0x0C, H_NSECT = 0x10, H_ABI_VERSION = 0x12,
  H_ABI_HASH = 0x14, H_ISA_HASH = 0x18, H_CAPS = 0x1C,
  H_ENTRY_MAIN = 0x20, H_ENTRY_SETUP = 0x22, H_ENTRY_LOOP = 0x24,
  H_RESERVED0 = 0x26, H_GLOBALS = 0x28, H_MEM = 0x2C, H_DEPTH = 0x30,
  H_VERSION = 0x34, H_RESERVED1 = 0x3A, H_COUNTER = 0x3C,
  H_VENDOR = 0x40, H_CLASS = 0x50, H_BUILD_ID = 0x60,
  H_SOURCE_DIGEST = 0x70, H_BUILD_TIME = 0x90
};
/* The program-defining header bytes that feed the derived build id. */
#define H_PROGRAM_START H_ABI_VERSION
#define H_PROGRAM_END   H_VERSION

/* Section table entry: u16 type, u16 flags, u32 offset, u32 size. */
typedef struct cvm1_kind {
  uint16_t type, flags;
  uint8_t esize;           /* size must be a multiple of this */
  const char *name;
} cvm1_kind;
extern const cvm1_kind cvm1_kinds[];
extern const unsigned cvm1_nkinds;
const cvm1_kind *cvm1_kind_find(uint32_t type);   /* NULL if unknown */

static inline uint64_t cvm1_rd64(const uint8_t *p) {
  return (uint64_t)cvm_rd32(p) | (uint64_t)cvm_rd32(p + 4) << 32;
}
static inline void cvm1_wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}
static inline void cvm1_wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void cvm1_wr64(uint8_t *p, uint64_t v) {
  cvm1_wr32(p, (uint32_t)v); cvm1_wr32(p + 4, (uint32_t)(v >> 32));
}
static inline bool cvm1_eq(const uint8_t *a, const uint8_t *b, size_t n) {
  uint8_t d = 0;
  for (size_t i = 0; i < n; i++) d |= (uint8_t)(a[i] ^ b[i]);
  return d == 0;
}
static inline bool cvm1_zero(const uint8_t *a, size_t n) {
  uint8_t d = 0;
  for (size_t i = 0; i < n; i++) d |= a[i];
  return d == 0;
}

#endif /* CVM1_INT_H */
