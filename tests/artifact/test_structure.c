/*
** test_structure.c -- cvm1_open refuses every malformed artifact with its
** own error: a table of single edits of the sample, truncation at every
** length, and the in-place alignment rule.
*/
#include "art_test.h"

#define SECT(i) (CVM1_HEADER_SIZE + CVM1_SECT_SIZE * (i))   /* table entry */
enum { S_CODE, S_FUNCS, S_ARRAYS, S_RODATA, S_DATA, S_LINES, S_NAMES, S_N };

typedef struct ed { uint8_t *a; size_t len; uint32_t image; } ed;
static uint32_t off(ed *e, int s) { return cvm_rd32(e->a + SECT(s) + 4); }
static uint32_t size(ed *e, int s) { return cvm_rd32(e->a + SECT(s) + 8); }
static void append(ed *e, const uint8_t *p, size_t n) {
  memcpy(e->a + e->len, p, n);
  e->len += n;
  art_wr32(e->a + e->image + 4, cvm_rd32(e->a + e->image + 4) + (uint32_t)n);
}

/* One edit per case. */
static void m_magic(ed *e)      { e->a[0] ^= 0x20; }
static void m_format(ed *e)     { art_wr16(e->a + 4, 2); }
static void m_hdrsize(ed *e)    { art_wr16(e->a + 6, CVM1_HEADER_SIZE + 4); }
static void m_flags(ed *e)      { art_wr32(e->a + 8, 1); }
static void m_res0(ed *e)       { art_wr16(e->a + 0x26, 1); }
static void m_res1(ed *e)       { art_wr16(e->a + 0x3A, 0x100); }
static void m_img_odd(ed *e)    { art_wr32(e->a + 0x0C, e->image - 2); }
static void m_img_small(ed *e)  { art_wr32(e->a + 0x0C, CVM1_HEADER_SIZE); }
static void m_img_huge(ed *e)   { art_wr32(e->a + 0x0C, 0xFFFFFFFCu); }
static void m_nsect0(ed *e)     { art_wr16(e->a + 0x10, 0); }
static void m_nsect17(ed *e)    { art_wr16(e->a + 0x10, CVM1_MAX_SECTIONS + 1); }
static void m_nsect_huge(ed *e) { art_wr16(e->a + 0x10, 0xFFFF); }
static void m_range_off(ed *e)  { art_wr32(e->a + SECT(S_NAMES) + 4, e->image + 4); }
static void m_range_size(ed *e) { art_wr32(e->a + SECT(S_NAMES) + 8, 0xFFFFFFF0u); }
static void m_range_code(ed *e) { art_wr32(e->a + SECT(S_CODE) + 8, e->image); }
static void m_overlap(ed *e)    { art_wr32(e->a + SECT(S_FUNCS) + 4, off(e, S_CODE) + 4); }
static void m_in_table(ed *e)   { art_wr32(e->a + SECT(S_CODE) + 4, SECT(S_N) - 4); }
static void m_on_header(ed *e)  { art_wr32(e->a + SECT(S_CODE) + 4, 0); }
static void m_order(ed *e) {    /* swap the rodata and data entries */
  uint8_t t[CVM1_SECT_SIZE];
  memcpy(t, e->a + SECT(S_RODATA), CVM1_SECT_SIZE);
  memcpy(e->a + SECT(S_RODATA), e->a + SECT(S_DATA), CVM1_SECT_SIZE);
  memcpy(e->a + SECT(S_DATA), t, CVM1_SECT_SIZE);
}
static void m_align(ed *e)      { art_wr32(e->a + SECT(S_CODE) + 4, off(e, S_CODE) + 2); }
static void m_flag_opt(ed *e)   { art_wr16(e->a + SECT(S_CODE) + 2, CVM1_SF_OPTIONAL); }
static void m_flag_bit(ed *e)   { art_wr16(e->a + SECT(S_RODATA) + 2, 2); }
static void m_flag_dbg(ed *e)   { art_wr16(e->a + SECT(S_LINES) + 2, 0); }
static void m_unknown(ed *e)    { art_wr16(e->a + SECT(S_RODATA), 99); }
static void m_dup(ed *e)        { art_wr16(e->a + SECT(S_RODATA), CVM1_SECT_DATA); }
static void m_dup_code(ed *e)   { art_wr16(e->a + SECT(S_FUNCS), CVM1_SECT_CODE); }
static void m_no_funcs(ed *e) {
  art_wr16(e->a + SECT(S_FUNCS), 99);
  art_wr16(e->a + SECT(S_FUNCS) + 2, CVM1_SF_OPTIONAL);
}
static void m_no_code(ed *e) {
  art_wr16(e->a + SECT(S_CODE), 98);
  art_wr16(e->a + SECT(S_CODE) + 2, CVM1_SF_OPTIONAL);
}
static void m_funcs_size(ed *e) { art_wr32(e->a + SECT(S_FUNCS) + 8, size(e, S_FUNCS) - 4); }
static void m_code_size(ed *e)  { art_wr32(e->a + SECT(S_CODE) + 8, size(e, S_CODE) - 2); }
static void m_arr_size(ed *e)   { art_wr32(e->a + SECT(S_ARRAYS) + 8, size(e, S_ARRAYS) - 4); }
static void m_lines_size(ed *e) { art_wr32(e->a + SECT(S_LINES) + 8, size(e, S_LINES) - 4); }
static void m_names(ed *e)      { e->a[off(e, S_NAMES) + size(e, S_NAMES) - 1] = 'x'; }
static void m_caps(ed *e)       { art_wr32(e->a + 0x1C, 1u << 20); }
static void m_tmagic(ed *e)     { e->a[e->image + 1] ^= 1; }
static void m_tsize_small(ed *e){ art_wr32(e->a + e->image + 4, 4); }
static void m_tsize_short(ed *e){ art_wr32(e->a + e->image + 4, (uint32_t)(e->len - e->image - 4)); }
static void m_tsize_big(ed *e)  { art_wr32(e->a + e->image + 4, (uint32_t)(e->len - e->image + 4)); }
static void m_tsize_huge(ed *e) { art_wr32(e->a + e->image + 4, 0xFFFFFFF0u); }
static void m_trailing(ed *e)   { e->a[e->len++] = 0; }
static void m_tlv_len(ed *e)    { art_wr16(e->a + e->image + 10, 33); }
static void m_tlv_len_huge(ed *e) { art_wr16(e->a + e->image + 10, 0xFFFF); }
static void m_tlv_stub(ed *e)   { static const uint8_t z[2]; append(e, z, 2); }
static void m_tlv_wrong(ed *e)  { art_wr16(e->a + e->image + 8, CVM1_TLV_KEYID); }
static void m_tlv_dup(ed *e)    { append(e, e->a + e->image + 8, 36); }
static void m_ok_unknown_tlv(ed *e) {
  static const uint8_t r[] = { 0x77, 0x77, 3, 0, 'a', 'b', 'c' };
  append(e, r, sizeof r);
}
static void m_ok_unknown_sect(ed *e) { art_wr16(e->a + SECT(S_LINES), 0x1234); }
static void m_ok_none(ed *e)    { (void)e; }

