/*
** cc_genx.c -- code for expressions: values into register slots, branches
** for conditions (fused compare-and-branch), array elements, descriptors,
** assignments and calls.
**
** cc_ex(e, dst) leaves e's value in dst, or (dst == NOREG) in any register
** it returns: a local's own slot, or a fresh temporary at the top. Operands
** are freed before the result is allocated, so `a + b` reuses a's slot
** (every instruction reads its operands before it writes).
*/
#include <string.h>

#include "cc_gen.h"

#define IS_I8(v) ((v) >= -128 && (v) <= 127)
#define IS_CMP(k) ((k) >= E_EQ && (k) <= E_GE)

static int target(cc_gen *g, int dst) { return dst != NOREG ? dst : cc_alloc_reg(g); }

static void free2(cc_gen *g, int rb, int ra, int keep) {
  if (rb != keep) cc_free_reg(g, rb);
  if (ra != keep) cc_free_reg(g, ra);
}

void cc_load_const(cc_gen *g, int r, int32_t v) {
  if (v >= -32768 && v <= 32767) cc_emitk(g, CVM_OP_LDI, r, v);
  else cc_emitk(g, CVM_OP_LDK, r, v);
}

/* ---- conversions ------------------------------------------------------- */

/* Opcode converting a normalised value of kind `from` to kind `to`, or -1
** when the representation is already right. */
static int conv_op(int from, int to) {
  switch (to) {
    case TY_BOOL: return from == TY_BOOL ? -1 : CVM_OP_NEI;
    case TY_CHAR: case TY_SCHAR:
      return (from == TY_BOOL || from == TY_CHAR || from == TY_SCHAR) ? -1 : CVM_OP_SEXT8;
    case TY_UCHAR: return (from == TY_BOOL || from == TY_UCHAR) ? -1 : CVM_OP_ZEXT8;
    case TY_SHORT:
      return (from == TY_BOOL || from == TY_CHAR || from == TY_SCHAR || from == TY_UCHAR ||
              from == TY_SHORT) ? -1 : CVM_OP_SEXT16;
    case TY_USHORT:
      return (from == TY_BOOL || from == TY_UCHAR || from == TY_USHORT) ? -1 : CVM_OP_ZEXT16;
    default: return -1;
  }
}

static void emit_conv(cc_gen *g, int op, int r, int ra) {
  cc_emit(g, op, r, ra, 0);       /* NEI r, ra, 0 has C = 0 too */
}

/* ---- arrays ------------------------------------------------------------ */

typedef struct abase {
  int space;               /* CVM_SP_G, _L, _R or _P */
  int entry;               /* G/L/R: array entry id */
  int dreg;                /* P: descriptor's first slot */
  int k;                   /* element kind */
} abase;

static void array_base(cc_gen *g, cc_node *arr, abase *b) {
  b->k = arr->ty.k;
  b->dreg = -1;
  b->entry = -1;
  if (arr->k == E_STR) {
    b->entry = cc_str_entry(g, arr->str, false);
  } else if (arr->sym->stor == ST_PARAM) {
    b->space = CVM_SP_P;
    b->dreg = arr->sym->reg;
    return;
  } else {
    b->entry = cc_var_entry(g, arr->sym);
  }
  cc_arr *a = &CC_VAT(&g->cs->arrays, cc_arr, b->entry);
  b->space = a->space;
  a->short_ref = 1;
}

static int ld_op(const abase *b) {
  uint32_t es = cc_ty_size(b->k);
  bool sg = cc_ty_signed(b->k);
  static const uint8_t ops[4][5] = {
    { CVM_OP_LDGS8, CVM_OP_LDGU8, CVM_OP_LDGS16, CVM_OP_LDGU16, CVM_OP_LDG32 },
    { CVM_OP_LDLS8, CVM_OP_LDLU8, CVM_OP_LDLS16, CVM_OP_LDLU16, CVM_OP_LDL32 },
    { CVM_OP_LDRS8, CVM_OP_LDRU8, CVM_OP_LDRS16, CVM_OP_LDRU16, CVM_OP_LDR32 },
    { CVM_OP_LDPS8, CVM_OP_LDPU8, CVM_OP_LDPS16, CVM_OP_LDPU16, CVM_OP_LDP32 },
  };
  int row = b->space == CVM_SP_G ? 0 : b->space == CVM_SP_L ? 1 : b->space == CVM_SP_R ? 2 : 3;
  int col = es == 4 ? 4 : es == 2 ? (sg ? 2 : 3) : (sg ? 0 : 1);
  return ops[row][col];
}

static int st_op(const abase *b) {
  uint32_t es = cc_ty_size(b->k);
  static const uint8_t ops[3][3] = {
    { CVM_OP_STG8, CVM_OP_STG16, CVM_OP_STG32 },
    { CVM_OP_STL8, CVM_OP_STL16, CVM_OP_STL32 },
    { CVM_OP_STP8, CVM_OP_STP16, CVM_OP_STP32 },
  };
  int row = b->space == CVM_SP_G ? 0 : b->space == CVM_SP_L ? 1 : 2;
  return ops[row][es == 4 ? 2 : es == 2 ? 1 : 0];
}

/* Emit a load/store of element idx of array b with value register r. */
static void elem_op(cc_gen *g, int op, const abase *b, int r, int idx) {
  if (b->space == CVM_SP_P) {
    cc_emit(g, op, r, idx, b->dreg);
  } else {
    cc_ins *in = cc_emit(g, op, r, idx, 0);
    in->k = b->entry;               /* C is patched with the final entry index */
  }
}

