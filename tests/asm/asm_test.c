/*
** asm_test.c -- assembler and disassembler tests.
**
**   asm_test errors            every assembler error, with its line
**   asm_test syntax            what each directive and operand form builds
**   asm_test examples FILE...  example sources: assemble, verify, round trip
**   asm_test random            random valid programs: verify, round trip
**   asm_test mutate            random code words: disassembly keeps them
**
** A round trip is: assemble -> cvm1_write -> cvm1_open -> disassemble ->
** assemble -> cvm1_write, and both artifacts must be the same bytes (the
** metadata is fixed so that only the program can differ); disassembling
** the second gives the same text again.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "tcheck.h"
#include "cvm1.h"

/* ---- helpers ------------------------------------------------------------ */

static asm_prog *assemble(const char *src, asm_diag *d, char **diag) {
  size_t n;
  char *buf = NULL;
  FILE *f = open_memstream(&buf, &n);
  asm_prog *p = asm_assemble("t.s", src, strlen(src), f, d);
  fclose(f);
  if (diag) *diag = buf;
  else free(buf);
  return p;
}

static uint8_t *write_art(const cvm1_image *img, size_t *len) {
  cvm1_meta m;
  cvm1_meta_init(&m);
  m.build_time = 0;
  uint8_t *out = NULL;
  cvm1_err e = cvm1_write(img, &m, &out, len);
  CHECK(e == CVM1_ERR_OK, "cvm1_write: %s", cvm1_err_str(e));
  return out;
}

static char *disassemble(const cvm_prog *p) {
  size_t n;
  char *buf = NULL;
  FILE *f = open_memstream(&buf, &n);
  CHECK(asm_disassemble(p, f, NULL) == 0, "disassemble");
  fclose(f);
  return buf;
}

static cvm_verr verify(const cvm_prog *p, cvm_vinfo *vi) {
  uint32_t n = cvm_verify_scratch_size(p);
  void *s = malloc(n + 4);
  cvm_verr e = cvm_verify(p, CVM_CAPS_ALL, s, n, vi);
  free(s);
  return e;
}

/* Round trip one source. Returns 0 if it did not assemble. verified: the
** program must also pass the verifier. */
static int roundtrip(const char *name, const char *src, bool verified) {
  asm_diag d;
  char *diag;
  asm_prog *a = assemble(src, &d, &diag);
  CHECK(a != NULL, "%s does not assemble:\n%s", name, diag);
  free(diag);
  if (!a) return 0;
  size_t len1, len2;
  uint8_t *art1 = write_art(asm_image(a), &len1);
  asm_free(a);
  if (!art1) return 0;
  cvm_prog p;
  cvm1_err e = cvm1_open(art1, len1, &p, NULL);
  CHECK(e == CVM1_ERR_OK, "%s: cvm1_open: %s", name, cvm1_err_str(e));
  if (e) { free(art1); return 0; }
  if (verified) {
    cvm_vinfo vi;
    cvm_verr ve = verify(&p, &vi);
    CHECK(ve == CVM_VERR_OK, "%s: verifier: %s at pc %u\n%s", name, cvm_verr_str(ve), vi.pc, src);
  }
  char *text1 = disassemble(&p);
  asm_prog *b = assemble(text1, &d, &diag);
  CHECK(b != NULL, "%s: disassembly does not assemble:\n%s\n%s", name, diag, text1);
  free(diag);
  if (b) {
    uint8_t *art2 = write_art(asm_image(b), &len2);
    CHECK(art2 && len1 == len2 && memcmp(art1, art2, len1) == 0,
          "%s: round trip changed the artifact\n--- source\n%s\n--- disassembly\n%s", name, src,
          text1);
    cvm_prog q;
    if (art2 && cvm1_open(art2, len2, &q, NULL) == CVM1_ERR_OK) {
      char *text2 = disassemble(&q);
      CHECK(strcmp(text1, text2) == 0, "%s: second disassembly differs:\n%s\n---\n%s", name,
            text1, text2);
      free(text2);
    }
    free(art2);
    asm_free(b);
  }
  free(text1);
  free(art1);
  return 1;
}

/* ---- errors --------------------------------------------------------------- */

typedef struct err_case {
  const char *src;
  asm_err err;
  uint32_t line;
  const char *detail;     /* must appear in the message */
} err_case;

#define F(body) ".func main 0\n" body "\n.end\n"   /* body starts on line 2 */

