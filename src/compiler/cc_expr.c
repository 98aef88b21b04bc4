/*
** cc_expr.c -- expressions: parsing with C's precedence, types (promotions,
** usual arithmetic conversions), lvalue and argument checks, constant
** folding, and the compile-time check of printf formats.
**
** Every node carries its C type. Conversions that change a value's
** representation are explicit E_CAST nodes; folding happens as nodes are
** built, with the VM's wrapping 32-bit semantics.
*/
#include <string.h>

#include "cc_int.h"
#include "hal.h"

/* ---- types ------------------------------------------------------------- */

const char *const cc_tkind_name[TY__COUNT] = {
  "void", "_Bool", "char", "signed char", "unsigned char", "short",
  "unsigned short", "int", "unsigned int",
};

uint32_t cc_ty_size(int k) {
  static const uint8_t sz[TY__COUNT] = { 0, 1, 1, 1, 1, 2, 2, 4, 4 };
  return (unsigned)k < TY__COUNT ? sz[k] : 4;
}

bool cc_ty_signed(int k) {
  return k == TY_CHAR || k == TY_SCHAR || k == TY_SHORT || k == TY_INT;
}

bool cc_ty_isint(cc_type t) { return t.ndim == 0 && t.k != TY_VOID; }

cc_type cc_ty_scalar(int k) {
  cc_type t = { 0 };
  t.k = (uint8_t)k;
  return t;
}

int cc_ty_promote(int k) { return k == TY_UINT ? TY_UINT : TY_INT; }

int cc_ty_common(int a, int b) {
  return cc_ty_promote(a) == TY_UINT || cc_ty_promote(b) == TY_UINT ? TY_UINT : TY_INT;
}

int32_t cc_ty_norm(int k, uint32_t v) {
  switch (k) {
    case TY_BOOL: return v != 0;
    case TY_CHAR: case TY_SCHAR: return (int8_t)(uint8_t)v;
    case TY_UCHAR: return (int32_t)(v & 0xFFu);
    case TY_SHORT: return (int16_t)(uint16_t)v;
    case TY_USHORT: return (int32_t)(v & 0xFFFFu);
    default: return (int32_t)v;
  }
}

char *cc_ty_str(cc_type t, char *buf, size_t n) {
  const char *c = t.cnst ? "const " : "";
  const char *b = cc_tkind_name[t.k < TY__COUNT ? t.k : TY_INT];
  if (t.ndim == 0) snprintf(buf, n, "%s%s", c, b);
  else if (t.ndim == 1 && t.dim[0] && !t.param) snprintf(buf, n, "%s%s[%u]", c, b, (unsigned)t.dim[0]);
  else if (t.ndim == 1) snprintf(buf, n, "%s%s[]", c, b);
  else if (t.dim[0] && !t.param)
    snprintf(buf, n, "%s%s[%u][%u]", c, b, (unsigned)t.dim[0], (unsigned)t.dim[1]);
  else snprintf(buf, n, "%s%s[][%u]", c, b, (unsigned)t.dim[1]);
  return buf;
}

/* ---- tokens ------------------------------------------------------------ */

const cc_tok *cc_peek(cc_state *cs, uint32_t ahead) {
  uint32_t i = cs->pos + ahead;
  return &cs->toks[i < cs->ntoks ? i : cs->ntoks - 1];
}

const cc_tok *cc_next(cc_state *cs) {
  const cc_tok *t = &cs->toks[cs->pos];
  if (cs->pos + 1 < cs->ntoks) cs->pos++;
  return t;
}

bool cc_accept(cc_state *cs, int k) {
  if (cc_peek(cs, 0)->k != k) return false;
  cc_next(cs);
  return true;
}

const char *cc_tok_desc(const cc_tok *t, char *buf, size_t n) {
  switch (t->k) {
    case TK_EOF: snprintf(buf, n, "end of input"); break;
    case TK_IDENT: snprintf(buf, n, "'%s'", t->name->s); break;
    case TK_NUM: snprintf(buf, n, "numeric constant"); break;
    case TK_CHAR: snprintf(buf, n, "character constant"); break;
    case TK_STR: snprintf(buf, n, "string constant"); break;
    default:
      if (t->k >= TK_KW_FIRST) snprintf(buf, n, "'%s'", cc_tk_text[t->k]);
      else snprintf(buf, n, "'%s' token", cc_tk_text[t->k]);
  }
  return buf;
}

/* Expect token k. Missing closers and ';' are reported just after the
** previous token, where they belong, as GCC does. */
const cc_tok *cc_expect(cc_state *cs, int k) {
  const cc_tok *t = cc_peek(cs, 0);
  if (t->k == k) return cc_next(cs);
  char d[64];
  cc_tok_desc(t, d, sizeof d);
  if (cs->pos > 0 && (k == TK_SEMI || k == TK_RPAREN || k == TK_RBRACK)) {
    const cc_tok *p = &cs->toks[cs->pos - 1];
    cc_error(cs, p->line, p->ecol, "expected '%s' before %s", cc_tk_text[k], d);
  } else {
    cc_error(cs, t->line, t->col, "expected '%s' before %s", cc_tk_text[k], d);
  }
  return NULL;
}

/* ---- nodes ------------------------------------------------------------- */

cc_node *cc_new(cc_state *cs, int k, const cc_tok *at) {
  cc_node *n = cc_alloc(cs, sizeof *n);
  n->k = (uint8_t)k;
  if (at) { n->line = at->line; n->col = at->col; }
  n->ty = cc_ty_scalar(TY_INT);
  return n;
}

static cc_node *num_at(cc_state *cs, int32_t v, int k, const cc_node *at) {
  cc_node *n = cc_alloc(cs, sizeof *n);
  n->k = E_NUM;
  n->val = v;
  n->ty = cc_ty_scalar(k);
  if (at) { n->line = at->line; n->col = at->col; }
  return n;
}

bool cc_is_const(const cc_node *e) { return e->k == E_NUM; }

static bool is_cmp(int k) { return k >= E_EQ && k <= E_GE; }

/* Does evaluating e have an effect other than its value? */
static bool has_effects(const cc_node *e) {
  if (!e) return false;
  switch (e->k) {
    case E_NUM: case E_STR: case E_VAR: return false;
    case E_CALL: case E_SYS: case E_ASSIGN: case E_OPASSIGN:
    case E_PREINC: case E_PREDEC: case E_POSTINC: case E_POSTDEC:
      return true;
    case E_DIV: case E_MOD:          /* may trap */
      return true;
    case E_INDEX: return true;       /* may trap */
    default:
      return has_effects(e->a) || has_effects(e->b) || has_effects(e->c);
  }
}