/* r = x * c for a constant c (x a register). */
void cc_mul_const(cc_gen *g, int r, int x, int32_t c) {
  if (c == 1) {
    if (r != x) cc_emit(g, CVM_OP_MOV, r, x, 0);
  } else if (c > 0 && (c & (c - 1)) == 0) {
    int s = 0;
    while ((1 << s) != c) s++;
    cc_emit(g, CVM_OP_SHLI, r, x, s);
  } else if (IS_I8(c)) {
    cc_emit(g, CVM_OP_MULI, r, x, c);
  } else {
    int t = cc_alloc_reg(g);
    cc_load_const(g, t, c);
    cc_emit(g, CVM_OP_MUL, r, x, t);
    cc_free_reg(g, t);
  }
}

/* r = x + c */
void cc_add_const(cc_gen *g, int r, int x, int32_t c) {
  if (c == 0) {
    if (r != x) cc_emit(g, CVM_OP_MOV, r, x, 0);
  } else if (IS_I8(c)) {
    cc_emit(g, CVM_OP_ADDI, r, x, c);
  } else {
    int t = cc_alloc_reg(g);
    cc_load_const(g, t, c);
    cc_emit(g, CVM_OP_ADD, r, x, t);
    cc_free_reg(g, t);
  }
}

/* Bounds check of an inner index (register ri) against n. */
static void check_inner(cc_gen *g, int ri, uint32_t n) {
  cc_emitk(g, CVM_OP_CHK, ri, (int32_t)n);
}

/* Index register of scalar element e (an E_INDEX), filling b. For two
** dimensions the column is checked against the inner size, then combined
** as row * inner + col; the access itself checks the whole index. */
static int elem_index(cc_gen *g, cc_node *e, abase *b) {
  if (e->line) g->line = e->line;
  if (e->a->k != E_INDEX) {
    array_base(g, e->a, b);
    int dv = cc_derived_index1(g, e->b);    /* k + o, kept by the loop */
    return dv >= 0 ? dv : cc_ex(g, e->b, NOREG);
  }
  cc_node *arr = e->a->a, *row = e->a->b, *col = e->b;
  array_base(g, arr, b);
  uint32_t inner = arr->ty.dim[1];
  bool colconst = col->k == E_NUM && (uint32_t)col->val < inner;
  bool colok = colconst || cc_known_range(g, col, 0, (int64_t)inner - 1);
  int dv = cc_derived_index(g, row, col, inner);
  if (dv >= 0) {                         /* row * inner + col, kept by the loop */
    if (!colok && inner <= 0xFFFF) {
      int rc = cc_ex(g, col, NOREG);
      check_inner(g, rc, inner);
      cc_free_reg(g, rc);
    }
    return dv;
  }
  int hrow = row->k == E_VAR ? cc_hoisted_row(g, row->sym, inner) : -1;
  if (hrow >= 0) {                       /* row * inner computed before the loop */
    int t = cc_alloc_reg(g);
    if (colconst) {
      cc_add_const(g, t, hrow, col->val);
    } else {
      int rc = cc_ex(g, col, NOREG);
      if (!colok && inner <= 0xFFFF) check_inner(g, rc, inner);
      cc_emit(g, CVM_OP_ADD, t, hrow, rc);
      if (rc != t) cc_free_reg(g, rc);
    }
    return t;
  }
  int t = cc_alloc_reg(g);
  if (row->k == E_NUM && colconst) {
    cc_load_const(g, t, (int32_t)((uint32_t)row->val * inner + (uint32_t)col->val));
    return t;
  }
  int rc = NOREG;
  if (!colconst) {
    rc = cc_ex(g, col, NOREG);
    if (!colok && inner <= 0xFFFF) check_inner(g, rc, inner);
  }
  if (row->k == E_NUM) {
    int32_t base = (int32_t)((uint32_t)row->val * inner);
    if (colconst) cc_load_const(g, t, base + col->val);
    else cc_add_const(g, t, rc, base);
  } else {
    int rr = cc_ex(g, row, NOREG);
    cc_mul_const(g, t, rr, (int32_t)inner);
    if (colconst) cc_add_const(g, t, t, col->val);
    else cc_emit(g, CVM_OP_ADD, t, t, rc);
    if (rr != t) cc_free_reg(g, rr);
  }
  if (rc != NOREG && rc != t) cc_free_reg(g, rc);
  return t;
}

