/*
** cc_loop.c -- loop optimisations: values a loop does not change are
** computed once, before it, into registers reserved for the loop.
**
**  - operands of the loop condition that do not change in the loop (and
**    constants too large for an immediate): `i < n - 1` tests against a
**    register, one compare-and-branch per iteration;
**  - row offsets of two-dimensional accesses whose row variable does not
**    change in the loop: m[i][k] computes i * inner once;
**  - the range of a counting loop's variable (for (k = c; k < C; k++)
**    with k unchanged in the body): inner indexes it cannot exceed need
**    no bounds check.
** Only side-effect-free arithmetic on locals and parameters is moved, and
** never a division (which may trap).
*/
#include <string.h>

#include "cc_gen.h"

#define MAX_HOIST 4          /* registers one loop may reserve */
#define HOIST_LIMIT 200      /* no hoisting once the frame is this full */

/* ---- what a loop modifies ---------------------------------------------- */

typedef struct modset {
  cc_sym *s[64];
  int n;
  bool overflow;             /* too many: treat every local as modified */
} modset;

static void mod_add(modset *m, cc_sym *s) {
  for (int i = 0; i < m->n; i++)
    if (m->s[i] == s) return;
  if (m->n == 64) m->overflow = true;
  else m->s[m->n++] = s;
}

static void mod_walk(modset *m, const cc_node *n) {
  if (!n) return;
  switch (n->k) {
    case E_ASSIGN: case E_OPASSIGN: case E_PREINC: case E_PREDEC: case E_POSTINC:
    case E_POSTDEC:
      if (n->a->k == E_VAR) mod_add(m, n->a->sym);
      break;
    case S_DECL:
      mod_add(m, n->sym);      /* re-initialised each iteration */
      if (n->sym->inode)
        for (uint32_t i = 0; i < n->sym->ninit; i++) mod_walk(m, n->sym->inode[i]);
      break;
    default:
      break;
  }
  mod_walk(m, n->a);
  mod_walk(m, n->b);
  mod_walk(m, n->c);
  mod_walk(m, n->d);
  for (uint32_t i = 0; i < n->nlist; i++) mod_walk(m, n->list[i]);
}

static bool modified(const modset *m, const cc_sym *s) {
  if (m->overflow) return true;
  for (int i = 0; i < m->n; i++)
    if (m->s[i] == s) return true;
  return false;
}

static bool is_reg_var(const cc_node *e) {
  return e->k == E_VAR && e->ty.ndim == 0 &&
         (e->sym->stor == ST_LOCAL || e->sym->stor == ST_PARAM);
}

/* Can e be computed before the loop with the same value? */
static bool invariant(const modset *m, const cc_node *e, int depth) {
  if (depth > 8) return false;
  switch (e->k) {
    case E_NUM: case E_REG: return true;
    case E_VAR: return is_reg_var(e) && !modified(m, e->sym);
    case E_CAST: case E_NEG: case E_NOT:
      return e->ty.k != TY_VOID && invariant(m, e->a, depth + 1);
    case E_ADD: case E_SUB: case E_MUL: case E_SHL: case E_SHR: case E_AND: case E_OR:
    case E_XOR:
      return invariant(m, e->a, depth + 1) && invariant(m, e->b, depth + 1);
    default:
      return false;
  }
}

/* ---- the loop state ---------------------------------------------------- */

static int reserve(cc_gen *g, cc_node *e) {
  int r = cc_alloc_reg(g);
  cc_ex(g, e, r);
  g->freereg = r + 1;
  g->nactive = g->freereg;
  return r;
}

static cc_node *reg_node(cc_gen *g, const cc_node *like, int r) {
  cc_node *n = cc_alloc(g->cs, sizeof *n);
  n->k = E_REG;
  n->val = r;
  n->ty = like->ty;
  n->line = like->line;
  n->col = like->col;
  return n;
}

/* Does comparison operand e need a register of its own each time? */
static bool worth(const cc_node *cmp, const cc_node *e) {
  if (e->k == E_VAR || e->k == E_REG) return false;
  if (e->k != E_NUM) return true;
  int32_t v = e->val;
  if (v == 0) return false;
  bool eq = cmp->k == E_EQ || cmp->k == E_NE;
  return !(v >= -128 && v <= 127 && (eq || !cmp->uns));
}

static void want_const(cc_gen *g, const cc_node *e, int *budget);


static void hoist_cmp(cc_gen *g, const modset *m, cc_node *cmp, int *budget) {
  if (cmp->k < E_EQ || cmp->k > E_GE) return;
  cc_node **ops[2] = { &cmp->a, &cmp->b };
  for (int i = 0; i < 2 && *budget > 0; i++) {
    cc_node *e = *ops[i];
    if (!worth(cmp, e) || !invariant(m, e, 0)) continue;
    if (e->k == E_NUM) {                 /* shared with the body's constants */
      want_const(g, e, budget);
      int r = cc_cached_const(g, e->val);
      if (r >= 0) *ops[i] = reg_node(g, e, r);
      continue;
    }
    *ops[i] = reg_node(g, e, reserve(g, e));
    (*budget)--;
  }
}

