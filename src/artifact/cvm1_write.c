/*
** cvm1_write.c -- serialise a cvm1_image into an unsigned CVM1 artifact:
** header, section table, 4-byte aligned sections, trailer with the digest.
*/
#include <stdlib.h>
#include <string.h>

#include "cvm1_int.h"

#define ALIGN4(n) (((n) + 3u) & ~(uint64_t)3u)

typedef struct part {          /* one section to be written */
  uint16_t type;
  uint64_t size;
  uint32_t offset;
} part;

/* Bytes of the names section: source name, then one name per function. */
static uint64_t names_size(const cvm1_image *img) {
  uint64_t n = strlen(img->source_name ? img->source_name : "") + 1;
  bool any = img->source_name != NULL;
  for (uint32_t f = 0; f < img->nfuncs; f++) {
    const char *s = img->funcs[f].name;
    any |= s != NULL;
    n += strlen(s ? s : "") + 1;
  }
  return any ? n : 0;
}

static cvm1_err check_image(const cvm1_image *img) {
  if ((img->ncode && !img->code) || (img->nfuncs && !img->funcs) ||
      (img->narrays && !img->arrays) || (img->rodata_size && !img->rodata) ||
      (img->data_size && !img->data) || (img->nlines && !img->lines))
    return CVM1_ERR_IMAGE;
  if (img->caps & ~CVM_CAPS_ALL) return CVM1_ERR_IMAGE;
  return CVM1_ERR_OK;
}

static void put_section(uint8_t *b, const part *pt, const cvm1_image *img) {
  uint8_t *p = b + pt->offset;
  switch (pt->type) {
    case CVM1_SECT_CODE:
      for (uint32_t i = 0; i < img->ncode; i++) cvm1_wr32(p + 4 * i, img->code[i]);
      break;
    case CVM1_SECT_FUNCS:
      for (uint32_t i = 0; i < img->nfuncs; i++, p += CVM_FUNC_SIZE) {
        const cvm1_func *f = &img->funcs[i];
        cvm1_wr32(p, f->entry);
        p[4] = f->nparams; p[5] = f->nslots;
        cvm1_wr16(p + 6, f->arrbytes);
      }
      break;
    case CVM1_SECT_ARRAYS:
      for (uint32_t i = 0; i < img->narrays; i++, p += CVM_ARRAY_SIZE) {
        const cvm1_array *a = &img->arrays[i];
        cvm1_wr32(p, a->base); cvm1_wr32(p + 4, a->count);
        p[8] = a->esize; p[9] = a->space;
        cvm1_wr16(p + 10, a->inner);
      }
      break;
    case CVM1_SECT_RODATA: memcpy(p, img->rodata, img->rodata_size); break;
    case CVM1_SECT_DATA: memcpy(p, img->data, img->data_size); break;
    case CVM1_SECT_LINES:
      for (uint32_t i = 0; i < img->nlines; i++, p += CVM_LINE_SIZE) {
        cvm1_wr32(p, img->lines[i].pc); cvm1_wr32(p + 4, img->lines[i].line);
      }
      break;
    case CVM1_SECT_NAMES: {
      const char *s = img->source_name ? img->source_name : "";
      size_t n = strlen(s) + 1;
      memcpy(p, s, n); p += n;
      for (uint32_t f = 0; f < img->nfuncs; f++) {
        s = img->funcs[f].name ? img->funcs[f].name : "";
        n = strlen(s) + 1;
        memcpy(p, s, n); p += n;
      }
      break;
    }
    default: break;
  }
}

/* Build id: SHA-256 over the program-defining header fields and the
** non-optional sections, first 16 bytes; stripping debug keeps it. */
static bool derive_build_id(uint8_t *b, const part *pts, unsigned n) {
  uint64_t total = H_PROGRAM_END - H_PROGRAM_START;
  for (unsigned i = 0; i < n; i++)
    if (!(cvm1_kind_find(pts[i].type)->flags & CVM1_SF_OPTIONAL)) total += pts[i].size;
  uint8_t *tmp = malloc(total ? total : 1), h[32];
  if (!tmp) return false;
  uint64_t k = H_PROGRAM_END - H_PROGRAM_START;
  memcpy(tmp, b + H_PROGRAM_START, k);
  for (unsigned i = 0; i < n; i++)
    if (!(cvm1_kind_find(pts[i].type)->flags & CVM1_SF_OPTIONAL)) {
      memcpy(tmp + k, b + pts[i].offset, pts[i].size);
      k += pts[i].size;
    }
  cvm1_sha256(tmp, total, h);
  free(tmp);
  memcpy(b + H_BUILD_ID, h, 16);
  return true;
}