static const err_case err_cases[] = {
  { F("  FROB r0, r1"), ASM_E_UNKNOWN_OP, 2, "'FROB'" },
  { F("  RET0\n  .frob 3"), ASM_E_UNKNOWN_DIR, 3, "'.frob'" },
  { F("  LDI r0, r1"), ASM_E_KIND, 2, "I16" },
  { F("  MKARR r0, \"x\""), ASM_E_KIND, 2, "KX" },
  { F("  MOV r0, 5"), ASM_E_EXPECT_REG, 2, "'5'" },
  { F("  MOV r0, x1"), ASM_E_EXPECT_REG, 2, "'x1'" },
  { F("  MOV r256, r0"), ASM_E_REG_RANGE, 2, "'r256'" },
  { F("  ADDI r0, r0, 128"), ASM_E_RANGE, 2, "-128..127" },
  { F("  ANDI r0, r0, -1"), ASM_E_RANGE, 2, "0..255" },
  { F("  SHLI r0, r0, 32"), ASM_E_RANGE, 2, "0..31" },
  { F("  LDK r0, 0x100000000"), ASM_E_RANGE, 2, "K32" },
  { F("  LDI r0, 12x"), ASM_E_BAD_NUMBER, 2, "12x" },
  { F("  LDI r0, 0x"), ASM_E_BAD_NUMBER, 2, "0x" },
  { F("  LDI r0, 'ab'"), ASM_E_BAD_STRING, 2, NULL },
  { ".string s \"abc\n" F("  RET0"), ASM_E_BAD_STRING, 1, NULL },
  { ".string s \"a\\qb\"\n" F("  RET0"), ASM_E_BAD_STRING, 1, NULL },
  { F("  ADD r0, r1"), ASM_E_OPERANDS, 2, "ADD takes 3" },
  { F("  ADD r0, r1,"), ASM_E_OPERANDS, 2, "ADD takes 3" },
  { F("  ADD r0, r1, r2, r3"), ASM_E_OPERANDS, 2, "ADD takes 3" },
  { F("  RET0 r1"), ASM_E_SYNTAX, 2, "end of line" },
  { F("  MOV r0 r1"), ASM_E_SYNTAX, 2, "','" },
  { F("  SWITCH r0, 2, a, b"), ASM_E_OPERANDS, 2, "3 jump targets" },
  { F("  JMP nowhere"), ASM_E_UNDEF_LABEL, 2, "'nowhere'" },
  { F("  RET0\n  RET0\n  JZ r0, gone"), ASM_E_UNDEF_LABEL, 4, "'gone'" },
  { F("  LDG r0, nog"), ASM_E_UNDEF_GLOBAL, 2, "'nog'" },
  { F("  MKARR r0, noa"), ASM_E_UNDEF_ARRAY, 2, "'noa'" },
  { F("  CALL r0, nof"), ASM_E_UNDEF_FUNC, 2, "'nof'" },
  { F("  SYS r0, launch, 0"), ASM_E_UNKNOWN_CALL, 2, "'launch'" },
  { ".caps GPIO, WARP\n" F("  RET0"), ASM_E_UNKNOWN_CAP, 1, "'WARP'" },
  { F("x:  RET0\nx:  RET0"), ASM_E_DUPLICATE, 3, "label 'x'" },
  { ".global g\n.global g\n" F("  RET0"), ASM_E_DUPLICATE, 2, "global 'g'" },
  { ".string a \"x\"\n.array G a u8 1\n" F("  RET0"), ASM_E_DUPLICATE, 2, "array 'a'" },
  { F("  RET0") ".func main 0\n RET0\n.end\n", ASM_E_DUPLICATE, 4, "function 'main'" },
  { ".entry main\n.entry main\n" F("  RET0"), ASM_E_DUPLICATE, 2, ".entry" },
  { "  RET0\n", ASM_E_OUTSIDE_FUNC, 1, NULL },
  { "top: \n", ASM_E_OUTSIDE_FUNC, 1, NULL },
  { ".line 3\n", ASM_E_OUTSIDE_FUNC, 1, NULL },
  { ".func a 0\n.func b 0\n", ASM_E_NESTED_FUNC, 2, NULL },
  { "\n.func main 0\n  RET0\n", ASM_E_MISSING_END, 2, "'main'" },
  { ".end\n", ASM_E_OUTSIDE_FUNC, 1, NULL },
  { ".array G a f32 4\n" F("  RET0"), ASM_E_BAD_TYPE, 1, "'f32'" },
  { ".array Q a u8 4\n" F("  RET0"), ASM_E_BAD_SPACE, 1, "'Q'" },
  { ".array G a u8 2 = 1, 2, 3\n" F("  RET0"), ASM_E_INIT_SIZE, 1, "2 elements" },
  { ".array R a u8 2 = \"abc\"\n" F("  RET0"), ASM_E_INIT_SIZE, 1, "2 elements" },
  { ".array G a u8 2 = 256\n" F("  RET0"), ASM_E_RANGE, 1, "-128..255" },
  { ".array G a s16 2 = -32769\n" F("  RET0"), ASM_E_RANGE, 1, "-32768..65535" },
  { F("  .local a u8 4 = 1\n  RET0"), ASM_E_NO_INIT, 2, "AINIT" },
  { ".array L a u8 4\n" F("  RET0"), ASM_E_PLACE, 1, "'a'" },
  { ".global g @ 2\n" F("  RET0"), ASM_E_RANGE, 1, "multiple of 4" },
  { ".globals 6\n" F("  RET0"), ASM_E_RANGE, 1, "multiple of 4" },
  { ".global a\n.global b\n.globals 4\n" F("  RET0"), ASM_E_SIZE, 6, ".globals 4" },
  { ".string s \"hello\"\n.rodata 4\n" F("  RET0"), ASM_E_SIZE, 5, ".rodata 4" },
  { ".global a = 1\n.datasize 0\n" F("  RET0"), ASM_E_SIZE, 5, ".datasize 0" },
  { ".func main 0 1 2\n  .local a u8 4\n  RET0\n.end\n", ASM_E_SIZE, 1, "frame array bytes" },
  { ".global g\n", ASM_E_NO_FUNCS, 1, NULL },
  { ".func f 0\n  RET0\n.end\n", ASM_E_ENTRY, 3, "no function main" },
  { ".entry start\n" F("  RET0"), ASM_E_ENTRY, 1, "'start'" },
  { F("  MOV r255, r0\n  RET0"), ASM_E_LIMIT, 1, "256 registers" },
  { ".func main 0 1 70000\n", ASM_E_RANGE, 1, "frame array bytes" },
  { F("  ; a comment\n  LDI r0, 1 ; fine\n  $ RET0"), ASM_E_SYNTAX, 4, NULL },
  { F("  LDI r0, 1 # no"), ASM_E_SYNTAX, 2, "'#'" },
};