/* Descriptor (base, count) of array expression e into r, r+1. Host calls
** may see read-only data; user functions get RAM copies of literals. */
void cc_desc(cc_gen *g, cc_node *e, int r, bool host) {
  switch (e->k) {
    case E_STR:
      cc_emitk(g, CVM_OP_MKARR, r, cc_str_entry(g, e->str, !host));
      return;
    case E_VAR:
      if (e->sym->stor == ST_PARAM) {
        cc_emit(g, CVM_OP_MOV, r, e->sym->reg, 0);
        cc_emit(g, CVM_OP_MOV, r + 1, e->sym->reg + 1, 0);
      } else {
        cc_emitk(g, CVM_OP_MKARR, r, cc_var_entry(g, e->sym));
      }
      return;
    case E_COND: {            /* one of two arrays */
      int lelse = cc_newlabel(g), lend = cc_newlabel(g);
      cc_cond(g, e->a, false, lelse);
      g->freereg = r + 2;
      cc_desc(g, e->b, r, host);
      cc_jump(g, lend);
      cc_label(g, lelse);
      g->freereg = r + 2;
      cc_desc(g, e->c, r, host);
      cc_label(g, lend);
      return;
    }
    case E_INDEX: {           /* a row of a two-dimensional array */
      cc_node *arr = e->a;
      cc_desc(g, arr, r, host);
      uint32_t inner = arr->ty.dim[1], es = cc_ty_size(arr->ty.k);
      bool known = !arr->ty.param && arr->ty.dim[0] > 0;
      uint32_t rows = arr->ty.dim[0];
      int t = cc_alloc_reg(g);
      if (e->b->k == E_NUM && known && (uint32_t)e->b->val < rows) {
        cc_load_const(g, t, (int32_t)((uint32_t)e->b->val * inner * es));
      } else {
        int ri = cc_ex(g, e->b, NOREG);
        if (known && cc_known_range(g, e->b, 0, (int64_t)rows - 1)) {
          /* in range by the loop's bounds */
        } else if (known && rows <= 0xFFFF) {
          check_inner(g, ri, rows);
        } else {
          /* row start must be inside the array: a checked dummy load */
          abase b = { .space = CVM_SP_P, .dreg = r, .k = arr->ty.k };
          int u = cc_alloc_reg(g);
          cc_mul_const(g, u, ri, (int32_t)inner);
          cc_emit(g, ld_op(&b), u, u, r);
          cc_free_reg(g, u);
        }
        cc_mul_const(g, t, ri, (int32_t)(inner * es));
        if (ri != t) cc_free_reg(g, ri);
      }
      cc_emit(g, CVM_OP_ADD, r, r, t);
      cc_free_reg(g, t);
      cc_load_const(g, r + 1, (int32_t)inner);
      return;
    }
    default:
      return;                 /* rejected by the parser */
  }
}

/* ---- lvalues ----------------------------------------------------------- */

enum { LV_REG, LV_GLOBAL, LV_ELEM };

typedef struct lval {
  int kind;
  int reg;                 /* LV_REG: the variable's slot */
  uint32_t gword;          /* LV_GLOBAL */
  abase b;                 /* LV_ELEM */
  int idx;                 /* LV_ELEM: index register */
  int k;                   /* type kind of the object */
} lval;

static void lv_get(cc_gen *g, cc_node *e, lval *lv) {
  lv->k = e->ty.k;
  if (e->k == E_VAR) {
    cc_sym *s = e->sym;
    if (s->stor == ST_LOCAL || s->stor == ST_PARAM) {
      lv->kind = LV_REG;
      lv->reg = s->reg;
    } else {
      lv->kind = LV_GLOBAL;
      lv->gword = s->gword;
    }
    return;
  }
  lv->kind = LV_ELEM;
  lv->idx = elem_index(g, e, &lv->b);
}

static int lv_load(cc_gen *g, lval *lv, int dst) {
  int r;
  switch (lv->kind) {
    case LV_REG:
      if (dst == NOREG) return lv->reg;
      if (dst != lv->reg) cc_emit(g, CVM_OP_MOV, dst, lv->reg, 0);
      return dst;
    case LV_GLOBAL:
      r = target(g, dst);
      cc_emitk(g, CVM_OP_LDG, r, (int32_t)lv->gword);
      return r;
    default:
      r = target(g, dst);
      elem_op(g, ld_op(&lv->b), &lv->b, r, lv->idx);
      return r;
  }
}

static void lv_store(cc_gen *g, lval *lv, int r) {
  switch (lv->kind) {
    case LV_REG:
      if (r != lv->reg) cc_emit(g, CVM_OP_MOV, lv->reg, r, 0);
      break;
    case LV_GLOBAL:
      cc_emitk(g, CVM_OP_STG, r, (int32_t)lv->gword);
      break;
    default:
      elem_op(g, st_op(&lv->b), &lv->b, r, lv->idx);
      break;
  }
}

static void lv_done(cc_gen *g, lval *lv) {
  if (lv->kind == LV_ELEM) cc_free_reg(g, lv->idx);
}

/* ---- binary operations ------------------------------------------------- */

static int reg_op(int op, bool uns) {
  switch (op) {
    case E_ADD: return CVM_OP_ADD;
    case E_SUB: return CVM_OP_SUB;
    case E_MUL: return CVM_OP_MUL;
    case E_DIV: return uns ? CVM_OP_DIVU : CVM_OP_DIV;
    case E_MOD: return uns ? CVM_OP_MODU : CVM_OP_MOD;
    case E_SHL: return CVM_OP_SHL;
    case E_SHR: return uns ? CVM_OP_SHRU : CVM_OP_SHR;
    case E_AND: return CVM_OP_AND;
    case E_OR: return CVM_OP_OR;
    case E_XOR: return CVM_OP_XOR;
    case E_EQ: return CVM_OP_EQ;
    case E_NE: return CVM_OP_NE;
    case E_LT: case E_GT: return uns ? CVM_OP_LTU : CVM_OP_LT;
    case E_LE: case E_GE: return uns ? CVM_OP_LEU : CVM_OP_LE;
    default: return CVM_OP_ADD;
  }
}

static int log2_exact(uint32_t v) {
  if (v == 0 || (v & (v - 1))) return -1;
  int s = 0;
  while ((1u << s) != v) s++;
  return s;
}

