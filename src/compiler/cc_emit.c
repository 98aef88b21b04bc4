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
/* Counting loop branches (superinstructions of ADDI x,x,1 or ADD x,x,s
** and JLT/JLTI). */
static bool is_incbr(int op) {
  return op == CVM_OP_INCLT || op == CVM_OP_INCLTI || op == CVM_OP_ADDLT || op == CVM_OP_INCNE;
}
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
      case CVM_K_RT: if (r >= f[i] && r <= f[i] + 2u) return true; break;
      case CVM_K_RX: if (r >= f[i] && r <= f[i] + 4u) return true; break;
      case CVM_K_RY: if (r >= f[i] && r <= f[i] + 3u) return true; break;
      case CVM_K_RA: return true;             /* call windows: anything */
      default: break;
    }
  }
  return false;
}

/* Does an instruction read register r? (RW operands of INCLT, INCLTI,
** ADDLT and MLA are read too.) */
static bool reads_reg(const cc_ins *in, uint32_t r) {
  const uint8_t *k = op_kinds[in->op];
  const uint8_t f[3] = { in->a, in->b, in->c };
  int nf = op_fmt[in->op] == CVM_FMT_ABC ? 3 : 1;
  for (int i = 0; i < nf; i++) {
    if (k[i] == CVM_K_RR && f[i] == r) return true;
    if (k[i] == CVM_K_RP && (f[i] == r || f[i] + 1u == r)) return true;
    if (k[i] == CVM_K_RT && r >= f[i] && r <= f[i] + 2u) return true;
    if (k[i] == CVM_K_RX && r >= f[i] && r <= f[i] + 4u) return true;
    if (k[i] == CVM_K_RY && r >= f[i] && r <= f[i] + 3u) return true;
  }
  return in->a == r && (is_incbr(in->op) || in->op == CVM_OP_MLA || in->op == CVM_OP_MACP ||
                        in->op == CVM_OP_MACPS16 || in->op == CVM_OP_DOTP ||
                        in->op == CVM_OP_DOTPS16);
}

/* ---- liveness (for fusions that drop a temporary) ------------------------ */

typedef struct { uint32_t w[8]; } cc_regset;     /* 256 registers */
#define RS_HAS(s, r) (((s).w[(r) >> 5] >> ((r) & 31)) & 1u)
#define RS_ADD(s, r) ((s).w[(r) >> 5] |= 1u << ((r) & 31))
#define RS_DEL(s, r) ((s).w[(r) >> 5] &= ~(1u << ((r) & 31)))

/* Registers an instruction reads (a call: its whole window, conservatively)
** and writes for certain. */
static void use_def(const cc_ins *in, cc_regset *use, cc_regset *def) {
  memset(use, 0, sizeof *use);
  memset(def, 0, sizeof *def);
  if (!is_real(in)) return;
  if (in->op == CVM_OP_SYS) {               /* arguments R[A..A+C), result R[A] */
    for (uint32_t r = in->a; r < 256u && r < (uint32_t)in->a + in->c; r++) RS_ADD(*use, r);
    RS_ADD(*def, in->a);
    return;
  }
  if (in->op == CVM_OP_CALL) {              /* the callee sees R[A..]: all read */
    for (uint32_t r = in->a; r < 256u; r++) RS_ADD(*use, r);
    RS_ADD(*def, in->a);
    return;
  }
  for (uint32_t r = 0; r < 256; r++) if (reads_reg(in, r)) RS_ADD(*use, r);
  const uint8_t *k = op_kinds[in->op];
  if (k[0] == CVM_K_RW) RS_ADD(*def, in->a);
  if (k[0] == CVM_K_WP) { RS_ADD(*def, in->a); if (in->a < 255) RS_ADD(*def, in->a + 1u); }
}

/* live[i]: registers live after instruction i. Backward, to a fixed point. */
static cc_regset *liveness(cc_state *cs, cc_func *f, const uint32_t *pos) {
  uint32_t n = f->nins;
  cc_regset *in = cc_alloc(cs, (size_t)(n + 1) * sizeof *in);   /* live before i */
  cc_regset *out = cc_alloc(cs, (size_t)(n + 1) * sizeof *out);
  for (int round = 0, changed = 1; changed && round < 200; round++) {
    changed = 0;
    for (uint32_t i = n; i-- > 0;) {
      const cc_ins *x = &f->ins[i];
      cc_regset o = {{0}}, u, d, v;
#define JOIN(j) do { uint32_t j_ = (j); if (j_ <= n) for (int w = 0; w < 8; w++) o.w[w] |= in[j_].w[w]; } while (0)
      if (!is_real(x) || !ends_flow(x->op)) JOIN(i + 1);
      if (is_real(x) && (is_jump(x->op) || is_incbr(x->op)) && pos[x->k] != UINT32_MAX) JOIN(pos[x->k]);
      if (is_real(x) && x->op == CVM_OP_SWITCH)
        for (uint32_t t = 0; t < x->ntab; t++) if (pos[x->tab[t]] != UINT32_MAX) JOIN(pos[x->tab[t]]);
#undef JOIN
      use_def(x, &u, &d);
      for (int w = 0; w < 8; w++) v.w[w] = u.w[w] | (o.w[w] & ~d.w[w]);
      if (memcmp(&v, &in[i], sizeof v) || memcmp(&o, &out[i], sizeof o)) changed = 1;
      in[i] = v;
      out[i] = o;
    }
  }
  return out;
}