typedef struct mcase { const char *name; void (*m)(ed *); cvm1_err want; } mcase;
static const mcase cases[] = {
  { "pristine",          m_ok_none,        CVM1_ERR_OK },
  { "unknown record",    m_ok_unknown_tlv, CVM1_ERR_OK },
  { "unknown optional",  m_ok_unknown_sect, CVM1_ERR_OK },
  { "magic",             m_magic,          CVM1_ERR_MAGIC },
  { "format version",    m_format,         CVM1_ERR_FORMAT_VERSION },
  { "header size",       m_hdrsize,        CVM1_ERR_HEADER_SIZE },
  { "flags",             m_flags,          CVM1_ERR_FLAGS },
  { "reserved0",         m_res0,           CVM1_ERR_RESERVED },
  { "reserved1",         m_res1,           CVM1_ERR_RESERVED },
  { "image misaligned",  m_img_odd,        CVM1_ERR_IMAGE_SIZE },
  { "image too small",   m_img_small,      CVM1_ERR_IMAGE_SIZE },
  { "image oversized",   m_img_huge,       CVM1_ERR_TRUNCATED },
  { "no sections",       m_nsect0,         CVM1_ERR_SECTION_COUNT },
  { "too many sections", m_nsect17,        CVM1_ERR_SECTION_COUNT },
  { "section count max", m_nsect_huge,     CVM1_ERR_SECTION_COUNT },
  { "offset past image", m_range_off,      CVM1_ERR_SECTION_RANGE },
  { "size oversized",    m_range_size,     CVM1_ERR_SECTION_RANGE },
  { "code past image",   m_range_code,     CVM1_ERR_SECTION_RANGE },
  { "overlap",           m_overlap,        CVM1_ERR_SECTION_OVERLAP },
  { "inside table",      m_in_table,       CVM1_ERR_SECTION_OVERLAP },
  { "over header",       m_on_header,      CVM1_ERR_SECTION_OVERLAP },
  { "out of order",      m_order,          CVM1_ERR_SECTION_OVERLAP },
  { "misaligned",        m_align,          CVM1_ERR_SECTION_ALIGN },
  { "code optional",     m_flag_opt,       CVM1_ERR_SECTION_FLAGS },
  { "unknown flag",      m_flag_bit,       CVM1_ERR_SECTION_FLAGS },
  { "debug not optional", m_flag_dbg,      CVM1_ERR_SECTION_FLAGS },
  { "unknown required",  m_unknown,        CVM1_ERR_SECTION_UNKNOWN },
  { "duplicate data",    m_dup,            CVM1_ERR_SECTION_DUP },
  { "duplicate code",    m_dup_code,       CVM1_ERR_SECTION_DUP },
  { "no funcs",          m_no_funcs,       CVM1_ERR_SECTION_MISSING },
  { "no code",           m_no_code,        CVM1_ERR_SECTION_MISSING },
  { "funcs size",        m_funcs_size,     CVM1_ERR_SECTION_SIZE },
  { "code size",         m_code_size,      CVM1_ERR_SECTION_SIZE },
  { "arrays size",       m_arr_size,       CVM1_ERR_SECTION_SIZE },
  { "lines size",        m_lines_size,     CVM1_ERR_SECTION_SIZE },
  { "names unterminated", m_names,         CVM1_ERR_NAMES },
  { "unknown caps",      m_caps,           CVM1_ERR_CAPS_UNKNOWN },
  { "trailer magic",     m_tmagic,         CVM1_ERR_TRAILER_MAGIC },
  { "trailer too small", m_tsize_small,    CVM1_ERR_TRAILER_SIZE },
  { "trailer short",     m_tsize_short,    CVM1_ERR_TRAILING },
  { "trailer oversized", m_tsize_big,      CVM1_ERR_TRUNCATED },
  { "trailer wraps",     m_tsize_huge,     CVM1_ERR_TRAILER_SIZE },
  { "trailing byte",     m_trailing,       CVM1_ERR_TRAILING },
  { "record overrun",    m_tlv_len,        CVM1_ERR_TLV_LAYOUT },
  { "record oversized",  m_tlv_len_huge,   CVM1_ERR_TLV_LAYOUT },
  { "record stub",       m_tlv_stub,       CVM1_ERR_TLV_LAYOUT },
  { "record length",     m_tlv_wrong,      CVM1_ERR_TLV_LENGTH },
  { "record twice",      m_tlv_dup,        CVM1_ERR_TLV_DUP },
  { NULL, NULL, CVM1_ERR_OK }
};