/* Immediate form of `x op v`, or -1. */
int cc_imm_op(int op, bool uns, int32_t v, int32_t *imm) {
  switch (op) {
    case E_ADD: if (IS_I8(v)) { *imm = v; return CVM_OP_ADDI; } return -1;
    case E_SUB: if (v != INT32_MIN && IS_I8(-v)) { *imm = -v; return CVM_OP_ADDI; } return -1;
    case E_MUL: if (IS_I8(v)) { *imm = v; return CVM_OP_MULI; } return -1;
    case E_AND: if ((uint32_t)v <= 255) { *imm = v; return CVM_OP_ANDI; } return -1;
    case E_OR: if ((uint32_t)v <= 255) { *imm = v; return CVM_OP_ORI; } return -1;
    case E_XOR: if ((uint32_t)v <= 255) { *imm = v; return CVM_OP_XORI; } return -1;
    case E_SHL: *imm = v & 31; return CVM_OP_SHLI;
    case E_SHR: *imm = v & 31; return uns ? CVM_OP_SHRUI : CVM_OP_SHRI;
    case E_DIV:
      if (uns && log2_exact((uint32_t)v) >= 0) { *imm = log2_exact((uint32_t)v); return CVM_OP_SHRUI; }
      return -1;
    case E_MOD:
      if (uns && log2_exact((uint32_t)v) >= 0 && (uint32_t)v <= 256) {
        *imm = v - 1;
        return CVM_OP_ANDI;
      }
      return -1;
    case E_EQ: if (IS_I8(v)) { *imm = v; return CVM_OP_EQI; } return -1;
    case E_NE: if (IS_I8(v)) { *imm = v; return CVM_OP_NEI; } return -1;
    case E_LT: if (!uns && IS_I8(v)) { *imm = v; return CVM_OP_LTI; } return -1;
    case E_LE: if (!uns && IS_I8(v)) { *imm = v; return CVM_OP_LEI; } return -1;
    case E_GT: if (!uns && IS_I8(v)) { *imm = v; return CVM_OP_GTI; } return -1;
    case E_GE: if (!uns && IS_I8(v)) { *imm = v; return CVM_OP_GEI; } return -1;
    default: return -1;
  }
}

/* result = ra op b, into dst (or a new register). ra is freed unless it
** is dst. */
static int binop(cc_gen *g, int op, bool uns, int dst, int ra, cc_node *b) {
  int32_t imm;
  int iop = b->k == E_NUM ? cc_imm_op(op, uns, b->val, &imm) : -1;
  if (iop >= 0) {
    if (ra != dst) cc_free_reg(g, ra);
    int r = target(g, dst);
    cc_emit(g, iop, r, ra, imm);
    return r;
  }
  if ((op == E_DIV || op == E_MOD) && b->line) g->line = b->line;
  int rb = cc_ex(g, b, NOREG);
  free2(g, rb, ra, dst);
  int r = target(g, dst);
  if (op == E_GT || op == E_GE) cc_emit(g, reg_op(op, uns), r, rb, ra);
  else cc_emit(g, reg_op(op, uns), r, ra, rb);
  return r;
}

static int mirror(int op) {
  switch (op) {
    case E_LT: return E_GT; case E_GT: return E_LT;
    case E_LE: return E_GE; case E_GE: return E_LE;
    default: return op;
  }
}

static bool commutes(int op) {
  return op == E_ADD || op == E_MUL || op == E_AND || op == E_OR || op == E_XOR;
}

/* ---- assignments ------------------------------------------------------- */

/* A store of esize bytes keeps only the low bytes of its value, so
** conversions that preserve those bytes need not run. */
static cc_node *strip_for_store(cc_node *v, uint32_t esize) {
  while (v->k == E_CAST && v->ty.k != TY_BOOL && v->ty.k != TY_VOID &&
         cc_ty_size(v->ty.k) >= esize)
    v = v->a;
  return v;
}

/* Does e read or write variable s? */
static bool refs(const cc_node *e, const cc_sym *s) {
  if (!e) return false;
  if (e->k == E_VAR) return e->sym == s;
  if (refs(e->a, s) || refs(e->b, s) || refs(e->c, s)) return true;
  for (uint32_t i = 0; i < e->nlist; i++)
    if (refs(e->list[i], s)) return true;
  return false;
}

/* a[i++] with i a local: the element is a[i], and i steps afterwards
** (no copy of the old i), when nothing else in the statement uses i. */
static cc_sym *post_index(const cc_node *elem) {
  if (elem->k != E_INDEX || elem->a->k == E_INDEX) return NULL;
  const cc_node *ix = elem->b;
  if ((ix->k != E_POSTINC && ix->k != E_POSTDEC) || ix->a->k != E_VAR) return NULL;
  cc_sym *s = ix->a->sym;
  if ((s->stor != ST_LOCAL && s->stor != ST_PARAM) || s->ty.ndim ||
      (s->ty.k != TY_INT && s->ty.k != TY_UINT))
    return NULL;
  return s;
}

static void post_step(cc_gen *g, const cc_node *elem, cc_sym *s) {
  cc_emit(g, CVM_OP_ADDI, s->reg, s->reg, elem->b->k == E_POSTINC ? 1 : -1);
}

