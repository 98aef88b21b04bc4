/*
** cc_parse.c -- declarations, scopes, initialisers, statements, functions,
** and the whole-program checks (entry points, undefined functions).
**
** Statement nodes use the operand fields as follows:
**   S_EXPR a            S_DECL sym, a (scalar initialiser)
**   S_BLOCK list (val=1: no scope of its own, a for-init)
**   S_IF a ? b : c      S_WHILE/S_DO a (condition), b (body)
**   S_FOR a (init), b (condition), c (step), d (body)
**   S_SWITCH a (value), b (body), cases/dflt
**   S_CASE val, a (labelled statement)   S_DEFAULT a   S_RETURN a
*/
#include <stdlib.h>
#include <string.h>

#include "cc_int.h"

/* ---- scopes ------------------------------------------------------------ */

static void scope_push(cc_state *cs) { cs->scope++; }

static void scope_pop(cc_state *cs) {
  while (cs->nscopesyms > 0) {
    cc_sym *s = cs->scopesyms[cs->nscopesyms - 1];
    if (s->scope < cs->scope) break;
    cs->nscopesyms--;
    /* (not after errors: their declarations are often what went wrong) */
    if (!s->used && s->kind == SYM_VAR && (s->stor == ST_LOCAL || s->stor == ST_STATIC) &&
        cs->nerrors == 0)
      cc_warning(cs, s->line, s->col, "unused variable '%s'", s->name->s);
    s->name->sym = s->shadow;
  }
  cs->scope--;
}

/* Bind name n in the current scope. Redefinitions in the same scope are
** reported by the callers that know what is being declared. */
cc_sym *cc_declare(cc_state *cs, cc_name *n, int kind, const cc_tok *at) {
  cc_sym *s = cc_alloc(cs, sizeof *s);
  s->name = n;
  s->kind = (uint8_t)kind;
  s->line = at->line;
  s->col = at->col;
  s->scope = cs->scope;
  s->shadow = n->sym;
  s->entry = -1;
  n->sym = s;
  if (cs->nscopesyms == cs->scopesyms_cap) {
    uint32_t ncap = cs->scopesyms_cap ? cs->scopesyms_cap * 2 : 64;
    cc_sym **p = cc_alloc(cs, ncap * sizeof *p);
    if (cs->nscopesyms) memcpy(p, cs->scopesyms, cs->nscopesyms * sizeof *p);
    cs->scopesyms = p;
    cs->scopesyms_cap = ncap;
  }
  cs->scopesyms[cs->nscopesyms++] = s;
  return s;
}

static bool in_this_scope(const cc_state *cs, const cc_name *n) {
  return n->sym && n->sym->scope == cs->scope;
}

static void redefinition(cc_state *cs, const cc_tok *at, const cc_sym *prev) {
  cc_error(cs, at->line, at->col, "redefinition of '%s'", at->name->s);
  cc_note(cs, prev->line, prev->col, "previous definition of '%s' was here", at->name->s);
}

/* ---- declaration specifiers -------------------------------------------- */

static bool is_typedef_name(cc_state *cs, const cc_tok *t) {
  if (t->k != TK_IDENT) return false;
  cc_sym *s = t->name->sym;
  if (s) return s->kind == SYM_TYPEDEF;
  return t->name->btype && (cs->headers & (t->name->bneeds | CC_H_COCKPIT));
}

bool cc_is_type_start(cc_state *cs, const cc_tok *t) {
  if (t->k >= TK_INT && t->k <= TK_ENUM) return true;
  return is_typedef_name(cs, t);
}

static void skip_braces(cc_state *cs) {
  int depth = 0;
  do {
    int k = cc_peek(cs, 0)->k;
    if (k == TK_EOF) return;
    cc_next(cs);
    if (k == TK_LBRACE) depth++;
    else if (k == TK_RBRACE) depth--;
  } while (depth > 0);
}

static void enum_spec(cc_state *cs, cc_spec *sp, const cc_tok *kw) {
  cc_name *tag = NULL;
  if (cc_peek(cs, 0)->k == TK_IDENT) tag = cc_next(cs)->name;
  if (!cc_accept(cs, TK_LBRACE)) {
    if (!tag) {
      cc_error(cs, kw->line, kw->col, "expected '{' or a name after 'enum'");
      sp->ty.k = TY_INT;
      return;
    }
    if (!tag->enumk) cc_error(cs, kw->line, kw->col, "use of undefined enum '%s'", tag->s);
    sp->ty.k = tag->enumk ? (uint8_t)(tag->enumk - 1) : TY_INT;
    return;
  }
  int64_t next = 0;
  bool neg = false;
  while (cc_peek(cs, 0)->k != TK_RBRACE && cc_peek(cs, 0)->k != TK_EOF) {
    const cc_tok *id = cc_peek(cs, 0);
    if (id->k != TK_IDENT) {
      char d[64];
      cc_error(cs, id->line, id->col, "expected identifier before %s", cc_tok_desc(id, d, sizeof d));
      skip_braces(cs);
      while (cc_peek(cs, 0)->k != TK_RBRACE && cc_peek(cs, 0)->k != TK_EOF) cc_next(cs);
      break;
    }
    cc_next(cs);
    if (cc_accept(cs, TK_ASSIGN)) {
      int32_t v;
      cc_const_expr(cs, &v, "enumerator value");
      next = v;
    }
    if (next > INT32_MAX || next < INT32_MIN) {
      cc_error(cs, id->line, id->col, "enumerator value for '%s' is not an integer constant "
               "that fits in 'int'", id->name->s);
      next = 0;
    }
    if (in_this_scope(cs, id->name)) redefinition(cs, id, id->name->sym);
    cc_sym *s = cc_declare(cs, id->name, SYM_ENUMC, id);
    s->cval = (int32_t)next;
    s->used = 1;
    if (next < 0) neg = true;
    next++;
    if (!cc_accept(cs, TK_COMMA)) break;
  }
  cc_expect(cs, TK_RBRACE);
  sp->ty.k = neg ? TY_INT : TY_UINT;
  if (tag) tag->enumk = (uint8_t)(sp->ty.k + 1);
}