cc_node *cc_rvalue(cc_state *cs, cc_node *e) {
  if (e->ty.ndim > 0) {
    if (e->k == E_VAR)
      cc_error(cs, e->line, e->col, "array '%s' used as a value (Cockpit C has no "
               "pointers; index it, or pass it to a function)", e->sym->name->s);
    else
      cc_error(cs, e->line, e->col, "array used as a value (Cockpit C has no pointers)");
    return num_at(cs, 0, TY_INT, e);
  }
  if (e->ty.k == TY_VOID) {
    cc_error(cs, e->line, e->col, "void value not ignored as it ought to be");
    return num_at(cs, 0, TY_INT, e);
  }
  return e;
}

cc_node *cc_convert(cc_state *cs, cc_node *e, cc_type to, bool implicit) {
  if (to.k == TY_VOID) {
    if (e->ty.k == TY_VOID && e->ty.ndim == 0) return e;
    cc_node *n = cc_new(cs, E_CAST, NULL);
    n->line = e->line; n->col = e->col;
    n->a = e;
    n->ty = cc_ty_scalar(TY_VOID);
    return n;
  }
  e = cc_rvalue(cs, e);
  if (e->ty.k == to.k) return e;
  if (e->k == E_NUM) {
    int32_t v = cc_ty_norm(to.k, (uint32_t)e->val);
    if (implicit && to.k != TY_BOOL && cc_ty_size(to.k) < 4) {
      int64_t mv = e->ty.k == TY_UINT ? (int64_t)(uint32_t)e->val : (int64_t)e->val;
      if (mv != v) {
        char b[48];
        cc_warning(cs, e->line, e->col, "%sconversion from '%s' to '%s' changes value from "
                   "'%lld' to '%d'", cc_ty_signed(to.k) ? "overflow in " : "unsigned ",
                   cc_tkind_name[e->ty.k], cc_ty_str(cc_ty_scalar(to.k), b, sizeof b),
                   (long long)mv, (int)v);
      }
    }
    return num_at(cs, v, to.k, e);
  }
  cc_node *n = cc_new(cs, E_CAST, NULL);
  n->line = e->line; n->col = e->col;
  n->a = e;
  n->ty = cc_ty_scalar(to.k);
  return n;
}

static cc_node *conv_k(cc_state *cs, cc_node *e, int k) {
  return cc_convert(cs, e, cc_ty_scalar(k), false);
}

/* Fold a binary operation on constants with VM semantics; false when it
** must be left to run time (traps). */
static bool fold2(int op, bool uns, uint32_t x, uint32_t y, uint32_t *r) {
  int32_t sx = (int32_t)x, sy = (int32_t)y;
  switch (op) {
    case E_ADD: *r = x + y; return true;
    case E_SUB: *r = x - y; return true;
    case E_MUL: *r = x * y; return true;
    case E_DIV: case E_MOD:
      if (y == 0 || (!uns && sx == INT32_MIN && sy == -1)) return false;
      if (uns) *r = op == E_DIV ? x / y : x % y;
      else *r = (uint32_t)(op == E_DIV ? sx / sy : sx % sy);
      return true;
    case E_SHL: *r = x << (y & 31); return true;
    case E_SHR: *r = uns ? x >> (y & 31) : (uint32_t)(sx >> (y & 31)); return true;
    case E_AND: *r = x & y; return true;
    case E_OR: *r = x | y; return true;
    case E_XOR: *r = x ^ y; return true;
    case E_EQ: *r = x == y; return true;
    case E_NE: *r = x != y; return true;
    case E_LT: *r = uns ? x < y : sx < sy; return true;
    case E_LE: *r = uns ? x <= y : sx <= sy; return true;
    case E_GT: *r = uns ? x > y : sx > sy; return true;
    case E_GE: *r = uns ? x >= y : sx >= sy; return true;
    default: return false;
  }
}

static const char *op_text(int op) {
  switch (op) {
    case E_ADD: return "+"; case E_SUB: return "-"; case E_MUL: return "*";
    case E_DIV: return "/"; case E_MOD: return "%"; case E_SHL: return "<<";
    case E_SHR: return ">>"; case E_AND: return "&"; case E_OR: return "|";
    case E_XOR: return "^"; default: return "?";
  }
}

/* Build a binary node for op over a and b (already rvalues), converting
** the operands, folding constants and simplifying identities. */
static cc_node *mkbin(cc_state *cs, int op, cc_node *a, cc_node *b, uint32_t line, uint32_t col) {
  a = cc_rvalue(cs, a);
  b = cc_rvalue(cs, b);
  int rk, ok;
  if (op == E_SHL || op == E_SHR) {
    ok = cc_ty_promote(a->ty.k);
    rk = ok;
    a = conv_k(cs, a, ok);
    b = conv_k(cs, b, cc_ty_promote(b->ty.k));
    if (b->k == E_NUM && ((uint32_t)b->val > 31))
      cc_warning(cs, b->line, b->col, b->val < 0 ? "shift count is negative"
                 : "shift count >= width of type");
  } else {
    ok = cc_ty_common(a->ty.k, b->ty.k);
    rk = is_cmp(op) ? TY_INT : ok;
    a = conv_k(cs, a, ok);
    b = conv_k(cs, b, ok);
  }
  bool uns = ok == TY_UINT;
  if ((op == E_DIV || op == E_MOD) && b->k == E_NUM && b->val == 0)
    cc_warning(cs, line, col, "division by zero");
  uint32_t r;
  if (a->k == E_NUM && b->k == E_NUM && fold2(op, uns, (uint32_t)a->val, (uint32_t)b->val, &r)) {
    cc_node *n = num_at(cs, (int32_t)r, rk, a);
    n->line = line; n->col = col;
    return n;
  }
  /* Signed x <= K is x < K+1, and x > K is x >= K+1: one form, so a
  ** counting loop written with <= closes with INCLT/INCLTI too. Not where
  ** K+1 overflows or leaves the 8-bit immediate range K is in. */
  if ((op == E_LE || op == E_GT) && !uns && b->k == E_NUM && b->val != INT32_MAX &&
      b->val != 127) {
    b = num_at(cs, b->val + 1, b->ty.k, b);
    op = op == E_LE ? E_LT : E_GE;
  }
  /* identities that keep the other operand's value */
  if (b->k == E_NUM) {
    int32_t v = b->val;
    if ((v == 0 && (op == E_ADD || op == E_SUB || op == E_OR || op == E_XOR ||
                    op == E_SHL || op == E_SHR)) ||
        (v == 1 && (op == E_MUL || op == E_DIV)))
      return a;
  }
  if (a->k == E_NUM && !is_cmp(op)) {
    int32_t v = a->val;
    if ((v == 0 && (op == E_ADD || op == E_OR || op == E_XOR)) || (v == 1 && op == E_MUL))
      return b;
  }
  cc_node *n = cc_alloc(cs, sizeof *n);
  n->k = (uint8_t)op;
  n->line = line; n->col = col;
  n->a = a; n->b = b;
  n->uns = uns;
  n->ty = cc_ty_scalar(rk);
  return n;
}