static int assign(cc_gen *g, cc_node *e, int dst, bool want) {
  lval lv;
  int r;
  cc_sym *pi = post_index(e->a);
  if (pi && !want && !refs(e->b, pi) && !refs(e->a->a, pi)) {
    abase b;
    array_base(g, e->a->a, &b);
    r = cc_ex(g, strip_for_store(e->b, cc_ty_size(e->a->ty.k)), NOREG);
    elem_op(g, st_op(&b), &b, r, pi->reg);
    post_step(g, e->a, pi);
    cc_free_reg(g, r);
    return NOREG;
  }
  lv_get(g, e->a, &lv);
  switch (lv.kind) {
    case LV_REG:
      cc_ex(g, e->b, lv.reg);
      if (!want) return NOREG;
      if (dst != NOREG && dst != lv.reg) cc_emit(g, CVM_OP_MOV, dst, lv.reg, 0);
      return dst != NOREG ? dst : lv.reg;
    case LV_GLOBAL:
      r = cc_ex(g, e->b, want ? dst : NOREG);
      lv_store(g, &lv, r);
      if (!want) { cc_free_reg(g, r); return NOREG; }
      return r;
    default:
      r = cc_ex(g, want ? e->b : strip_for_store(e->b, cc_ty_size(lv.k)), NOREG);
      lv_store(g, &lv, r);
      if (!want) {
        cc_free_reg(g, r);
        lv_done(g, &lv);
        return NOREG;
      }
      if (dst != NOREG) {
        if (dst != r) cc_emit(g, CVM_OP_MOV, dst, r, 0);
        cc_free_reg(g, r);
        lv_done(g, &lv);
        return dst;
      }
      return r;
  }
}

/* Normalise register r (holding a value of kind from) to the object's kind. */
static void normalise(cc_gen *g, int r, int from, int to) {
  int op = conv_op(from, to);
  if (op >= 0) emit_conv(g, op, r, r);
}

/* Descriptor triple of element n (1-D with a derived index, or 2-D with a
** derived index and its column known in range) kept by the loop, or -1. */
static int mac_triple(cc_gen *g, const cc_node *n) {
  if (n->k == E_INDEX && n->a->k == E_VAR && n->a->ty.ndim == 1) return cc_derived_desc1(g, n);
  if (n->k != E_INDEX || n->a->k != E_INDEX || n->a->a->ty.ndim != 2 || n->a->a->k != E_VAR)
    return -1;
  const cc_node *row = n->a->b, *col = n->b;
  uint32_t inner = n->a->a->ty.dim[1];
  bool colok = (col->k == E_NUM && (uint32_t)col->val < inner) ||
               cc_known_range(g, col, 0, (int64_t)inner - 1);
  return colok ? cc_derived_desc(g, row, col, inner, n->a->a->sym) : -1;
}

/* acc += x * y with both elements' descriptor triples kept by the loop
** (cc_loop.c find_macs): one MACP (words) or MACPS16 (signed halfwords). */
static bool mac(cc_gen *g, cc_node *e, int acc) {
  if (e->op != E_ADD || e->b->k != E_MUL || (e->opk != TY_INT && e->opk != TY_UINT)) return false;
  const cc_node *x = cc_mac_peel(e->b->a), *y = cc_mac_peel(e->b->b);
  int kx = cc_mac_kind(x), ky = cc_mac_kind(y);
  if (!kx || kx != ky) return false;    /* words with words, int16 with int16 */
  int dx = mac_triple(g, x), dy = mac_triple(g, y);
  if (dx < 0 || dy < 0) return false;
  cc_emit(g, kx == 2 ? CVM_OP_MACPS16 : CVM_OP_MACP, acc, dx, dy);
  return true;
}

/* A loop that is only acc += x * y (cc_loop.c use_dot), after its entry
** test: the steps and the trip count go into the groups' spare registers,
** then one DOTP (DOTPS16) runs every iteration. false: emit the loop. */
bool cc_dot(cc_gen *g, const cc_loopsave *sv) {
  const cc_node *e = sv->dot;
  if (e->op != E_ADD || e->b->k != E_MUL || (e->opk != TY_INT && e->opk != TY_UINT) ||
      e->a->k != E_VAR || (e->a->sym->stor != ST_LOCAL && e->a->sym->stor != ST_PARAM) ||
      (e->a->ty.k != TY_INT && e->a->ty.k != TY_UINT))
    return false;
  const cc_node *x = cc_mac_peel(e->b->a), *y = cc_mac_peel(e->b->b);
  int kx = cc_mac_kind(x), ky = cc_mac_kind(y);
  if (!kx || kx != ky) return false;
  int dx = mac_triple(g, x), dy = mac_triple(g, y);
  if (dx < 0 || dy < 0 || dx == dy) return false;
  int32_t inc[2] = { 0, 0 };
  int found = 0;
  for (int i = sv->ndivs; i < g->ndivs; i++) {
    if (!g->divs[i].wide) continue;
    if (g->divs[i].desc == dx) { inc[0] = g->divs[i].inc; found |= 1; }
    if (g->divs[i].desc == dy) { inc[1] = g->divs[i].inc; found |= 2; }
  }
  if (found != 3) return false;
  cc_load_const(g, dx + 3, inc[0]);
  cc_load_const(g, dx + 4, (int32_t)sv->dot_trips);
  cc_load_const(g, dy + 3, inc[1]);
  cc_emit(g, kx == 2 ? CVM_OP_DOTPS16 : CVM_OP_DOTP, e->a->sym->reg, dx, dy);
  return true;
}

