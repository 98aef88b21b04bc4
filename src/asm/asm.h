/*
** asm.h -- CVM assembler and disassembler (host side, libc).
**
** asm_assemble() turns assembly text into a cvm1_image that the artifact
** writer packages; asm_disassemble() prints a cvm_prog back as text the
** assembler accepts, so that assemble -> write -> open -> disassemble ->
** assemble gives the same bytes. Both are driven only by the opcode table
** (isa/cvm_opcodes.def: format and operand kinds): there is no code for any
** particular opcode. The syntax is described in docs/assembly.md.
*/
#ifndef ASM_H
#define ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cvm.h"
#include "cvm1.h"

/* Assembler errors: each names what went wrong; a diagnostic adds where. */
#define ASM_ERRORS(X) \
  X(OK,            "ok") \
  X(SYNTAX,        "syntax error") \
  X(BAD_NUMBER,    "malformed number") \
  X(BAD_STRING,    "malformed string or character literal") \
  X(UNKNOWN_OP,    "unknown opcode") \
  X(UNKNOWN_DIR,   "unknown directive") \
  X(OPERANDS,      "wrong number of operands") \
  X(EXPECT_REG,    "expected a register (r0..r255)") \
  X(KIND,          "wrong kind of operand") \
  X(REG_RANGE,     "register out of range (r0..r255)") \
  X(RANGE,         "value out of range") \
  X(UNDEF_LABEL,   "undefined label") \
  X(UNDEF_GLOBAL,  "undefined global") \
  X(UNDEF_ARRAY,   "undefined array") \
  X(UNDEF_FUNC,    "undefined function") \
  X(UNKNOWN_CALL,  "unknown host call") \
  X(UNKNOWN_CAP,   "unknown capability group") \
  X(DUPLICATE,     "duplicate definition") \
  X(JUMP_RANGE,    "jump target out of reach") \
  X(OUTSIDE_FUNC,  "instruction or label outside a function") \
  X(NESTED_FUNC,   ".func inside a function (missing .end)") \
  X(MISSING_END,   "function not closed with .end") \
  X(BAD_TYPE,      "unknown element type (u8 s8 u16 s16 u32 s32)") \
  X(BAD_SPACE,     "unknown array space (G, L or R)") \
  X(INIT_SIZE,     "more initialisers than elements") \
  X(NO_INIT,       "this array cannot have initial values") \
  X(PLACE,         "placement needed: frame arrays outside a function need '@ offset'") \
  X(SIZE,          "declared size is smaller than the contents") \
  X(LIMIT,         "table too large") \
  X(NO_FUNCS,      "program has no functions") \
  X(ENTRY,         "bad entry point") \
  X(IO,            "cannot read input")

typedef enum asm_err {
#define X(name, msg) ASM_E_##name,
  ASM_ERRORS(X)
#undef X
  ASM_E__COUNT
} asm_err;

const char *asm_err_str(asm_err e);

typedef struct asm_prog asm_prog;   /* opaque: owns an assembled image */

/* Assemble src[0..len). Diagnostics go to diag (may be NULL) as
** "FILE:LINE: error: message: detail". Returns NULL on error; *nerrors (may
** be NULL) gets the number of errors and *first (may be NULL) the first
** error's code and line. */
typedef struct asm_diag {
  int nerrors;
  asm_err first;
  uint32_t first_line;
} asm_diag;
asm_prog *asm_assemble(const char *filename, const char *src, size_t len,
                       FILE *diag, asm_diag *result);
const cvm1_image *asm_image(const asm_prog *p);
void asm_free(asm_prog *p);

/* Disassembly options. */
typedef struct asm_dis_opts {
  bool pcs;                 /* add "; pc: words" comments */
  const char *source;       /* source text, to interleave with .line (or NULL) */
  size_t source_len;
} asm_dis_opts;

/* Print program p as assembly text. p need not have been verified: anything
** the syntax cannot express as an instruction is printed as a .word. Returns
** 0, or -1 on an output error. */
int asm_disassemble(const cvm_prog *p, FILE *out, const asm_dis_opts *opt);

/* Operand kinds: what each means and how it is written (shared with the
** docs generators). Indexed by cvm_kind. */
typedef struct asm_kindinfo {
  const char *syntax;       /* e.g. "rN", "label", "-128..127" */
  const char *desc;
} asm_kindinfo;
extern const asm_kindinfo asm_kind_table[CVM_K__COUNT];

/* Element types of array declarations. */
typedef struct asm_type {
  const char *name;         /* u8 s8 u16 s16 u32 s32 */
  uint8_t esize;
  bool sgn;
} asm_type;
extern const asm_type asm_types[6];

/* ---- instruction fields ---------------------------------------------- */
/* One operand position of a format: which kind slot feeds it, where the
** field sits, how wide it is. A width of 32 is the next word. */
typedef struct asm_field {
  uint8_t slot;              /* 0 = KA, 1 = KB, 2 = KC */
  uint8_t shift, width;
} asm_field;

/* Fields of a format, in operand order; returns their number (<= 3). */
int asm_fields(uint32_t fmt, asm_field f[3]);
uint32_t asm_op_kind(const cvm_opinfo *oi, int slot);
bool asm_kind_signed(uint32_t kind);
bool asm_kind_is_reg(uint32_t kind);
/* Registers a register operand of this kind spans (a pair 2, a triple 3...). */
uint32_t asm_kind_regs(uint32_t kind);
bool asm_kind_is_jump(uint32_t kind);
/* Valid numeric range of a kind in a field of the given width. */
void asm_kind_range(uint32_t kind, uint32_t width, int64_t *lo, int64_t *hi);
/* Extract a field's value from an instruction (sign-extended if signed). */
int64_t asm_field_get(uint32_t insn, const asm_field *f, uint32_t kind);

/* Opcode by mnemonic (case-insensitive); CVM_OP__COUNT if none. */
uint32_t asm_find_op(const char *name, size_t len);

#endif /* ASM_H */