static void test_errors(void) {
  for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
    const err_case *c = &err_cases[i];
    asm_diag d;
    char *diag;
    asm_prog *p = assemble(c->src, &d, &diag);
    char want[160];
    snprintf(want, sizeof want, "t.s:%u: error: %s", c->line, asm_err_str(c->err));
    CHECK(p == NULL && d.first == c->err && d.first_line == c->line &&
              strncmp(diag, want, strlen(want)) == 0 && (!c->detail || strstr(diag, c->detail)),
          "case %zu (%s): want '%s'%s%s, got:\n%s", i, asm_err_str(c->err), want,
          c->detail ? " with " : "", c->detail ? c->detail : "", diag);
    asm_free(p);
    free(diag);
  }

  /* Jumps beyond their field: a J8 target 200 words away. */
  {
    size_t cap = 8192, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n, ".func main 0\n  JEQI r0, 0, far\n");
    for (int i = 0; i < 200; i++) n += (size_t)snprintf(s + n, cap - n, "  .word 0\n");
    snprintf(s + n, cap - n, "far: RET0\n.end\n");
    asm_diag d;
    char *diag;
    asm_prog *p = assemble(s, &d, &diag);
    CHECK(!p && d.first == ASM_E_JUMP_RANGE && d.first_line == 2 && strstr(diag, "200 words"),
          "J8 out of reach: %s", diag);
    free(diag);
    free(s);
  }

  /* An array index above 255 cannot be a KA operand. */
  {
    size_t cap = 65536, n = 0;
    char *s = malloc(cap);
    for (int i = 0; i < 257; i++) n += (size_t)snprintf(s + n, cap - n, ".array G a%d u8 1\n", i);
    snprintf(s + n, cap - n, ".func main 0\n  LDGU8 r0, r0, a256\n  RET r0\n.end\n");
    asm_diag d;
    char *diag;
    asm_prog *p = assemble(s, &d, &diag);
    CHECK(!p && d.first == ASM_E_RANGE && d.first_line == 259 && strstr(diag, "0..255"),
          "KA index: %s", diag);
    free(diag);
    free(s);
  }

  /* Several errors are all reported, each with its own line. */
  {
    asm_diag d;
    char *diag;
    asm_prog *p = assemble(F("  FROB\n  MOV r0\n  JMP nowhere\n  RET0"), &d, &diag);
    CHECK(!p && d.nerrors == 3 && strstr(diag, "t.s:2:") && strstr(diag, "t.s:3:") &&
              strstr(diag, "t.s:4:"),
          "three errors: %s", diag);
    free(diag);
  }
  /* Diagnostics may be discarded. */
  {
    asm_diag d;
    CHECK(asm_assemble("x.s", "FROB\n", 5, NULL, &d) == NULL && d.nerrors == 1, "no diag stream");
  }
}

/* ---- syntax: what each form builds ---------------------------------------- */

static const cvm1_image *build(const char *src, asm_prog **keep) {
  asm_diag d;
  char *diag;
  *keep = assemble(src, &d, &diag);
  CHECK(*keep != NULL, "does not assemble:\n%s\n%s", diag, src);
  free(diag);
  return *keep ? asm_image(*keep) : NULL;
}