/* MUL t, b, c then ADD acc, acc, t (or ADD acc, t, acc) with t dead after:
** MLA acc, b, c. */
static void fuse_mla(cc_state *cs, const uint32_t *pos, cc_func *f) {
  cc_regset *live = NULL;
  for (uint32_t i = 0; i < f->nins; i++) {
    cc_ins *mul = &f->ins[i];
    if (mul->op != CVM_OP_MUL) continue;
    uint32_t j = i + 1;
    while (j < f->nins && f->ins[j].op == IR_NOP) j++;
    if (j >= f->nins) continue;
    cc_ins *add = &f->ins[j];
    uint32_t t = mul->a, acc = add->a;
    if (add->op != CVM_OP_ADD || acc == t) continue;
    if (!((add->b == acc && add->c == t) || (add->b == t && add->c == acc))) continue;
    if (!live) live = liveness(cs, f, pos);
    if (RS_HAS(live[j], t)) continue;
    add->op = CVM_OP_MLA;
    add->b = mul->b;
    add->c = mul->c;
    mul->op = IR_NOP;
  }
}

/* Is register r written by an instruction strictly between i and j? */
static bool moved_between(const cc_func *f, uint32_t i, uint32_t j, uint32_t r) {
  for (uint32_t t = i + 1; t < j; t++) {
    const cc_ins *in = &f->ins[t];
    if (!is_real(in)) continue;
    const uint8_t *k = op_kinds[in->op];
    if (((k[0] == CVM_K_RW || k[0] == CVM_K_RA) && in->a == r) ||
        (k[0] == CVM_K_WP && (in->a == r || in->a + 1u == r)) || in->op == CVM_OP_CALL ||
        ((in->op == CVM_OP_DOTP || in->op == CVM_OP_DOTPS16) &&      /* indexes, count */
         (r == in->b + 2u || r == in->b + 4u || r == in->c + 2u)))
      return true;
  }
  return false;
}

/* A loop's back edge in one dispatch: JLT x, y, L (or JLTI x, n, L)
** preceded in the same block by ADDI x, x, 1, with nothing between them
** that reads or writes x, becomes INCLT x, y, L (INCLTI x, n, L) in the
** branch's place. Runs after the jump optimisations, which do not know
** these opcodes; layout relaxes them like other branches. */
void cc_fuse(cc_state *cs, cc_func *f) {
  fuse_mla(cs, label_index(cs, f), f);
  for (uint32_t j = 0; j < f->nins; j++) {
    cc_ins *br = &f->ins[j];
    if (br->op != CVM_OP_JLT && br->op != CVM_OP_JLTI && br->op != CVM_OP_JNE) continue;
    uint32_t x = br->a;
    for (uint32_t i = j, steps = 0; i-- > 0 && steps < 6;) {
      cc_ins *in = &f->ins[i];
      if (in->op == IR_NOP) continue;
      if (in->op == IR_LABEL || is_jump(in->op) || is_incbr(in->op) || ends_flow(in->op) ||
          in->op == CVM_OP_CALL || in->op == CVM_OP_SYS)
        break;
      if (in->op == CVM_OP_ADDI && in->a == x && in->b == x && in->c == 1) {
        br->op = br->op == CVM_OP_JLT ? CVM_OP_INCLT : br->op == CVM_OP_JNE ? CVM_OP_INCNE
                                                                             : CVM_OP_INCLTI;
        br->longj = 0;
        in->op = IR_NOP;
        break;
      }
      /* ADD x, x, s; JLT x, s+1 (a step and limit pair): ADDLT x, s */
      if (in->op == CVM_OP_ADD && in->a == x && br->op == CVM_OP_JLT && br->b > 0) {
        uint32_t st = br->b - 1u;
        if (st != x && ((in->b == x && in->c == st) || (in->c == x && in->b == st)) &&
            !moved_between(f, i, j, st)) {
          br->op = CVM_OP_ADDLT;
          br->b = (uint8_t)st;
          br->longj = 0;
          in->op = IR_NOP;
        }
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
  for (int l = 0; l < f->nlabels; l++) lp[l] = UINT32_MAX;
  for (int guard = 0;; guard++) {
    uint32_t addr = 0;
    for (uint32_t i = 0; i < f->nins; i++) {
      if (is_label(&f->ins[i])) lp[f->ins[i].k] = addr;
      addr += ins_words(&f->ins[i]);
    }
    if (guard == 0)             /* every branch's label must have been placed */
      for (uint32_t i = 0; i < f->nins; i++) {
        const cc_ins *in = &f->ins[i];
        bool bad = (is_jump(in->op) || is_incbr(in->op)) && lp[in->k] == UINT32_MAX;
        for (uint32_t t = 0; in->op == CVM_OP_SWITCH && t < in->ntab; t++)
          bad |= lp[in->tab[t]] == UINT32_MAX;
        if (bad) cc_fatal(cs, "internal error: a jump in '%s' to a label never placed", f->name);
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
      if (in->longj) {      /* ADD(I) x,x,step; J(x >= limit) over; JMP target */
        if (op == CVM_OP_ADDLT) out[pc++] = CVM_ENC_ABC(CVM_OP_ADD, in->a, in->a, in->b);
        else out[pc++] = CVM_ENC_ABC(CVM_OP_ADDI, in->a, in->a, 1);
        if (op == CVM_OP_INCLT) out[pc++] = CVM_ENC_ABC(CVM_OP_JLE, in->b, in->a, 1);
        else if (op == CVM_OP_INCNE) out[pc++] = CVM_ENC_ABC(CVM_OP_JEQ, in->a, in->b, 1);
        else if (op == CVM_OP_ADDLT) out[pc++] = CVM_ENC_ABC(CVM_OP_JLE, in->b + 1, in->a, 1);
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