bool cc_decl_specs(cc_state *cs, cc_spec *sp, bool allow_storage) {
  memset(sp, 0, sizeof *sp);
  const cc_tok *first = cc_peek(cs, 0);
  sp->line = first->line;
  sp->col = first->col;
  int nint = 0, nchar = 0, nshort = 0, nsigned = 0, nunsigned = 0, nvoid = 0, nbool = 0;
  int other = -1;           /* typedef/enum kind */
  bool any = false;
  for (;;) {
    const cc_tok *t = cc_peek(cs, 0);
    bool typedef_ok = nint + nchar + nshort + nsigned + nunsigned + nvoid + nbool == 0 && other < 0;
    switch (t->k) {
      case TK_INT: nint++; break;
      case TK_CHAR_KW: nchar++; break;
      case TK_SHORT: nshort++; break;
      case TK_SIGNED: nsigned++; break;
      case TK_UNSIGNED: nunsigned++; break;
      case TK_VOID: nvoid++; break;
      case TK_BOOL_KW: nbool++; break;
      case TK_CONST: sp->ty.cnst = 1; break;
      case TK_VOLATILE: case TK_INLINE: case TK_REGISTER: case TK_AUTO: break;
      case TK_STATIC: case TK_EXTERN: case TK_TYPEDEF:
        if (!allow_storage)
          cc_error(cs, t->line, t->col, "storage class '%s' is not allowed here", cc_tk_text[t->k]);
        else if (t->k == TK_STATIC) sp->is_static = 1;
        else if (t->k == TK_EXTERN) sp->is_extern = 1;
        else sp->is_typedef = 1;
        break;
      case TK_LONG:
        cc_error(cs, t->line, t->col, "'long' is not supported in Cockpit C (integers are "
                 "32-bit: use 'int' or 'int32_t')");
        nint++;
        break;
      case TK_FLOAT: case TK_DOUBLE:
        cc_error(cs, t->line, t->col, "floating point ('%s') is not supported in Cockpit C",
                 cc_tk_text[t->k]);
        nint++;
        break;
      case TK_STRUCT: case TK_UNION:
        cc_error(cs, t->line, t->col, "%ss are not supported in Cockpit C", cc_tk_text[t->k]);
        cc_next(cs);
        if (cc_peek(cs, 0)->k == TK_IDENT) cc_next(cs);
        if (cc_peek(cs, 0)->k == TK_LBRACE) skip_braces(cs);
        nint++;
        any = true;
        continue;
      case TK_ENUM:
        cc_next(cs);
        if (!typedef_ok) cc_error(cs, t->line, t->col, "two or more data types in declaration "
                                  "specifiers");
        enum_spec(cs, sp, t);
        other = sp->ty.k;
        any = true;
        continue;
      case TK_IDENT:
        if (typedef_ok && is_typedef_name(cs, t)) {
          cc_sym *s = t->name->sym;
          other = s ? s->ty.k : t->name->btype - 1;
          if (s && s->ty.cnst) sp->ty.cnst = 1;
          if (s) s->used = 1;
          break;
        }
        goto done;
      default:
        goto done;
    }
    any = true;
    cc_next(cs);
  }
done:
  if (!any) return false;
  sp->had_type = 1;
  int k;
  if (other >= 0) {
    k = other;
    if (nint + nchar + nshort + nsigned + nunsigned + nvoid + nbool)
      cc_error(cs, first->line, first->col, "two or more data types in declaration specifiers");
  } else if (nvoid + nbool > 0) {
    k = nvoid ? TY_VOID : TY_BOOL;
    if (nvoid + nbool > 1 || nint + nchar + nshort + nsigned + nunsigned)
      cc_error(cs, first->line, first->col, "two or more data types in declaration specifiers");
  } else if (nchar) {
    k = nunsigned ? TY_UCHAR : nsigned ? TY_SCHAR : TY_CHAR;
    if (nchar > 1 || nint || nshort || (nsigned && nunsigned))
      cc_error(cs, first->line, first->col, "two or more data types in declaration specifiers");
  } else if (nshort) {
    k = nunsigned ? TY_USHORT : TY_SHORT;
    if (nshort > 1 || nint > 1 || (nsigned && nunsigned))
      cc_error(cs, first->line, first->col, "two or more data types in declaration specifiers");
  } else if (nint + nsigned + nunsigned) {
    k = nunsigned ? TY_UINT : TY_INT;
    if (nint > 1 || (nsigned && nunsigned) || nsigned > 1 || nunsigned > 1)
      cc_error(cs, first->line, first->col, "two or more data types in declaration specifiers");
  } else {
    /* only qualifiers/storage: C89 implicit int */
    cc_error(cs, first->line, first->col, "type specifier missing (implicit 'int' is not "
             "allowed)");
    k = TY_INT;
  }
  sp->ty.k = (uint8_t)k;
  return true;
}

bool cc_parse_type_name(cc_state *cs, cc_type *out) {
  cc_spec sp;
  if (!cc_decl_specs(cs, &sp, false)) return false;
  const cc_tok *t = cc_peek(cs, 0);
  if (t->k == TK_STAR) {
    cc_error(cs, t->line, t->col, "pointers are not supported in Cockpit C");
    while (cc_accept(cs, TK_STAR)) {}
  }
  if (t->k == TK_LBRACK) {
    cc_error(cs, t->line, t->col, "array type names are not supported here");
    while (cc_peek(cs, 0)->k != TK_RPAREN && cc_peek(cs, 0)->k != TK_EOF) cc_next(cs);
  }
  *out = sp.ty;
  out->cnst = 0;
  return true;
}

/* ---- declarators ------------------------------------------------------- */

typedef struct decl {
  const cc_tok *name;      /* NULL: abstract */
  cc_type ty;
  bool func;
  cc_type ptypes[CC_MAX_PARAMS];
  const cc_tok *pnames[CC_MAX_PARAMS];
  uint32_t np;
  bool bad;
} decl;

static void declarator(cc_state *cs, const cc_spec *sp, decl *d, bool param);

static void params(cc_state *cs, decl *d) {
  /* after '(' */
  if (cc_peek(cs, 0)->k == TK_VOID && cc_peek(cs, 1)->k == TK_RPAREN) {
    cc_next(cs);
    cc_next(cs);
    return;
  }
  if (cc_accept(cs, TK_RPAREN)) return;
  for (;;) {
    const cc_tok *t = cc_peek(cs, 0);
    if (t->k == TK_ELLIPSIS) {
      cc_error(cs, t->line, t->col, "variadic functions are not supported in Cockpit C");
      cc_next(cs);
      d->bad = true;
      break;
    }
    cc_spec sp;
    if (t->k == TK_IDENT && cc_peek(cs, 1)->k == TK_IDENT && !cc_is_type_start(cs, t)) {
      /* unknown type name: report it, go on as if it were int */
      if (t->name->btype)
        cc_error(cs, t->line, t->col, "unknown type name '%s'; add #include <stdint.h>",
                 t->name->s);
      else
        cc_error(cs, t->line, t->col, "unknown type name '%s'", t->name->s);
      cc_next(cs);
      memset(&sp, 0, sizeof sp);
      sp.ty.k = TY_INT;
      d->bad = true;
    } else if (!cc_decl_specs(cs, &sp, false)) {
      char b[64];
      if (t->k == TK_IDENT)
        cc_error(cs, t->line, t->col, "unknown type name '%s'", t->name->s);
      else
        cc_error(cs, t->line, t->col, "expected parameter declaration before %s",
                 cc_tok_desc(t, b, sizeof b));
      d->bad = true;
      while (cc_peek(cs, 0)->k != TK_RPAREN && cc_peek(cs, 0)->k != TK_EOF &&
             cc_peek(cs, 0)->k != TK_LBRACE && cc_peek(cs, 0)->k != TK_SEMI)
        cc_next(cs);
      break;
    }
    decl pd;
    memset(&pd, 0, sizeof pd);
    declarator(cs, &sp, &pd, true);
    if (pd.func) {
      cc_error(cs, t->line, t->col, "function parameters are not supported in Cockpit C "
               "(no function pointers)");
      d->bad = true;
    }
    if (pd.ty.k == TY_VOID && pd.ty.ndim == 0) {
      cc_error(cs, t->line, t->col, "parameter %u has type 'void'", (unsigned)(d->np + 1));
      d->bad = true;
    }
    if (pd.ty.ndim) pd.ty.param = 1;
    if (d->np == CC_MAX_PARAMS) {
      cc_error(cs, t->line, t->col, "too many parameters (at most %d)", CC_MAX_PARAMS);
      d->bad = true;
    } else {
      d->ptypes[d->np] = pd.ty;
      d->pnames[d->np] = pd.name;
      d->np++;
    }
    if (!cc_accept(cs, TK_COMMA)) break;
  }
  cc_expect(cs, TK_RPAREN);
}