static int opassign(cc_gen *g, cc_node *e, int dst, bool want) {
  lval lv;
  lv_get(g, e->a, &lv);
  bool uns = e->opk == TY_UINT;
  if (lv.kind == LV_REG && (lv.k == TY_INT || lv.k == TY_UINT) && mac(g, e, lv.reg)) {
    if (!want) return NOREG;
    if (dst != NOREG && dst != lv.reg) cc_emit(g, CVM_OP_MOV, dst, lv.reg, 0);
    return dst != NOREG ? dst : lv.reg;
  }
  if (lv.kind == LV_REG) {
    binop(g, e->op, uns, lv.reg, lv.reg, e->b);
    normalise(g, lv.reg, e->opk, lv.k);
    if (!want) return NOREG;
    if (dst != NOREG && dst != lv.reg) cc_emit(g, CVM_OP_MOV, dst, lv.reg, 0);
    return dst != NOREG ? dst : lv.reg;
  }
  int t = lv_load(g, &lv, NOREG);
  binop(g, e->op, uns, t, t, e->b);
  if (want || lv.kind != LV_ELEM || lv.k == TY_BOOL) normalise(g, t, e->opk, lv.k);
  lv_store(g, &lv, t);
  if (!want) {
    cc_free_reg(g, t);
    lv_done(g, &lv);
    return NOREG;
  }
  if (dst != NOREG) {
    cc_emit(g, CVM_OP_MOV, dst, t, 0);
    cc_free_reg(g, t);
    lv_done(g, &lv);
    return dst;
  }
  return t;
}

static int incdec(cc_gen *g, cc_node *e, int dst, bool want) {
  lval lv;
  lv_get(g, e->a, &lv);
  bool post = e->k == E_POSTINC || e->k == E_POSTDEC;
  int d = (e->k == E_PREINC || e->k == E_POSTINC) ? 1 : -1;
  if (lv.kind == LV_REG) {
    int r = NOREG;
    if (post && want) {
      r = target(g, dst);
      cc_emit(g, CVM_OP_MOV, r, lv.reg, 0);
    }
    cc_emit(g, CVM_OP_ADDI, lv.reg, lv.reg, d);
    normalise(g, lv.reg, TY_INT, lv.k);
    if (!want) return NOREG;
    if (post) return r;
    if (dst != NOREG && dst != lv.reg) cc_emit(g, CVM_OP_MOV, dst, lv.reg, 0);
    return dst != NOREG ? dst : lv.reg;
  }
  int t = lv_load(g, &lv, NOREG);
  if (post && want) {
    int n = cc_alloc_reg(g);
    cc_emit(g, CVM_OP_ADDI, n, t, d);
    normalise(g, n, TY_INT, lv.k);
    lv_store(g, &lv, n);
    cc_free_reg(g, n);
  } else {
    cc_emit(g, CVM_OP_ADDI, t, t, d);
    if (want || lv.kind != LV_ELEM || lv.k == TY_BOOL) normalise(g, t, TY_INT, lv.k);
    lv_store(g, &lv, t);
  }
  if (!want) {
    cc_free_reg(g, t);
    lv_done(g, &lv);
    return NOREG;
  }
  if (dst != NOREG) {
    cc_emit(g, CVM_OP_MOV, dst, t, 0);
    cc_free_reg(g, t);
    lv_done(g, &lv);
    return dst;
  }
  return t;
}

/* ---- calls ------------------------------------------------------------- */

static int call_result(cc_gen *g, int A, int dst) {
  g->freereg = A + 1;
  if (dst != NOREG && dst != A) {
    cc_emit(g, CVM_OP_MOV, dst, A, 0);
    cc_free_reg(g, A);
    return dst;
  }
  return A;
}

static int call(cc_gen *g, cc_node *e, int dst) {
  cc_func *f = e->fn;
  int A = g->freereg;
  for (uint32_t i = 0; i < e->nlist; i++) {
    int r = cc_alloc_reg(g);
    if (f->ptypes[i].ndim) {
      cc_alloc_reg(g);
      cc_desc(g, e->list[i], r, false);
      g->freereg = r + 2;
    } else {
      cc_ex(g, e->list[i], r);
      g->freereg = r + 1;
    }
  }
  if (e->nlist == 0) cc_alloc_reg(g);
  g->line = e->line;
  cc_emitk(g, CVM_OP_CALL, A, f->id);
  return call_result(g, A, dst);
}

static int syscall(cc_gen *g, cc_node *e, int dst) {
  const cc_host *hc = e->hc;
  int A = g->freereg, slots = 0;
  uint32_t npass = e->nlist, fixed = (uint32_t)strlen(hc->sig);
  if (fixed && hc->sig[fixed - 1] == '.') npass = (uint32_t)e->val;   /* printf */
  for (uint32_t i = 0; i < e->nlist; i++) {
    cc_node *a = e->list[i];
    if (i >= npass) {             /* extra printf arguments: effects only */
      cc_ex_void(g, a);
      g->freereg = A + slots;
      continue;
    }
    int r = cc_alloc_reg(g);
    if (a->ty.ndim) {
      cc_alloc_reg(g);
      cc_desc(g, a, r, true);
      slots += 2;
    } else {
      cc_ex(g, a, r);
      slots += 1;
    }
    g->freereg = A + slots;
  }
  if (slots == 0) cc_alloc_reg(g);
  g->line = e->line;
  cc_emit(g, CVM_OP_SYS, A, hc->id, slots);
  return call_result(g, A, dst);
}

/* ---- values ------------------------------------------------------------ */