static int invert_cmp(int k) {
  switch (k) {
    case E_EQ: return E_NE; case E_NE: return E_EQ; case E_LT: return E_GE;
    case E_LE: return E_GT; case E_GT: return E_LE; default: return E_LT;
  }
}

static cc_node *mklnot(cc_state *cs, cc_node *a, uint32_t line, uint32_t col) {
  a = cc_rvalue(cs, a);
  if (a->k == E_NUM) {
    cc_node *n = num_at(cs, a->val == 0, TY_INT, a);
    n->line = line; n->col = col;
    return n;
  }
  if (is_cmp(a->k)) {
    cc_node *n = cc_alloc(cs, sizeof *n);
    *n = *a;
    n->k = (uint8_t)invert_cmp(a->k);
    return n;
  }
  cc_node *n = cc_alloc(cs, sizeof *n);
  n->k = E_LNOT;
  n->line = line; n->col = col;
  n->a = a;
  n->ty = cc_ty_scalar(TY_INT);
  return n;
}

/* (e != 0) as an int 0/1 */
static cc_node *truth(cc_state *cs, cc_node *e) {
  if (is_cmp(e->k) || e->k == E_LNOT || e->k == E_LAND || e->k == E_LOR) return e;
  return mkbin(cs, E_NE, e, num_at(cs, 0, TY_INT, e), e->line, e->col);
}

cc_node *cc_cond_expr_of(cc_state *cs, cc_node *e) {
  return cc_rvalue(cs, e);
}

/* ---- lvalues ----------------------------------------------------------- */

static const char *elem_name(const cc_node *e) {
  while (e->k == E_INDEX) e = e->a;
  return e->k == E_VAR ? e->sym->name->s : e->k == E_COND ? "?:" : "string literal";
}

/* what: "assignment", "increment", "decrement" */
static bool check_lvalue(cc_state *cs, cc_node *e, const char *what, uint32_t line, uint32_t col) {
  if (e->k == E_VAR && e->ty.ndim == 0 && e->sym->kind == SYM_VAR) {
    if (e->ty.cnst) {
      cc_error(cs, e->line, e->col, "%s of read-only variable '%s'", what, e->sym->name->s);
      return false;
    }
    return true;
  }
  if (e->k == E_INDEX && e->ty.ndim == 0) {
    if (e->ty.cnst) {
      cc_error(cs, e->line, e->col, "%s of read-only location (an element of '%s')", what,
               elem_name(e));
      return false;
    }
    return true;
  }
  if (e->ty.ndim > 0 && what[0] == 'a') {
    char b[64];
    cc_error(cs, line, col, "array type '%s' is not assignable", cc_ty_str(e->ty, b, sizeof b));
    return false;
  }
  if (what[0] == 'a') cc_error(cs, line, col, "lvalue required as left operand of assignment");
  else cc_error(cs, line, col, "lvalue required as %s operand", what);
  return false;
}

/* ---- expression parser ------------------------------------------------- */

static cc_node *unary(cc_state *cs);
static cc_node *cond_expr(cc_state *cs);

static void enter(cc_state *cs, const cc_tok *at) {
  if (++cs->nest > CC_MAX_NEST) {
    cc_error(cs, at->line, at->col, "expression nested too deeply");
    cc_fatal(cs, "cannot continue");
  }
}

bool cc_hc_visible(const cc_state *cs, const cc_name *n) {
  if (!n->hc) return false;
  unsigned need = (n->hc->id == CVM_HC_printf || n->hc->id == CVM_HC_putchar)
                    ? (CC_H_STDIO | CC_H_COCKPIT) : CC_H_COCKPIT;
  return (cs->headers & need) != 0;
}

cc_str *cc_string(cc_state *cs, const char *b, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++) h = (h ^ (uint8_t)b[i]) * 16777619u;
  if (cs->nstrs * 2 >= cs->strhash_cap) {            /* grow the table */
    uint32_t ncap = cs->strhash_cap ? cs->strhash_cap * 2 : 256;
    cc_str **t = cc_alloc(cs, ncap * sizeof *t);
    for (cc_str *s = cs->strs; s; s = s->next) {
      s->hnext = t[s->hash & (ncap - 1)];
      t[s->hash & (ncap - 1)] = s;
    }
    cs->strhash = t;
    cs->strhash_cap = ncap;
  }
  cc_str **bucket = &cs->strhash[h & (cs->strhash_cap - 1)];
  for (cc_str *s = *bucket; s; s = s->hnext)
    if (s->hash == h && s->n == n + 1 && memcmp(s->b, b, n) == 0) return s;
  cc_str *s = cc_alloc(cs, sizeof *s);
  s->hash = h;
  s->hnext = *bucket;
  *bucket = s;
  cs->nstrs++;
  uint8_t *p = cc_alloc(cs, n + 1);
  memcpy(p, b, n);
  s->b = p;
  s->n = n + 1;
  s->ro_entry = s->ram_entry = -1;
  s->next = cs->strs;
  cs->strs = s;
  return s;
}