/* for (...; k < N; k += s) with s a variable and s and N invariant: s and
** N go into two adjacent registers before the loop, so the step and the
** test close the loop as one ADDLT k, s (cc_fuse). Constant steps keep
** ADDI and JLT(I): pairing them would cost more words than it saves. */
static void pair_step(cc_gen *g, const modset *m, cc_node *loop) {
  cc_node *cond = loop->b, *step = loop->c;
  if (!step || g->freereg > HOIST_LIMIT || cond->k != E_LT || cond->uns) return;
  if (step->k != E_OPASSIGN || step->op != E_ADD || !is_reg_var(step->a) ||
      step->a->sym->ty.k != TY_INT || cond->a->k != E_VAR || cond->a->sym != step->a->sym)
    return;
  if (!is_reg_var(step->b) || !invariant(m, step->b, 0) ||
      !invariant(m, cond->b, 0) || step->b->ty.k != TY_INT || cond->b->ty.k != TY_INT)
    return;
  int rs = reserve(g, step->b), rl = reserve(g, cond->b);
  step->b = reg_node(g, step->b, rs);
  cond->b = reg_node(g, cond->b, rl);
}

/* Rows of 2-D accesses in n with invariant row variables. */
static void hoist_rows(cc_gen *g, const modset *m, const cc_node *n, int *budget) {
  if (!n || *budget <= 0) return;
  if (n->k == E_INDEX && n->a->k == E_INDEX && n->a->a->ty.ndim == 2 && is_reg_var(n->a->b) &&
      !modified(m, n->a->b->sym) && n->ty.ndim == 0) {
    cc_sym *row = n->a->b->sym;
    uint32_t inner = n->a->a->ty.dim[1];
    if (cc_hoisted_row(g, row, inner) < 0 && g->nrows < CC_MAX_LOOPFACTS) {
      int r = cc_alloc_reg(g);
      cc_node tmp = { 0 };
      tmp.k = E_MUL;
      tmp.a = n->a->b;
      cc_node k = { 0 };
      k.k = E_NUM;
      k.val = (int32_t)inner;
      k.ty = cc_ty_scalar(TY_INT);
      tmp.b = &k;
      tmp.ty = cc_ty_scalar(TY_INT);
      cc_ex(g, &tmp, r);
      g->freereg = r + 1;
      g->nactive = g->freereg;
      g->rows[g->nrows].sym = row;
      g->rows[g->nrows].inner = inner;
      g->rows[g->nrows].reg = r;
      g->nrows++;
      (*budget)--;
    }
  }
  hoist_rows(g, m, n->a, budget);
  hoist_rows(g, m, n->b, budget);
  hoist_rows(g, m, n->c, budget);
  hoist_rows(g, m, n->d, budget);
  if (n->k == S_BLOCK || n->k == E_CALL || n->k == E_SYS)
    for (uint32_t i = 0; i < n->nlist; i++) hoist_rows(g, m, n->list[i], budget);
}

/* Constants the loop would load into a register each time: stored
** values, operands with no immediate form, constant indexes. */
static void want_const(cc_gen *g, const cc_node *e, int *budget) {
  if (!e || e->k != E_NUM || *budget <= 0 || cc_cached_const(g, e->val) >= 0 ||
      g->nconsts >= CC_MAX_LOOPFACTS)
    return;
  int r = cc_alloc_reg(g);
  cc_load_const(g, r, e->val);
  g->freereg = r + 1;
  g->nactive = g->freereg;
  g->consts[g->nconsts].val = e->val;
  g->consts[g->nconsts].reg = r;
  g->nconsts++;
  (*budget)--;
}

static void hoist_consts(cc_gen *g, const cc_node *n, int *budget) {
  if (!n || *budget <= 0) return;
  int32_t imm;
  switch (n->k) {
    case E_ASSIGN:
      if (n->a->k == E_INDEX || (n->a->k == E_VAR && n->a->sym->stor != ST_LOCAL &&
                                 n->a->sym->stor != ST_PARAM))
        want_const(g, n->b, budget);
      break;
    case E_INDEX:
      if (n->a->k != E_INDEX && n->ty.ndim == 0) want_const(g, n->b, budget);
      break;
    case E_ADD: case E_SUB: case E_MUL: case E_DIV: case E_MOD: case E_AND: case E_OR:
    case E_XOR:
      if (n->a->k == E_NUM && n->b->k != E_NUM &&
          !(n->k == E_ADD || n->k == E_MUL || n->k == E_AND || n->k == E_OR || n->k == E_XOR))
        want_const(g, n->a, budget);
      if (n->b->k == E_NUM && cc_imm_op(n->k, n->uns, n->b->val, &imm) < 0)
        want_const(g, n->b, budget);
      break;
    case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE: {
      const cc_node *c = n->b->k == E_NUM ? n->b : n->a->k == E_NUM ? n->a : NULL;
      if (c && worth(n, c)) want_const(g, c, budget);
      break;
    }
    default:
      break;
  }
  hoist_consts(g, n->a, budget);
  hoist_consts(g, n->b, budget);
  hoist_consts(g, n->c, budget);
  hoist_consts(g, n->d, budget);
  if (n->k == S_BLOCK || n->k == E_CALL || n->k == E_SYS)
    for (uint32_t i = 0; i < n->nlist; i++) hoist_consts(g, n->list[i], budget);
}

