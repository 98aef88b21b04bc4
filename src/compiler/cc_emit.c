/*
** cc_emit.c -- from instruction lists to code words: unreachable code
** removal, jump threading and small jump peepholes, branch relaxation
** (a fused compare-and-branch reaches +-127 words; farther targets get the
** inverted branch around a JMP), encoding and the line table.
*/
#include <string.h>

#include "cc_int.h"

static const uint8_t op_fmt[CVM_OP__COUNT] = {
#define X(name, fmt, ...) CVM_FMT_##fmt,
#include "cvm_opcodes.def"
#undef X
};

static const uint8_t op_space[CVM_OP__COUNT] = {
#define X(name, fmt, ka, kb, kc, sp, ...) CVM_SP_##sp,
#include "cvm_opcodes.def"
#undef X
};

/* Operand kinds of fields A, B and C (cvm_kind), for register use. */
static const uint8_t op_kinds[CVM_OP__COUNT][3] = {
#define X(name, fmt, ka, kb, kc, ...) { CVM_K_##ka, CVM_K_##kb, CVM_K_##kc },
#include "cvm_opcodes.def"
#undef X
};

static bool is_label(const cc_ins *in) { return in->op == IR_LABEL; }
static bool is_real(const cc_ins *in) { return in->op != IR_LABEL && in->op != IR_NOP; }

/* Conditional branch kinds: fused (J8) or JZ/JNZ (J16). */
static bool is_fused(int op) { return op >= CVM_OP_JEQ && op <= CVM_OP_JGEI; }
static bool is_cbranch(int op) { return op == CVM_OP_JZ || op == CVM_OP_JNZ || is_fused(op); }
static bool is_jump(int op) { return op == CVM_OP_JMP || is_cbranch(op); }
/* Count-up loop branches (superinstructions of ADDI x,x,1 and JLT/JLTI). */
static bool is_incbr(int op) { return op == CVM_OP_INCLT || op == CVM_OP_INCLTI; }
static bool ends_flow(int op) {
  return op == CVM_OP_JMP || op == CVM_OP_RET || op == CVM_OP_RET0 || op == CVM_OP_SWITCH;
}

/* Invert a conditional branch in place (same target). */
static void invert(cc_ins *in) {
  uint8_t t;
  switch (in->op) {
    case CVM_OP_JZ: in->op = CVM_OP_JNZ; break;
    case CVM_OP_JNZ: in->op = CVM_OP_JZ; break;
    case CVM_OP_JEQ: in->op = CVM_OP_JNE; break;
    case CVM_OP_JNE: in->op = CVM_OP_JEQ; break;
    case CVM_OP_JLT: in->op = CVM_OP_JLE; t = in->a; in->a = in->b; in->b = t; break;
    case CVM_OP_JLE: in->op = CVM_OP_JLT; t = in->a; in->a = in->b; in->b = t; break;
    case CVM_OP_JLTU: in->op = CVM_OP_JLEU; t = in->a; in->a = in->b; in->b = t; break;
    case CVM_OP_JLEU: in->op = CVM_OP_JLTU; t = in->a; in->a = in->b; in->b = t; break;
    case CVM_OP_JEQI: in->op = CVM_OP_JNEI; break;
    case CVM_OP_JNEI: in->op = CVM_OP_JEQI; break;
    case CVM_OP_JLTI: in->op = CVM_OP_JGEI; break;
    case CVM_OP_JGEI: in->op = CVM_OP_JLTI; break;
    case CVM_OP_JLEI: in->op = CVM_OP_JGTI; break;
    case CVM_OP_JGTI: in->op = CVM_OP_JLEI; break;
    default: break;
  }
}

static uint32_t *label_index(cc_state *cs, cc_func *f) {
  uint32_t *pos = cc_alloc(cs, (f->nlabels ? (size_t)f->nlabels : 1) * sizeof *pos);
  for (int l = 0; l < f->nlabels; l++) pos[l] = UINT32_MAX;
  for (uint32_t i = 0; i < f->nins; i++)
    if (is_label(&f->ins[i])) pos[f->ins[i].k] = i;
  return pos;
}