static uint32_t array_dim(cc_state *cs, const cc_tok *at) {
  int32_t v;
  const cc_tok *t = cc_peek(cs, 0);
  cc_node *e = cc_const_expr(cs, &v, "array size");
  (void)at;
  if (!e) {
    return 1;
  }
  if (v <= 0) {
    cc_error(cs, t->line, t->col, "size of array is not a positive integer (%d)", (int)v);
    return 1;
  }
  if ((uint32_t)v > CC_MAX_ELEMS) {
    cc_error(cs, t->line, t->col, "array is too large (%u elements, at most %u)", (unsigned)v,
             (unsigned)CC_MAX_ELEMS);
    return 1;
  }
  return (uint32_t)v;
}

static void declarator(cc_state *cs, const cc_spec *sp, decl *d, bool param) {
  d->ty = sp->ty;
  const cc_tok *t = cc_peek(cs, 0);
  if (t->k == TK_STAR) {
    cc_error(cs, t->line, t->col, "pointers are not supported in Cockpit C");
    d->bad = true;
    while (cc_accept(cs, TK_STAR) || cc_accept(cs, TK_CONST)) {}
    t = cc_peek(cs, 0);
  }
  if (t->k == TK_LPAREN) {
    cc_error(cs, t->line, t->col, cc_peek(cs, 1)->k == TK_STAR
             ? "function pointers are not supported in Cockpit C"
             : "parenthesised declarators are not supported in Cockpit C");
    d->bad = true;
    int depth = 0;
    do {
      int k = cc_next(cs)->k;
      if (k == TK_LPAREN) depth++;
      else if (k == TK_RPAREN) depth--;
      else if (k == TK_IDENT && !d->name) d->name = &cs->toks[cs->pos - 1];
    } while (depth > 0 && cc_peek(cs, 0)->k != TK_EOF);
    t = cc_peek(cs, 0);
  } else if (t->k == TK_IDENT) {
    d->name = cc_next(cs);
  } else if (!param) {
    char b[64];
    cc_error(cs, t->line, t->col, "expected identifier before %s", cc_tok_desc(t, b, sizeof b));
    d->bad = true;
    return;
  }
  t = cc_peek(cs, 0);
  if (t->k == TK_LPAREN) {
    cc_next(cs);
    d->func = true;
    params(cs, d);
    t = cc_peek(cs, 0);
    if (t->k == TK_LPAREN || t->k == TK_LBRACK) {
      cc_error(cs, t->line, t->col, "functions cannot return arrays or functions");
      d->bad = true;
    }
    return;
  }
  int n = 0;
  while (t->k == TK_LBRACK) {
    cc_next(cs);
    uint32_t dim = 0;
    if (cc_peek(cs, 0)->k == TK_RBRACK) {
      if (n > 0) {
        cc_error(cs, t->line, t->col, "array has incomplete element type (only the first "
                 "dimension may be left empty)");
        d->bad = true;
        dim = 1;
      }
    } else {
      dim = array_dim(cs, t);
    }
    cc_expect(cs, TK_RBRACK);
    if (n >= 2) {
      if (n == 2) cc_error(cs, t->line, t->col, "arrays of more than two dimensions are not "
                           "supported in Cockpit C");
      d->bad = true;
    } else {
      d->ty.dim[n] = dim;
    }
    n++;
    t = cc_peek(cs, 0);
  }
  d->ty.ndim = (uint8_t)(n > 2 ? 2 : n);
  if (d->ty.ndim && d->ty.k == TY_VOID) {
    cc_error(cs, d->name ? d->name->line : t->line, d->name ? d->name->col : t->col,
             "declaration of array of 'void'");
    d->ty.k = TY_INT;
    d->bad = true;
  }
  if (d->ty.ndim == 2 && (uint64_t)d->ty.dim[0] * d->ty.dim[1] > CC_MAX_ELEMS) {
    cc_error(cs, d->name ? d->name->line : t->line, d->name ? d->name->col : t->col,
             "array is too large");
    d->ty.dim[0] = 1;
  }
  if (d->ty.ndim == 2 && d->ty.dim[1] > 0xFFFF) {
    cc_error(cs, d->name ? d->name->line : t->line, d->name ? d->name->col : t->col,
             "inner dimension of a two-dimensional array is too large (at most 65535)");
    d->ty.dim[1] = 1;
  }
}

/* ---- initialisers ------------------------------------------------------ */

typedef struct initbuf {
  cc_vec vals;    /* int32_t */
  cc_vec nodes;   /* cc_node*: non-constant elements (locals) */
  bool nonconst;
} initbuf;

static void init_put(cc_state *cs, initbuf *ib, uint32_t at, cc_node *e, bool need_const,
                     cc_type elem) {
  while (ib->vals.n <= at) {
    cc_vpush(cs, &ib->vals);
    cc_vpush(cs, &ib->nodes);
  }
  e = cc_convert(cs, e, cc_ty_scalar(elem.k), true);
  if (e->k == E_NUM) {
    CC_VAT(&ib->vals, int32_t, at) = e->val;
  } else if (need_const) {
    cc_error(cs, e->line, e->col, "initializer element is not a constant");
  } else {
    CC_VAT(&ib->nodes, cc_node *, at) = e;
    ib->nonconst = true;
  }
}

/* A string literal into row storage at `at`, `room` elements (0: any). */
static uint32_t init_string(cc_state *cs, initbuf *ib, uint32_t at, uint32_t room,
                            const cc_tok *t, cc_type elem) {
  uint32_t n = t->slen + 1;
  if (room && n > room) {
    if (n - 1 > room)
      cc_error(cs, t->line, t->col, "initializer-string for array of 'char' is too long "
               "(%u characters for %u elements)", (unsigned)(n - 1), (unsigned)room);
    n = room;
  }
  for (uint32_t i = 0; i < n; i++) {
    cc_node tmp = { 0 };
    tmp.k = E_NUM;
    tmp.ty = cc_ty_scalar(TY_INT);
    tmp.val = i < t->slen ? (int32_t)(signed char)t->str[i] : 0;
    tmp.line = t->line;
    tmp.col = t->col;
    cc_node *e = cc_alloc(cs, sizeof *e);
    *e = tmp;
    init_put(cs, ib, at + i, e, false, elem);
  }
  return n;
}