int cc_cached_const(cc_gen *g, int32_t v) {
  for (int i = g->nconsts - 1; i >= 0; i--)
    if (g->consts[i].val == v) return g->consts[i].reg;
  return -1;
}

int cc_hoisted_row(cc_gen *g, const cc_sym *s, uint32_t inner) {
  for (int i = g->nrows - 1; i >= 0; i--)
    if (g->rows[i].sym == s && g->rows[i].inner == inner) return g->rows[i].reg;
  return -1;
}

bool cc_known_range(cc_gen *g, const cc_node *e, int64_t lo, int64_t hi) {
  if (e->k == E_NUM) return e->val >= lo && e->val <= hi;
  if (e->k != E_VAR) return false;
  for (int i = g->nfacts - 1; i >= 0; i--)
    if (g->facts[i].sym == e->sym) return g->facts[i].lo >= lo && g->facts[i].hi <= hi;
  return false;
}

/* The counting variable of for (k = c0; k < C; k++) and its range. */
static void induction(cc_gen *g, const cc_node *loop, const modset *body) {
  const cc_node *init = loop->a, *cond = loop->b, *step = loop->c;
  if (!init || !cond || !step || g->nfacts >= CC_MAX_LOOPFACTS) return;
  cc_sym *k = NULL;
  int64_t c0 = 0;
  if (init->k == S_BLOCK && init->nlist == 1 && init->list[0]->k == S_DECL &&
      init->list[0]->a && init->list[0]->a->k == E_NUM) {
    k = init->list[0]->sym;
    c0 = init->list[0]->a->val;
  } else if (init->k == S_EXPR && init->a->k == E_ASSIGN && init->a->a->k == E_VAR &&
             init->a->b->k == E_NUM) {
    k = init->a->a->sym;
    c0 = init->a->b->val;
  }
  if (!k || k->ty.ndim || (k->ty.k != TY_INT && k->ty.k != TY_UINT) ||
      (k->stor != ST_LOCAL && k->stor != ST_PARAM) || modified(body, k))
    return;
  if (k->ty.k == TY_UINT) c0 = (uint32_t)c0;
  if (!((cond->k == E_LT || cond->k == E_LE) && cond->a->k == E_VAR && cond->a->sym == k &&
        cond->b->k == E_NUM))
    return;
  int64_t bound = cond->uns ? (int64_t)(uint32_t)cond->b->val : (int64_t)cond->b->val;
  int64_t hi = cond->k == E_LT ? bound - 1 : bound;
  bool up = (step->k == E_POSTINC || step->k == E_PREINC) ||
            (step->k == E_OPASSIGN && step->op == E_ADD && step->b->k == E_NUM && step->b->val > 0);
  if (!up || step->a->k != E_VAR || step->a->sym != k || hi < c0 || c0 < 0) return;
  int64_t d = step->k == E_OPASSIGN ? step->b->val : 1;   /* the last step must not wrap k */
  if (hi + d > (k->ty.k == TY_INT ? (int64_t)INT32_MAX : (int64_t)UINT32_MAX)) return;
  if (cond->k == E_LE && bound >= (k->ty.k == TY_INT ? INT32_MAX : (int64_t)UINT32_MAX)) return;
  g->facts[g->nfacts].sym = k;
  g->facts[g->nfacts].lo = c0;
  g->facts[g->nfacts].hi = hi;
  g->nfacts++;
}

static int div_find(cc_gen *g, const cc_node *row, const cc_node *col, uint32_t inner) {
  for (int i = g->ndivs - 1; i >= 0; i--) {
    if (g->divs[i].inner != inner) continue;
    const cc_node *kv = g->divs[i].colk ? col : row, *o = g->divs[i].colk ? row : col;
    if (kv->k != E_VAR || g->divs[i].k != kv->sym) continue;
    if (g->divs[i].colsym ? (o->k == E_VAR && o->sym == g->divs[i].colsym)
                          : (o->k == E_NUM && o->val == g->divs[i].colval))
      return i;
  }
  return -1;
}

/* Is subscript s the variable k, k + o, o + k or o - k (int)? Its offset
** operand o (NULL for plain k) in *o, and in *neg whether k is subtracted. */
static bool sub1(const cc_node *s, const cc_sym *k, const cc_node **o, bool *neg) {
  *o = NULL;
  *neg = false;
  if (s->k == E_VAR) return s->sym == k;
  if ((s->k != E_ADD && s->k != E_SUB) || s->ty.k != TY_INT) return false;
  if (s->k == E_SUB) {
    *neg = true;
    if (s->b->k == E_VAR && s->b->sym == k) *o = s->a;
  } else if (s->a->k == E_VAR && s->a->sym == k) {
    *o = s->b;
  } else if (s->b->k == E_VAR && s->b->sym == k) {
    *o = s->a;
  }
  return *o != NULL;
}

static bool same_offset(const cc_node *o, const cc_sym *colsym, int32_t colval) {
  if (!o) return !colsym && colval == 0;
  return colsym ? o->k == E_VAR && o->sym == colsym : o->k == E_NUM && o->val == colval;
}

