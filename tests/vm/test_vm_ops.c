/*
** test_vm_ops.c -- every opcode against C reference semantics.
**
** Built twice: against the threaded interpreter and the switch one. Ends by
** checking that every opcode in the table was exercised.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "tprog.h"
#include "tcheck.h"

bool tp_seen[CVM_OP__COUNT];
static tprog T;

static const uint32_t vals[] = {
  0, 1, 2, 7, 31, 32, 33, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
  0x12345678u, 0xDEADBEEFu, 0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xFFFFFFFFu,
  0xFFFFFFF9u, 0xFFFFFF80u, 0xFFFF8000u
};
#define NV (sizeof vals / sizeof vals[0])

/* ---- reference semantics ------------------------------------------------ */
enum { OKAY = 0, F_DIV0 = CVM_FAULT_DIV_ZERO, F_OVF = CVM_FAULT_DIV_OVERFLOW };
static uint32_t ref2(cvm_op op, uint32_t b, uint32_t c, int *f) {
  int32_t sb = (int32_t)b, sc = (int32_t)c;
  *f = OKAY;
  switch (op) {
    case CVM_OP_ADD: return b + c;
    case CVM_OP_SUB: return b - c;
    case CVM_OP_MUL: return b * c;
    case CVM_OP_DIV: case CVM_OP_MOD:
      if (c == 0) { *f = F_DIV0; return 0; }
      if (sc == -1 && sb == INT_MIN) { *f = F_OVF; return 0; }
      return op == CVM_OP_DIV ? (uint32_t)(sb / sc) : (uint32_t)(sb % sc);
    case CVM_OP_DIVU: if (!c) { *f = F_DIV0; return 0; } return b / c;
    case CVM_OP_MODU: if (!c) { *f = F_DIV0; return 0; } return b % c;
    case CVM_OP_AND: return b & c;
    case CVM_OP_OR: return b | c;
    case CVM_OP_XOR: return b ^ c;
    case CVM_OP_SHL: return b << (c & 31);
    case CVM_OP_SHR: return (uint32_t)(sb >> (c & 31));
    case CVM_OP_SHRU: return b >> (c & 31);
    case CVM_OP_EQ: return b == c;
    case CVM_OP_NE: return b != c;
    case CVM_OP_LT: return sb < sc;
    case CVM_OP_LE: return sb <= sc;
    case CVM_OP_LTU: return b < c;
    case CVM_OP_LEU: return b <= c;
    default: abort();
  }
}

/* immediate forms: op -> its register twin */
static cvm_op imm_twin(cvm_op op) {
  switch (op) {
    case CVM_OP_ADDI: return CVM_OP_ADD;  case CVM_OP_MULI: return CVM_OP_MUL;
    case CVM_OP_ANDI: return CVM_OP_AND;  case CVM_OP_ORI: return CVM_OP_OR;
    case CVM_OP_XORI: return CVM_OP_XOR;  case CVM_OP_SHLI: return CVM_OP_SHL;
    case CVM_OP_SHRI: return CVM_OP_SHR;  case CVM_OP_SHRUI: return CVM_OP_SHRU;
    case CVM_OP_EQI: return CVM_OP_EQ;    case CVM_OP_NEI: return CVM_OP_NE;
    case CVM_OP_LTI: return CVM_OP_LT;    case CVM_OP_LEI: return CVM_OP_LE;
    default: return CVM_OP__COUNT;
  }
}

static uint32_t ref1(cvm_op op, uint32_t b) {
  switch (op) {
    case CVM_OP_NEG: return 0u - b;
    case CVM_OP_NOT: return ~b;
    case CVM_OP_LNOT: return b == 0;
    case CVM_OP_SEXT8: return (uint32_t)(int32_t)(int8_t)(b & 0xFF);
    case CVM_OP_ZEXT8: return b & 0xFF;
    case CVM_OP_SEXT16: return (uint32_t)(int32_t)(int16_t)(b & 0xFFFF);
    case CVM_OP_ZEXT16: return b & 0xFFFF;
    case CVM_OP_MOV: return b;
    default: abort();
  }
}

static bool branch_ref(cvm_op op, uint32_t a, uint32_t b) {
  int32_t sa = (int32_t)a, sb = (int32_t)b;
  switch (op) {
    case CVM_OP_JEQ: case CVM_OP_JEQI: return a == b;
    case CVM_OP_JNE: case CVM_OP_JNEI: return a != b;
    case CVM_OP_JLT: case CVM_OP_JLTI: return sa < sb;
    case CVM_OP_JLE: case CVM_OP_JLEI: return sa <= sb;
    case CVM_OP_JGTI: return sa > sb;
    case CVM_OP_JGEI: return sa >= sb;
    case CVM_OP_JLTU: return a < b;
    case CVM_OP_JLEU: return a <= b;
    default: abort();
  }
}

/* Run main with the program built in T; returns result or fault via *f. */
static int32_t run(int *f) {
  cvm_status st = tp_run(&T, 1000000);
  *f = st == CVM_FAULTED ? T.vm.fault : st == CVM_DONE ? OKAY : -1;
  return T.vm.result;
}