/* Is argument e usable for an array parameter of type p? */
static bool array_arg(cc_state *cs, cc_node *e, cc_type p, const char *fname, uint32_t i) {
  char b1[64], b2[64];
  if (e->ty.ndim == 0) {
    cc_error(cs, e->line, e->col, "argument %u of '%s' must be an array of type '%s', not "
             "'%s'", (unsigned)i, fname, cc_ty_str(p, b1, sizeof b1),
             cc_ty_str(e->ty, b2, sizeof b2));
    return false;
  }
  cc_type t = e->ty;
  bool ok = t.ndim == p.ndim && cc_ty_size(t.k) == cc_ty_size(p.k) &&
            cc_ty_signed(t.k) == cc_ty_signed(p.k) && ((t.k == TY_BOOL) == (p.k == TY_BOOL)) &&
            (p.ndim == 1 || t.dim[1] == p.dim[1]);
  if (!ok) {
    cc_error(cs, e->line, e->col, "incompatible array for argument %u of '%s' (expected "
             "'%s', got '%s')", (unsigned)i, fname, cc_ty_str(p, b1, sizeof b1),
             cc_ty_str(t, b2, sizeof b2));
    return false;
  }
  if (t.cnst && !p.cnst && e->k != E_STR) {
    cc_error(cs, e->line, e->col, "passing read-only array '%s' as argument %u of '%s' "
             "discards 'const' (declare the parameter 'const %s')", elem_name(e), (unsigned)i,
             fname, cc_ty_str(p, b1, sizeof b1));
    return false;
  }
  return true;
}

static void mark_passed(cc_node *e) {
  if (e->k == E_COND) {
    mark_passed(e->b);
    mark_passed(e->c);
    return;
  }
  while (e->k == E_INDEX) e = e->a;
  if (e->k == E_VAR) e->sym->passed = 1;
}

static cc_node *call(cc_state *cs, const cc_tok *id) {
  cc_name *nm = id->name;
  cc_sym *s = nm->sym;
  cc_node *n;
  const cc_tok *lp = cc_next(cs);   /* '(' */
  (void)lp;
  /* arguments */
  cc_node *args[CC_MAX_PARAMS + 1];
  uint32_t na = 0;
  bool many = false;
  if (cc_peek(cs, 0)->k != TK_RPAREN) {
    do {
      cc_node *a = cc_assign_expr(cs);
      if (na < CC_MAX_PARAMS + 1) args[na++] = a;
      else many = true;
    } while (cc_accept(cs, TK_COMMA));
  }
  const cc_tok *rp = cc_peek(cs, 0);
  cc_expect(cs, TK_RPAREN);
  if (s && s->kind == SYM_FUNC) {
    cc_func *f = s->fn;
    n = cc_new(cs, E_CALL, id);
    n->fn = f;
    n->ty = f->ret;
    if (na != f->nparams || many) {
      cc_error(cs, na < f->nparams ? rp->line : args[f->nparams]->line,
               na < f->nparams ? rp->col : args[f->nparams]->col,
               "too %s arguments to function '%s' (expected %u, got %u)",
               na < f->nparams ? "few" : "many", nm->s, (unsigned)f->nparams,
               (unsigned)(many ? na + 1 : na));
      cc_note(cs, f->line, f->col, "'%s' declared here", nm->s);
      return n;
    }
    n->list = cc_alloc(cs, (na ? na : 1) * sizeof *n->list);
    n->nlist = na;
    for (uint32_t i = 0; i < na; i++) {
      cc_type p = f->ptypes[i];
      if (p.ndim) {
        if (array_arg(cs, args[i], p, nm->s, i + 1)) mark_passed(args[i]);
        n->list[i] = args[i];
      } else {
        if (args[i]->ty.ndim) {
          char b[64];
          cc_error(cs, args[i]->line, args[i]->col, "argument %u of '%s' is an array, but the "
                   "parameter has type '%s' (Cockpit C has no pointers)", (unsigned)(i + 1),
                   nm->s, cc_ty_str(p, b, sizeof b));
          n->list[i] = num_at(cs, 0, TY_INT, args[i]);
        } else {
          n->list[i] = cc_convert(cs, args[i], p, true);
        }
      }
    }
    return n;
  }
  if ((!s || s->kind != SYM_VAR) && cc_hc_visible(cs, nm)) {
    const cc_host *hc = nm->hc;
    n = cc_new(cs, E_SYS, id);
    n->hc = hc;
    n->ty = cc_ty_scalar(hc->ret == 'v' ? TY_VOID : hc->ret == 'u' ? TY_UINT : TY_INT);
    uint32_t fixed = 0;
    bool va = false;
    for (const char *p = hc->sig; *p; p++) {
      if (*p == '.') va = true; else fixed++;
    }
    if (na < fixed || (!va && (na > fixed || many))) {
      uint32_t at = na < fixed ? 0 : fixed;
      cc_error(cs, na < fixed ? rp->line : args[at]->line, na < fixed ? rp->col : args[at]->col,
               "too %s arguments to function '%s' (expected %u, got %u)",
               na < fixed ? "few" : "many", nm->s, (unsigned)fixed, (unsigned)(many ? na + 1 : na));
      return n;
    }
    if (many) {
      cc_error(cs, id->line, id->col, "too many arguments to function '%s'", nm->s);
      return n;
    }
    n->list = cc_alloc(cs, (na ? na : 1) * sizeof *n->list);
    n->nlist = na;
    for (uint32_t i = 0; i < na; i++) {
      char sg = i < fixed ? hc->sig[i] : '.';
      cc_node *a = args[i];
      if (sg == 'b' || sg == 'w' || sg == 's') {
        cc_type p = { 0 };
        p.k = sg == 's' ? TY_CHAR : TY_UCHAR;
        p.cnst = sg != 'w';
        p.ndim = 1;
        char b1[64], b2[64];
        if (a->ty.ndim != 1 || cc_ty_size(a->ty.k) != 1 || a->ty.k == TY_BOOL) {
          cc_error(cs, a->line, a->col, "argument %u of '%s' must be %s array ('%s'), not '%s'",
                   (unsigned)(i + 1), nm->s, sg == 's' ? "a string or char" : "a byte",
                   cc_ty_str(p, b1, sizeof b1), cc_ty_str(a->ty, b2, sizeof b2));
        } else if (sg == 'w' && (a->ty.cnst || a->k == E_STR)) {
          cc_error(cs, a->line, a->col, "argument %u of '%s' is written by the call and cannot "
                   "be read-only", (unsigned)(i + 1), nm->s);
        }
        n->list[i] = a;
      } else if (sg == '.') {
        n->list[i] = a;             /* checked against the format */
      } else {
        if (a->ty.ndim) {
          cc_error(cs, a->line, a->col, "argument %u of '%s' is an array, but the parameter "
                   "is an integer", (unsigned)(i + 1), nm->s);
          a = num_at(cs, 0, TY_INT, a);
        }
        n->list[i] = cc_convert(cs, a, cc_ty_scalar(sg == 'u' ? TY_UINT : TY_INT), true);
      }
    }
    if (va) cc_check_printf(cs, n);
    if ((hc->id == CVM_HC_i2c_write || hc->id == CVM_HC_i2c_read || hc->id == CVM_HC_i2c_write_read)
        && na > 0 && n->list[0]->k == E_NUM && (uint32_t)n->list[0]->val == HAL_I2C_HOST_DISPLAY)
      cc_warning(cs, n->list[0]->line, n->list[0]->col, "I2C address 0x%02X belongs to the host's "
                 "status display: '%s' returns -9 (HAL_EOWNED) on a device that has one",
                 HAL_I2C_HOST_DISPLAY, nm->s);
    return n;
  }
  if (s && s->kind == SYM_VAR) {
    cc_error(cs, id->line, id->col, "called object '%s' is not a function", nm->s);
  } else if (nm->hc) {
    cc_error(cs, id->line, id->col, "implicit declaration of function '%s'; add #include %s",
             nm->s, (nm->hc->id == CVM_HC_printf || nm->hc->id == CVM_HC_putchar)
             ? "<stdio.h>" : "\"cockpit.h\"");
  } else {
    cc_error(cs, id->line, id->col, "implicit declaration of function '%s'", nm->s);
  }
  n = num_at(cs, 0, TY_INT, NULL);
  n->line = id->line; n->col = id->col;
  return n;
}