static bool is_char_elem(cc_type t) { return cc_ty_size(t.k) == 1 && t.k != TY_BOOL; }

/* Elements of one brace list for a 1-D row of `room` elements at `at`
** (room 0: unknown, grows). Returns the count. */
static uint32_t init_row(cc_state *cs, initbuf *ib, uint32_t at, uint32_t room, bool need_const,
                         cc_type elem) {
  uint32_t n = 0;
  bool excess = false;
  while (cc_peek(cs, 0)->k != TK_RBRACE && cc_peek(cs, 0)->k != TK_EOF) {
    const cc_tok *t = cc_peek(cs, 0);
    if (t->k == TK_LBRACE) {
      cc_error(cs, t->line, t->col, "braces around scalar initializer");
      skip_braces(cs);
    } else {
      cc_node *e = cc_assign_expr(cs);
      if (room && n >= room) {
        if (!excess) cc_error(cs, e->line, e->col, "excess elements in array initializer");
        excess = true;
      } else if (e->ty.ndim) {
        cc_error(cs, e->line, e->col, "array used as an initializer element");
      } else {
        init_put(cs, ib, at + n, e, need_const, elem);
      }
      n++;
    }
    if (!cc_accept(cs, TK_COMMA)) break;
  }
  cc_expect(cs, TK_RBRACE);
  return n > room && room ? room : n;
}

/* Parse an array initialiser for type *ty (fixing an unknown first
** dimension) into sym's value arrays. */
static void array_init(cc_state *cs, cc_sym *s, bool need_const) {
  initbuf ib;
  memset(&ib, 0, sizeof ib);
  ib.vals.isz = sizeof(int32_t);
  ib.nodes.isz = sizeof(cc_node *);
  cc_type *ty = &s->ty;
  cc_type elem = cc_ty_scalar(ty->k);
  uint32_t inner = ty->ndim == 2 ? ty->dim[1] : 1;
  uint32_t total = 0;       /* elements covered */
  const cc_tok *t = cc_peek(cs, 0);
  if (t->k == TK_STR && ty->ndim == 1 && is_char_elem(*ty)) {
    cc_next(cs);
    total = init_string(cs, &ib, 0, ty->dim[0], t, elem);
  } else if (t->k == TK_LBRACE && cc_peek(cs, 1)->k == TK_STR && ty->ndim == 1 &&
             is_char_elem(*ty) && (cc_peek(cs, 2)->k == TK_RBRACE ||
                                   (cc_peek(cs, 2)->k == TK_COMMA && cc_peek(cs, 3)->k == TK_RBRACE))) {
    cc_next(cs);
    total = init_string(cs, &ib, 0, ty->dim[0], cc_next(cs), elem);
    cc_accept(cs, TK_COMMA);
    cc_expect(cs, TK_RBRACE);
  } else if (t->k != TK_LBRACE) {
    cc_error(cs, t->line, t->col, "array initializer must be a brace-enclosed list%s",
             is_char_elem(*ty) ? " or a string literal" : "");
    cc_node *e = cc_assign_expr(cs);
    (void)e;
    return;
  } else if (ty->ndim == 1) {
    cc_next(cs);
    total = init_row(cs, &ib, 0, ty->dim[0], need_const, elem);
  } else {
    /* 2-D: rows in braces (or strings), or a flat list */
    cc_next(cs);
    uint32_t rows = 0, flat = 0;
    bool excess = false;
    while (cc_peek(cs, 0)->k != TK_RBRACE && cc_peek(cs, 0)->k != TK_EOF) {
      const cc_tok *u = cc_peek(cs, 0);
      if (u->k == TK_LBRACE || (u->k == TK_STR && is_char_elem(*ty))) {
        if (flat % inner) { rows = flat / inner + 1; flat = 0; }
        else if (flat) { rows += flat / inner; flat = 0; }
        if (ty->dim[0] && rows >= ty->dim[0]) {
          if (!excess) cc_error(cs, u->line, u->col, "excess elements in array initializer");
          excess = true;
          if (u->k == TK_LBRACE) skip_braces(cs); else cc_next(cs);
        } else if (u->k == TK_LBRACE) {
          cc_next(cs);
          init_row(cs, &ib, rows * inner, inner, need_const, elem);
        } else {
          cc_next(cs);
          init_string(cs, &ib, rows * inner, inner, u, elem);
        }
        rows++;
      } else {
        cc_node *e = cc_assign_expr(cs);
        uint32_t at = rows * inner + flat;
        if (ty->dim[0] && at >= ty->dim[0] * inner) {
          if (!excess) cc_error(cs, e->line, e->col, "excess elements in array initializer");
          excess = true;
        } else if (e->ty.ndim) {
          cc_error(cs, e->line, e->col, "array used as an initializer element");
        } else {
          init_put(cs, &ib, at, e, need_const, elem);
        }
        flat++;
      }
      if (!cc_accept(cs, TK_COMMA)) break;
    }
    cc_expect(cs, TK_RBRACE);
    total = rows * inner + flat;
  }
  if (ty->dim[0] == 0) {
    uint32_t r = (total + inner - 1) / inner;
    if (r == 0) {
      cc_error(cs, s->line, s->col, "zero-size array '%s'", s->name->s);
      r = 1;
    }
    ty->dim[0] = r;
  }
  s->has_init = true;
  s->ninit = ib.vals.n;
  s->ival = cc_alloc(cs, (ib.vals.n ? ib.vals.n : 1) * sizeof(int32_t));
  if (ib.vals.n) memcpy(s->ival, ib.vals.v, ib.vals.n * sizeof(int32_t));
  if (ib.nonconst) {
    s->inode = cc_alloc(cs, ib.nodes.n * sizeof(cc_node *));
    memcpy(s->inode, ib.nodes.v, ib.nodes.n * sizeof(cc_node *));
  }
  s->constinit = !ib.nonconst;
}

/* ---- statements -------------------------------------------------------- */

static cc_node *stmt(cc_state *cs);
static void local_decl(cc_state *cs, cc_vec *out);

/* Skip to a likely statement boundary after a syntax error. */
static void sync_stmt(cc_state *cs) {
  int depth = 0;
  for (;;) {
    int k = cc_peek(cs, 0)->k;
    if (k == TK_EOF) return;
    if (depth == 0 && k == TK_SEMI) { cc_next(cs); return; }
    if (depth == 0 && (k == TK_RBRACE || k == TK_LBRACE)) return;
    if (k == TK_LPAREN || k == TK_LBRACK) depth++;
    if ((k == TK_RPAREN || k == TK_RBRACK) && depth > 0) depth--;
    cc_next(cs);
  }
}