int cc_ex(cc_gen *g, cc_node *e, int dst) {
  int r;
  switch (e->k) {
    case E_NUM:
      if (dst == NOREG && (r = cc_cached_const(g, e->val)) >= 0) return r;
      r = target(g, dst);
      cc_load_const(g, r, e->val);
      return r;
    case E_REG:
      if (dst == NOREG) return e->val;
      if (dst != e->val) cc_emit(g, CVM_OP_MOV, dst, e->val, 0);
      return dst;
    case E_VAR: {
      cc_sym *s = e->sym;
      if (s->stor == ST_LOCAL || s->stor == ST_PARAM) {
        if (dst == NOREG) return s->reg;
        if (dst != s->reg) cc_emit(g, CVM_OP_MOV, dst, s->reg, 0);
        return dst;
      }
      r = target(g, dst);
      cc_emitk(g, CVM_OP_LDG, r, (int32_t)s->gword);
      return r;
    }
    case E_INDEX: {
      abase b;
      cc_sym *pi = post_index(e);
      if (pi && dst != pi->reg && !refs(e->a, pi)) {
        array_base(g, e->a, &b);
        r = target(g, dst);
        elem_op(g, ld_op(&b), &b, r, pi->reg);
        post_step(g, e, pi);
        return r;
      }
      int idx = elem_index(g, e, &b);
      if (idx != dst) cc_free_reg(g, idx);
      r = target(g, dst);
      elem_op(g, ld_op(&b), &b, r, idx);
      return r;
    }
    case E_CAST: {
      if (e->ty.k == TY_VOID) {
        cc_ex_void(g, e->a);
        r = target(g, dst);
        return r;
      }
      int op = conv_op(e->a->ty.k, e->ty.k);
      if (op < 0) return cc_ex(g, e->a, dst);
      int ra = cc_ex(g, e->a, NOREG);
      if (ra != dst) cc_free_reg(g, ra);
      r = target(g, dst);
      emit_conv(g, op, r, ra);
      return r;
    }
    case E_NEG: case E_NOT: case E_LNOT: {
      int ra = cc_ex(g, e->a, NOREG);
      if (ra != dst) cc_free_reg(g, ra);
      r = target(g, dst);
      cc_emit(g, e->k == E_NEG ? CVM_OP_NEG : e->k == E_NOT ? CVM_OP_NOT : CVM_OP_LNOT, r, ra, 0);
      return r;
    }
    case E_ADD: case E_SUB: case E_MUL: case E_DIV: case E_MOD: case E_SHL: case E_SHR:
    case E_AND: case E_OR: case E_XOR:
    case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE: {
      cc_node *a = e->a, *b = e->b;
      int op = e->k;
      if (a->k == E_NUM && b->k != E_NUM && (commutes(op) || IS_CMP(op))) {
        cc_node *t = a; a = b; b = t;
        op = mirror(op);
      }
      int ra = cc_ex(g, a, NOREG);
      return binop(g, op, e->uns, dst, ra, b);
    }
    case E_LAND: case E_LOR: {
      int lf = cc_newlabel(g), lend = cc_newlabel(g);
      if (dst == NOREG) {
        r = cc_alloc_reg(g);
        cc_emitk(g, CVM_OP_LDI, r, 0);
        cc_cond(g, e, false, lend);
        cc_emitk(g, CVM_OP_LDI, r, 1);
        cc_label(g, lend);
        return r;
      }
      cc_cond(g, e, false, lf);
      cc_emitk(g, CVM_OP_LDI, dst, 1);
      cc_jump(g, lend);
      cc_label(g, lf);
      cc_emitk(g, CVM_OP_LDI, dst, 0);
      cc_label(g, lend);
      return dst;
    }
    case E_COND: {
      int lelse = cc_newlabel(g), lend = cc_newlabel(g);
      if (e->ty.k == TY_VOID) {
        cc_ex_void(g, e);
        return target(g, dst);
      }
      r = target(g, dst);
      cc_cond(g, e->a, false, lelse);
      cc_ex(g, e->b, r);
      cc_jump(g, lend);
      cc_label(g, lelse);
      cc_ex(g, e->c, r);
      cc_label(g, lend);
      return r;
    }
    case E_COMMA:
      cc_ex_void(g, e->a);
      return cc_ex(g, e->b, dst);
    case E_ASSIGN: return assign(g, e, dst, true);
    case E_OPASSIGN: return opassign(g, e, dst, true);
    case E_PREINC: case E_PREDEC: case E_POSTINC: case E_POSTDEC:
      return incdec(g, e, dst, true);
    case E_CALL: return call(g, e, dst);
    case E_SYS: return syscall(g, e, dst);
    default:
      return target(g, dst);     /* arrays/strings as values: rejected earlier */
  }
}

void cc_ex_void(cc_gen *g, cc_node *e) {
  int r;
  switch (e->k) {
    case E_NUM: case E_VAR: case E_STR: case E_REG: return;
    case E_ASSIGN: assign(g, e, NOREG, false); return;
    case E_OPASSIGN: opassign(g, e, NOREG, false); return;
    case E_PREINC: case E_PREDEC: case E_POSTINC: case E_POSTDEC:
      incdec(g, e, NOREG, false);
      return;
    case E_COMMA: cc_ex_void(g, e->a); cc_ex_void(g, e->b); return;
    case E_CAST: cc_ex_void(g, e->a); return;
    case E_LAND: case E_LOR: {
      int lend = cc_newlabel(g);
      cc_cond(g, e->a, e->k == E_LOR, lend);
      cc_ex_void(g, e->b);
      cc_label(g, lend);
      return;
    }
    case E_COND: {
      int lelse = cc_newlabel(g), lend = cc_newlabel(g);
      cc_cond(g, e->a, false, lelse);
      cc_ex_void(g, e->b);
      cc_jump(g, lend);
      cc_label(g, lelse);
      cc_ex_void(g, e->c);
      cc_label(g, lend);
      return;
    }
    case E_NEG: case E_NOT: case E_LNOT:
      cc_ex_void(g, e->a);
      return;
    case E_INDEX:
      if (e->a->k == E_INDEX) cc_ex_void(g, e->a->b);
      cc_ex_void(g, e->b);
      return;
    case E_ADD: case E_SUB: case E_MUL: case E_SHL: case E_SHR: case E_AND: case E_OR:
    case E_XOR: case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE:
      cc_ex_void(g, e->a);
      cc_ex_void(g, e->b);
      return;
    default:
      r = cc_ex(g, e, NOREG);
      cc_free_reg(g, r);
      return;
  }
}