static void test_binary(void) {
  static const cvm_op ops[] = {
    CVM_OP_ADD, CVM_OP_SUB, CVM_OP_MUL, CVM_OP_DIV, CVM_OP_DIVU, CVM_OP_MOD, CVM_OP_MODU,
    CVM_OP_AND, CVM_OP_OR, CVM_OP_XOR, CVM_OP_SHL, CVM_OP_SHR, CVM_OP_SHRU,
    CVM_OP_EQ, CVM_OP_NE, CVM_OP_LT, CVM_OP_LE, CVM_OP_LTU, CVM_OP_LEU };
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
    for (size_t x = 0; x < NV; x++)
      for (size_t y = 0; y < NV; y++) {
        tprog *t = &T;
        tp_init(t);
        tp_func(t, 0, 4, 0);
        tp_ldk(t, 1, vals[x]);
        tp_ldk(t, 2, vals[y]);
        tp_w(t, CVM_ENC_ABC(ops[o], 3, 1, 2));
        ABC(RET, 3, 0, 0);
        int f, rf;
        uint32_t want = ref2(ops[o], vals[x], vals[y], &rf);
        uint32_t got = (uint32_t)run(&f);
        CHECK(f == rf, "%s(%#x,%#x): fault %d want %d", cvm_opinfo_table[ops[o]].name,
              vals[x], vals[y], f, rf);
        if (rf == OKAY)
          CHECK(got == want, "%s(%#x,%#x) = %#x want %#x", cvm_opinfo_table[ops[o]].name,
                vals[x], vals[y], got, want);
        else
          CHECK(T.vm.fault_pc == 4, "%s fault pc %u", cvm_opinfo_table[ops[o]].name, T.vm.fault_pc);
      }
}

static void test_immediate(void) {
  static const cvm_op ops[] = {
    CVM_OP_ADDI, CVM_OP_MULI, CVM_OP_ANDI, CVM_OP_ORI, CVM_OP_XORI, CVM_OP_SHLI,
    CVM_OP_SHRI, CVM_OP_SHRUI, CVM_OP_EQI, CVM_OP_NEI, CVM_OP_LTI, CVM_OP_LEI,
    CVM_OP_GTI, CVM_OP_GEI };
  static const int32_t imms[] = { -128, -7, -1, 0, 1, 5, 31, 127 };
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
    const cvm_opinfo *oi = &cvm_opinfo_table[ops[o]];
    for (size_t x = 0; x < NV; x++)
      for (size_t k = 0; k < sizeof imms / sizeof imms[0]; k++) {
        int32_t imm = imms[k];
        if (oi->kc == CVM_K_SH && (imm < 0 || imm > 31)) continue;
        uint32_t field = (uint32_t)imm & 0xFF;
        /* what the instruction means by its C field */
        uint32_t cval = oi->kc == CVM_K_I8 ? (uint32_t)imm : field;
        tprog *t = &T;
        tp_init(t);
        tp_func(t, 0, 4, 0);
        tp_ldk(t, 1, vals[x]);
        tp_w(t, CVM_ENC_ABC(ops[o], 3, 1, field));
        ABC(RET, 3, 0, 0);
        int f, rf = OKAY;
        uint32_t want;
        if (ops[o] == CVM_OP_GTI) want = (int32_t)vals[x] > (int32_t)cval;
        else if (ops[o] == CVM_OP_GEI) want = (int32_t)vals[x] >= (int32_t)cval;
        else want = ref2(imm_twin(ops[o]), vals[x], cval, &rf);
        uint32_t got = (uint32_t)run(&f);
        CHECK(f == OKAY && got == want, "%s(%#x,%d) = %#x want %#x (fault %d)", oi->name,
              vals[x], imm, got, want, f);
      }
  }
}

static void test_unary(void) {
  static const cvm_op ops[] = { CVM_OP_MOV, CVM_OP_NEG, CVM_OP_NOT, CVM_OP_LNOT, CVM_OP_SEXT8,
                                CVM_OP_ZEXT8, CVM_OP_SEXT16, CVM_OP_ZEXT16 };
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
    for (size_t x = 0; x < NV; x++) {
      tprog *t = &T;
      tp_init(t);
      tp_func(t, 0, 4, 0);
      tp_ldk(t, 1, vals[x]);
      tp_w(t, CVM_ENC_ABC(ops[o], 2, 1, 0));
      ABC(RET, 2, 0, 0);
      int f;
      uint32_t got = (uint32_t)run(&f);
      CHECK(f == OKAY && got == ref1(ops[o], vals[x]), "%s(%#x) = %#x",
            cvm_opinfo_table[ops[o]].name, vals[x], got);
    }
  /* LDI sign-extends its 16-bit immediate */
  static const int32_t imm16[] = { -32768, -1, 0, 1, 32767 };
  for (size_t k = 0; k < 5; k++) {
    tprog *t = &T;
    tp_init(t);
    tp_func(t, 0, 1, 0);
    ABX(LDI, 0, (uint32_t)imm16[k]);
    ABC(RET, 0, 0, 0);
    int f;
    CHECK(run(&f) == imm16[k] && f == OKAY, "LDI %d", imm16[k]);
  }
}