static void expect_semi(cc_state *cs) {
  if (!cc_expect(cs, TK_SEMI)) sync_stmt(cs);
}

static cc_node *cond_paren(cc_state *cs, const char *what) {
  const cc_tok *t = cc_peek(cs, 0);
  if (!cc_expect(cs, TK_LPAREN)) {
    (void)what;
    cc_node *n = cc_new(cs, E_NUM, t);
    return n;
  }
  cc_node *e = cc_rvalue(cs, cc_expr(cs));
  if (!cc_expect(cs, TK_RPAREN)) sync_stmt(cs);
  return e;
}

/* Starts a declaration (not an expression)? Two identifiers in a row mean
** an unknown type name. */
static bool decl_start(cc_state *cs) {
  const cc_tok *t = cc_peek(cs, 0);
  if (cc_is_type_start(cs, t)) return true;
  if (t->k == TK_IDENT && !t->name->sym && cc_peek(cs, 1)->k == TK_IDENT &&
      !cc_hc_visible(cs, t->name)) {
    if (t->name->btype)
      cc_error(cs, t->line, t->col, "unknown type name '%s'; add #include <stdint.h>", t->name->s);
    else
      cc_error(cs, t->line, t->col, "unknown type name '%s'", t->name->s);
    cc_sym *s = cc_declare(cs, t->name, SYM_TYPEDEF, t);   /* recover as int */
    s->ty = cc_ty_scalar(TY_INT);
    s->used = 1;
    return true;
  }
  return false;
}

static int case_order(const void *x, const void *y) {
  const cc_node *a = *(cc_node *const *)x, *b = *(cc_node *const *)y;
  if (a->val != b->val) return a->val < b->val ? -1 : 1;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return a->col < b->col ? -1 : a->col > b->col;
}

/* Report each case value used twice, at the later use. */
static void check_duplicates(cc_state *cs, cc_node *sw) {
  if (sw->ncases < 2) return;
  cc_node **v = cc_alloc(cs, sw->ncases * sizeof *v);
  memcpy(v, sw->cases, sw->ncases * sizeof *v);
  qsort(v, sw->ncases, sizeof *v, case_order);
  for (uint32_t i = 1; i < sw->ncases; i++) {
    if (v[i]->val != v[i - 1]->val) continue;
    cc_error(cs, v[i]->line, v[i]->col, "duplicate case value '%d'", (int)v[i]->val);
    cc_note(cs, v[i - 1]->line, v[i - 1]->col, "previously used here");
  }
}

static cc_node *block(cc_state *cs, bool own_scope) {
  const cc_tok *lb = cc_next(cs);     /* '{' */
  cc_node *n = cc_new(cs, S_BLOCK, lb);
  cc_vec items = { .isz = sizeof(cc_node *) };
  if (own_scope) scope_push(cs);
  while (cc_peek(cs, 0)->k != TK_RBRACE && cc_peek(cs, 0)->k != TK_EOF) {
    uint32_t before = cs->pos;
    if (decl_start(cs)) local_decl(cs, &items);
    else *(cc_node **)cc_vpush(cs, &items) = stmt(cs);
    if (cs->pos == before) cc_next(cs);     /* always progress */
  }
  const cc_tok *rb = cc_peek(cs, 0);
  n->eline = rb->line;
  n->ecol = rb->col;
  cc_expect(cs, TK_RBRACE);
  if (own_scope) scope_pop(cs);
  n->list = items.v;
  n->nlist = items.n;
  return n;
}