/* The divs entry whose register holds the value of 1-D subscript s, or -1;
** with arr, the entry of that array (each holds its array's descriptor). */
static int div_find1s(cc_gen *g, const cc_node *s, const cc_sym *arr) {
  for (int i = g->ndivs - 1; i >= 0; i--) {
    const cc_node *o;
    bool neg;
    if (g->divs[i].inner == 0 && (!arr || g->divs[i].desc_arr == arr) &&
        sub1(s, g->divs[i].k, &o, &neg) && neg == g->divs[i].colk &&
        same_offset(o, g->divs[i].colsym, g->divs[i].colval))
      return i;
  }
  return -1;
}

/* The divs entry of 1-D element n (its array's own), or -1. */
static int div_find1(cc_gen *g, const cc_node *n) {
  if (n->k != E_INDEX || n->a->k != E_VAR || n->a->ty.ndim != 1) return -1;
  return div_find1s(g, n->b, n->a->sym);
}

int cc_derived_index1(cc_gen *g, const cc_node *s) {
  int i = div_find1s(g, s, NULL);
  return i < 0 ? -1 : g->divs[i].reg;
}

int cc_derived_desc1(cc_gen *g, const cc_node *n) {
  int i = div_find1(g, n);
  return i < 0 ? -1 : g->divs[i].desc;
}

int cc_derived_index(cc_gen *g, const cc_node *row, const cc_node *col, uint32_t inner) {
  int i = div_find(g, row, col, inner);
  return i < 0 ? -1 : g->divs[i].reg;
}

int cc_derived_desc(cc_gen *g, const cc_node *row, const cc_node *col, uint32_t inner,
                    const cc_sym *arr) {
  int i = div_find(g, row, col, inner);
  return i < 0 || g->divs[i].desc_arr != arr ? -1 : g->divs[i].desc;
}

/* Element n (an E_INDEX) under conversions that keep its value. */
const cc_node *cc_mac_peel(const cc_node *n) {
  while (n->k == E_CAST && n->a && cc_ty_size(n->ty.k) == 4 && cc_ty_size(n->a->ty.k) <= 4 &&
         (n->a->ty.k == TY_SHORT || n->a->ty.k == TY_INT || n->a->ty.k == TY_UINT))
    n = n->a;
  return n;
}

/* Kind of a multiply-accumulate operand: an element of a one- or
** two-dimensional RAM array of words or signed halfwords; 0 if not one. */
int cc_mac_kind(const cc_node *n) {
  if (n->k != E_INDEX || n->ty.ndim != 0) return 0;
  const cc_node *arr = n->a->k == E_INDEX ? n->a->a : n->a;
  if (arr->k != E_VAR || arr->ty.ndim != (n->a->k == E_INDEX ? 2 : 1) || arr->sym->rodata ||
      arr->sym->ty.cnst)
    return 0;           /* const arrays may sit in read-only data, out of descriptors' reach */
  int k = n->ty.k;
  return k == TY_INT || k == TY_UINT ? 4 : k == TY_SHORT ? 2 : 0;
}

/* The array of MAC operand n (cc_mac_kind non-zero). */
static const cc_node *mac_array(const cc_node *n) {
  return n->a->k == E_INDEX ? n->a->a : n->a;
}

/* Is s declared in n (so its storage is not set up before the loop)? */
static bool declared_in(const cc_node *n, const cc_sym *s) {
  if (!n) return false;
  if (n->k == S_DECL && n->sym == s) return true;
  if (declared_in(n->a, s) || declared_in(n->b, s) || declared_in(n->c, s) || declared_in(n->d, s))
    return true;
  for (uint32_t i = 0; i < n->nlist; i++)
    if (declared_in(n->list[i], s)) return true;
  return false;
}

static bool fixed_operand(const modset *m, const cc_node *e);

/* Can MAC operand n have a descriptor triple in this loop (counter k, body
** modifying m): one an enclosing loop keeps, or one derive can give it? */
static bool triple_ok(cc_gen *g, const modset *m, const cc_sym *k, const cc_node *n) {
  const cc_node *o;
  bool neg;
  if (n->a->k == E_VAR)                             /* one-dimensional */
    return cc_derived_desc1(g, n) >= 0 ||
           (sub1(n->b, k, &o, &neg) && (!o || fixed_operand(m, o)));
  const cc_node *arr = n->a->a, *row = n->a->b, *col = n->b;
  if (cc_derived_desc(g, row, col, arr->ty.dim[1], arr->sym) >= 0) return true;
  return (row->k == E_VAR && row->sym == k && fixed_operand(m, col)) ||
         (col->k == E_VAR && col->sym == k && fixed_operand(m, row));
}

/* acc += x[..] * y[..] statements in n (the loop body `body`, counter k):
** when both elements can have descriptor triples, their subscripts want
** them, so the addition is one MACP/MACPS16. The arrays must exist before
** the loop. */
static void find_macs(cc_gen *g, const modset *m, const cc_sym *k, const cc_node *n,
                      const cc_node *body) {
  if (!n) return;
  if (n->k == E_OPASSIGN && n->op == E_ADD && is_reg_var(n->a) &&
      (n->a->ty.k == TY_INT || n->a->ty.k == TY_UINT) && n->b->k == E_MUL) {
    const cc_node *x = cc_mac_peel(n->b->a), *y = cc_mac_peel(n->b->b);
    int kx = cc_mac_kind(x), ky = cc_mac_kind(y);
    if (kx && kx == ky && g->nmacx + 2 <= (int)(sizeof g->macx / sizeof g->macx[0]) &&
        !declared_in(body, mac_array(x)->sym) && !declared_in(body, mac_array(y)->sym) &&
        triple_ok(g, m, k, x) && triple_ok(g, m, k, y)) {
      g->macx[g->nmacx++] = x;
      g->macx[g->nmacx++] = y;
    }
  }
  find_macs(g, m, k, n->a, body);
  find_macs(g, m, k, n->b, body);
  find_macs(g, m, k, n->c, body);
  find_macs(g, m, k, n->d, body);
  if (n->k == S_BLOCK)
    for (uint32_t i = 0; i < n->nlist; i++) find_macs(g, m, k, n->list[i], body);
}