static void test_branches(void) {
  static const cvm_op rr[] = { CVM_OP_JEQ, CVM_OP_JNE, CVM_OP_JLT, CVM_OP_JLE, CVM_OP_JLTU, CVM_OP_JLEU };
  static const cvm_op ri[] = { CVM_OP_JEQI, CVM_OP_JNEI, CVM_OP_JLTI, CVM_OP_JLEI, CVM_OP_JGTI, CVM_OP_JGEI };
  static const int32_t imms[] = { -128, -1, 0, 1, 127 };
  for (size_t x = 0; x < NV; x++) {
    for (size_t y = 0; y < NV; y++)
      for (size_t o = 0; o < 6; o++) {
        tprog *t = &T;
        tp_init(t);
        tp_func(t, 0, 4, 0);
        tp_ldk(t, 1, vals[x]);
        tp_ldk(t, 2, vals[y]);
        tp_w(t, CVM_ENC_ABC(rr[o], 1, 2, 2));   /* taken: skip two words */
        ABX(LDI, 0, 0);
        ABC(RET, 0, 0, 0);
        ABX(LDI, 0, 1);
        ABC(RET, 0, 0, 0);
        int f;
        int32_t got = run(&f);
        CHECK(got == branch_ref(rr[o], vals[x], vals[y]), "%s %#x %#x",
              cvm_opinfo_table[rr[o]].name, vals[x], vals[y]);
      }
    for (size_t k = 0; k < 5; k++)
      for (size_t o = 0; o < 6; o++) {
        tprog *t = &T;
        tp_init(t);
        tp_func(t, 0, 4, 0);
        tp_ldk(t, 1, vals[x]);
        tp_w(t, CVM_ENC_ABC(ri[o], 1, (uint32_t)imms[k], 2));
        ABX(LDI, 0, 0);
        ABC(RET, 0, 0, 0);
        ABX(LDI, 0, 1);
        ABC(RET, 0, 0, 0);
        int f;
        int32_t got = run(&f);
        CHECK(got == branch_ref(ri[o], vals[x], (uint32_t)imms[k]), "%s %#x %d",
              cvm_opinfo_table[ri[o]].name, vals[x], imms[k]);
      }
    /* JZ / JNZ with a backward and forward offset */
    for (int nz = 0; nz < 2; nz++) {
      tprog *t = &T;
      tp_init(t);
      tp_func(t, 0, 2, 0);
      tp_ldk(t, 1, vals[x]);
      tp_w(t, CVM_ENC_ABX(nz ? CVM_OP_JNZ : CVM_OP_JZ, 1, 2));
      ABX(LDI, 0, 0);
      ABC(RET, 0, 0, 0);
      ABX(LDI, 0, 1);
      ABC(RET, 0, 0, 0);
      int f;
      CHECK(run(&f) == (nz ? vals[x] != 0 : vals[x] == 0), "%s %#x", nz ? "JNZ" : "JZ", vals[x]);
    }
  }
  /* a counted loop: backward JGTI and JMP */
  tprog *t = &T;
  tp_init(t);
  tp_func(t, 0, 3, 0);
  ABX(LDI, 0, 0);          /* sum */
  ABX(LDI, 1, 100);        /* i */
  ABC(ADD, 0, 0, 1);       /* loop: sum += i */
  ABC(ADDI, 1, 1, (uint32_t)-1);
  ABC(JGTI, 1, 0, (uint32_t)-3);
  SJ(JMP, 1);
  ABC(RET, 1, 0, 0);       /* skipped */
  ABC(RET, 0, 0, 0);
  int f;
  CHECK(run(&f) == 5050, "loop sum");
}

/* Loop closer op on r1 = a, r2 = b, r3 = c (ADDLT's limit), as op r1, r2,
** +2: 1 if the branch was taken, 0 if not; R[1] after it in *a1. */
static int32_t closer(uint32_t op, uint32_t a, uint32_t b, uint32_t c, uint32_t *a1) {
  tprog *t = &T;
  tp_init(t);
  tp_func(t, 0, 4, 0);
  tp_ldk(t, 1, a);
  tp_ldk(t, 2, b);
  tp_ldk(t, 3, c);
  tp_w(t, CVM_ENC_ABC(op, 1, 2, 2));
  ABX(LDI, 0, 0);
  ABC(RET, 0, 0, 0);
  ABX(LDI, 0, 1);
  ABC(RET, 0, 0, 0);
  int f;
  int32_t r = run(&f);
  *a1 = T.mem[T.p.globals_size / 4 + 1];
  return f == OKAY ? r : -1;
}

