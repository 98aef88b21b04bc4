/*
** cvm1_open.c -- structure of a CVM1 artifact: header, section table and
** trailer layout, read field by field with bounds checks; binding a
** cvm_prog to the sections in place. No cryptography here (cvm1_check.c).
*/
#include "cvm1_int.h"

#define MAGIC_CVM1 0x314D5643u   /* "CVM1" little-endian */

/* Known sections: type, required flags, entry size, name. */
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

/* Header, section table and image size; the first `avail` bytes exist. */
static cvm1_err parse_header(const uint8_t *b, size_t avail, cvm1_info *in) {
  if (avail < 4) return CVM1_ERR_TRUNCATED;
  if (cvm_rd32(b + H_MAGIC) != MAGIC_CVM1) return CVM1_ERR_MAGIC;
  if (avail < CVM1_HEADER_SIZE) return CVM1_ERR_TRUNCATED;
  in->format_version = (uint16_t)cvm_rd16(b + H_FORMAT);
  if (in->format_version != CVM1_FORMAT_VERSION) return CVM1_ERR_FORMAT_VERSION;
  in->header_size = (uint16_t)cvm_rd16(b + H_HDRSIZE);
  if (in->header_size != CVM1_HEADER_SIZE) return CVM1_ERR_HEADER_SIZE;
  in->flags = cvm_rd32(b + H_FLAGS);
  if (in->flags != 0) return CVM1_ERR_FLAGS;
  if (cvm_rd16(b + H_RESERVED0) != 0 || cvm_rd16(b + H_RESERVED1) != 0)
    return CVM1_ERR_RESERVED;
  in->image_size = cvm_rd32(b + H_IMAGE_SIZE);
  in->nsections = cvm_rd16(b + H_NSECT);
  in->abi_version = (uint16_t)cvm_rd16(b + H_ABI_VERSION);
  in->abi_hash = cvm_rd32(b + H_ABI_HASH);
  in->isa_hash = cvm_rd32(b + H_ISA_HASH);
  in->caps = cvm_rd32(b + H_CAPS);
  in->entry_main = (uint16_t)cvm_rd16(b + H_ENTRY_MAIN);
  in->entry_setup = (uint16_t)cvm_rd16(b + H_ENTRY_SETUP);
  in->entry_loop = (uint16_t)cvm_rd16(b + H_ENTRY_LOOP);
  in->globals_size = cvm_rd32(b + H_GLOBALS);
  in->mem_size = cvm_rd32(b + H_MEM);
  in->max_depth = cvm_rd32(b + H_DEPTH);
  for (int i = 0; i < 3; i++)
    in->version[i] = (uint16_t)cvm_rd16(b + H_VERSION + 2 * i);
  in->security_counter = cvm_rd32(b + H_COUNTER);
  in->vendor_id = b + H_VENDOR;
  in->class_id = b + H_CLASS;
  in->build_id = b + H_BUILD_ID;
  in->source_digest = b + H_SOURCE_DIGEST;
  in->build_time = cvm1_rd64(b + H_BUILD_TIME);
  if (in->nsections == 0 || in->nsections > CVM1_MAX_SECTIONS)
    return CVM1_ERR_SECTION_COUNT;
  uint32_t table_end = CVM1_HEADER_SIZE + in->nsections * CVM1_SECT_SIZE;
  if (avail < table_end) return CVM1_ERR_TRUNCATED;
  if (in->image_size % 4 != 0 || in->image_size < table_end)
    return CVM1_ERR_IMAGE_SIZE;
  if (in->image_size > avail) return CVM1_ERR_TRUNCATED;
  return CVM1_ERR_OK;
}

static cvm1_err parse_sections(const uint8_t *b, cvm1_info *in) {
  uint32_t end = CVM1_HEADER_SIZE + in->nsections * CVM1_SECT_SIZE;
  uint32_t seen = 0;   /* bit i: cvm1_kinds[i] present */
  for (uint32_t i = 0; i < in->nsections; i++) {
    const uint8_t *e = b + CVM1_HEADER_SIZE + i * CVM1_SECT_SIZE;
    cvm1_section *s = &in->sections[i];
    s->type = (uint16_t)cvm_rd16(e);
    s->flags = (uint16_t)cvm_rd16(e + 2);
    s->offset = cvm_rd32(e + 4);
    s->size = cvm_rd32(e + 8);
    if (s->offset > in->image_size || s->size > in->image_size - s->offset)
      return CVM1_ERR_SECTION_RANGE;
    if (s->offset < end) return CVM1_ERR_SECTION_OVERLAP;
    if (s->offset % 4 != 0) return CVM1_ERR_SECTION_ALIGN;
    if (s->flags & ~CVM1_SF_OPTIONAL) return CVM1_ERR_SECTION_FLAGS;
    end = s->offset + s->size;
    const cvm1_kind *k = cvm1_kind_find(s->type);
    if (!k) {
      if (!(s->flags & CVM1_SF_OPTIONAL)) return CVM1_ERR_SECTION_UNKNOWN;
      continue;
    }
    uint32_t bit = 1u << (k - cvm1_kinds);
    if (s->flags != k->flags) return CVM1_ERR_SECTION_FLAGS;
    if (seen & bit) return CVM1_ERR_SECTION_DUP;
    seen |= bit;
    if (s->size % k->esize != 0) return CVM1_ERR_SECTION_SIZE;
    if (s->type == CVM1_SECT_NAMES && s->size > 0 && b[s->offset + s->size - 1] != 0)
      return CVM1_ERR_NAMES;
  }
  if ((seen & 3u) != 3u) return CVM1_ERR_SECTION_MISSING;  /* code, funcs */
  if (in->caps & ~CVM_CAPS_ALL) return CVM1_ERR_CAPS_UNKNOWN;
  return CVM1_ERR_OK;
}