static void test_syntax(void) {
  asm_prog *a;
  const cvm1_image *im;

  /* Encoding from the table: fields, signs, labels, extra words. */
  im = build(".func main 0\n"
             "top: LDI r1, -2\n"
             "     LDK r2, 0xDEADBEEF\n"
             "     ADDI r3, r1, 'A'\n"
             "     JGTI r1, -1, top\n"
             "     SWITCH r1, 2, top, out, out\n"
             "out: RET r3\n"
             ".end\n", &a);
  if (im) {
    CHECK(im->ncode == 10, "ncode %u", im->ncode);
    CHECK(im->code[0] == CVM_ENC_ABX(CVM_OP_LDI, 1, -2), "LDI %08x", im->code[0]);
    CHECK(im->code[1] == CVM_ENC_ABX(CVM_OP_LDK, 2, 0) && im->code[2] == 0xDEADBEEFu, "LDK");
    CHECK(im->code[3] == CVM_ENC_ABC(CVM_OP_ADDI, 3, 1, 65), "ADDI %08x", im->code[3]);
    CHECK(im->code[4] == CVM_ENC_ABC(CVM_OP_JGTI, 1, -1, -5), "JGTI %08x", im->code[4]);
    CHECK(im->code[5] == CVM_ENC_ABX(CVM_OP_SWITCH, 1, 2), "SWITCH %08x", im->code[5]);
    CHECK((int32_t)im->code[6] == -9 && im->code[7] == 0 && im->code[8] == 0, "table");
    CHECK(im->code[9] == CVM_ENC_ABC(CVM_OP_RET, 3, 0, 0), "RET");
    CHECK(im->nfuncs == 1 && im->funcs[0].nslots == 4 && im->funcs[0].nparams == 0, "slots %u",
          im->funcs[0].nslots);
    CHECK(im->entry_main == 0 && im->entry_setup == CVM_NO_ENTRY, "entry");
    CHECK(im->globals_size == 0 && im->mem_size == 2048 + 32 * CVM_CALL_RECORD &&
              im->max_depth == 32 && im->caps == 0, "defaults");
  }
  asm_free(a);

  /* Data layout, placement, sizes, strings, raw bytes, caps, lines. */
  im = build(".source \"prog.c\"\n"
             ".entry setup loop\n"
             ".memory 8192\n"
             ".depth 4\n"
             ".caps TIME\n"
             ".global a = -1\n"
             ".array G b u8 3 = 1, 2\n"
             ".global c = 7\n"
             ".global d @ 64\n"
             ".array G m s16 6 inner 3 = -1\n"
             ".string hi \"hi\\n\"\n"
             ".array R t u16 2 = 0x1234, \"A\"\n"
             ".bytes R 12 = \"xy\", 0\n"
             ".globals 128\n"
             ".func setup 0\n"
             "  .local buf u16 3\n"
             "  .line 10\n"
             "  SYS r0, digitalWrite, 2\n"
             "  .line 11\n"
             "  LDG r0, c\n"
             "  AINIT buf, 0xFFFF\n"
             "  MKARR r2, m\n"
             "  RET0\n"
             ".end\n"
             ".func loop 0 9 16\n"
             "  CALL r1, 0\n"
             "  RET0\n"
             ".end\n", &a);
  if (im) {
    CHECK(im->entry_main == CVM_NO_ENTRY && im->entry_setup == 0 && im->entry_loop == 1, "entry");
    CHECK(im->mem_size == 8192 && im->max_depth == 4, "mem");
    CHECK(im->caps == (CVM_CAPBIT(CVM_CAP_TIME) | CVM_CAPBIT(CVM_CAP_GPIO)), "caps %x", im->caps);
    CHECK(im->globals_size == 128, "globals %u", im->globals_size);
    /* a@0 b@4..6 c@8 d@64 m@68 (2-aligned after d) */
    CHECK(im->narrays == 5, "narrays %u", im->narrays);
    CHECK(im->arrays[0].base == 4 && im->arrays[0].count == 3 && im->arrays[0].esize == 1 &&
              im->arrays[0].space == CVM_SP_G, "b");
    CHECK(im->arrays[1].base == 68 && im->arrays[1].inner == 3 && im->arrays[1].esize == 2, "m");
    CHECK(im->arrays[2].base == 0 && im->arrays[2].count == 4 && im->arrays[2].space == CVM_SP_R, "hi");
    CHECK(im->arrays[3].base == 4 && im->arrays[3].count == 2, "t");
    CHECK(im->arrays[4].space == CVM_SP_L && im->arrays[4].base == 0 && im->arrays[4].count == 3, "buf");
    CHECK(im->data_size == 72 && im->data[0] == 0xFF && im->data[3] == 0xFF && im->data[4] == 1 &&
              im->data[5] == 2 && im->data[8] == 7 && im->data[68] == 0xFF && im->data[69] == 0xFF &&
              im->data[70] == 0, "data (size %u)", im->data_size);
    CHECK(im->rodata_size == 16 && memcmp(im->rodata, "hi\n\0\x34\x12" "A\0", 8) == 0 &&
              memcmp(im->rodata + 12, "xy\0", 3) == 0, "rodata");
    CHECK(im->nfuncs == 2 && im->funcs[0].arrbytes == 8 && im->funcs[0].nslots == 4 &&
              im->funcs[1].nslots == 9 && im->funcs[1].arrbytes == 16, "funcs");
    CHECK(im->nlines == 2 && im->lines[0].pc == 0 && im->lines[0].line == 10 &&
              im->lines[1].pc == 1 && im->lines[1].line == 11, "lines");
    CHECK(im->source_name && strcmp(im->source_name, "prog.c") == 0, "source");
    CHECK(im->code[2] == CVM_ENC_ABX(CVM_OP_AINIT, 4, 0xFFFF), "AINIT %08x", im->code[2]);
  }
  asm_free(a);

  /* Computed slots: register pairs, host-call windows, callee windows. */
  im = build(".func main 0\n  CALL r3, f\n  RET0\n.end\n"
             ".func f 5\n  MKARR r7, s\n  SYS r1, printf, 4\n  RET0\n.end\n"
             ".string s \"%d %d\"\n", &a);
  if (im) {
    CHECK(im->funcs[0].nslots == 8, "call window: %u", im->funcs[0].nslots);
    CHECK(im->funcs[1].nslots == 9, "pair: %u", im->funcs[1].nslots);
    CHECK(im->caps == CVM_CAPBIT(CVM_CAP_LOG), "caps");
  }
  asm_free(a);
  im = build(".entry 1\n.func f 0\n RET0\n.end\n.func g 0\n SYS r2, printf, 5\n RET0\n.end\n", &a);
  if (im) CHECK(im->entry_main == 1 && im->funcs[1].nslots == 7 && im->funcs[0].nslots == 1, "numeric entry");
  asm_free(a);
  im = build(".entry none\n.func f 0\n RET0\n.end\n", &a);
  if (im) CHECK(im->entry_main == CVM_NO_ENTRY && im->entry_loop == CVM_NO_ENTRY, "no entry");
  asm_free(a);

  /* Corners the disassembler must reproduce exactly. */
  static const char *const corners[] = {
    ".source \"\"\n.func main 0\n RET0\n.end\n",
    ".entry none\n.func f 0\n RET0\n.end\n",
    ".entry 65535 1\n.func f 0\n RET0\n.end\n.func g 0\n RET0\n.end\n",
    ".source \"a\\x01\\\"b\\xff.c\"\n.func main 0\n RET0\n.end\n",
    ".string s \"tab\\there\\x7f\\\\\"\n.array R t u8 3 = 1, 0, 2\n.array R u u8 2 = \"ab\"\n"
    ".func main 0\n MKARR r0, s\n MKARR r0, t\n MKARR r0, u\n RET0\n.end\n",
    ".caps GPIO, EVENT\n.func main 0\n SYS r0, millis, 0\n RET0\n.end\n",
    ".func main 0\nw: .word 0xFFFFFFFF\n .word 0x12345678\n JMP w\n RET0\n.end\n",
    ".func main 0\n SWITCH r0, 0, d\nd: SWITCH r0, 2, d, e, e\ne: RET0\n.end\n",
    ".array G a u16 4 = 1, 2\n.array G b u8 8 @ 0\n.array L c u8 4 @ 8\n.global g @ 4 = 9\n"
    ".func main 0 1 12\n LDG r0, g\n LDLU8 r0, r0, c\n RET0\n.end\n",
    ".global g = 5\n.globals 64\n.datasize 16\n.rodata 8\n.memory 4096\n.depth 1\n"
    ".func main 0\n LDG r0, g\n RET r0\n.end\n",
    ".bytes G 5 = 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3\n.bytes R 2 = \"xyz\"\n"
    ".func main 0\n RET0\n.end\n",
    ".func main 0\n .line 9\n .line 3\n LDK r0, -1\n .line 9\n RET r0\n.end\n",
    ".func main 0\n CALL r2, 1\n RET0\n.end\n.func f 3 5 8\n RET0\n.end\n",
  };
  for (size_t i = 0; i < sizeof corners / sizeof corners[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "corner %zu", i);
    roundtrip(name, corners[i], false);
  }

  /* Mnemonics are case-insensitive, names are not. */
  im = build(".func main 0\n  ldi r0, 1\n  Ret R0\n.end\n", &a);
  if (im) CHECK(im->code[0] == CVM_ENC_ABX(CVM_OP_LDI, 0, 1), "lowercase");
  asm_free(a);
  asm_diag d;
  const char *mainless = ".func Main 0\n RET0\n.end\n";
  CHECK(asm_assemble("x.s", mainless, strlen(mainless), NULL, &d) == NULL &&
            d.first == ASM_E_ENTRY, "Main is not main");
}