static cc_node *stmt(cc_state *cs) {
  const cc_tok *t = cc_peek(cs, 0);
  cc_node *n;
  if (++cs->nest > CC_MAX_NEST) {
    cc_error(cs, t->line, t->col, "statements nested too deeply");
    cc_fatal(cs, "cannot continue");
  }
  switch (t->k) {
    case TK_LBRACE:
      n = block(cs, true);
      break;
    case TK_SEMI:
      cc_next(cs);
      n = cc_new(cs, S_EMPTY, t);
      break;
    case TK_IF: {
      cc_next(cs);
      n = cc_new(cs, S_IF, t);
      n->a = cond_paren(cs, "if");
      n->b = stmt(cs);
      if (cc_accept(cs, TK_ELSE)) n->c = stmt(cs);
      break;
    }
    case TK_WHILE: {
      cc_next(cs);
      n = cc_new(cs, S_WHILE, t);
      n->a = cond_paren(cs, "while");
      cs->loopdepth++;
      n->b = stmt(cs);
      cs->loopdepth--;
      break;
    }
    case TK_DO: {
      cc_next(cs);
      n = cc_new(cs, S_DO, t);
      cs->loopdepth++;
      n->b = stmt(cs);
      cs->loopdepth--;
      if (cc_expect(cs, TK_WHILE)) {
        n->a = cond_paren(cs, "do");
        expect_semi(cs);
      } else {
        n->a = cc_new(cs, E_NUM, t);
        sync_stmt(cs);
      }
      break;
    }
    case TK_FOR: {
      cc_next(cs);
      n = cc_new(cs, S_FOR, t);
      scope_push(cs);
      if (!cc_expect(cs, TK_LPAREN)) { sync_stmt(cs); scope_pop(cs); break; }
      if (decl_start(cs)) {
        cc_vec items = { .isz = sizeof(cc_node *) };
        local_decl(cs, &items);
        cc_node *b = cc_new(cs, S_BLOCK, t);
        b->val = 1;
        b->list = items.v;
        b->nlist = items.n;
        n->a = b;
      } else {
        if (cc_peek(cs, 0)->k != TK_SEMI) {
          n->a = cc_new(cs, S_EXPR, cc_peek(cs, 0));
          n->a->a = cc_expr(cs);
        }
        expect_semi(cs);
      }
      if (cc_peek(cs, 0)->k != TK_SEMI) n->b = cc_rvalue(cs, cc_expr(cs));
      expect_semi(cs);
      if (cc_peek(cs, 0)->k != TK_RPAREN) n->c = cc_expr(cs);
      if (!cc_expect(cs, TK_RPAREN)) sync_stmt(cs);
      cs->loopdepth++;
      n->d = stmt(cs);
      cs->loopdepth--;
      scope_pop(cs);
      break;
    }
    case TK_SWITCH: {
      cc_next(cs);
      n = cc_new(cs, S_SWITCH, t);
      cc_node *v = cond_paren(cs, "switch");
      n->a = cc_convert(cs, v, cc_ty_scalar(cc_ty_promote(v->ty.k)), false);
      cc_node *outer = cs->curswitch;
      cs->curswitch = n;
      cs->switchdepth++;
      cc_vec cases = { .isz = sizeof(cc_node *) };
      n->cases = (cc_node **)(void *)&cases;     /* collected during the body */
      n->b = stmt(cs);
      n->cases = cases.v;
      n->ncases = cases.n;
      check_duplicates(cs, n);
      cs->switchdepth--;
      cs->curswitch = outer;
      break;
    }
    case TK_CASE: {
      cc_next(cs);
      n = cc_new(cs, S_CASE, t);
      int32_t v;
      cc_const_expr(cs, &v, "case label");
      cc_expect(cs, TK_COLON);
      cc_node *sw = cs->curswitch;
      if (!sw) {
        cc_error(cs, t->line, t->col, "case label not within a switch statement");
      } else {
        v = cc_ty_norm(sw->a->ty.k, (uint32_t)v);
        n->val = v;
        cc_vec *cases = (cc_vec *)(void *)sw->cases;
        *(cc_node **)cc_vpush(cs, cases) = n;      /* duplicates: at the switch's end */
      }
      if (cc_peek(cs, 0)->k == TK_RBRACE) {
        const cc_tok *r = cc_peek(cs, 0);
        cc_error(cs, r->line, r->col, "label at end of compound statement (add ';' or "
                 "'break;')");
        n->a = cc_new(cs, S_EMPTY, r);
      } else if (decl_start(cs)) {
        const cc_tok *d = cc_peek(cs, 0);
        cc_error(cs, d->line, d->col, "a label can only be part of a statement and a "
                 "declaration is not a statement (put the case body in braces)");
        cc_vec junk = { .isz = sizeof(cc_node *) };
        local_decl(cs, &junk);
        n->a = cc_new(cs, S_EMPTY, d);
      } else {
        n->a = stmt(cs);
      }
      break;
    }
    case TK_DEFAULT: {
      cc_next(cs);
      n = cc_new(cs, S_DEFAULT, t);
      cc_expect(cs, TK_COLON);
      cc_node *sw = cs->curswitch;
      if (!sw) cc_error(cs, t->line, t->col, "'default' label not within a switch statement");
      else if (sw->dflt) {
        cc_error(cs, t->line, t->col, "multiple default labels in one switch");
        cc_note(cs, sw->dflt->line, sw->dflt->col, "this is the first default label");
      } else {
        sw->dflt = n;
      }
      if (cc_peek(cs, 0)->k == TK_RBRACE) {
        const cc_tok *r = cc_peek(cs, 0);
        cc_error(cs, r->line, r->col, "label at end of compound statement (add ';' or "
                 "'break;')");
        n->a = cc_new(cs, S_EMPTY, r);
      } else if (decl_start(cs)) {
        const cc_tok *d = cc_peek(cs, 0);
        cc_error(cs, d->line, d->col, "a label can only be part of a statement and a "
                 "declaration is not a statement (put the case body in braces)");
        cc_vec junk = { .isz = sizeof(cc_node *) };
        local_decl(cs, &junk);
        n->a = cc_new(cs, S_EMPTY, d);
      } else {
        n->a = stmt(cs);
      }
      break;
    }
    case TK_BREAK:
      cc_next(cs);
      n = cc_new(cs, S_BREAK, t);
      if (cs->loopdepth == 0 && cs->switchdepth == 0)
        cc_error(cs, t->line, t->col, "break statement not within a loop or switch");
      expect_semi(cs);
      break;
    case TK_CONTINUE:
      cc_next(cs);
      n = cc_new(cs, S_CONTINUE, t);
      if (cs->loopdepth == 0) cc_error(cs, t->line, t->col, "continue statement not within a loop");
      expect_semi(cs);
      break;
    case TK_RETURN: {
      cc_next(cs);
      n = cc_new(cs, S_RETURN, t);
      cc_func *f = cs->curfn;
      if (cc_peek(cs, 0)->k != TK_SEMI) {
        cc_node *e = cc_expr(cs);
        if (f && f->ret.k == TY_VOID) {
          if (!(e->ty.k == TY_VOID && e->ty.ndim == 0))
            cc_error(cs, t->line, t->col, "'return' with a value, in function '%s' returning "
                     "void", f->name);
          n->a = cc_convert(cs, e, cc_ty_scalar(TY_VOID), false);
        } else if (f) {
          n->a = cc_convert(cs, e, cc_ty_scalar(f->ret.k), true);
        }
      } else if (f && f->ret.k != TY_VOID) {
        cc_warning(cs, t->line, t->col, "'return' with no value, in function '%s' returning "
                   "non-void", f->name);
      }
      expect_semi(cs);
      break;
    }
    case TK_GOTO:
      cc_next(cs);
      cc_error(cs, t->line, t->col, "'goto' is not supported in Cockpit C");
      sync_stmt(cs);
      n = cc_new(cs, S_EMPTY, t);
      break;
    case TK_ELSE: {
      cc_error(cs, t->line, t->col, "'else' without a previous 'if'");
      cc_next(cs);
      n = cc_new(cs, S_EMPTY, t);
      break;
    }
    default:
      if (t->k == TK_IDENT && cc_peek(cs, 1)->k == TK_COLON) {
        cc_error(cs, t->line, t->col, "labels and 'goto' are not supported in Cockpit C");
        cc_next(cs);
        cc_next(cs);
        n = stmt(cs);
        break;
      }
      n = cc_new(cs, S_EXPR, t);
      n->a = cc_expr(cs);
      expect_semi(cs);
      break;
  }
  cs->nest--;
  return n;
}

/* ---- declarations ------------------------------------------------------ */

static bool func_decl(cc_state *cs, const cc_spec *sp, decl *d);