static bool wants_triple(const cc_gen *g, const cc_node *n) {
  for (int i = 0; i < g->nmacx; i++)
    if (g->macx[i] == n) return true;
  return false;
}

/* Is e a constant or a register variable the loop does not modify? */
static bool fixed_operand(const modset *m, const cc_node *e) {
  return e->k == E_NUM || (is_reg_var(e) && !modified(m, e->sym));
}

/* For a counting variable k stepping by d: accesses m[k][c] with c
** invariant get reg = k * inner + c, advanced by d * inner per step, and
** accesses m[r][k] with r invariant get reg = r * inner + k, advanced by d. */
static void derive(cc_gen *g, const modset *m, cc_sym *k, int64_t c0, int32_t d,
                   const cc_node *n, int *budget) {
  if (!n || *budget <= 0) return;
  /* x[k + o], o invariant, as a MAC operand: reg = k + o beside x's
  ** descriptor. Any value is safe: the descriptor checks the index. */
  const cc_node *o1;
  bool neg;
  if (n->k == E_INDEX && n->ty.ndim == 0 && n->a->k == E_VAR && n->a->ty.ndim == 1 &&
      g->ndivs < CC_MAX_LOOPFACTS && wants_triple(g, n) && sub1(n->b, k, &o1, &neg) &&
      (!o1 || fixed_operand(m, o1)) && div_find1(g, n) < 0) {
    int desc = cc_alloc_reg(g);
    bool ok = cc_alloc_reg(g) == desc + 1;
    int r = cc_alloc_reg(g);
    if (ok && r == desc + 2) {
      cc_desc(g, n->a, desc, false);
      bool wide = g->dotgroups && cc_alloc_reg(g) == r + 1 && cc_alloc_reg(g) == r + 2;
      uint32_t c = neg ? 0u - (uint32_t)c0 : (uint32_t)c0;      /* o + k or o - k */
      if (!o1) cc_load_const(g, r, (int32_t)c0);
      else if (o1->k == E_NUM) cc_load_const(g, r, (int32_t)((uint32_t)o1->val + c));
      else cc_add_const(g, r, o1->sym->reg, (int32_t)c);
      g->freereg = wide ? r + 3 : r + 1;
      g->nactive = g->freereg;
      g->divs[g->ndivs].k = k;
      g->divs[g->ndivs].colsym = o1 && o1->k == E_VAR ? o1->sym : NULL;
      g->divs[g->ndivs].colval = o1 && o1->k == E_NUM ? o1->val : 0;
      g->divs[g->ndivs].inner = 0;                   /* one-dimensional */
      g->divs[g->ndivs].inc = neg ? (int32_t)(0u - (uint32_t)d) : d;
      g->divs[g->ndivs].reg = r;
      g->divs[g->ndivs].colk = neg;                  /* 1-D: k is subtracted */
      g->divs[g->ndivs].desc = desc;
      g->divs[g->ndivs].desc_arr = n->a->sym;
      g->divs[g->ndivs].wide = wide;
      g->ndivs++;
      (*budget)--;
      return;
    }
    g->freereg = desc;
    g->nactive = g->freereg;
  }
  if (n->k == E_INDEX && n->ty.ndim == 0 && n->a->k == E_INDEX && n->a->a->ty.ndim == 2 &&
      g->ndivs < CC_MAX_LOOPFACTS) {
    const cc_node *row = n->a->b, *col = n->b;
    bool rowk = row->k == E_VAR && row->sym == k && fixed_operand(m, col);
    bool colk = !rowk && col->k == E_VAR && col->sym == k && fixed_operand(m, row);
    uint32_t inner = n->a->a->ty.dim[1];
    if ((uint64_t)(uint32_t)d * inner > INT32_MAX) rowk = false;   /* the step must fit */
    if ((rowk || colk) && cc_derived_index(g, row, col, inner) < 0) {
      const cc_node *o = rowk ? col : row;           /* the invariant operand */
      int desc = -1;
      bool wide = false;
      if (wants_triple(g, n)) {                      /* descriptor, then the index */
        desc = cc_alloc_reg(g);
        if (cc_alloc_reg(g) != desc + 1) desc = -1;
        else cc_desc(g, n->a->a, desc, false);
      }
      int r = cc_alloc_reg(g);
      if (desc >= 0 && r != desc + 2) desc = -1;
      if (desc >= 0 && g->dotgroups)                 /* then the step and the count */
        wide = cc_alloc_reg(g) == r + 1 && cc_alloc_reg(g) == r + 2;
      if (rowk) {                                      /* k is c0 here */
        int32_t base = (int32_t)((uint32_t)c0 * inner);
        if (o->k == E_NUM) cc_load_const(g, r, (int32_t)((uint32_t)base + (uint32_t)o->val));
        else cc_add_const(g, r, o->sym->reg, base);
      } else if (o->k == E_NUM) {
        cc_load_const(g, r, (int32_t)((uint32_t)o->val * inner + (uint32_t)c0));
      } else {
        int hrow = cc_hoisted_row(g, o->sym, inner);
        if (hrow < 0) cc_mul_const(g, r, o->sym->reg, (int32_t)inner);
        cc_add_const(g, r, hrow < 0 ? r : hrow, (int32_t)c0);
      }
      g->freereg = wide ? r + 3 : r + 1;
      g->nactive = g->freereg;
      g->divs[g->ndivs].wide = wide;
      g->divs[g->ndivs].k = k;
      g->divs[g->ndivs].colsym = o->k == E_VAR ? o->sym : NULL;
      g->divs[g->ndivs].colval = o->k == E_NUM ? o->val : 0;
      g->divs[g->ndivs].inner = inner;
      g->divs[g->ndivs].inc = rowk ? (int32_t)((uint32_t)d * inner) : d;
      g->divs[g->ndivs].reg = r;
      g->divs[g->ndivs].colk = colk;
      g->divs[g->ndivs].desc = desc;
      g->divs[g->ndivs].desc_arr = desc >= 0 ? n->a->a->sym : NULL;
      g->ndivs++;
      (*budget)--;
    }
  }
  derive(g, m, k, c0, d, n->a, budget);
  derive(g, m, k, c0, d, n->b, budget);
  derive(g, m, k, c0, d, n->c, budget);
  derive(g, m, k, c0, d, n->d, budget);
  if (n->k == S_BLOCK || n->k == E_CALL || n->k == E_SYS)
    for (uint32_t i = 0; i < n->nlist; i++) derive(g, m, k, c0, d, n->list[i], budget);
}