static cc_node *primary(cc_state *cs) {
  const cc_tok *t = cc_peek(cs, 0);
  char d[64];
  switch (t->k) {
    case TK_NUM: case TK_CHAR: {
      cc_next(cs);
      cc_node *n = cc_new(cs, E_NUM, t);
      n->val = (int32_t)t->val;
      n->ty = cc_ty_scalar(t->uns ? TY_UINT : TY_INT);
      return n;
    }
    case TK_STR: {
      cc_next(cs);
      cc_node *n = cc_new(cs, E_STR, t);
      n->str = cc_string(cs, t->str, t->slen);
      n->ty.k = TY_CHAR;
      n->ty.cnst = 1;
      n->ty.ndim = 1;
      n->ty.dim[0] = t->slen + 1;
      return n;
    }
    case TK_LPAREN: {
      cc_next(cs);
      enter(cs, t);
      cc_node *e = cc_expr(cs);
      cs->nest--;
      cc_expect(cs, TK_RPAREN);
      return e;
    }
    case TK_IDENT: {
      cc_name *nm = t->name;
      if (cc_peek(cs, 1)->k == TK_LPAREN) {
        cc_next(cs);
        return call(cs, t);
      }
      cc_next(cs);
      cc_sym *s = nm->sym;
      if (s && s->kind == SYM_VAR) {
        cc_node *n = cc_new(cs, E_VAR, t);
        n->sym = s;
        n->ty = s->ty;
        s->used = 1;
        return n;
      }
      if (s && s->kind == SYM_ENUMC) {
        cc_node *n = cc_new(cs, E_NUM, t);
        n->val = s->cval;
        return n;
      }
      if (s && s->kind == SYM_FUNC) {
        cc_error(cs, t->line, t->col, "function '%s' used without a call (function pointers "
                 "are not supported in Cockpit C)", nm->s);
      } else if (s && s->kind == SYM_TYPEDEF) {
        cc_error(cs, t->line, t->col, "unexpected type name '%s': expected expression", nm->s);
      } else if (cc_hc_visible(cs, nm)) {
        cc_error(cs, t->line, t->col, "function '%s' used without a call (function pointers "
                 "are not supported in Cockpit C)", nm->s);
      } else {
        cc_error(cs, t->line, t->col, "use of undeclared identifier '%s'", nm->s);
        cc_sym *ds = cc_declare(cs, nm, SYM_VAR, t);   /* report once */
        ds->ty = cc_ty_scalar(TY_INT);
        ds->stor = cs->scope ? ST_LOCAL : ST_GLOBAL;
        ds->used = 1;
        /* stands for the missing variable, so `y = 3` adds no second error */
        cc_node *n = cc_new(cs, E_VAR, t);
        n->sym = ds;
        n->ty = ds->ty;
        return n;
      }
      return num_at(cs, 0, TY_INT, NULL);
    }
    default:
      if (t->k >= TK_KW_FIRST && cc_is_type_start(cs, t))
        cc_error(cs, t->line, t->col, "expected expression before %s (declarations are not "
                 "allowed here)", cc_tok_desc(t, d, sizeof d));
      else
        cc_error(cs, t->line, t->col, "expected expression before %s", cc_tok_desc(t, d, sizeof d));
      if (t->k != TK_EOF && t->k != TK_SEMI && t->k != TK_RBRACE && t->k != TK_RPAREN &&
          t->k != TK_COMMA)
        cc_next(cs);
      cc_node *n = num_at(cs, 0, TY_INT, NULL);
      n->line = t->line; n->col = t->col;
      return n;
  }
}

static cc_node *index_expr(cc_state *cs, cc_node *a, const cc_tok *lb) {
  cc_node *i = cc_expr(cs);
  cc_expect(cs, TK_RBRACK);
  if (a->ty.ndim == 0) {
    cc_error(cs, lb->line, lb->col, "subscripted value is not an array");
    return num_at(cs, 0, TY_INT, a);
  }
  if (a->k == E_COND) {
    cc_error(cs, lb->line, lb->col, "a conditional expression choosing an array cannot be "
             "indexed in Cockpit C; index each array instead");
    return num_at(cs, 0, TY_INT, a);
  }
  i = cc_rvalue(cs, i);
  i = conv_k(cs, i, cc_ty_promote(i->ty.k));
  uint32_t dim = a->ty.dim[0];
  if (i->k == E_NUM && (i->val < 0 || (dim && (uint32_t)i->val >= dim) ||
                        (a->ty.param && a->ty.ndim == 1 && i->val < 0))) {
    if (i->val < 0)
      cc_warning(cs, i->line, i->col, "array index %d is before the beginning of the array",
                 (int)i->val);
    else
      cc_warning(cs, i->line, i->col, "array index %u is past the end of the array (which "
                 "contains %u elements)", (unsigned)i->val, (unsigned)dim);
  }
  cc_node *n = cc_new(cs, E_INDEX, lb);
  n->line = a->line; n->col = a->col;
  n->a = a;
  n->b = i;
  n->ty = a->ty;
  if (a->ty.ndim == 2) {
    n->ty.ndim = 1;
    n->ty.dim[0] = a->ty.dim[1];
    n->ty.dim[1] = 0;
    n->ty.param = 0;
  } else {
    n->ty.ndim = 0;
    n->ty.dim[0] = 0;
    n->ty.param = 0;
  }
  return n;
}