/* Attach variable s (type already set) to storage and parse its
** initialiser, if any. Appends S_DECL to out for automatic locals. */
static void var_decl(cc_state *cs, const cc_spec *sp, decl *d, cc_vec *out) {
  const cc_tok *id = d->name;
  cc_name *nm = id->name;
  bool file = cs->scope == 0;
  cc_sym *prev = in_this_scope(cs, nm) ? nm->sym : NULL;
  if (d->ty.k == TY_VOID && d->ty.ndim == 0) {
    cc_error(cs, id->line, id->col, "variable '%s' declared void", nm->s);
    d->ty.k = TY_INT;
  }
  if (sp->is_extern) {
    cc_error(cs, id->line, id->col, "'extern' variables are not supported in Cockpit C (a "
             "program is a single file)");
  }
  if (file && cc_hc_visible(cs, nm)) {
    cc_error(cs, id->line, id->col, "'%s' redeclared as a different kind of symbol (it is a "
             "Host ABI function)", nm->s);
  }
  cc_sym *s;
  bool merged = false;
  if (prev && file && prev->kind == SYM_VAR && prev->stor == ST_GLOBAL &&
      prev->ty.k == d->ty.k && prev->ty.ndim == d->ty.ndim && prev->ty.cnst == d->ty.cnst &&
      (d->ty.ndim == 0 || prev->ty.dim[0] == d->ty.dim[0] || d->ty.dim[0] == 0)) {
    s = prev;                       /* tentative definition repeated */
    merged = true;
  } else {
    if (prev) {
      if (prev->kind == SYM_VAR || prev->kind == SYM_FUNC) {
        if (file && prev->kind == SYM_VAR) {
          cc_error(cs, id->line, id->col, "conflicting types for '%s'", nm->s);
          cc_note(cs, prev->line, prev->col, "previous declaration of '%s' was here", nm->s);
        } else if (prev->kind == SYM_FUNC) {
          cc_error(cs, id->line, id->col, "'%s' redeclared as a different kind of symbol", nm->s);
          cc_note(cs, prev->line, prev->col, "previous declaration of '%s' was here", nm->s);
        } else {
          redefinition(cs, id, prev);
        }
      } else {
        redefinition(cs, id, prev);
      }
    }
    s = cc_declare(cs, nm, SYM_VAR, id);
    s->ty = d->ty;
    s->stor = file ? ST_GLOBAL : sp->is_static ? ST_STATIC : ST_LOCAL;
    s->is_static = sp->is_static;
    if (file) s->used = 1;          /* globals: no unused warnings */
  }
  if (cc_accept(cs, TK_ASSIGN)) {
    if (merged && s->has_init) {
      cc_error(cs, id->line, id->col, "redefinition of '%s'", nm->s);
      cc_note(cs, s->line, s->col, "previous definition of '%s' was here", nm->s);
    }
    bool need_const = s->stor != ST_LOCAL;
    if (s->ty.ndim) {
      if (merged && s->ty.dim[0] == 0) s->ty.dim[0] = d->ty.dim[0];
      array_init(cs, s, need_const);
    } else {
      const cc_tok *t = cc_peek(cs, 0);
      bool braced = cc_accept(cs, TK_LBRACE);
      cc_node *e = cc_assign_expr(cs);
      if (braced) { cc_accept(cs, TK_COMMA); cc_expect(cs, TK_RBRACE); }
      if (e->ty.ndim && e->k == E_STR)
        cc_error(cs, e->line, e->col, "a string can only initialise a char array (declare "
                 "'char %s[]')", nm->s);
      e = cc_convert(cs, e, cc_ty_scalar(s->ty.k), true);
      if (need_const) {
        if (e->k != E_NUM) cc_error(cs, t->line, t->col, "initializer element is not constant");
        s->ival = cc_alloc(cs, sizeof(int32_t));
        s->ival[0] = e->k == E_NUM ? e->val : 0;
        s->ninit = 1;
        s->has_init = true;
      } else {
        cc_node *n = cc_new(cs, S_DECL, id);
        n->sym = s;
        n->a = e;
        *(cc_node **)cc_vpush(cs, out) = n;
        s->has_init = true;
        return;
      }
    }
  } else if (s->ty.ndim && s->ty.dim[0] == 0) {
    cc_error(cs, id->line, id->col, "array size missing in '%s'", nm->s);
    s->ty.dim[0] = 1;
  } else if (s->ty.cnst && s->stor == ST_LOCAL && !s->ty.ndim) {
    cc_warning(cs, id->line, id->col, "uninitialized 'const %s'", nm->s);
  }
  if (merged) return;
  if (s->stor != ST_LOCAL) {
    *cs->gtail = s;               /* globals and statics, in order */
    cs->gtail = &s->gnext;
    return;
  }
  cc_node *n = cc_new(cs, S_DECL, id);
  n->sym = s;
  *(cc_node **)cc_vpush(cs, out) = n;
}

static void typedef_decl(cc_state *cs, decl *d) {
  const cc_tok *id = d->name;
  if (d->func || d->ty.ndim) {
    cc_error(cs, id->line, id->col, "only integer types can be given typedef names in "
             "Cockpit C");
  }
  if (in_this_scope(cs, id->name)) {
    cc_sym *p = id->name->sym;
    if (!(p->kind == SYM_TYPEDEF && p->ty.k == d->ty.k)) redefinition(cs, id, p);
    return;
  }
  cc_sym *s = cc_declare(cs, id->name, SYM_TYPEDEF, id);
  s->ty = d->ty;
  s->ty.ndim = 0;
  s->used = 1;
}

/* One declaration: specifiers and a list of declarators. At file scope
** a function definition ends it. */
static void declaration(cc_state *cs, cc_vec *out) {
  cc_spec sp;
  const cc_tok *t0 = cc_peek(cs, 0);
  if (!cc_decl_specs(cs, &sp, true)) {
    char b[64];
    cc_error(cs, t0->line, t0->col, "expected declaration before %s", cc_tok_desc(t0, b, sizeof b));
    cc_next(cs);
    sync_stmt(cs);
    return;
  }
  if (cc_accept(cs, TK_SEMI)) return;     /* e.g. an enum definition */
  for (;;) {
    decl d;
    memset(&d, 0, sizeof d);
    declarator(cs, &sp, &d, false);
    if (!d.name) { sync_stmt(cs); return; }
    if (sp.is_typedef) {
      typedef_decl(cs, &d);
    } else if (d.func) {
      if (cs->scope > 0) {
        cc_error(cs, d.name->line, d.name->col, "function declarations inside functions are "
                 "not supported in Cockpit C; declare '%s' at file scope", d.name->name->s);
      } else {
        if (func_decl(cs, &sp, &d)) return;     /* a definition ends it */
      }
    } else {
      var_decl(cs, &sp, &d, out);
    }
    if (cc_accept(cs, TK_COMMA)) continue;
    expect_semi(cs);
    return;
  }
}

static void local_decl(cc_state *cs, cc_vec *out) { declaration(cs, out); }

static bool same_type(cc_type a, cc_type b) {
  if (a.k != b.k || a.ndim != b.ndim) return false;
  if (a.ndim && a.cnst != b.cnst) return false;
  if (a.ndim == 2 && a.dim[1] != b.dim[1]) return false;
  return true;
}