/* ---- conditions -------------------------------------------------------- */

static int invert(int op) {
  switch (op) {
    case E_EQ: return E_NE; case E_NE: return E_EQ; case E_LT: return E_GE;
    case E_LE: return E_GT; case E_GT: return E_LE; default: return E_LT;
  }
}

static void branch2(cc_gen *g, int op, int a, int b, int label) {
  cc_ins *in = cc_emit(g, op, a, b, 0);
  in->k = label;
}

static void cmp_branch(cc_gen *g, cc_node *e, bool jt, int label) {
  int op = jt ? e->k : invert(e->k);
  cc_node *a = e->a, *b = e->b;
  bool uns = e->uns;
  if (a->k == E_NUM && b->k != E_NUM) {
    cc_node *t = a; a = b; b = t;
    op = mirror(op);
  }
  if (b->k == E_NUM) {
    int32_t v = b->val;
    if ((op == E_EQ || op == E_NE) && v == 0) {
      int ra = cc_ex(g, a, NOREG);
      cc_ins *in = cc_emit(g, op == E_EQ ? CVM_OP_JZ : CVM_OP_JNZ, ra, 0, 0);
      in->k = label;
      cc_free_reg(g, ra);
      return;
    }
    if (uns && v == 0) {            /* unsigned against zero */
      if (op == E_LT) { cc_ex_void(g, a); return; }
      if (op == E_GE) { cc_ex_void(g, a); cc_jump(g, label); return; }
      int ra = cc_ex(g, a, NOREG);
      cc_ins *in = cc_emit(g, op == E_GT ? CVM_OP_JNZ : CVM_OP_JZ, ra, 0, 0);
      in->k = label;
      cc_free_reg(g, ra);
      return;
    }
    if (IS_I8(v) && (!uns || op == E_EQ || op == E_NE)) {
      static const uint8_t iops[] = { CVM_OP_JEQI, CVM_OP_JNEI, CVM_OP_JLTI, CVM_OP_JLEI,
                                      CVM_OP_JGTI, CVM_OP_JGEI };
      int ra = cc_ex(g, a, NOREG);
      branch2(g, iops[op - E_EQ], ra, v & 0xFF, label);
      cc_free_reg(g, ra);
      return;
    }
  }
  int ra = cc_ex(g, a, NOREG);
  int rb = cc_ex(g, b, NOREG);
  switch (op) {
    case E_EQ: branch2(g, CVM_OP_JEQ, ra, rb, label); break;
    case E_NE: branch2(g, CVM_OP_JNE, ra, rb, label); break;
    case E_LT: branch2(g, uns ? CVM_OP_JLTU : CVM_OP_JLT, ra, rb, label); break;
    case E_LE: branch2(g, uns ? CVM_OP_JLEU : CVM_OP_JLE, ra, rb, label); break;
    case E_GT: branch2(g, uns ? CVM_OP_JLTU : CVM_OP_JLT, rb, ra, label); break;
    default: branch2(g, uns ? CVM_OP_JLEU : CVM_OP_JLE, rb, ra, label); break;
  }
  cc_free_reg(g, rb);
  cc_free_reg(g, ra);
}

void cc_cond(cc_gen *g, cc_node *e, bool jt, int label) {
  switch (e->k) {
    case E_NUM:
      if ((e->val != 0) == jt) cc_jump(g, label);
      return;
    case E_LNOT:
      cc_cond(g, e->a, !jt, label);
      return;
    case E_LAND: case E_LOR: {
      bool and = e->k == E_LAND;
      if (jt != and) {               /* && jumping on false, || jumping on true */
        cc_cond(g, e->a, jt, label);
        cc_cond(g, e->b, jt, label);
      } else {
        int skip = cc_newlabel(g);
        cc_cond(g, e->a, !jt, skip);
        cc_cond(g, e->b, jt, label);
        cc_label(g, skip);
      }
      return;
    }
    case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE:
      cmp_branch(g, e, jt, label);
      return;
    case E_COMMA:
      cc_ex_void(g, e->a);
      cc_cond(g, e->b, jt, label);
      return;
    case E_CAST:
      if (e->ty.k == TY_BOOL || e->ty.k == TY_INT || e->ty.k == TY_UINT) {
        cc_cond(g, e->a, jt, label);
        return;
      }
      break;
    default:
      break;
  }
  int r = cc_ex(g, e, NOREG);
  cc_ins *in = cc_emit(g, jt ? CVM_OP_JNZ : CVM_OP_JZ, r, 0, 0);
  in->k = label;
  cc_free_reg(g, r);
}