static void test_table(void) {
  size_t len;
  uint8_t *orig = art_sample_artifact(&len);
  cvm1_info in;
  CHECK_ERR(cvm1_open(orig, len, NULL, &in), CVM1_ERR_OK);
  CHECK(in.nsections == S_N);
  bool seen[CVM1_ERR__COUNT] = { false };
  for (const mcase *c = cases; c->name; c++) {
    ed e = { malloc(len + 64), len, in.image_size };
    memcpy(e.a, orig, len);
    c->m(&e);
    cvm_prog p;
    cvm1_err got = cvm1_open(e.a, e.len, &p, NULL);
    if (got != c->want) {
      t_failures++;
      fprintf(stderr, "case '%s': got %s, want %s\n", c->name, cvm1_err_name(got),
              cvm1_err_name(c->want));
    }
    /* cvm1_size agrees on the artifact's extent whenever the header and
    ** trailer header are intact. */
    uint32_t total;
    if (cvm1_size(e.a, e.len, &total) == CVM1_ERR_OK && got == CVM1_ERR_OK)
      CHECK(total == e.len);
    seen[c->want] = true;
    free(e.a);
  }
  /* Every structural error has at least one case above. */
  for (int k = CVM1_ERR_TRUNCATED; k <= CVM1_ERR_TLV_DUP; k++)
    if (k != CVM1_ERR_CODE_ALIGN && !seen[k]) {
      t_failures++;
      fprintf(stderr, "no case for %s\n", cvm1_err_name((cvm1_err)k));
    }
  free(orig);
}