/* Occurrences of variable k in n. */
static int uses_of(const cc_node *n, const cc_sym *k) {
  if (!n) return 0;
  int c = n->k == E_VAR && n->sym == k;
  c += uses_of(n->a, k) + uses_of(n->b, k) + uses_of(n->c, k) + uses_of(n->d, k);
  for (uint32_t i = 0; i < n->nlist; i++) c += uses_of(n->list[i], k);
  if (n->k == S_DECL && n->sym->inode)          /* a local array's initialiser */
    for (uint32_t i = 0; i < n->sym->ninit; i++) c += uses_of(n->sym->inode[i], k);
  return c;
}

/* Occurrences of k in n that are subscripts served by this loop's derived
** registers (divs from `from` on); -1 if one of them would still read k
** (a column not known to be in range gets checked). */
static int derived_uses(cc_gen *g, const cc_node *n, const cc_sym *k, int from, int64_t hi) {
  if (!n) return 0;
  int c = 0;
  if (n->k == E_INDEX && n->ty.ndim == 0 && n->a->k == E_INDEX && n->a->a->ty.ndim == 2) {
    int i = div_find(g, n->a->b, n->b, n->a->a->ty.dim[1]);
    if (i >= from && g->divs[i].k == k) {
      if (g->divs[i].colk && hi > (int64_t)g->divs[i].inner - 1) return -1;
      c = 1;
    }
  }
  if (n->k == E_INDEX && n->ty.ndim == 0 && n->a->k == E_VAR && n->a->ty.ndim == 1) {
    int i = div_find1s(g, n->b, NULL);   /* every 1-D access indexes through it (elem_index) */
    if (i >= from && g->divs[i].k == k) c = 1;
  }
  const cc_node *kids[4] = { n->a, n->b, n->c, n->d };
  for (int j = 0; j < 4; j++) {
    int u = derived_uses(g, kids[j], k, from, hi);
    if (u < 0) return -1;
    c += u;
  }
  for (uint32_t i = 0; i < n->nlist; i++) {
    int u = derived_uses(g, n->list[i], k, from, hi);
    if (u < 0) return -1;
    c += u;
  }
  /* initialisers are not searched for derived subscripts (derive does not
  ** look there), so any k in one stays a plain use and blocks the change */
  return c;
}

/* Linear function test replacement: for (int k = c0; k < N; k += d) whose
** body reads k only through derived subscripts needs k no more; the loop
** closes on one derived register against its value after the last step,
** which saves k's increment (and, stepping by 1, fuses into INCLT). */
static void replace_test(cc_gen *g, const cc_node *loop, cc_loopsave *sv, int nf, int32_t d) {
  const cc_node *init = loop->a, *body = loop->d;
  cc_sym *k = g->facts[nf].sym;
  int64_t c0 = g->facts[nf].lo, hi = g->facts[nf].hi;
  if (g->ndivs == sv->ndivs || d <= 0) return;
  if (!(init->k == S_BLOCK && init->nlist == 1 && init->list[0]->k == S_DECL &&
        init->list[0]->sym == k))
    return;                                     /* k must die with the loop */
  if (k->ty.k != TY_INT) return;     /* the fact says cond is k < N or k <= N */
  int u = derived_uses(g, body, k, sv->ndivs, hi);
  if (u < 0 || u != uses_of(body, k)) return;
  int best = sv->ndivs;
  for (int i = sv->ndivs; i < g->ndivs; i++)
    if (g->divs[i].inc == 1) best = i;
  int64_t trips = (hi - c0) / d + 1;
  int64_t span = trips * g->divs[best].inc;
  if (trips < 1 || span == 0 || span > INT32_MAX || span < INT32_MIN) return;
  int lim = cc_alloc_reg(g);
  cc_add_const(g, lim, g->divs[best].reg, (int32_t)span);
  g->freereg = lim + 1;
  g->nactive = g->freereg;
  sv->lftr_reg = g->divs[best].reg;
  sv->lftr_lim = lim;
  sv->lftr_ne = true;   /* p0 + span may pass INT32_MAX: equality, modulo 2^32, is exact */
}