/* ---- examples --------------------------------------------------------------- */

static void test_examples(int n, char **files) {
  CHECK(n > 0, "no example files given");
  for (int i = 0; i < n; i++) {
    FILE *f = fopen(files[i], "rb");
    CHECK(f != NULL, "cannot open %s", files[i]);
    if (!f) continue;
    char *src = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&src, &len);
    int c;
    while ((c = fgetc(f)) != EOF) fputc(c, m);
    fclose(f);
    fclose(m);
    roundtrip(files[i], src, true);
    free(src);
  }
}

/* ---- random valid programs ----------------------------------------------------- */

/* A number below n (0 when n is 0), from tcheck.h's generator. */
static uint32_t rnd_below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static int64_t rnd_in(int64_t lo, int64_t hi) { return lo + (int64_t)rnd_below((uint32_t)(hi - lo + 1)); }

typedef struct gen {
  FILE *f;
  uint32_t nglob, gidx[8];                 /* global word indexes */
  uint32_t nfunc, nparams[4];
  uint32_t g[8], ng, r[8], nr;             /* array table indexes by space */
  uint32_t narr;
  uint32_t loc[4][3], nloc[4];             /* per function: its frame arrays */
  uint8_t esize[64];                       /* per array */
} gen;

static uint32_t up(uint32_t x, uint32_t a) { return (x + a - 1) / a * a; }