static cc_node *postfix(cc_state *cs) {
  cc_node *e = primary(cs);
  for (;;) {
    const cc_tok *t = cc_peek(cs, 0);
    if (t->k == TK_LBRACK) {
      cc_next(cs);
      e = index_expr(cs, e, t);
    } else if (t->k == TK_INC || t->k == TK_DEC) {
      cc_next(cs);
      bool inc = t->k == TK_INC;
      if (!check_lvalue(cs, e, inc ? "increment" : "decrement", t->line, t->col)) continue;
      cc_node *n = cc_new(cs, inc ? E_POSTINC : E_POSTDEC, t);
      n->line = e->line; n->col = e->col;
      n->a = e;
      n->ty = cc_ty_scalar(e->ty.k);
      e = n;
    } else if (t->k == TK_DOT || t->k == TK_ARROW) {
      cc_next(cs);
      cc_error(cs, t->line, t->col, "structs and unions are not supported in Cockpit C");
      if (cc_peek(cs, 0)->k == TK_IDENT) cc_next(cs);
    } else if (t->k == TK_LPAREN) {
      cc_error(cs, t->line, t->col, "called object is not a function");
      cc_next(cs);
      int depth = 1;
      while (depth > 0 && cc_peek(cs, 0)->k != TK_EOF) {
        int k = cc_next(cs)->k;
        if (k == TK_LPAREN) depth++;
        else if (k == TK_RPAREN) depth--;
      }
    } else {
      return e;
    }
  }
}

static uint32_t size_of_type(cc_type t) {
  uint32_t n = cc_ty_size(t.k);
  if (t.ndim >= 1) n *= t.dim[0];
  if (t.ndim == 2) n *= t.dim[1];
  return n;
}

static cc_node *sizeof_expr(cc_state *cs, const cc_tok *t) {
  cc_type ty;
  if (cc_peek(cs, 0)->k == TK_LPAREN && cc_is_type_start(cs, cc_peek(cs, 1))) {
    cc_next(cs);
    if (!cc_parse_type_name(cs, &ty)) ty = cc_ty_scalar(TY_INT);
    cc_expect(cs, TK_RPAREN);
  } else {
    int saved = cs->nerrors;
    cc_node *e = unary(cs);
    (void)saved;
    ty = e->ty;
    if (e->ty.param && e->ty.ndim) {
      cc_error(cs, e->line, e->col, "'sizeof' on array parameter '%s' is not supported (in C "
               "it gives the size of a pointer); pass the length as another parameter",
               elem_name(e));
      ty = cc_ty_scalar(TY_INT);
    }
  }
  if (ty.k == TY_VOID && ty.ndim == 0) {
    cc_error(cs, t->line, t->col, "invalid application of 'sizeof' to a void type");
    ty = cc_ty_scalar(TY_INT);
  }
  cc_node *n = cc_new(cs, E_NUM, t);
  n->val = (int32_t)size_of_type(ty);
  n->ty = cc_ty_scalar(TY_UINT);
  return n;
}

static cc_node *unary(cc_state *cs) {
  const cc_tok *t = cc_peek(cs, 0);
  enter(cs, t);
  cc_node *r;
  switch (t->k) {
    case TK_INC: case TK_DEC: {
      cc_next(cs);
      cc_node *e = unary(cs);
      bool inc = t->k == TK_INC;
      if (!check_lvalue(cs, e, inc ? "increment" : "decrement", t->line, t->col)) { r = e; break; }
      r = cc_new(cs, inc ? E_PREINC : E_PREDEC, t);
      r->a = e;
      r->ty = cc_ty_scalar(e->ty.k);
      break;
    }
    case TK_MINUS: case TK_PLUS: case TK_TILDE: {
      cc_next(cs);
      cc_node *e = cc_rvalue(cs, unary(cs));
      int k = cc_ty_promote(e->ty.k);
      e = conv_k(cs, e, k);
      if (t->k == TK_PLUS) { r = e; break; }
      if (e->k == E_NUM) {
        r = num_at(cs, t->k == TK_MINUS ? (int32_t)(0u - (uint32_t)e->val) : ~e->val, k, e);
        r->line = t->line; r->col = t->col;
        break;
      }
      r = cc_new(cs, t->k == TK_MINUS ? E_NEG : E_NOT, t);
      r->a = e;
      r->ty = cc_ty_scalar(k);
      break;
    }
    case TK_BANG:
      cc_next(cs);
      r = mklnot(cs, unary(cs), t->line, t->col);
      break;
    case TK_AMP:
      cc_next(cs);
      cc_error(cs, t->line, t->col, "the address-of operator '&' is not supported in Cockpit C "
               "(pointers are not supported)");
      r = unary(cs);
      break;
    case TK_STAR:
      cc_next(cs);
      cc_error(cs, t->line, t->col, "pointers are not supported in Cockpit C");
      r = unary(cs);
      break;
    case TK_SIZEOF:
      cc_next(cs);
      r = sizeof_expr(cs, t);
      break;
    case TK_LPAREN:
      if (cc_is_type_start(cs, cc_peek(cs, 1))) {
        cc_next(cs);
        cc_type ty;
        if (!cc_parse_type_name(cs, &ty)) ty = cc_ty_scalar(TY_INT);
        cc_expect(cs, TK_RPAREN);
        cc_node *e = unary(cs);
        if (e->ty.ndim && ty.k != TY_VOID) {
          cc_error(cs, t->line, t->col, "cannot cast an array (Cockpit C has no pointers)");
          r = num_at(cs, 0, TY_INT, e);
          break;
        }
        if (ty.k == TY_VOID) { r = cc_convert(cs, e, ty, false); break; }
        r = cc_convert(cs, e, ty, false);
        if (r == e && e->k != E_NUM) {       /* same type: still not an lvalue */
          r = cc_new(cs, E_CAST, t);
          r->a = e;
          r->ty = cc_ty_scalar(ty.k);
        }
        break;
      }
      r = postfix(cs);
      break;
    default:
      r = postfix(cs);
  }
  cs->nest--;
  return r;
}