/* for (int k = c0; k < N; k += d) acc += x * y; -- one statement, found by
** find_macs, its operands wanting descriptor triples: the whole loop may
** become one DOTP, so derive gives the triples room for a step and a
** count. Returns the statement's expression, or NULL. */
static cc_node *dot_candidate(cc_gen *g, const cc_node *loop) {
  const cc_node *init = loop->a, *body = loop->d;
  if (g->nmacx != 2 || !loop->c || !init || !body) return NULL;
  if (!(init->k == S_BLOCK && init->nlist == 1 && init->list[0]->k == S_DECL)) return NULL;
  while (body->k == S_BLOCK && body->nlist == 1) body = body->list[0];
  if (body->k != S_EXPR || !body->a || body->a->k != E_OPASSIGN) return NULL;
  const cc_node *e = body->a;
  if (cc_mac_peel(e->b->a) != g->macx[0] || cc_mac_peel(e->b->b) != g->macx[1]) return NULL;
  return body->a;
}

/* The candidate becomes a DOTP when derive gave both operands wide groups
** of their own and the counting variable is read nowhere else (so it can
** die with the loop, as in replace_test). */
static void use_dot(cc_gen *g, const cc_node *loop, cc_loopsave *sv, int nf, int32_t d,
                    cc_node *dot) {
  cc_sym *k = g->facts[nf].sym;
  int64_t c0 = g->facts[nf].lo, hi = g->facts[nf].hi;
  if (d <= 0 || g->ndivs - sv->ndivs != 2 || k->ty.k != TY_INT) return;
  if (loop->a->list[0]->sym != k) return;
  for (int i = sv->ndivs; i < g->ndivs; i++)
    if (!g->divs[i].wide || g->divs[i].desc < 0) return;
  int u = derived_uses(g, loop->d, k, sv->ndivs, hi);
  if (u != 2 || uses_of(loop->d, k) != 2) return;
  int64_t trips = (hi - c0) / d + 1;
  if (trips < 1 || trips > (int64_t)UINT32_MAX) return;
  sv->dot = dot;
  sv->dot_trips = (uint32_t)trips;
}

/* Assignments to variable i in n (=, op=, ++, --); continue statements
** are counted in *conts. */
static int writes_of(const cc_node *n, const cc_sym *i, int *conts) {
  if (!n) return 0;
  if (n->k == S_CONTINUE) (*conts)++;
  int c = (n->k == E_ASSIGN || n->k == E_OPASSIGN || n->k == E_PREINC || n->k == E_POSTINC ||
           n->k == E_PREDEC || n->k == E_POSTDEC) && n->a && n->a->k == E_VAR && n->a->sym == i;
  if (n->k == S_DECL && n->sym == i) c++;       /* declared in the loop: set each time */
  c += writes_of(n->a, i, conts) + writes_of(n->b, i, conts) + writes_of(n->c, i, conts) +
       writes_of(n->d, i, conts);
  for (uint32_t j = 0; j < n->nlist; j++) c += writes_of(n->list[j], i, conts);
  if (n->k == S_DECL && n->sym->inode)
    for (uint32_t j = 0; j < n->sym->ninit; j++) c += writes_of(n->sym->inode[j], i, conts);
  return c;
}

/* Is s the statement v++ (++v, v += 1) on a 32-bit register variable? */
static cc_sym *increment_of(const cc_node *s) {
  if (!s || s->k != S_EXPR || !s->a) return NULL;
  const cc_node *e = s->a;
  bool inc = e->k == E_POSTINC || e->k == E_PREINC ||
             (e->k == E_OPASSIGN && e->op == E_ADD && e->b->k == E_NUM && e->b->val == 1);
  if (!inc || !is_reg_var(e->a) || (e->a->ty.k != TY_INT && e->a->ty.k != TY_UINT)) return NULL;
  return e->a->sym;
}