cvm1_err cvm1_write(const cvm1_image *img, const cvm1_meta *meta,
                    uint8_t **out, size_t *len) {
  cvm1_meta defaults;
  if (!img || !out || !len) return CVM1_ERR_ARG;
  *out = NULL; *len = 0;
  if (!meta) { cvm1_meta_init(&defaults); meta = &defaults; }
  cvm1_err e = check_image(img);
  if (e) return e;

  part pts[8];
  unsigned n = 0;
  pts[n++] = (part){ CVM1_SECT_CODE, (uint64_t)img->ncode * 4, 0 };
  pts[n++] = (part){ CVM1_SECT_FUNCS, (uint64_t)img->nfuncs * CVM_FUNC_SIZE, 0 };
  if (img->narrays) pts[n++] = (part){ CVM1_SECT_ARRAYS, (uint64_t)img->narrays * CVM_ARRAY_SIZE, 0 };
  if (img->rodata_size) pts[n++] = (part){ CVM1_SECT_RODATA, img->rodata_size, 0 };
  if (img->data_size) pts[n++] = (part){ CVM1_SECT_DATA, img->data_size, 0 };
  if (!meta->strip && img->nlines) pts[n++] = (part){ CVM1_SECT_LINES, (uint64_t)img->nlines * CVM_LINE_SIZE, 0 };
  uint64_t nsz = meta->strip ? 0 : names_size(img);
  if (nsz) pts[n++] = (part){ CVM1_SECT_NAMES, nsz, 0 };

  uint64_t off = CVM1_HEADER_SIZE + n * CVM1_SECT_SIZE;
  for (unsigned i = 0; i < n; i++) {
    pts[i].offset = (uint32_t)off;
    off = ALIGN4(off + pts[i].size);
    if (off > 0x7FFFFFFFu) return CVM1_ERR_IMAGE;   /* keeps offsets in u32 */
  }
  uint64_t image_size = off;
  uint32_t tsize = CVM1_TRAILER_HDR + CVM1_TLV_HDR + 32;
  uint8_t *b = calloc(1, image_size + tsize);
  if (!b) return CVM1_ERR_NOMEM;

  memcpy(b + H_MAGIC, "CVM1", 4);
  cvm1_wr16(b + H_FORMAT, CVM1_FORMAT_VERSION);
  cvm1_wr16(b + H_HDRSIZE, CVM1_HEADER_SIZE);
  cvm1_wr32(b + H_IMAGE_SIZE, (uint32_t)image_size);
  cvm1_wr16(b + H_NSECT, n);
  cvm1_wr16(b + H_ABI_VERSION, CVM_ABI_VERSION);
  cvm1_wr32(b + H_ABI_HASH, cvm_abi_hash());
  cvm1_wr32(b + H_ISA_HASH, cvm_isa_hash());
  cvm1_wr32(b + H_CAPS, img->caps);
  cvm1_wr16(b + H_ENTRY_MAIN, img->entry_main);
  cvm1_wr16(b + H_ENTRY_SETUP, img->entry_setup);
  cvm1_wr16(b + H_ENTRY_LOOP, img->entry_loop);
  cvm1_wr32(b + H_GLOBALS, img->globals_size);
  cvm1_wr32(b + H_MEM, img->mem_size);
  cvm1_wr32(b + H_DEPTH, img->max_depth);
  for (int i = 0; i < 3; i++) cvm1_wr16(b + H_VERSION + 2 * i, meta->version[i]);
  cvm1_wr32(b + H_COUNTER, meta->security_counter);
  memcpy(b + H_VENDOR, meta->vendor_id, 16);
  memcpy(b + H_CLASS, meta->class_id, 16);
  memcpy(b + H_SOURCE_DIGEST, meta->source_digest, 32);
  cvm1_wr64(b + H_BUILD_TIME, meta->build_time);
  for (unsigned i = 0; i < n; i++) {
    uint8_t *t = b + CVM1_HEADER_SIZE + i * CVM1_SECT_SIZE;
    cvm1_wr16(t, pts[i].type);
    cvm1_wr16(t + 2, cvm1_kind_find(pts[i].type)->flags);
    cvm1_wr32(t + 4, pts[i].offset);
    cvm1_wr32(t + 8, (uint32_t)pts[i].size);
    put_section(b, &pts[i], img);
  }
  if (cvm1_zero(meta->build_id, 16)) {
    if (!derive_build_id(b, pts, n)) { free(b); return CVM1_ERR_NOMEM; }
  } else {
    memcpy(b + H_BUILD_ID, meta->build_id, 16);
  }

  uint8_t *t = b + image_size;
  cvm1_wr32(t, CVM1_TRAILER_MAGIC);
  cvm1_wr32(t + 4, tsize);
  cvm1_wr16(t + 8, CVM1_TLV_SHA256);
  cvm1_wr16(t + 10, 32);
  cvm1_sha256(b, image_size, t + 12);
  *out = b;
  *len = image_size + tsize;
  return CVM1_ERR_OK;
}