/* Print an array reference: by name, or sometimes by index. */
static void ref(gen *g, const char *prefix, uint32_t idx) {
  if (rnd_below(4)) fprintf(g->f, "%s%u", prefix, idx);
  else fprintf(g->f, "%u", idx);
}

/* An array from list[0..n) whose elements are size bytes (any if 0);
** NONE_IDX if there is none. */
#define NONE_IDX 0xFFFFu
static uint32_t pick(const gen *g, const uint32_t *list, uint32_t n, uint32_t size) {
  uint32_t start = rnd_below(n);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k = list[(start + i) % n];
    if (!size || g->esize[k] == size) return k;
  }
  return NONE_IDX;
}

/* One instruction of function fn (ns slots, nl labels). */
static void gen_insn(gen *g, uint32_t fn, uint32_t ns, uint32_t nl) {
  uint32_t op = rnd_below(CVM_OP__COUNT);
  const cvm_opinfo *oi = &cvm_opinfo_table[op];
  /* an array access needs an array of its element size in its space */
  uint32_t arr = 0;
  if (oi->kc == CVM_K_KA) {
    const uint32_t *list = oi->space == CVM_SP_G ? g->g : oi->space == CVM_SP_R ? g->r : g->loc[fn];
    uint32_t n = oi->space == CVM_SP_G ? g->ng : oi->space == CVM_SP_R ? g->nr : g->nloc[fn];
    arr = pick(g, list, n, oi->size);
  }
  if ((op == CVM_OP_CALL && fn + 1 >= g->nfunc) || arr == NONE_IDX)
    op = CVM_OP_RET0, oi = &cvm_opinfo_table[op];
  asm_field fl[3];
  int nf = asm_fields(oi->fmt, fl);
  /* A window (CALL, SYS) is sized by the later operands: choose them first. */
  uint32_t callee = 0, win = 0;
  const cvm_hcinfo *hc = NULL;
  if (op == CVM_OP_CALL) {
    callee = fn + 1 + rnd_below(g->nfunc - fn - 1);
    win = g->nparams[callee];
  } else if (oi->kb == CVM_K_HC) {
    hc = &cvm_hc_table[rnd_below(cvm_hc_count)];
    bool va;
    win = cvm_hc_slots(hc, &va) + (va ? rnd_below(3) : 0);
  }
  int64_t sw = 0;
  fprintf(g->f, "        %s", oi->name);
  bool first = true;
  for (int i = 0; i < nf; i++) {
    uint32_t k = asm_op_kind(oi, fl[i].slot);
    if (k == CVM_K_N) continue;
    fputs(first ? " " : ", ", g->f);
    first = false;
    int64_t lo, hi;
    switch (k) {
      case CVM_K_RW: case CVM_K_RR: fprintf(g->f, "r%u", rnd_below(ns)); break;
      case CVM_K_RP: case CVM_K_WP: fprintf(g->f, "r%u", rnd_below(ns - 1)); break;
      case CVM_K_RT: fprintf(g->f, "r%u", rnd_below(ns - 2)); break;
      case CVM_K_RX: fprintf(g->f, "r%u", rnd_below(ns - 4)); break;
      case CVM_K_RY: fprintf(g->f, "r%u", rnd_below(ns - 3)); break;
      case CVM_K_RA: fprintf(g->f, "r%u", rnd_below(ns - (win ? win : 1) + 1)); break;
      case CVM_K_GW:
        if (rnd_below(3)) fprintf(g->f, "g%u", rnd_below(g->nglob));
        else fprintf(g->f, "%u", g->gidx[rnd_below(g->nglob)]);
        break;
      case CVM_K_KA:
        if (oi->space == CVM_SP__) ref(g, "a", g->loc[fn][rnd_below(g->nloc[fn])]);   /* AINIT */
        else ref(g, "a", arr);
        break;
      case CVM_K_KX:
        if (op == CVM_OP_AINIT) {
          if (rnd_below(4) == 0) fputs("0xFFFF", g->f);
          else ref(g, "a", g->r[rnd_below(g->nr)]);
        } else {
          uint32_t w = rnd_below(3);
          ref(g, "a", w == 0 ? g->g[rnd_below(g->ng)] : w == 1 ? g->r[rnd_below(g->nr)] : g->loc[fn][rnd_below(g->nloc[fn])]);
        }
        break;
      case CVM_K_FN:
        if (rnd_below(3)) fprintf(g->f, "fn%u", callee);
        else fprintf(g->f, "%u", callee);
        break;
      case CVM_K_HC:
        if (rnd_below(3)) fprintf(g->f, "%s", hc->name);
        else fprintf(g->f, "0x%x", hc->id);
        break;
      case CVM_K_NA: fprintf(g->f, "%u", win); break;
      case CVM_K_J8: case CVM_K_J16: case CVM_K_J24: fprintf(g->f, "L%u", rnd_below(nl)); break;
      default: {
        asm_kind_range(k, fl[i].width == 32 ? 32 : fl[i].width, &lo, &hi);
        if (oi->fmt == CVM_FMT_SW) hi = 3;
        int64_t v = rnd_below(4) == 0 ? (rnd_below(2) ? lo : hi) : rnd_in(lo, hi < lo + 100000 ? hi : lo + 100000);
        if (oi->fmt == CVM_FMT_SW) sw = v;
        if (v >= 0 && rnd_below(3) == 0) fprintf(g->f, "0x%llx", (long long)v);
        else fprintf(g->f, "%lld", (long long)v);
      }
    }
  }
  if (oi->fmt == CVM_FMT_SW)
    for (int64_t j = 0; j <= sw; j++) fprintf(g->f, ", L%u", rnd_below(nl));
  fputc('\n', g->f);
}