/* Superinstructions: each must equal its expansion. */
static void test_superinstructions(void) {
  for (size_t x = 0; x < NV; x++)
    for (size_t y = 0; y < NV; y++) {
      /* MLA: R[A] += R[B] * R[C] */
      tprog *t = &T;
      tp_init(t);
      tp_func(t, 0, 4, 0);
      tp_ldk(t, 0, vals[x]);
      tp_ldk(t, 1, vals[y]);
      tp_ldk(t, 2, vals[(x + y) % NV]);
      ABC(MLA, 0, 1, 2);
      ABC(RET, 0, 0, 0);
      int f;
      uint32_t want = vals[x] + vals[y] * vals[(x + y) % NV];
      CHECK((uint32_t)run(&f) == want && f == OKAY, "MLA %#x %#x", vals[x], vals[y]);
      /* loop closers: one step, taken or not; R[A] after it */
      uint32_t lim = vals[(x * 3 + y) % NV], a1;
      CHECK(closer(CVM_OP_INCLT, vals[x], vals[y], 0, &a1) ==
                ((int32_t)(vals[x] + 1u) < (int32_t)vals[y]) && a1 == vals[x] + 1u,
            "INCLT %#x %#x", vals[x], vals[y]);
      CHECK(closer(CVM_OP_INCNE, vals[x], vals[y], 0, &a1) == (vals[x] + 1u != vals[y]) &&
                a1 == vals[x] + 1u, "INCNE %#x %#x", vals[x], vals[y]);
      CHECK(closer(CVM_OP_ADDLT, vals[x], vals[y], lim, &a1) ==
                ((int32_t)(vals[x] + vals[y]) < (int32_t)lim) && a1 == vals[x] + vals[y],
            "ADDLT %#x %#x %#x", vals[x], vals[y], lim);
    }
  static const int32_t imms[] = { -128, -1, 0, 1, 127 };
  for (size_t x = 0; x < NV; x++)
    for (size_t k = 0; k < 5; k++) {
      tprog *t = &T;
      tp_init(t);
      tp_func(t, 0, 4, 0);
      tp_ldk(t, 1, vals[x]);
      ABC(INCLTI, 1, (uint32_t)imms[k], 2);
      ABX(LDI, 0, 0);
      ABC(RET, 0, 0, 0);
      ABX(LDI, 0, 1);
      ABC(RET, 0, 0, 0);
      int f;
      CHECK(run(&f) == ((int32_t)(vals[x] + 1u) < imms[k]), "INCLTI %#x %d", vals[x], imms[k]);
    }
  /* a whole loop: for (i = 0; i < 10; i++) s += i * 3 */
  tprog *t = &T;
  tp_init(t);
  tp_func(t, 0, 4, 0);
  ABX(LDI, 0, 0);
  ABX(LDI, 1, 0);
  ABX(LDI, 2, 3);
  ABC(MLA, 0, 1, 2);
  ABC(INCLTI, 1, 10, (uint32_t)-2);
  ABC(RET, 0, 0, 0);
  int f;
  CHECK(run(&f) == 135, "INCLTI/MLA loop");
  /* for (k = 1; k < 40; k += 3) s += k, closed by ADDLT: 1+4+...+37 = 247 */
  tp_init(t);
  tp_func(t, 0, 4, 0);
  ABX(LDI, 0, 0);
  ABX(LDI, 1, 1);
  ABX(LDI, 2, 3);
  ABX(LDI, 3, 40);
  ABC(ADD, 0, 0, 1);
  ABC(ADDLT, 1, 2, (uint32_t)-2);
  ABC(RET, 0, 0, 0);
  CHECK(run(&f) == 247, "ADDLT loop");
  /* a loop closed by INCNE across the wrap: from 0xFFFFFFFE to 3, 5 steps */
  tp_init(t);
  tp_func(t, 0, 4, 0);
  ABX(LDI, 0, 0);
  ABX(LDI, 1, -2);
  ABX(LDI, 2, 3);
  ABC(ADDI, 0, 0, 1);
  ABC(INCNE, 1, 2, (uint32_t)-2);
  ABC(RET, 0, 0, 0);
  CHECK(run(&f) == 5, "INCNE loop across the wrap");
}

static void test_switch(void) {
  for (int32_t v = -2; v < 6; v++) {
    tprog *t = &T;
    tp_init(t);
    tp_func(t, 0, 2, 0);
    tp_ldk(t, 1, (uint32_t)v);
    ABX(SWITCH, 1, 3);     /* cases 0,1,2 + default */
    t->code[t->ncode++] = 0;      /* case 0 -> +0 */
    t->code[t->ncode++] = 2;      /* case 1 -> +2 */
    t->code[t->ncode++] = 4;      /* case 2 -> +4 */
    t->code[t->ncode++] = 6;      /* default */
    ABX(LDI, 0, 10); ABC(RET, 0, 0, 0);
    ABX(LDI, 0, 11); ABC(RET, 0, 0, 0);
    ABX(LDI, 0, 12); ABC(RET, 0, 0, 0);
    ABX(LDI, 0, 99); ABC(RET, 0, 0, 0);
    int f;
    int32_t want = v >= 0 && v < 3 ? 10 + v : 99;
    CHECK(run(&f) == want, "SWITCH %d", v);
  }
}

static void test_globals_and_data(void) {
  tprog *t = &T;
  tp_init(t);
  wr32(t->data + 8, 41);
  t->ndata = 12;
  tp_func(t, 0, 2, 0);
  ABX(LDG, 0, 2);
  ABC(ADDI, 0, 0, 1);
  ABX(STG, 0, 3);
  ABX(LDG, 1, 3);
  ABC(RET, 1, 0, 0);
  int f;
  CHECK(run(&f) == 42, "LDG/STG with data image");
}

/* Loads and stores of every width in globals (G), frame arrays (L),
** read-only data (R) and through descriptors (P). */
static const uint8_t pattern[8] = { 0x81, 0x7F, 0xFE, 0x80, 0x01, 0xFF, 0x34, 0x92 };