static int binprec(int k, int *op) {
  switch (k) {
    case TK_STAR: *op = E_MUL; return 10;
    case TK_SLASH: *op = E_DIV; return 10;
    case TK_PERCENT: *op = E_MOD; return 10;
    case TK_PLUS: *op = E_ADD; return 9;
    case TK_MINUS: *op = E_SUB; return 9;
    case TK_SHL: *op = E_SHL; return 8;
    case TK_SHR: *op = E_SHR; return 8;
    case TK_LT: *op = E_LT; return 7;
    case TK_GT: *op = E_GT; return 7;
    case TK_LE: *op = E_LE; return 7;
    case TK_GE: *op = E_GE; return 7;
    case TK_EQ: *op = E_EQ; return 6;
    case TK_NE: *op = E_NE; return 6;
    case TK_AMP: *op = E_AND; return 5;
    case TK_CARET: *op = E_XOR; return 4;
    case TK_PIPE: *op = E_OR; return 3;
    case TK_ANDAND: *op = E_LAND; return 2;
    case TK_OROR: *op = E_LOR; return 1;
    default: return 0;
  }
}

static cc_node *mklogic(cc_state *cs, int op, cc_node *a, cc_node *b, const cc_tok *t) {
  a = cc_rvalue(cs, a);
  b = cc_rvalue(cs, b);
  if (a->k == E_NUM) {
    bool av = a->val != 0;
    if ((op == E_LAND && !av) || (op == E_LOR && av)) {
      cc_node *n = num_at(cs, av, TY_INT, a);
      return n;
    }
    return truth(cs, b);
  }
  if (b->k == E_NUM && !has_effects(a)) {
    bool bv = b->val != 0;
    if (op == E_LAND && !bv) return num_at(cs, 0, TY_INT, b) ;
    if (op == E_LOR && bv) return num_at(cs, 1, TY_INT, b);
  }
  if (b->k == E_NUM) {
    bool bv = b->val != 0;
    if ((op == E_LAND && bv) || (op == E_LOR && !bv)) return truth(cs, a);
  }
  cc_node *n = cc_new(cs, op, t);
  n->line = a->line; n->col = a->col;
  n->a = a;
  n->b = b;
  return n;
}

/* Each operator of a chain a + b + c ... deepens the (left-leaning) tree,
** so the chain counts against the nesting limit too. */
static cc_node *binary(cc_state *cs, int minprec) {
  cc_node *l = unary(cs);
  int chain = 0;
  for (;;) {
    const cc_tok *t = cc_peek(cs, 0);
    int op, p = binprec(t->k, &op);
    if (p == 0 || p < minprec) {
      cs->nest -= chain;
      return l;
    }
    cc_next(cs);
    enter(cs, t);
    chain++;
    cc_node *r = binary(cs, p + 1);
    if (op == E_LAND || op == E_LOR) l = mklogic(cs, op, l, r, t);
    else l = mkbin(cs, op, l, r, t->line, t->col);
  }
}

static cc_node *cond_expr(cc_state *cs) {
  cc_node *c = binary(cs, 1);
  const cc_tok *q = cc_peek(cs, 0);
  if (q->k != TK_QUEST) return c;
  cc_next(cs);
  enter(cs, q);
  cc_node *a = cc_expr(cs);
  cc_expect(cs, TK_COLON);
  cc_node *b = cond_expr(cs);
  cs->nest--;
  c = cc_rvalue(cs, c);
  cc_type ty;
  if (a->ty.ndim && b->ty.ndim) {
    /* choosing between arrays (printf("%s", on ? "on" : "off")): usable
    ** where an array argument is */
    cc_type ta = a->ty, tb = b->ty;
    if (ta.ndim != 1 || tb.ndim != 1 || cc_ty_size(ta.k) != cc_ty_size(tb.k) ||
        cc_ty_signed(ta.k) != cc_ty_signed(tb.k) || (ta.k == TY_BOOL) != (tb.k == TY_BOOL)) {
      char b1[64], b2[64];
      cc_error(cs, q->line, q->col, "conditional expression between incompatible arrays "
               "'%s' and '%s'", cc_ty_str(ta, b1, sizeof b1), cc_ty_str(tb, b2, sizeof b2));
      return num_at(cs, 0, TY_INT, c);
    }
    ty = ta;
    ty.cnst = ta.cnst | tb.cnst;
    ty.dim[0] = 0;
    ty.param = 1;
    if (c->k == E_NUM) return c->val ? a : b;
    cc_node *n = cc_new(cs, E_COND, q);
    n->line = c->line; n->col = c->col;
    n->a = c; n->b = a; n->c = b;
    n->ty = ty;
    return n;
  }
  if (a->ty.k == TY_VOID && a->ty.ndim == 0 && b->ty.k == TY_VOID && b->ty.ndim == 0) {
    ty = cc_ty_scalar(TY_VOID);
  } else {
    a = cc_rvalue(cs, a);
    b = cc_rvalue(cs, b);
    ty = cc_ty_scalar(cc_ty_common(a->ty.k, b->ty.k));
    a = cc_convert(cs, a, ty, false);
    b = cc_convert(cs, b, ty, false);
  }
  if (c->k == E_NUM) return c->val ? a : b;
  cc_node *n = cc_new(cs, E_COND, q);
  n->line = c->line; n->col = c->col;
  n->a = c; n->b = a; n->c = b;
  n->ty = ty;
  return n;
}

static int assign_op(int k) {
  switch (k) {
    case TK_MULEQ: return E_MUL; case TK_DIVEQ: return E_DIV; case TK_MODEQ: return E_MOD;
    case TK_ADDEQ: return E_ADD; case TK_SUBEQ: return E_SUB; case TK_SHLEQ: return E_SHL;
    case TK_SHREQ: return E_SHR; case TK_ANDEQ: return E_AND; case TK_XOREQ: return E_XOR;
    case TK_OREQ: return E_OR; default: return 0;
  }
}