static char *gen_program(void) {
  gen g = {0};
  char *buf = NULL;
  size_t len;
  g.f = open_memstream(&buf, &len);
  if (rnd_below(4) == 0) fprintf(g.f, ".source \"gen%u.c\"\n", rnd_below(100));
  if (rnd_below(3) == 0) fprintf(g.f, ".depth %u\n", 4 + rnd_below(40));
  if (rnd_below(4) == 0) fprintf(g.f, ".caps SPI, TIME\n");
  if (rnd_below(4) == 0) fprintf(g.f, ".entry main\n");

  /* globals and arrays, interleaved, sometimes placed away from the cursor */
  uint32_t gcur = 0, rcur = 0;
  g.nglob = 1 + rnd_below(6);
  uint32_t nar = 2 + rnd_below(6), gi = 0;
  while (gi < g.nglob || g.narr < nar) {
    if (gi < g.nglob && (g.narr >= nar || rnd_below(2))) {
      uint32_t off = up(gcur, 4);
      fprintf(g.f, ".global g%u", gi);
      if (rnd_below(5) == 0) fprintf(g.f, " @ %u", off += 4 * (1 + rnd_below(3)));
      if (rnd_below(2)) fprintf(g.f, " = %d", (int)rnd_in(-100000, 100000));
      fprintf(g.f, "\n");
      g.gidx[gi++] = off / 4;
      if (off + 4 > gcur) gcur = off + 4;
      continue;
    }
    const asm_type *t = &asm_types[rnd_below(6)];
    bool ro = g.narr == 0 ? false : g.narr == 1 ? true : rnd_below(2);
    uint32_t count = 1 + rnd_below(12), *cur = ro ? &rcur : &gcur, es = t->esize;
    if (ro && rnd_below(3) == 0) {
      es = 1;
      uint32_t n = rnd_below(1000);
      fprintf(g.f, ".string a%u \"s%u\\t%%d\\n\"\n", g.narr, n);
      char tmp[32];
      *cur += (uint32_t)snprintf(tmp, sizeof tmp, "s%u\t%%d\n", n) + 1;
    } else {
      uint32_t base = up(*cur, t->esize);
      fprintf(g.f, ".array %c a%u %s %u", ro ? 'R' : 'G', g.narr, t->name, count);
      if (rnd_below(3) == 0) fprintf(g.f, " inner %u", 1 + rnd_below(4));
      if (rnd_below(5) == 0) fprintf(g.f, " @ %u", base += t->esize * (1 + rnd_below(4)));
      if (ro || rnd_below(2)) {
        fprintf(g.f, " =");
        int64_t lo = t->sgn ? -((int64_t)1 << (8 * t->esize - 1)) : 0;
        int64_t hi = ((int64_t)1 << (8 * t->esize - (t->sgn ? 1 : 0))) - 1;
        for (uint32_t j = 0, n = 1 + rnd_below(count); j < n; j++)
          fprintf(g.f, "%s %lld", j ? "," : "", (long long)(rnd_below(3) ? rnd_in(lo, lo + 300 < hi ? lo + 300 : hi) : hi));
      }
      fprintf(g.f, "\n");
      if (base + count * t->esize > *cur) *cur = base + count * t->esize;
    }
    g.esize[g.narr] = (uint8_t)es;
    if (ro) g.r[g.nr++] = g.narr;
    else g.g[g.ng++] = g.narr;
    g.narr++;
  }
  if (rnd_below(4) == 0) {
    fprintf(g.f, ".bytes G %u = 9, 0, 7\n", gcur + 3);
    gcur += 6;
  }
  if (rnd_below(4) == 0) {
    fprintf(g.f, ".bytes R %u = \"raw\", 0x55\n", rcur + rnd_below(5));
    rcur += 9;
  }
  uint32_t gsize = up(gcur, 4);
  if (rnd_below(4) == 0) fprintf(g.f, ".globals %u\n", gsize += 4 * rnd_below(8));
  if (rnd_below(6) == 0) fprintf(g.f, ".globals %u\n.datasize %u\n", gsize, gsize);
  if (rnd_below(4) == 0) fprintf(g.f, ".rodata %u\n", up(rcur, 4) + rnd_below(9));

  /* functions: main first, calls only go forward (no recursion) */
  g.nfunc = 1 + rnd_below(4);
  for (uint32_t f = 0; f < g.nfunc; f++) g.nparams[f] = f == 0 ? 0 : rnd_below(3);
  for (uint32_t f = 0; f < g.nfunc; f++) {
    uint32_t ns = 8 + rnd_below(8), nins = 1 + rnd_below(25), nl = 1 + rnd_below(4), lcur = 0;
    if (f == 0) fprintf(g.f, "\n.func main %u", g.nparams[f]);
    else fprintf(g.f, "\n.func fn%u %u", f, g.nparams[f]);
    if (rnd_below(2)) fprintf(g.f, " %u", ns);   /* else the assembler counts them */
    fprintf(g.f, "\n");
    g.nloc[f] = 1 + rnd_below(2);
    for (uint32_t k = 0; k < g.nloc[f]; k++) {
      const asm_type *t = &asm_types[rnd_below(6)];
      uint32_t count = 1 + rnd_below(10), base = up(lcur, t->esize);
      fprintf(g.f, "        .local a%u %s %u", g.narr, t->name, count);
      if (rnd_below(4) == 0) fprintf(g.f, " @ %u", base += t->esize * rnd_below(3));
      fprintf(g.f, "\n");
      if (base + count * t->esize > lcur) lcur = base + count * t->esize;
      g.esize[g.narr] = t->esize;
      g.loc[f][k] = g.narr++;
    }
    /* labels before random instructions; the last is before the final return */
    uint32_t at[4];
    for (uint32_t l = 0; l < nl; l++) at[l] = l + 1 == nl ? nins : rnd_below(nins);
    for (uint32_t i = 0; i <= nins; i++) {
      for (uint32_t l = 0; l < nl; l++)
        if (at[l] == i) fprintf(g.f, "L%u:\n", l);
      if (rnd_below(3) == 0) fprintf(g.f, "        .line %u\n", 1 + rnd_below(500));
      if (i == nins) fprintf(g.f, rnd_below(2) ? "        RET r%u\n" : "        RET0\n", rnd_below(ns));
      else gen_insn(&g, f, ns, nl);
    }
    fprintf(g.f, ".end\n");
  }
  fclose(g.f);
  return buf;
}