static uint32_t ref_load(uint32_t size, bool sgn, uint32_t idx) {
  const uint8_t *p = pattern + idx * size;
  uint32_t v = size == 1 ? p[0] : size == 2 ? (uint32_t)(p[0] | p[1] << 8)
             : (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  if (sgn && size == 1) v = (uint32_t)(int32_t)(int8_t)v;
  if (sgn && size == 2) v = (uint32_t)(int32_t)(int16_t)v;
  return v;
}

static void test_array_loads(void) {
  for (uint32_t op = 0; op < CVM_OP__COUNT; op++) {
    const cvm_opinfo *oi = &cvm_opinfo_table[op];
    if (oi->space == CVM_SP__ || oi->ka != CVM_K_RW || oi->kb == CVM_K_RT || oi->kb == CVM_K_RX)
      continue;   /* loads only */
    uint32_t count = 8 / oi->size;
    for (int32_t idx = -1; idx <= (int32_t)count; idx++) {
      tprog *t = &T;
      tp_init(t);
      memcpy(t->rodata + 4, pattern, 8);
      t->nrodata = 12;
      memcpy(t->data + 16, pattern, 8);
      t->ndata = 24;
      uint32_t sp = oi->space == CVM_SP_P ? CVM_SP_G : oi->space;
      uint32_t arrbytes = sp == CVM_SP_L ? 16 : 0;
      uint32_t base = sp == CVM_SP_G ? 16 : sp == CVM_SP_R ? 4 : 4;
      tp_func(t, 0, 6, arrbytes);
      uint32_t k = tp_array(t, base, count, oi->size, sp);
      if (sp == CVM_SP_L) {
        uint32_t src = tp_array(t, 4, 8, 1, CVM_SP_R);
        uint32_t dst = tp_array(t, base, 8, 1, CVM_SP_L);
        ABX(AINIT, dst, src);
      }
      tp_ldk(t, 1, (uint32_t)idx);
      if (oi->space == CVM_SP_P) {
        ABX(MKARR, 2, k);
        tp_w(t, CVM_ENC_ABC(op, 0, 1, 2));
      } else {
        tp_w(t, CVM_ENC_ABC(op, 0, 1, k));
      }
      ABC(RET, 0, 0, 0);
      int f;
      uint32_t got = (uint32_t)run(&f);
      if (idx < 0 || idx >= (int32_t)count) {
        CHECK(f == CVM_FAULT_OOB, "%s[%d] must fault OOB (got %d)", oi->name, idx, f);
      } else {
        CHECK(f == OKAY && got == ref_load(oi->size, oi->sgn, (uint32_t)idx),
              "%s[%d] = %#x want %#x", oi->name, idx, got, ref_load(oi->size, oi->sgn, (uint32_t)idx));
      }
    }
  }
}

static void test_array_stores(void) {
  for (uint32_t op = 0; op < CVM_OP__COUNT; op++) {
    const cvm_opinfo *oi = &cvm_opinfo_table[op];
    if (oi->space == CVM_SP__ || oi->ka != CVM_K_RR) continue;   /* stores only */
    uint32_t count = 8 / oi->size;
    for (int32_t idx = -1; idx <= (int32_t)count; idx++) {
      tprog *t = &T;
      tp_init(t);
      uint32_t sp = oi->space == CVM_SP_P ? CVM_SP_L : oi->space;
      tp_func(t, 0, 6, sp == CVM_SP_L ? 8 : 0);
      uint32_t k = tp_array(t, sp == CVM_SP_L ? 0 : 32, count, oi->size, sp);
      uint32_t kb = tp_array(t, sp == CVM_SP_L ? 0 : 32, 8, 1, sp);   /* byte view */
      tp_ldk(t, 0, 0xA1B2C3D4u);
      tp_ldk(t, 1, (uint32_t)idx);
      if (oi->space == CVM_SP_P) {
        ABX(MKARR, 2, k);
        tp_w(t, CVM_ENC_ABC(op, 0, 1, 2));
      } else {
        tp_w(t, CVM_ENC_ABC(op, 0, 1, k));
      }
      /* read back the byte at idx*size + size-1, and the one after */
      tp_ldk(t, 1, (uint32_t)(idx * (int32_t)oi->size) + oi->size - 1);
      tp_w(t, CVM_ENC_ABC(sp == CVM_SP_L ? CVM_OP_LDLU8 : CVM_OP_LDGU8, 3, 1, kb));
      ABC(RET, 3, 0, 0);
      int f;
      uint32_t got = (uint32_t)run(&f);
      if (idx < 0 || idx >= (int32_t)count) {
        CHECK(f == CVM_FAULT_OOB, "%s[%d] must fault OOB (got %d)", oi->name, idx, f);
      } else {
        uint32_t want = (0xA1B2C3D4u >> (8 * (oi->size - 1))) & 0xFF;
        CHECK(f == OKAY && got == want, "%s[%d] top byte %#x want %#x", oi->name, idx, got, want);
      }
    }
  }
}

/* MACP/MACPS16: R[A] += x[i] * y[j], x and y through descriptor triples
** (base, count, index). Every index of two 8-byte global arrays, in and out
** of range, and a forged descriptor. */
static void test_mac(void) {
  for (int h = 0; h < 2; h++) {
    uint32_t op = h ? CVM_OP_MACPS16 : CVM_OP_MACP, size = h ? 2 : 4, count = 8 / size;
    for (int32_t ix = -1; ix <= (int32_t)count; ix++)
      for (int32_t iy = -1; iy <= (int32_t)count; iy++) {
        tprog *t = &T;
        tp_init(t);
        memcpy(t->data + 16, pattern, 8);
        for (int b = 0; b < 8; b++) t->data[24 + b] = (uint8_t)(pattern[7 - b] ^ 0x5A);
        t->ndata = 32;
        tp_func(t, 0, 8, 0);
        uint32_t kx = tp_array(t, 16, count, size, CVM_SP_G);
        uint32_t ky = tp_array(t, 24, count, size, CVM_SP_G);
        tp_ldk(t, 0, 1000);
        ABX(MKARR, 1, kx);
        tp_ldk(t, 3, (uint32_t)ix);
        ABX(MKARR, 4, ky);
        tp_ldk(t, 6, (uint32_t)iy);
        tp_w(t, CVM_ENC_ABC(op, 0, 1, 4));
        ABC(RET, 0, 0, 0);
        int f;
        uint32_t got = (uint32_t)run(&f);
        bool in = ix >= 0 && ix < (int32_t)count && iy >= 0 && iy < (int32_t)count;
        if (!in) {
          CHECK(f == CVM_FAULT_OOB, "%s[%d][%d] must fault OOB (got %d)",
                cvm_opinfo_table[op].name, ix, iy, f);
          continue;
        }
        uint32_t x = ref_load(size, h, (uint32_t)ix), y;
        const uint8_t *py = t->data + 24 + (uint32_t)iy * size;
        y = size == 2 ? (uint32_t)(int32_t)(int16_t)(py[0] | py[1] << 8)
                      : (uint32_t)py[0] | (uint32_t)py[1] << 8 | (uint32_t)py[2] << 16 |
                        (uint32_t)py[3] << 24;
        uint32_t want = 1000u + x * y;
        CHECK(f == OKAY && got == want, "%s[%d][%d] = %#x want %#x", cvm_opinfo_table[op].name,
              ix, iy, got, want);
      }
    /* a forged descriptor in either triple faults MEMORY */
    for (int which = 0; which < 2; which++) {
      tprog *t = &T;
      tp_init(t);
      tp_func(t, 0, 8, 0);
      uint32_t k = tp_array(t, 0, 2, size, CVM_SP_G);
      ABX(MKARR, 1, k);
      ABX(MKARR, 4, k);
      ABX(LDI, 3, 1);
      ABX(LDI, 6, 1);
      tp_ldk(t, which ? 4 : 1, 0xFFFFFFF0u);
      tp_ldk(t, which ? 5 : 2, 0x7FFFFFFF);
      tp_w(t, CVM_ENC_ABC(op, 0, 1, 4));
      ABC(RET, 0, 0, 0);
      int f;
      run(&f);
      CHECK(f == CVM_FAULT_MEMORY, "%s forged descriptor %d: fault %d", cvm_opinfo_table[op].name,
            which, f);
    }
  }
}

/* DOTP/DOTPS16 against a reference that runs the definition one pair at a
** time: random vectors, indexes in and out of range, steps of either sign
** and zero, forged descriptors, registers that overlap, and budgets from
** one step up (a product preempted anywhere resumes to the same end). */
static uint32_t drng = 12345;
static uint32_t drand(uint32_t n) {
  drng ^= drng << 13;
  drng ^= drng >> 17;
  drng ^= drng << 5;
  return n ? drng % n : drng;
}

/* The registers are in mem too (at fp), where a forged descriptor can
** read them: the reference keeps them there. */
static int dot_ref(uint8_t *mem, uint32_t fp, uint32_t lim, int h, uint32_t a, uint32_t b,
                   uint32_t c, uint64_t max_pairs) {
  uint32_t sz = h ? 2 : 4, *R = (uint32_t *)(void *)(mem + fp);
  for (uint64_t p = 0; p < max_pairs; p++) {
    uint32_t v[2];
    for (int s = 0; s < 2; s++) {
      uint32_t g = s ? c : b, idx = R[g + 2];
      if (idx >= R[g + 1]) return CVM_FAULT_OOB;
      if ((uint64_t)R[g] + (uint64_t)idx * sz + sz > lim) return CVM_FAULT_MEMORY;
      const uint8_t *e = mem + R[g] + (uint64_t)idx * sz;
      v[s] = h ? (uint32_t)(int32_t)(int16_t)(e[0] | e[1] << 8)
               : (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
    }
    R[a] += v[0] * v[1];
    R[b + 2] += R[b + 3];
    R[c + 2] += R[c + 3];
    if (--R[b + 4] == 0) return OKAY;
  }
  return -1;   /* still running */
}

static void test_dot(void) {
  enum { NS = 16, XB = 16, YB = 128 };
  for (int trial = 0; trial < 3000; trial++) {
    int h = (int)drand(2);
    uint32_t op = h ? CVM_OP_DOTPS16 : CVM_OP_DOTP, sz = h ? 2 : 4, cap = 96 / sz;
    uint32_t a = 0, b = 1, c = 6;
    if (drand(3) == 0) { a = drand(NS); b = drand(NS - 4); c = drand(NS - 3); }
    uint32_t R0[NS];
    for (uint32_t r = 0; r < NS; r++) R0[r] = drand(0);
    uint32_t x[5], y[4];
    x[0] = XB; x[1] = 1 + drand(cap); x[2] = drand(x[1] + 3) - 1; x[3] = drand(7) - 3;
    x[4] = 1 + drand(40);
    y[0] = YB; y[1] = 1 + drand(cap); y[2] = drand(y[1] + 3) - 1; y[3] = drand(7) - 3;
    if (drand(8) == 0) x[0] = drand(4) ? 0xFFFFFF00u + drand(256) : 200 + drand(60);   /* forged */
    if (drand(8) == 0) y[1] = 0x40000000u;
    if (drand(16) == 0 && x[3] != 0) x[4] = 0;                    /* 2^32 pairs: must fault */
    for (int k = 0; k < 5; k++) R0[b + (uint32_t)k] = x[k];
    for (int k = 0; k < 4; k++) R0[c + (uint32_t)k] = y[k];
    uint32_t budget = drand(3) ? 1 + drand(60) : 1000000;
    /* the program: every register, one DOTP, return */
    tprog *t = &T;
    tp_init(t);
    for (uint32_t k = 0; k < 256; k++) t->data[k] = (uint8_t)drand(0);
    t->ndata = 256;
    tp_func(t, 0, NS, 0);
    for (uint32_t r = 0; r < NS; r++) tp_ldk(t, r, R0[r]);
    tp_w(t, CVM_ENC_ABC(op, a, b, c));
    ABC(RET0, 0, 0, 0);
    uint8_t img[256];
    memcpy(img, t->data, 256);
    /* one run with a large budget, one in slices of `budget` */
    uint64_t steps[2] = { 0, 0 };
    int got[2];
    uint32_t Rg[2][NS];
    for (int pass = 0; pass < 2; pass++) {
      cvm_status st = tp_run(t, pass ? budget : 0xFFFFFFFu);
      for (int guard = 0; st == CVM_RUNNABLE && guard < 100000; guard++)
        st = cvm_run(&T.vm, pass ? budget : 0xFFFFFFFu);
      got[pass] = st == CVM_FAULTED ? T.vm.fault : st == CVM_DONE ? OKAY : -1;
      steps[pass] = T.vm.steps;
      memcpy(Rg[pass], &T.mem[T.p.globals_size / 4], sizeof Rg[pass]);
    }
    static uint32_t M[sizeof T.mem / 4];
    memset(M, 0, sizeof M);
    memcpy(M, img, sizeof img);
    memcpy(M + T.p.globals_size / 4, R0, sizeof R0);
    int want = dot_ref((uint8_t *)M, T.p.globals_size, T.vm.data_top, h, a, b, c,
                       (uint64_t)1 << 33);
    const uint32_t *R = M + T.p.globals_size / 4;
    for (int pass = 0; pass < 2; pass++) {
      CHECK(got[pass] == want, "%s #%d (A r%u B r%u C r%u, budget %u): fault %d want %d",
            cvm_opinfo_table[op].name, trial, a, b, c, pass ? budget : 0, got[pass], want);
      for (uint32_t r = 0; r < NS; r++)
        CHECK(Rg[pass][r] == R[r], "%s #%d pass %d: r%u = %#x want %#x", cvm_opinfo_table[op].name,
              trial, pass, r, Rg[pass][r], R[r]);
    }
    if (want == OKAY) CHECK(steps[0] == steps[1], "%s #%d: steps %llu sliced %llu",
                            cvm_opinfo_table[op].name, trial, (unsigned long long)steps[0],
                            (unsigned long long)steps[1]);
  }
  /* a product of n pairs costs n steps, like the loop it stands for */
  tprog *t = &T;
  tp_init(t);
  for (uint32_t k = 0; k < 64; k++) t->data[16 + k] = (uint8_t)(k + 1);
  t->ndata = 80;
  tp_func(t, 0, 12, 0);
  uint32_t kx = tp_array(t, 16, 16, 4, CVM_SP_G);
  ABX(LDI, 0, 0);
  ABX(MKARR, 1, kx);
  ABX(LDI, 3, 0);
  ABX(LDI, 4, 1);
  ABX(LDI, 5, 16);
  ABX(MKARR, 6, kx);
  ABX(LDI, 8, 15);
  ABX(LDI, 9, -1);
  ABC(DOTP, 0, 1, 6);
  ABC(RET, 0, 0, 0);
  int f;
  uint32_t want = 0;
  for (uint32_t i = 0; i < 16; i++) {
    uint32_t u = 4 * i + 1, v = 4 * (15 - i) + 1;
    want += (u | (u + 1) << 8 | (u + 2) << 16 | (u + 3) << 24) *
            (v | (v + 1) << 8 | (v + 2) << 16 | (v + 3) << 24);
  }
  CHECK((uint32_t)run(&f) == want && f == OKAY, "DOTP of a vector with itself reversed");
  CHECK(T.vm.steps == 8 + 16 + 1, "DOTP of 16 pairs: %llu steps",
        (unsigned long long)T.vm.steps);
}

/* A forged descriptor can never reach outside the instance's memory. */
static void test_forged_descriptor(void) {
  static const uint32_t bases[] = { 0xFFFFFFF0u, 0x80000000u, sizeof T.mem - 2, 0x3FFFFFFFu };
  for (size_t b = 0; b < 4; b++) {
    tprog *t = &T;
    tp_init(t);
    tp_func(t, 0, 4, 0);
    tp_ldk(t, 2, bases[b]);       /* base */
    tp_ldk(t, 3, 0x7FFFFFFF);     /* count */
    ABX(LDI, 1, 1);
    ABC(LDP32, 0, 1, 2);
    ABC(RET, 0, 0, 0);
    int f;
    run(&f);
    CHECK(f == CVM_FAULT_MEMORY, "forged descriptor %#x: fault %d", bases[b], f);
  }
}

static void test_calls(void) {
  /* fib(20) recursive: f1(n) = n < 2 ? n : f1(n-1) + f1(n-2) */
  tprog *t = &T;
  tp_init(t);
  tp_func(t, 0, 2, 0);            /* main */
  ABX(LDI, 1, 20);
  ABX(CALL, 1, 1);
  ABC(RET, 1, 0, 0);
  tp_func(t, 1, 4, 0);            /* fib(n): R0 = n */
  ABC(JGTI, 0, 1, 1);
  ABC(RET, 0, 0, 0);
  ABC(ADDI, 1, 0, (uint32_t)-1);
  ABX(CALL, 1, 1);
  ABC(ADDI, 2, 0, (uint32_t)-2);
  ABX(CALL, 2, 1);
  ABC(ADD, 0, 1, 2);
  ABC(RET, 0, 0, 0);
  int f;
  CHECK(run(&f) == 6765 && f == OKAY, "fib(20) = %d", T.vm.result);
  CHECK(T.info.recursive, "fib is recursive");

  /* runaway recursion faults with a stack overflow */
  tp_init(t);
  tp_func(t, 0, 2, 0);
  ABX(CALL, 1, 1);
  ABC(RET, 1, 0, 0);
  tp_func(t, 0, 8, 16);
  ABX(CALL, 7, 1);
  ABC(RET0, 0, 0, 0);
  run(&f);
  CHECK(f == CVM_FAULT_STACK, "runaway recursion: fault %d", f);
  CHECK(T.vm.fault_pc == 2, "stack fault pc %u", T.vm.fault_pc);

  /* non-recursive: verifier computes the exact bound */
  tp_init(t);
  tp_func(t, 0, 3, 0);
  ABX(CALL, 2, 1);
  ABC(RET, 2, 0, 0);
  tp_func(t, 0, 5, 8);
  ABX(CALL, 4, 2);
  ABC(RET0, 0, 0, 0);
  tp_func(t, 0, 2, 4);
  ABX(LDI, 0, 7);
  ABC(RET, 0, 0, 0);
  CHECK(tp_verify(t) == CVM_VERR_OK, "three-level program verifies");
  CHECK(!T.info.recursive && T.info.max_depth == 2, "depth %u", T.info.max_depth);
  /* main: 8 + f1 (16 + f2 (8 + 4) + 8) = 8 + 16 + 12 + 8 */
  CHECK(T.info.max_stack == 44, "max_stack %u", T.info.max_stack);
  CHECK(run(&f) == 0, "RET0 returns 0");

  /* CHK */
  for (int32_t v = -1; v < 4; v++) {
    tp_init(t);
    tp_func(t, 0, 2, 0);
    tp_ldk(t, 1, (uint32_t)v);
    ABX(CHK, 1, 3);
    ABC(RET, 1, 0, 0);
    run(&f);
    CHECK((v >= 0 && v < 3) ? f == OKAY : f == CVM_FAULT_OOB, "CHK %d", v);
  }
}

static void test_budget(void) {
  tprog *t = &T;
  tp_init(t);
  tp_func(t, 0, 2, 0);
  ABX(LDI, 0, 0);
  ABC(ADDI, 0, 0, 1);             /* loop: */
  SJ(JMP, -2);
  cvm_status st = tp_run(t, 1000);
  CHECK(st == CVM_RUNNABLE, "budget stop gives RUNNABLE, got %d", st);
  CHECK(T.vm.steps >= 1000 && T.vm.steps < 1010, "steps %llu", (unsigned long long)T.vm.steps);
  uint32_t r0 = T.mem[T.p.globals_size / 4];
  st = cvm_run(&T.vm, 5000);
  CHECK(st == CVM_RUNNABLE && T.mem[T.p.globals_size / 4] > r0, "resumes where it stopped");
  CHECK(T.vm.steps >= 6000 && T.vm.steps < 6020, "steps %llu", (unsigned long long)T.vm.steps);
}

static void test_sys(void) {
  /* yield() stops the run with the VM still runnable; millis() returns */
  tprog *t = &T;
  tp_init(t);
  tp_func(t, 0, 2, 0);
  ABC(SYS, 0, CVM_HC_yield, 0);
  ABC(SYS, 1, CVM_HC_millis, 0);
  ABX(LDI, 0, 3);
  ABC(RET, 0, 0, 0);
  cvm_status st = tp_run(t, 1000);
  CHECK(st == CVM_RUNNABLE && T.vm.yielded, "yield returns to the host");
  st = cvm_run(&T.vm, 1000);
  CHECK(st == CVM_DONE && T.vm.result == 3, "continues after yield");
}

int main(void) {
  test_binary();
  test_immediate();
  test_unary();
  test_branches();
  test_superinstructions();
  test_switch();
  test_globals_and_data();
  test_array_loads();
  test_array_stores();
  test_forged_descriptor();
  test_mac();
  test_dot();
  test_calls();
  test_budget();
  test_sys();
  for (uint32_t op = 0; op < CVM_OP__COUNT; op++)
    CHECK(tp_seen[op], "opcode %s never exercised", cvm_opinfo_table[op].name);
  printf("%ld checks, %d failed\n", t_checks, t_failures);
  return t_failures != 0;
}