void cc_reach(cc_state *cs, cc_func *f) {
  uint32_t n = f->nins;
  if (n == 0) return;
  uint32_t *pos = label_index(cs, f);
  uint8_t *seen = cc_alloc(cs, n);
  uint32_t *work = cc_alloc(cs, (size_t)n * sizeof *work);
  uint32_t top = 0;
  work[top++] = 0;
  seen[0] = 1;
#define PUSH(j) do { uint32_t j_ = (j); if (j_ < n && !seen[j_]) { seen[j_] = 1; work[top++] = j_; } } while (0)
  while (top > 0) {
    uint32_t i = work[--top];
    cc_ins *in = &f->ins[i];
    if (is_jump(in->op)) PUSH(pos[in->k]);
    if (in->op == CVM_OP_SWITCH)
      for (uint32_t t = 0; t < in->ntab; t++) PUSH(pos[in->tab[t]]);
    if (!ends_flow(in->op)) PUSH(i + 1);
  }
#undef PUSH
  for (uint32_t i = 0; i < n; i++)
    if (!seen[i]) f->ins[i].op = IR_NOP;
}

/* Index of the first real instruction at or after i (n if none). */
static uint32_t next_real(const cc_func *f, uint32_t i) {
  while (i < f->nins && !is_real(&f->ins[i])) i++;
  return i;
}

/* Is label l placed between i (exclusive) and j (exclusive)? */
static bool label_between(const uint32_t *pos, int l, uint32_t i, uint32_t j) {
  return pos[l] != UINT32_MAX && pos[l] > i && pos[l] < j;
}

/* Final target of a jump to l, following chains of unconditional jumps. */
static int thread(const cc_func *f, const uint32_t *pos, int l) {
  for (int hops = 0; hops < 16; hops++) {
    if (pos[l] == UINT32_MAX) return l;
    uint32_t j = next_real(f, pos[l]);
    if (j >= f->nins || f->ins[j].op != CVM_OP_JMP || f->ins[j].k == l) return l;
    l = f->ins[j].k;
  }
  return l;
}