/* Trailer: magic, size, then TLV records that exactly fill it. */
static cvm1_err parse_trailer(const uint8_t *b, size_t len, cvm1_info *in) {
  size_t p = in->image_size;
  if (len - p < CVM1_TRAILER_HDR) return CVM1_ERR_TRUNCATED;
  if (cvm_rd32(b + p) != CVM1_TRAILER_MAGIC) return CVM1_ERR_TRAILER_MAGIC;
  uint32_t tsize = cvm_rd32(b + p + 4);
  if (tsize < CVM1_TRAILER_HDR) return CVM1_ERR_TRAILER_SIZE;
  if (tsize > 0xFFFFFFFFu - in->image_size) return CVM1_ERR_TRAILER_SIZE;
  if (tsize > len - p) return CVM1_ERR_TRUNCATED;
  if (tsize < len - p) return CVM1_ERR_TRAILING;
  in->total_size = in->image_size + tsize;
  size_t end = p + tsize;
  for (p += CVM1_TRAILER_HDR; p < end;) {
    if (end - p < CVM1_TLV_HDR) return CVM1_ERR_TLV_LAYOUT;
    uint32_t type = cvm_rd16(b + p), n = cvm_rd16(b + p + 2);
    const uint8_t *v = b + p + CVM1_TLV_HDR;
    if (n > end - p - CVM1_TLV_HDR) return CVM1_ERR_TLV_LAYOUT;
    p += CVM1_TLV_HDR + n;
    const uint8_t **slot;
    uint32_t want;
    switch (type) {
      case CVM1_TLV_SHA256:  slot = &in->digest;    want = 32; break;
      case CVM1_TLV_KEYID:   slot = &in->keyid;     want = CVM1_KEYID_SIZE; break;
      case CVM1_TLV_ED25519: slot = &in->signature; want = 64; break;
      default: in->unknown_tlvs++; continue;
    }
    if (n != want) return CVM1_ERR_TLV_LENGTH;
    if (*slot) return CVM1_ERR_TLV_DUP;
    *slot = v;
  }
  return CVM1_ERR_OK;
}

cvm1_err cvm1_size(const uint8_t *buf, size_t avail, uint32_t *total) {
  cvm1_info in;
  __builtin_memset(&in, 0, sizeof in);
  cvm1_err e = parse_header(buf, avail, &in);
  if (e) return e;
  size_t p = in.image_size;
  if (avail - p < CVM1_TRAILER_HDR) return CVM1_ERR_TRUNCATED;
  if (cvm_rd32(buf + p) != CVM1_TRAILER_MAGIC) return CVM1_ERR_TRAILER_MAGIC;
  uint32_t tsize = cvm_rd32(buf + p + 4);
  if (tsize < CVM1_TRAILER_HDR) return CVM1_ERR_TRAILER_SIZE;
  if (tsize > 0xFFFFFFFFu - in.image_size) return CVM1_ERR_TRAILER_SIZE;
  if (tsize > avail - p) return CVM1_ERR_TRUNCATED;
  *total = in.image_size + tsize;
  return CVM1_ERR_OK;
}

static const cvm1_section *find(const cvm1_info *in, uint32_t type) {
  for (uint32_t i = 0; i < in->nsections; i++)
    if (in->sections[i].type == type) return &in->sections[i];
  return NULL;
}

/* Bind prog to the known sections (structure already checked). */
static cvm1_err bind(const uint8_t *b, const cvm1_info *in, cvm_prog *p) {
  const cvm1_section *s;
  __builtin_memset(p, 0, sizeof *p);
  s = find(in, CVM1_SECT_CODE);
  if (((uintptr_t)(b + s->offset) & 3u) != 0) return CVM1_ERR_CODE_ALIGN;
  p->code = (const uint32_t *)(const void *)(b + s->offset);
  p->ncode = s->size / 4;
  s = find(in, CVM1_SECT_FUNCS);
  p->funcs = b + s->offset;
  p->nfuncs = s->size / CVM_FUNC_SIZE;
  if ((s = find(in, CVM1_SECT_ARRAYS)) != NULL) {
    p->arrays = b + s->offset;
    p->narrays = s->size / CVM_ARRAY_SIZE;
  }
  if ((s = find(in, CVM1_SECT_RODATA)) != NULL) {
    p->rodata = b + s->offset;
    p->rodata_size = s->size;
  }
  if ((s = find(in, CVM1_SECT_DATA)) != NULL) {
    p->data = b + s->offset;
    p->data_size = s->size;
  }
  if ((s = find(in, CVM1_SECT_LINES)) != NULL) {
    p->lines = b + s->offset;
    p->nlines = s->size / CVM_LINE_SIZE;
  }
  if ((s = find(in, CVM1_SECT_NAMES)) != NULL && s->size > 0) {
    p->names = (const char *)(b + s->offset);
    p->names_size = s->size;
  }
  p->globals_size = in->globals_size;
  p->mem_size = in->mem_size;
  p->max_depth = in->max_depth;
  p->caps = in->caps;
  p->entry_main = in->entry_main;
  p->entry_setup = in->entry_setup;
  p->entry_loop = in->entry_loop;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_open(const uint8_t *buf, size_t len, cvm_prog *prog, cvm1_info *info) {
  cvm1_info local;
  cvm1_info *in = info ? info : &local;
  __builtin_memset(in, 0, sizeof *in);
  if (!buf) return CVM1_ERR_ARG;
  cvm1_err e = parse_header(buf, len, in);
  if (!e) e = parse_sections(buf, in);
  if (!e) e = parse_trailer(buf, len, in);
  if (!e && prog) e = bind(buf, in, prog);
  return e;
}