/* for (int k = k0; k < N; k++) { ...; i++; } where k is not read in the
** body and the body ends by stepping another variable i by one (and has
** no continue, which would skip that step): i moves in lockstep with k, so
** the loop runs until i reaches i + (N - k) as taken at entry. Counting
** modulo 2^32 that holds whatever i's value, so the loop closes on i !=
** limit (INCNE) and k is dropped. */
static void replace_counter(cc_gen *g, const cc_node *loop, cc_loopsave *sv, const modset *m) {
  const cc_node *init = loop->a, *cond = loop->b, *step = loop->c, *body = loop->d;
  if (!init || !cond || !step || !body || g->freereg > HOIST_LIMIT) return;
  if (!(init->k == S_BLOCK && init->nlist == 1 && init->list[0]->k == S_DECL)) return;
  cc_sym *k = init->list[0]->sym;
  if (k->ty.k != TY_INT || k->ty.ndim || (k->stor != ST_LOCAL)) return;
  if (cond->k != E_LT || cond->uns || cond->a->k != E_VAR || cond->a->sym != k) return;
  if (!(cond->b->k == E_NUM || cond->b->k == E_REG ||
        (is_reg_var(cond->b) && !modified(m, cond->b->sym))))
    return;
  bool up = step->k == E_POSTINC || step->k == E_PREINC ||
            (step->k == E_OPASSIGN && step->op == E_ADD && step->b->k == E_NUM && step->b->val == 1);
  if (!up || step->a->k != E_VAR || step->a->sym != k || uses_of(body, k) != 0) return;
  const cc_node *last = body->k == S_BLOCK ? (body->nlist ? body->list[body->nlist - 1] : NULL)
                                           : body;
  cc_sym *i = increment_of(last);
  int conts = 0;
  if (!i || i == k || writes_of(body, i, &conts) != 1 || conts) return;
  /* lim = i + (N - k), wrapping */
  int lim = cc_alloc_reg(g);
  int rn = cc_ex(g, cond->b, NOREG);
  cc_emit(g, CVM_OP_SUB, lim, rn, k->reg);
  cc_emit(g, CVM_OP_ADD, lim, i->reg, lim);
  if (rn != lim) cc_free_reg(g, rn);
  g->freereg = lim + 1;
  g->nactive = g->freereg;
  sv->lftr_reg = i->reg;
  sv->lftr_lim = lim;
  sv->lftr_ne = true;
  sv->lftr_nocont = true;   /* so i++ and the test are adjacent and fuse */
}

void cc_loop_step(cc_gen *g, const cc_loopsave *sv) {
  for (int i = sv->ndivs; i < g->ndivs; i++)
    cc_add_const(g, g->divs[i].reg, g->divs[i].reg, g->divs[i].inc);
}

void cc_loop_enter(cc_gen *g, cc_node *loop, cc_loopsave *sv) {
  sv->freereg = g->freereg;
  sv->nactive = g->nactive;
  sv->nrows = g->nrows;
  sv->nfacts = g->nfacts;
  sv->nconsts = g->nconsts;
  sv->ndivs = g->ndivs;
  sv->lftr_reg = sv->lftr_lim = -1;
  sv->lftr_ne = false;
  sv->lftr_nocont = false;
  sv->dot = NULL;
  sv->dot_trips = 0;
  if (!g->cs->opt.optimize || g->freereg > HOIST_LIMIT) return;
  cc_node *cond = loop->k == S_FOR ? loop->b : loop->a;
  cc_node *body = loop->k == S_FOR ? loop->d : loop->b;
  modset m;
  m.n = 0;
  m.overflow = false;
  mod_walk(&m, body);
  if (loop->k == S_FOR) mod_walk(&m, loop->c);
  mod_walk(&m, cond);
  int budget = MAX_HOIST, nf = g->nfacts;
  int32_t d = 1;                  /* the counting variable's step */
  if (cond) {
    if (loop->k == S_FOR) {       /* before hoisting turns bound and step into registers */
      modset mb;
      mb.n = 0;
      mb.overflow = false;
      mod_walk(&mb, body);
      induction(g, loop, &mb);
      if (g->nfacts > nf && loop->c->k == E_OPASSIGN) d = loop->c->b->val;
    }
    cc_node *c = cond;
    while (c->k == E_LAND || c->k == E_LOR) c = c->a;   /* always evaluated */
    hoist_cmp(g, &m, c, &budget);
  }
  hoist_rows(g, &m, body, &budget);
  int cbudget = MAX_HOIST;
  hoist_consts(g, body, &cbudget);
  if (loop->k == S_FOR) hoist_consts(g, loop->c, &cbudget);
  if (loop->k == S_FOR) {
    if (g->nfacts > nf) {
      int dbudget = MAX_HOIST;
      g->nmacx = 0;
      find_macs(g, &m, g->facts[nf].sym, body, body);
      cc_node *dot = dot_candidate(g, loop);
      g->dotgroups = dot != NULL;
      derive(g, &m, g->facts[nf].sym, g->facts[nf].lo, d, body, &dbudget);
      g->dotgroups = false;
      g->nmacx = 0;
      if (dot) use_dot(g, loop, sv, nf, d, dot);
      if (!sv->dot) replace_test(g, loop, sv, nf, d);
    }
    if (sv->lftr_reg < 0 && cond) replace_counter(g, loop, sv, &m);
    if (sv->lftr_reg < 0 && cond) pair_step(g, &m, loop);
  }
}

void cc_loop_leave(cc_gen *g, const cc_loopsave *sv) {
  g->freereg = sv->freereg;
  g->nactive = sv->nactive;
  g->nrows = sv->nrows;
  g->nfacts = sv->nfacts;
  g->nconsts = sv->nconsts;
  g->ndivs = sv->ndivs;
}