void cc_optimize_jumps(cc_state *cs, cc_func *f) {
  uint32_t *pos = label_index(cs, f);
  for (int round = 0; round < 8; round++) {
    bool changed = false;
    for (uint32_t i = 0; i < f->nins; i++) {
      cc_ins *in = &f->ins[i];
      if (is_jump(in->op)) {
        int t = thread(f, pos, in->k);
        if (t != in->k) { in->k = t; changed = true; }
      } else if (in->op == CVM_OP_SWITCH) {
        for (uint32_t k = 0; k < in->ntab; k++) in->tab[k] = thread(f, pos, in->tab[k]);
      }
    }
    for (uint32_t i = 0; i < f->nins; i++) {
      cc_ins *in = &f->ins[i];
      if (!is_jump(in->op)) continue;
      uint32_t j = next_real(f, i + 1);
      if (label_between(pos, in->k, i, j)) {       /* jump to the next instruction */
        in->op = IR_NOP;
        changed = true;
        continue;
      }
      /* Jcc L1; JMP L2; L1:  ->  J!cc L2; L1: */
      if (is_cbranch(in->op) && j < f->nins && f->ins[j].op == CVM_OP_JMP) {
        bool labels = false;
        for (uint32_t m = i + 1; m < j; m++) labels |= is_label(&f->ins[m]);
        uint32_t after = next_real(f, j + 1);
        if (!labels && label_between(pos, in->k, j, after)) {
          invert(in);
          in->k = f->ins[j].k;
          f->ins[j].op = IR_NOP;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  cc_reach(cs, f);
}

/* ---- superinstructions -------------------------------------------------- */

/* Does a plain (non-control) instruction read or write register r? */
static bool uses_reg(const cc_ins *in, uint32_t r) {
  const uint8_t *k = op_kinds[in->op];
  const uint8_t f[3] = { in->a, in->b, in->c };
  int nf = op_fmt[in->op] == CVM_FMT_ABC ? 3 : 1;
  for (int i = 0; i < nf; i++) {
    switch (k[i]) {
      case CVM_K_RW: case CVM_K_RR: if (f[i] == r) return true; break;
      case CVM_K_RP: case CVM_K_WP: if (f[i] == r || f[i] + 1u == r) return true; break;
      case CVM_K_RA: return true;             /* call windows: anything */
      default: break;
    }
  }
  return false;
}

/* A loop's back edge in one dispatch: JLT x, y, L (or JLTI x, n, L)
** preceded in the same block by ADDI x, x, 1, with nothing between them
** that reads or writes x, becomes INCLT x, y, L (INCLTI x, n, L) in the
** branch's place. Runs after the jump optimisations, which do not know
** these opcodes; layout relaxes them like other branches. */
void cc_fuse(cc_state *cs, cc_func *f) {
  (void)cs;
  for (uint32_t j = 0; j < f->nins; j++) {
    cc_ins *br = &f->ins[j];
    if (br->op != CVM_OP_JLT && br->op != CVM_OP_JLTI) continue;
    uint32_t x = br->a;
    for (uint32_t i = j, steps = 0; i-- > 0 && steps < 6;) {
      cc_ins *in = &f->ins[i];
      if (in->op == IR_NOP) continue;
      if (in->op == IR_LABEL || is_jump(in->op) || is_incbr(in->op) || ends_flow(in->op) ||
          in->op == CVM_OP_CALL || in->op == CVM_OP_SYS)
        break;
      if (in->op == CVM_OP_ADDI && in->a == x && in->b == x && in->c == 1) {
        br->op = br->op == CVM_OP_JLT ? CVM_OP_INCLT : CVM_OP_INCLTI;
        br->longj = 0;
        in->op = IR_NOP;
        break;
      }
      if (uses_reg(in, x)) break;
      steps++;
    }
  }
}

/* ---- layout and encoding ----------------------------------------------- */

static uint32_t ins_words(const cc_ins *in) {
  if (!is_real(in)) return 0;
  if (in->op == CVM_OP_LDK) return 2;
  if (in->op == CVM_OP_SWITCH) return 1 + in->ntab;
  if (is_cbranch(in->op)) return in->longj ? 2 : 1;
  if (is_incbr(in->op)) return in->longj ? 3 : 1;    /* ADDI, inverted branch, JMP */
  return 1;
}

uint32_t cc_layout(cc_state *cs, cc_func *f) {
  uint32_t *lp = cc_alloc(cs, (f->nlabels ? (size_t)f->nlabels : 1) * sizeof *lp);
  f->labelpos = lp;
  for (int guard = 0;; guard++) {
    uint32_t addr = 0;
    for (uint32_t i = 0; i < f->nins; i++) {
      if (is_label(&f->ins[i])) lp[f->ins[i].k] = addr;
      addr += ins_words(&f->ins[i]);
    }
    bool changed = false;
    addr = 0;
    for (uint32_t i = 0; i < f->nins; i++) {
      cc_ins *in = &f->ins[i];
      if ((is_cbranch(in->op) || is_incbr(in->op)) && !in->longj) {
        int64_t off = (int64_t)lp[in->k] - (int64_t)(addr + 1);
        int64_t lim = in->op == CVM_OP_JZ || in->op == CVM_OP_JNZ ? 32767 : 127;
        if (off > lim || off < -lim - 1) {
          in->longj = 1;
          changed = true;
        }
      }
      addr += ins_words(in);
    }
    if (!changed || guard > 64) {
      if (addr >= (1u << 23)) cc_fatal(cs, "function '%s' is too large", f->name);
      return addr;
    }
  }
}

static uint32_t final_entry(cc_state *cs, int32_t k) {
  return (uint32_t)CC_VAT(&cs->arrays, cc_arr, k).final;
}

void cc_encode(cc_state *cs, cc_func *f, uint32_t *out, cc_vec *lines, uint32_t *lastline,
               const int *funcmap) {
  uint32_t pc = f->entry;
  const uint32_t *lp = f->labelpos;
  bool first = true;
  for (uint32_t i = 0; i < f->nins; i++) {
    cc_ins *in = &f->ins[i];
    if (!is_real(in)) continue;
    if (first || in->line != *lastline) {
      if (in->line) {
        cvm1_line *l = cc_vpush(cs, lines);
        l->pc = pc;
        l->line = in->line;
        *lastline = in->line;
      }
      first = false;
    }
    uint32_t op = in->op;
    uint32_t next = pc - f->entry + 1;     /* function-relative, after this word */
    switch (op) {
      case CVM_OP_JMP:
        out[pc++] = CVM_ENC_SJ(op, (int32_t)(lp[in->k] - next));
        continue;
      case CVM_OP_JZ: case CVM_OP_JNZ:
        if (in->longj) {
          out[pc++] = CVM_ENC_ABX(op == CVM_OP_JZ ? CVM_OP_JNZ : CVM_OP_JZ, in->a, 1);
          out[pc++] = CVM_ENC_SJ(CVM_OP_JMP, (int32_t)(lp[in->k] - (next + 1)));
        } else {
          out[pc++] = CVM_ENC_ABX(op, in->a, (uint32_t)(int32_t)(lp[in->k] - next));
        }
        continue;
      case CVM_OP_SWITCH: {
        out[pc++] = CVM_ENC_ABX(op, in->a, in->ntab - 1);
        uint32_t base = next + in->ntab;
        for (uint32_t t = 0; t < in->ntab; t++) out[pc++] = (uint32_t)(lp[in->tab[t]] - base);
        continue;
      }
      case CVM_OP_LDK:
        out[pc++] = CVM_ENC_ABX(op, in->a, 0);
        out[pc++] = (uint32_t)in->k;
        continue;
      case CVM_OP_CALL:
        out[pc++] = CVM_ENC_ABX(op, in->a, (uint32_t)funcmap[in->k]);
        continue;
      case CVM_OP_MKARR:
        out[pc++] = CVM_ENC_ABX(op, in->a, final_entry(cs, in->k));
        continue;
      case CVM_OP_AINIT:
        out[pc++] = CVM_ENC_ABX(op, final_entry(cs, in->k),
                                in->k2 < 0 ? CVM_AINIT_ZERO : final_entry(cs, in->k2));
        continue;
      default:
        break;
    }
    if (is_incbr(op)) {
      if (in->longj) {      /* ADDI x,x,1; J(x >= limit) over; JMP target */
        out[pc++] = CVM_ENC_ABC(CVM_OP_ADDI, in->a, in->a, 1);
        if (op == CVM_OP_INCLT) out[pc++] = CVM_ENC_ABC(CVM_OP_JLE, in->b, in->a, 1);
        else out[pc++] = CVM_ENC_ABC(CVM_OP_JGEI, in->a, in->b, 1);
        out[pc++] = CVM_ENC_SJ(CVM_OP_JMP, (int32_t)(lp[in->k] - (next + 2)));
      } else {
        out[pc++] = CVM_ENC_ABC(op, in->a, in->b, (uint32_t)(int32_t)(lp[in->k] - next));
      }
      continue;
    }
    if (is_fused(op)) {
      if (in->longj) {
        cc_ins inv = *in;
        invert(&inv);
        out[pc++] = CVM_ENC_ABC(inv.op, inv.a, inv.b, 1);
        out[pc++] = CVM_ENC_SJ(CVM_OP_JMP, (int32_t)(lp[in->k] - (next + 1)));
      } else {
        out[pc++] = CVM_ENC_ABC(op, in->a, in->b, (uint32_t)(int32_t)(lp[in->k] - next));
      }
      continue;
    }
    uint32_t sp = op_space[op];
    if (sp == CVM_SP_G || sp == CVM_SP_L || sp == CVM_SP_R) {
      out[pc++] = CVM_ENC_ABC(op, in->a, in->b, final_entry(cs, in->k));
      continue;
    }
    if (op_fmt[op] == CVM_FMT_ABX) out[pc++] = CVM_ENC_ABX(op, in->a, (uint32_t)in->k);
    else out[pc++] = CVM_ENC_ABC(op, in->a, in->b, in->c);
  }
}