static void test_random(int n) {
  for (int i = 0; i < n && t_failures < 5; i++) {
    char *src = gen_program();
    char name[32];
    snprintf(name, sizeof name, "random program %d", i);
    roundtrip(name, src, true);
    free(src);
  }
}

/* ---- mutated code: whatever the words, disassembly reproduces them ---------- */

static void test_mutate(int n) {
  int raw = 0;   /* disassemblies that needed a .word: the test reaches them */
  for (int i = 0; i < n && t_failures < 5; i++) {
    char *src = gen_program();
    asm_diag d;
    asm_prog *a = assemble(src, &d, NULL);
    free(src);
    CHECK(a != NULL, "generated program does not assemble");
    if (!a) continue;
    size_t len;
    uint8_t *art = write_art(asm_image(a), &len);
    asm_free(a);
    cvm_prog p;
    if (!art || cvm1_open(art, len, &p, NULL) != CVM1_ERR_OK) {
      free(art);
      continue;
    }
    uint32_t *code = (uint32_t *)(void *)(art + ((const uint8_t *)p.code - art));
    for (uint32_t k = 0, m = 1 + rnd_below(4); k < m; k++) {
      uint32_t w = rnd_below(p.ncode);
      switch (rnd_below(3)) {
        case 0: code[w] = (uint32_t)rnd_below(0xFFFFFFFFu) ^ ((uint32_t)rnd_below(0xFFFF) << 16); break;
        case 1: code[w] ^= 1u << rnd_below(32); break;
        default: code[w] = (code[w] & 0xFFFFFF00u) | rnd_below(256); break;
      }
    }
    char *text = disassemble(&p);
    raw += strstr(text, ".word") != NULL;
    asm_prog *b = assemble(text, &d, NULL);
    CHECK(b != NULL, "mutated disassembly does not assemble:\n%s", text);
    if (b) {
      const cvm1_image *im = asm_image(b);
      CHECK(im->ncode == p.ncode && memcmp(im->code, p.code, 4 * p.ncode) == 0,
            "mutated code not reproduced:\n%s", text);
      CHECK(im->nfuncs == p.nfuncs && im->narrays == p.narrays && im->nlines <= p.nlines,
            "tables changed");
    }
    asm_free(b);
    free(text);
    free(art);
  }
  CHECK(n < 50 || raw > n / 10, "only %d of %d mutated programs needed a .word", raw, n);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: asm_test errors|syntax|random|mutate|examples FILE...\n");
    return 2;
  }
  if (strcmp(argv[1], "errors") == 0) test_errors();
  else if (strcmp(argv[1], "syntax") == 0) test_syntax();
  else if (strcmp(argv[1], "random") == 0) test_random(argc > 2 ? atoi(argv[2]) : 500);
  else if (strcmp(argv[1], "mutate") == 0) test_mutate(argc > 2 ? atoi(argv[2]) : 300);
  else if (strcmp(argv[1], "examples") == 0) test_examples(argc - 2, argv + 2);
  else {
    fprintf(stderr, "asm_test: unknown test '%s'\n", argv[1]);
    return 2;
  }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures != 0;
}