cc_node *cc_assign_expr(cc_state *cs) {
  cc_node *l = cond_expr(cs);
  const cc_tok *t = cc_peek(cs, 0);
  if (t->k != TK_ASSIGN && !assign_op(t->k)) return l;
  cc_next(cs);
  enter(cs, t);
  cc_node *r = cc_assign_expr(cs);
  cs->nest--;
  if (!check_lvalue(cs, l, "assignment", t->line, t->col)) return l;
  cc_node *n;
  if (t->k == TK_ASSIGN) {
    if (r->ty.ndim) {
      cc_error(cs, r->line, r->col, "array used as a value in assignment (Cockpit C has no "
               "pointers; copy the elements in a loop)");
      r = num_at(cs, 0, TY_INT, r);
    }
    n = cc_new(cs, E_ASSIGN, t);
    n->b = cc_convert(cs, r, cc_ty_scalar(l->ty.k), true);
  } else {
    int op = assign_op(t->k);
    r = cc_rvalue(cs, r);
    int ok = (op == E_SHL || op == E_SHR) ? cc_ty_promote(l->ty.k) : cc_ty_common(l->ty.k, r->ty.k);
    n = cc_new(cs, E_OPASSIGN, t);
    n->op = (uint8_t)op;
    n->opk = (uint8_t)ok;
    n->b = conv_k(cs, r, (op == E_SHL || op == E_SHR) ? cc_ty_promote(r->ty.k) : ok);
    if ((op == E_DIV || op == E_MOD) && n->b->k == E_NUM && n->b->val == 0)
      cc_warning(cs, t->line, t->col, "division by zero");
    if ((op == E_SHL || op == E_SHR) && n->b->k == E_NUM && (uint32_t)n->b->val > 31)
      cc_warning(cs, n->b->line, n->b->col, "shift count >= width of type");
    (void)op_text;
  }
  n->line = l->line; n->col = l->col;
  n->a = l;
  n->ty = cc_ty_scalar(l->ty.k);
  return n;
}

cc_node *cc_expr(cc_state *cs) {
  cc_node *e = cc_assign_expr(cs);
  int chain = 0;
  while (cc_peek(cs, 0)->k == TK_COMMA) {
    const cc_tok *t = cc_next(cs);
    enter(cs, t);
    chain++;
    cc_node *r = cc_assign_expr(cs);
    if (!has_effects(e)) {
      e = r;                      /* value of the left side is discarded */
      continue;
    }
    cc_node *n = cc_new(cs, E_COMMA, t);
    n->line = e->line; n->col = e->col;
    n->a = e;
    n->b = r;
    n->ty = r->ty;
    n->ty.cnst = 0;
    e = n;
  }
  cs->nest -= chain;
  return e;
}

cc_node *cc_const_expr(cc_state *cs, int32_t *val, const char *what) {
  const cc_tok *t = cc_peek(cs, 0);
  cc_node *e = cond_expr(cs);
  if (e->ty.ndim == 0 && e->ty.k != TY_VOID && e->k == E_NUM) {
    *val = e->val;
    return e;
  }
  cc_error(cs, t->line, t->col, "%s is not an integer constant expression", what);
  *val = 0;
  return NULL;
}

/* ---- printf formats ---------------------------------------------------- */

/* Check a printf call against Cockpit C's supported formats; the node's
** arguments are converted: one int per integer conversion, arrays kept
** for %s. Extra arguments are evaluated but not passed (warning). */
void cc_check_printf(cc_state *cs, cc_node *n) {
  const char *fn = n->hc->name;
  cc_node *f = n->list[0];
  if (f->k != E_STR) {
    cc_error(cs, f->line, f->col, "the format of '%s' must be a string literal in Cockpit C",
             fn);
    return;
  }
  const uint8_t *s = f->str->b;
  uint32_t len = f->str->n - 1, argi = 1;
  for (uint32_t i = 0; i < len; i++) {
    if (s[i] != '%') continue;
    uint32_t start = i++;
    while (i < len && (s[i] == '-' || s[i] == '0')) i++;
    if (i < len && (s[i] == '+' || s[i] == ' ' || s[i] == '#')) {
      cc_error(cs, f->line, f->col, "flag '%c' in format is not supported by Cockpit C's "
               "printf (supported flags: '-' and '0')", s[i]);
      return;
    }
    uint32_t w = 0;
    if (i < len && s[i] == '*') {
      cc_error(cs, f->line, f->col, "'*' field width is not supported by Cockpit C's printf");
      return;
    }
    while (i < len && s[i] >= '0' && s[i] <= '9') {
      w = w * 10 + (uint32_t)(s[i] - '0');
      if (w > 255) {
        cc_error(cs, f->line, f->col, "field width in format is too large (at most 255)");
        return;
      }
      i++;
    }
    if (i < len && s[i] == '.') {
      cc_error(cs, f->line, f->col, "precision in format ('%%.N') is not supported by "
               "Cockpit C's printf");
      return;
    }
    if (i >= len) {
      cc_error(cs, f->line, f->col, "spurious trailing '%%' in format");
      return;
    }
    int c = s[i];
    if (strchr("hlLqjzt", c)) {
      cc_error(cs, f->line, f->col, "length modifier '%c' in format is not supported "
               "(Cockpit C integers are 32-bit; use plain %%d, %%u or %%x)", c);
      return;
    }
    if (c == '%') continue;
    if (!strchr("diuxXcs", c)) {
      if (c >= 0x20 && c < 0x7F)
        cc_error(cs, f->line, f->col, "conversion '%%%c' is not supported by Cockpit C's "
                 "printf (supported: %%d %%i %%u %%x %%X %%c %%s %%%%)", c);
      else
        cc_error(cs, f->line, f->col, "unknown conversion in format at position %u",
                 (unsigned)start);
      return;
    }
    if (argi >= n->nlist) {
      cc_error(cs, f->line, f->col, "format '%%%c' expects a matching argument", c);
      return;
    }
    cc_node *a = n->list[argi];
    char b[64];
    if (c == 's') {
      if (a->ty.ndim != 1 || cc_ty_size(a->ty.k) != 1 || a->ty.k == TY_BOOL) {
        cc_error(cs, a->line, a->col, "format '%%s' expects a string (char array) argument, "
                 "but argument %u has type '%s'", (unsigned)(argi + 1),
                 cc_ty_str(a->ty, b, sizeof b));
        return;
      }
    } else {
      if (a->ty.ndim || a->ty.k == TY_VOID) {
        cc_error(cs, a->line, a->col, "format '%%%c' expects an integer argument, but argument "
                 "%u has type '%s'", c, (unsigned)(argi + 1), cc_ty_str(a->ty, b, sizeof b));
        return;
      }
      n->list[argi] = conv_k(cs, a, cc_ty_promote(a->ty.k));
    }
    argi++;
  }
  if (argi < n->nlist) {
    cc_warning(cs, n->list[argi]->line, n->list[argi]->col, "too many arguments for format");
    for (uint32_t i = argi; i < n->nlist; i++) n->list[i] = cc_rvalue(cs, n->list[i]);
  }
  n->val = (int32_t)argi;       /* arguments passed to the host */
}