/* An unknown optional section is skipped; the debug views stay empty. */
static void test_skip_optional(void) {
  size_t len;
  uint8_t *a = art_sample_artifact(&len);
  art_wr16(a + SECT(S_LINES), 0x1234);
  cvm_prog p;
  cvm1_info in;
  CHECK_ERR(cvm1_open(a, len, &p, &in), CVM1_ERR_OK);
  CHECK(p.nlines == 0 && p.lines == NULL);
  CHECK(p.names != NULL);
  free(a);
}

/* Every proper prefix is refused as truncated, from 0 bytes up. */
static void test_truncate(void) {
  size_t len;
  uint8_t *a = art_sample_artifact(&len);
  for (size_t n = 0; n < len; n++) {
    uint8_t *b = malloc(n ? n : 1);   /* exact size, so ASan sees overreads */
    memcpy(b, a, n);
    cvm1_err e = cvm1_open(b, n, NULL, NULL);
    if (e != CVM1_ERR_TRUNCATED) {
      t_failures++;
      fprintf(stderr, "prefix %zu: got %s\n", n, cvm1_err_name(e));
    }
    uint32_t total;
    CHECK(cvm1_size(b, n, &total) != CVM1_ERR_OK);
    free(b);
  }
  free(a);
}

/* cvm1_size finds the artifact's end inside a larger region (flash bank). */
static void test_size_in_region(void) {
  size_t len;
  uint8_t *a = art_sample_artifact(&len);
  uint8_t *bank = malloc(len + 100);
  memcpy(bank, a, len);
  memset(bank + len, 0xFF, 100);
  uint32_t total = 0;
  CHECK_ERR(cvm1_size(bank, len + 100, &total), CVM1_ERR_OK);
  CHECK(total == len);
  CHECK_ERR(cvm1_open(bank, len + 100, NULL, NULL), CVM1_ERR_TRAILING);
  CHECK_ERR(cvm1_open(bank, total, NULL, NULL), CVM1_ERR_OK);
  free(bank);
  free(a);
}

/* Code must sit at a 4-byte aligned address to execute in place. */
static void test_code_align(void) {
  size_t len;
  uint8_t *a = art_sample_artifact(&len);
  uint8_t *b = malloc(len + 4);
  for (int shift = 1; shift < 4; shift++) {
    memcpy(b + shift, a, len);
    cvm_prog p;
    CHECK_ERR(cvm1_open(b + shift, len, &p, NULL), CVM1_ERR_CODE_ALIGN);
    CHECK_ERR(cvm1_open(b + shift, len, NULL, NULL), CVM1_ERR_OK);
  }
  CHECK_ERR(cvm1_open(NULL, 0, NULL, NULL), CVM1_ERR_ARG);
  free(b);
  free(a);
}

/* Every error has a distinct message and name. */
static void test_messages(void) {
  for (int i = 0; i < CVM1_ERR__COUNT; i++) {
    CHECK(cvm1_err_str((cvm1_err)i) && *cvm1_err_str((cvm1_err)i));
    for (int j = 0; j < i; j++) {
      CHECK(strcmp(cvm1_err_str((cvm1_err)i), cvm1_err_str((cvm1_err)j)) != 0);
      CHECK(strcmp(cvm1_err_name((cvm1_err)i), cvm1_err_name((cvm1_err)j)) != 0);
    }
  }
  CHECK(strcmp(cvm1_err_name(CVM1_ERR_DIGEST), "DIGEST") == 0);
  CHECK(strcmp(cvm1_err_str((cvm1_err)999), "unknown CVM1 error") == 0);
}

static const art_case tests[] = {
  { "table", test_table }, { "skip_optional", test_skip_optional },
  { "truncate", test_truncate }, { "size", test_size_in_region },
  { "code_align", test_code_align }, { "messages", test_messages },
  { NULL, NULL }
};
int main(int argc, char **argv) { return art_main(argc, argv, tests); }