static bool func_decl(cc_state *cs, const cc_spec *sp, decl *d) {
  const cc_tok *id = d->name;
  cc_name *nm = id->name;
  cc_func *f = NULL;
  if (cc_hc_visible(cs, nm)) {
    cc_error(cs, id->line, id->col, "'%s' is a Host ABI function declared by %s and cannot "
             "be declared again", nm->s, (nm->hc->id == CVM_HC_printf ||
             nm->hc->id == CVM_HC_putchar) ? "<stdio.h>" : "\"cockpit.h\"");
  }
  cc_type ret = sp->ty;
  ret.cnst = 0;
  cc_sym *prev = nm->sym && nm->sym->scope == 0 ? nm->sym : NULL;
  if (prev && prev->kind == SYM_FUNC) {
    f = prev->fn;
    bool same = same_type(f->ret, ret) && f->nparams == d->np;
    for (uint32_t i = 0; same && i < d->np; i++) same = same_type(f->ptypes[i], d->ptypes[i]);
    if (!same && !d->bad) {
      cc_error(cs, id->line, id->col, "conflicting types for '%s'", nm->s);
      cc_note(cs, f->line, f->col, "previous declaration of '%s' was here", nm->s);
    }
    if (sp->is_static && !f->is_static && !d->bad)
      cc_error(cs, id->line, id->col, "static declaration of '%s' follows non-static "
               "declaration", nm->s);
  } else {
    if (prev) {
      cc_error(cs, id->line, id->col, "'%s' redeclared as a different kind of symbol", nm->s);
      cc_note(cs, prev->line, prev->col, "previous declaration of '%s' was here", nm->s);
    }
    f = cc_alloc(cs, sizeof *f);
    f->name = nm->s;
    f->ret = ret;
    f->nparams = d->np;
    f->ptypes = cc_alloc(cs, (d->np ? d->np : 1) * sizeof(cc_type));
    memcpy(f->ptypes, d->ptypes, d->np * sizeof(cc_type));
    f->line = id->line;
    f->col = id->col;
    f->is_static = sp->is_static;
    f->id = cs->nfuncs++;
    f->index = -1;
    uint32_t slots = 0;
    for (uint32_t i = 0; i < d->np; i++) slots += d->ptypes[i].ndim ? 2 : 1;
    f->pslots = slots;
    cc_sym *s = cc_declare(cs, nm, SYM_FUNC, id);
    s->fn = f;
    s->used = 1;
    f->sym = s;
    *cs->ftail = f;
    cs->ftail = &f->next;
  }
  if (ret.ndim == 0 && sp->ty.cnst && ret.k != TY_VOID) { /* const int f(): harmless */ }
  if (cc_peek(cs, 0)->k != TK_LBRACE) return false;
  /* definition */
  if (f->defined) {
    cc_error(cs, id->line, id->col, "redefinition of '%s'", nm->s);
    cc_note(cs, f->line, f->col, "previous definition of '%s' was here", nm->s);
    skip_braces(cs);
    return true;
  }
  f->defined = 1;
  f->line = id->line;
  f->col = id->col;
  f->params = cc_alloc(cs, (d->np ? d->np : 1) * sizeof(cc_sym *));
  cs->curfn = f;
  scope_push(cs);
  for (uint32_t i = 0; i < d->np; i++) {
    const cc_tok *pn = d->pnames[i];
    if (!pn) {
      cc_error(cs, id->line, id->col, "parameter %u of '%s' has no name", (unsigned)(i + 1), nm->s);
      pn = id;
      cc_sym *s = cc_alloc(cs, sizeof *s);
      s->name = nm;
      s->kind = SYM_VAR;
      s->ty = d->ptypes[i];
      s->stor = ST_PARAM;
      s->entry = -1;
      f->params[i] = s;
      continue;
    }
    if (in_this_scope(cs, pn->name)) redefinition(cs, pn, pn->name->sym);
    cc_sym *s = cc_declare(cs, pn->name, SYM_VAR, pn);
    s->ty = d->ptypes[i];
    s->stor = ST_PARAM;
    s->used = 1;
    f->params[i] = s;
  }
  f->body = block(cs, false);
  scope_pop(cs);
  cs->curfn = NULL;
  return true;
}

/* ---- program ----------------------------------------------------------- */

static void mark_calls(cc_node *n);

static void mark_list(cc_node **l, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) mark_calls(l[i]);
}

/* Note which functions are called (for "declared but never defined"). */
static void mark_calls(cc_node *n) {
  if (!n) return;
  if (n->k == E_CALL) n->fn->called = 1;
  mark_calls(n->a);
  mark_calls(n->b);
  mark_calls(n->c);
  mark_calls(n->d);
  if (n->k != S_SWITCH) mark_list(n->list, n->nlist);
  if (n->k == S_DECL && n->sym && n->sym->inode)
    mark_list(n->sym->inode, n->sym->ninit);
}

void cc_parse(cc_state *cs) {
  cs->gtail = &cs->globals;
  cs->ftail = &cs->funcs;
  cc_vec junk = { .isz = sizeof(cc_node *) };
  while (cc_peek(cs, 0)->k != TK_EOF) {
    uint32_t before = cs->pos;
    const cc_tok *t = cc_peek(cs, 0);
    if (t->k == TK_SEMI) { cc_next(cs); continue; }
    if (!cc_is_type_start(cs, t)) {
      char b[64];
      if (t->k == TK_IDENT && cc_peek(cs, 1)->k == TK_IDENT) {
        decl_start(cs);
        declaration(cs, &junk);
      } else if (t->k == TK_IDENT && cc_peek(cs, 1)->k == TK_LPAREN) {
        cc_error(cs, t->line, t->col, "return type of '%s' is missing (implicit 'int' is not "
                 "allowed)", t->name->s);
        sync_stmt(cs);
        if (cc_peek(cs, 0)->k == TK_LBRACE) skip_braces(cs);
      } else {
        cc_error(cs, t->line, t->col, "expected declaration before %s",
                 cc_tok_desc(t, b, sizeof b));
        cc_next(cs);
        sync_stmt(cs);
        if (cc_peek(cs, 0)->k == TK_LBRACE) skip_braces(cs);
      }
    } else {
      declaration(cs, &junk);
    }
    if (cs->pos == before) cc_next(cs);
  }
  /* whole-program checks */
  for (cc_func *f = cs->funcs; f; f = f->next) mark_calls(f->body);
  for (cc_func *f = cs->funcs; f; f = f->next) {
    if (f->called && !f->defined)
      cc_error(cs, f->line, f->col, "function '%s' is used but never defined", f->name);
    else if (f->defined && f->is_static && !f->called)
      cc_warning(cs, f->line, f->col, "'%s' defined but not used", f->name);
  }
  cc_name *mn = cc_intern(cs, "main", 4), *sn = cc_intern(cs, "setup", 5),
          *ln = cc_intern(cs, "loop", 4);
  cc_func *fm = mn->sym && mn->sym->kind == SYM_FUNC && mn->sym->fn->defined ? mn->sym->fn : NULL;
  cc_func *fs = sn->sym && sn->sym->kind == SYM_FUNC && sn->sym->fn->defined ? sn->sym->fn : NULL;
  cc_func *fl = ln->sym && ln->sym->kind == SYM_FUNC && ln->sym->fn->defined ? ln->sym->fn : NULL;
  if (fm) {
    if (fm->ret.k != TY_INT || fm->nparams != 0)
      cc_error(cs, fm->line, fm->col, "'main' must be declared 'int main(void)' in Cockpit C");
    if (fs || fl)
      cc_error(cs, fm->line, fm->col, "a program has either 'main' or 'setup' and 'loop', "
               "not both");
  } else if (fs || fl) {
    if (!fs) cc_error(cs, fl->line, fl->col, "'loop' needs a 'setup' function too");
    if (!fl) cc_error(cs, fs->line, fs->col, "'setup' needs a 'loop' function too");
    if (fs && fs->nparams) cc_error(cs, fs->line, fs->col, "'setup' must take no parameters");
    if (fl && fl->nparams) cc_error(cs, fl->line, fl->col, "'loop' must take no parameters");
  } else if (cs->nerrors == 0) {
    cc_error(cs, 0, 0, "no entry point: define 'int main(void)', or 'void setup(void)' and "
             "'void loop(void)'");
  }
}
