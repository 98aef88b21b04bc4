/*
** cc_gen.c -- code for statements and functions: register slots for
** locals, frame arrays, loops (rotated, so each iteration runs one
** compare-and-branch), switch (jump table when dense, compare chain
** otherwise), returns; plus the array table and read-only data pools.
*/
#include <string.h>

#include "cc_gen.h"

/* ---- emission ---------------------------------------------------------- */

cc_ins *cc_emit(cc_gen *g, int op, int a, int b, int c) {
  cc_ins *in = cc_vpush(g->cs, &g->ins);
  in->op = (uint8_t)op;
  in->a = (uint8_t)a;
  in->b = (uint8_t)b;
  in->c = (uint8_t)c;
  in->k2 = -1;
  in->line = g->line;
  return in;
}

cc_ins *cc_emitk(cc_gen *g, int op, int a, int32_t k) {
  cc_ins *in = cc_emit(g, op, a, 0, 0);
  in->k = k;
  return in;
}

int cc_newlabel(cc_gen *g) { return g->nlabels++; }

void cc_label(cc_gen *g, int l) { cc_emitk(g, IR_LABEL, 0, l); }

void cc_jump(cc_gen *g, int l) { cc_emitk(g, CVM_OP_JMP, 0, l); }

int cc_alloc_reg(cc_gen *g) {
  int r = g->freereg++;
  if (g->freereg > g->maxreg) g->maxreg = g->freereg;
  if (r >= CC_MAX_SLOTS && !g->too_many) {
    g->too_many = true;
    cc_error(g->cs, g->fn->line, g->fn->col, "function '%s' is too complex: it needs more "
             "than %d register slots (split it, or use arrays)", g->fn->name, CC_MAX_SLOTS);
  }
  return r;
}

void cc_free_reg(cc_gen *g, int r) {
  if (r >= g->nactive && r == g->freereg - 1) g->freereg--;
}

/* ---- array table and read-only data ------------------------------------ */

static uint32_t arr_hash(uint32_t base, uint32_t count, uint32_t esize, int space,
                         uint32_t inner) {
  uint32_t h = base * 2654435761u;
  h = (h ^ count) * 2246822519u;
  h = (h ^ (esize | (uint32_t)space << 8 | inner << 16)) * 3266489917u;
  return h ^ (h >> 15);
}

int cc_array_entry(cc_state *cs, uint32_t base, uint32_t count, uint32_t esize, int space,
                   uint32_t inner) {
  if (cs->arrays.n * 2 >= cs->arrhash_cap) {           /* grow and rehash */
    uint32_t ncap = cs->arrhash_cap ? cs->arrhash_cap * 2 : 256;
    int32_t *t = cc_alloc(cs, ncap * sizeof *t);
    for (uint32_t i = 0; i < cs->arrays.n; i++) {
      cc_arr *a = &CC_VAT(&cs->arrays, cc_arr, i);
      uint32_t j = arr_hash(a->base, a->count, a->esize, a->space, a->inner) & (ncap - 1);
      while (t[j]) j = (j + 1) & (ncap - 1);
      t[j] = (int32_t)i + 1;
    }
    cs->arrhash = t;
    cs->arrhash_cap = ncap;
  }
  uint32_t j = arr_hash(base, count, esize, space, inner) & (cs->arrhash_cap - 1);
  for (; cs->arrhash[j]; j = (j + 1) & (cs->arrhash_cap - 1)) {
    cc_arr *a = &CC_VAT(&cs->arrays, cc_arr, cs->arrhash[j] - 1);
    if (a->base == base && a->count == count && a->esize == esize && a->space == space &&
        a->inner == inner)
      return cs->arrhash[j] - 1;
  }
  if (cs->arrays.n >= 0xFFFF) cc_fatal(cs, "program has too many arrays and strings");
  cs->arrhash[j] = (int32_t)cs->arrays.n + 1;
  cc_arr *a = cc_vpush(cs, &cs->arrays);
  a->base = base;
  a->count = count;
  a->esize = (uint8_t)esize;
  a->space = (uint8_t)space;
  a->inner = (uint16_t)inner;
  a->final = -1;
  return (int)cs->arrays.n - 1;
}

int cc_ro_bytes(cc_state *cs, const void *p, uint32_t n, uint32_t align) {
  uint32_t off = (cs->rodata_size + align - 1) & ~(align - 1);
  if ((uint64_t)off + n > (16u << 20)) cc_fatal(cs, "read-only data too large");
  if (off + n > cs->rodata_cap) {
    uint32_t ncap = cs->rodata_cap ? cs->rodata_cap : 256;
    while (ncap < off + n) ncap *= 2;
    uint8_t *nb = cc_alloc(cs, ncap);
    if (cs->rodata_size) memcpy(nb, cs->rodata, cs->rodata_size);
    cs->rodata = nb;
    cs->rodata_cap = ncap;
  }
  memset(cs->rodata + cs->rodata_size, 0, off - cs->rodata_size);
  if (n) memcpy(cs->rodata + off, p, n);
  cs->rodata_size = off + n;
  return (int)off;
}

int cc_var_entry(cc_gen *g, cc_sym *s) {
  (void)g;
  return s->entry;
}

int cc_str_entry(cc_gen *g, cc_str *s, bool ram) {
  cc_state *cs = g->cs;
  if (ram) {
    if (s->ram_entry < 0) {
      s->ram_off = cs->globals_size;
      cs->globals_size += (s->n + 3) & ~3u;
      s->ram_entry = cc_array_entry(cs, s->ram_off, s->n, 1, CVM_SP_G, 0);
    }
    return s->ram_entry;
  }
  if (s->ro_entry < 0) {
    int off = cc_ro_bytes(cs, s->b, s->n, 1);
    s->ro_entry = cc_array_entry(cs, (uint32_t)off, s->n, 1, CVM_SP_R, 0);
  }
  return s->ro_entry;
}

/* Little-endian element values into a byte buffer. */
static void put_elems(uint8_t *out, const int32_t *v, uint32_t n, uint32_t es) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t x = (uint32_t)v[i];
    for (uint32_t b = 0; b < es; b++) out[i * es + b] = (uint8_t)(x >> (8 * b));
  }
}

/* Read-only copy of an array's initial values (count elements, zero-filled
** beyond ninit): returns its entry. */
int cc_ro_array(cc_state *cs, const cc_sym *s, uint32_t count) {
  uint32_t es = cc_ty_size(s->ty.k);
  uint8_t *buf = cc_alloc(cs, (size_t)count * es + 1);
  put_elems(buf, s->ival, s->ninit < count ? s->ninit : count, es);
  int off = cc_ro_bytes(cs, buf, count * es, es);
  return cc_array_entry(cs, (uint32_t)off, count, es, CVM_SP_R,
                        s->ty.ndim == 2 ? s->ty.dim[1] : 0);
}

/* ---- statements -------------------------------------------------------- */

static void stmt(cc_gen *g, cc_node *n);

/* Does n contain a case/default label of the enclosing switch? Then it
** cannot be dropped as dead code. */
static bool has_label(const cc_node *n) {
  if (!n) return false;
  if (n->k == S_CASE || n->k == S_DEFAULT) return true;
  if (n->k == S_SWITCH || n->k < S_EXPR) return false;
  if (has_label(n->a) || has_label(n->b) || has_label(n->c) || has_label(n->d)) return true;
  if (n->k == S_BLOCK)
    for (uint32_t i = 0; i < n->nlist; i++)
      if (has_label(n->list[i])) return true;
  return false;
}

static uint32_t elem_count(cc_type t) { return t.dim[0] * (t.ndim == 2 ? t.dim[1] : 1); }

static void local_array(cc_gen *g, cc_sym *s) {
  cc_state *cs = g->cs;
  uint32_t es = cc_ty_size(s->ty.k), count = elem_count(s->ty);
  uint32_t inner = s->ty.ndim == 2 ? s->ty.dim[1] : 0;
  if (s->ty.cnst && s->has_init && s->constinit && !s->passed) {
    s->entry = cc_ro_array(cs, s, count);     /* never written: read-only data */
    return;
  }
  uint64_t bytes = ((uint64_t)count * es + 3) & ~(uint64_t)3;
  if (g->arroff + bytes > CC_MAX_ARRBYTES) {
    cc_error(cs, s->line, s->col, "local arrays of function '%s' are too large (more than %u "
             "bytes); make '%s' global or static", g->fn->name, (unsigned)CC_MAX_ARRBYTES,
             s->name->s);
    s->entry = cc_array_entry(cs, 0, 1, es, CVM_SP_L, 0);
    return;
  }
  uint32_t off = g->arroff;
  g->arroff += (uint32_t)bytes;
  if (g->arroff > g->arrmax) g->arrmax = g->arroff;
  s->entry = cc_array_entry(cs, off, count, es, CVM_SP_L, inner);
  if (!s->has_init) return;
  CC_VAT(&cs->arrays, cc_arr, s->entry).short_ref = 1;
  uint32_t n = s->ninit;
  while (n > 0 && s->ival[n - 1] == 0) n--;          /* AINIT zero-fills */
  int src = -1;
  if (n > 0) {
    uint8_t *buf = cc_alloc(cs, (size_t)n * es);
    put_elems(buf, s->ival, n, es);
    int ro = cc_ro_bytes(cs, buf, n * es, es);
    src = cc_array_entry(cs, (uint32_t)ro, n, es, CVM_SP_R, 0);
  }
  cc_ins *in = cc_emitk(g, CVM_OP_AINIT, 0, s->entry);
  in->k2 = src;
  if (!s->inode) return;
  static const uint8_t st[5] = { 0, CVM_OP_STL8, CVM_OP_STL16, 0, CVM_OP_STL32 };
  for (uint32_t i = 0; i < s->ninit; i++) {
    if (!s->inode[i]) continue;
    int r = cc_ex(g, s->inode[i], NOREG);
    int t = cc_alloc_reg(g);
    cc_load_const(g, t, (int32_t)i);
    cc_ins *st_in = cc_emit(g, st[es], r, t, 0);
    st_in->k = s->entry;
    g->freereg = g->nactive;
  }
}

static void decl(cc_gen *g, cc_node *n) {
  cc_sym *s = n->sym;
  if (s->stor != ST_LOCAL) return;
  if (s->ty.ndim) {
    local_array(g, s);
    return;
  }
  s->reg = cc_alloc_reg(g);
  g->nactive = g->freereg;
  if (n->a) cc_ex(g, n->a, s->reg);
}

static void loop_body(cc_gen *g, cc_node *body, int brk, int cont) {
  int ob = g->brk, oc = g->cont;
  g->brk = brk;
  g->cont = cont;
  stmt(g, body);
  g->brk = ob;
  g->cont = oc;
}

static bool is_true(const cc_node *c) { return !c || (c->k == E_NUM && c->val != 0); }
static bool is_false(const cc_node *c) { return c && c->k == E_NUM && c->val == 0; }

static void switch_stmt(cc_gen *g, cc_node *n) {
  cc_state *cs = g->cs;
  int lend = cc_newlabel(g);
  int ldef = lend;
  if (n->dflt) ldef = n->dflt->label = cc_newlabel(g);
  for (uint32_t i = 0; i < n->ncases; i++) n->cases[i]->label = cc_newlabel(g);
  bool uns = n->a->ty.k == TY_UINT;
  int r = cc_ex(g, n->a, NOREG);
  if (n->ncases > 0) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (uint32_t i = 0; i < n->ncases; i++) {
      int64_t v = uns ? (int64_t)(uint32_t)n->cases[i]->val : (int64_t)n->cases[i]->val;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    uint64_t range = (uint64_t)(hi - lo) + 1;
    if (n->ncases >= 4 && range <= 3u * n->ncases && range <= 1024) {
      int t = r;
      if (lo != 0) {
        t = cc_alloc_reg(g);
        int32_t d = (int32_t)(0u - (uint32_t)lo);
        if (d >= -128 && d <= 127) cc_emit(g, CVM_OP_ADDI, t, r, d);
        else {
          cc_load_const(g, t, d);
          cc_emit(g, CVM_OP_ADD, t, r, t);
        }
      }
      cc_ins *in = cc_emit(g, CVM_OP_SWITCH, t, 0, 0);
      in->ntab = (uint32_t)range + 1;
      in->tab = cc_alloc(cs, in->ntab * sizeof(int));
      for (uint32_t i = 0; i <= range; i++) in->tab[i] = ldef;
      for (uint32_t i = 0; i < n->ncases; i++) {
        int64_t v = uns ? (int64_t)(uint32_t)n->cases[i]->val : (int64_t)n->cases[i]->val;
        in->tab[v - lo] = n->cases[i]->label;
      }
    } else {
      for (uint32_t i = 0; i < n->ncases; i++) {
        int32_t v = n->cases[i]->val;
        cc_ins *in;
        if (v >= -128 && v <= 127) {
          in = cc_emit(g, CVM_OP_JEQI, r, v & 0xFF, 0);
        } else {
          int t = cc_alloc_reg(g);
          cc_load_const(g, t, v);
          in = cc_emit(g, CVM_OP_JEQ, r, t, 0);
          cc_free_reg(g, t);
        }
        in->k = n->cases[i]->label;
      }
      cc_jump(g, ldef);
    }
  } else {
    cc_jump(g, ldef);
  }
  g->freereg = g->nactive;
  int ob = g->brk;
  g->brk = lend;
  stmt(g, n->b);
  g->brk = ob;
  cc_label(g, lend);
}

static void stmt(cc_gen *g, cc_node *n) {
  if (!n) return;
  g->freereg = g->nactive;
  if (n->line) g->line = n->line;
  switch (n->k) {
    case S_EMPTY: break;
    case S_EXPR: cc_ex_void(g, n->a); break;
    case S_DECL: decl(g, n); break;
    case S_BLOCK: {
      int sf = g->freereg, sa = g->nactive;
      uint32_t so = g->arroff;
      for (uint32_t i = 0; i < n->nlist; i++) stmt(g, n->list[i]);
      if (!n->val) {
        g->freereg = sf;
        g->nactive = sa;
        g->arroff = so;
      }
      break;
    }
    case S_IF: {
      if (n->a->k == E_NUM && !has_label(n->b) && !has_label(n->c)) {
        stmt(g, n->a->val ? n->b : n->c);      /* dead branch removed */
        break;
      }
      int lelse = cc_newlabel(g), lend = cc_newlabel(g);
      cc_cond(g, n->a, false, lelse);
      stmt(g, n->b);
      if (n->c) {
        cc_jump(g, lend);
        cc_label(g, lelse);
        stmt(g, n->c);
        cc_label(g, lend);
      } else {
        cc_label(g, lelse);
      }
      break;
    }
    case S_WHILE: {
      if (is_false(n->a) && !has_label(n->b)) break;
      cc_loopsave sv;
      cc_loop_enter(g, n, &sv);
      int ltop = cc_newlabel(g), lcont = cc_newlabel(g), lbrk = cc_newlabel(g);
      if (!is_true(n->a)) cc_cond(g, n->a, false, lbrk);
      cc_label(g, ltop);
      loop_body(g, n->b, lbrk, lcont);
      cc_label(g, lcont);
      g->freereg = g->nactive;
      g->line = n->line;
      if (is_true(n->a)) cc_jump(g, ltop);
      else cc_cond(g, n->a, true, ltop);
      cc_label(g, lbrk);
      cc_loop_leave(g, &sv);
      break;
    }
    case S_DO: {
      cc_loopsave sv;
      cc_loop_enter(g, n, &sv);
      int ltop = cc_newlabel(g), lcont = cc_newlabel(g), lbrk = cc_newlabel(g);
      cc_label(g, ltop);
      loop_body(g, n->b, lbrk, lcont);
      cc_label(g, lcont);
      g->freereg = g->nactive;
      g->line = n->a->line ? n->a->line : n->line;
      cc_cond(g, n->a, true, ltop);
      cc_label(g, lbrk);
      cc_loop_leave(g, &sv);
      break;
    }
    case S_FOR: {
      int sf = g->freereg, sa = g->nactive;
      uint32_t so = g->arroff;
      stmt(g, n->a);
      g->freereg = g->nactive;
      if (!(is_false(n->b) && !has_label(n->d))) {
        cc_loopsave sv;
        g->line = n->line;
        cc_loop_enter(g, n, &sv);
        int ltop = cc_newlabel(g), lcont = cc_newlabel(g), lbrk = cc_newlabel(g);
        /* the whole loop in one instruction; its range (the loop facts)
        ** says it runs at least once, so no entry test either */
        if (!(sv.dot && cc_dot(g, &sv))) {
          if (!is_true(n->b)) cc_cond(g, n->b, false, lbrk);
          cc_label(g, ltop);
          loop_body(g, n->d, lbrk, lcont);
          g->nfacts = sv.nfacts;               /* the range holds in the body only */
          if (!sv.lftr_nocont) cc_label(g, lcont);   /* else nothing jumps there */
          g->freereg = g->nactive;
          g->line = n->line;
          if (n->c && sv.lftr_reg < 0) {
            cc_ex_void(g, n->c);
            g->freereg = g->nactive;
          }
          cc_loop_step(g, &sv);
          if (sv.lftr_reg >= 0)
            cc_emit(g, sv.lftr_ne ? CVM_OP_JNE : CVM_OP_JLT, sv.lftr_reg, sv.lftr_lim, 0)->k = ltop;
          else if (is_true(n->b)) cc_jump(g, ltop);
          else cc_cond(g, n->b, true, ltop);
        }
        cc_label(g, lbrk);
        cc_loop_leave(g, &sv);
      }
      g->freereg = sf;
      g->nactive = sa;
      g->arroff = so;
      break;
    }
    case S_SWITCH: switch_stmt(g, n); break;
    case S_CASE: case S_DEFAULT:
      cc_label(g, n->label);
      stmt(g, n->a);
      break;
    case S_BREAK: cc_jump(g, g->brk); break;
    case S_CONTINUE: cc_jump(g, g->cont); break;
    case S_RETURN:
      if (n->a && n->a->ty.k != TY_VOID) {
        int r = cc_ex(g, n->a, NOREG);
        g->line = n->line;
        cc_emit(g, CVM_OP_RET, r, 0, 0);
      } else {
        if (n->a) cc_ex_void(g, n->a);
        g->line = n->line;
        cc_emit(g, CVM_OP_RET0, 0, 0, 0);
      }
      break;
    default: break;
  }
}

void cc_gen_func(cc_state *cs, cc_func *f) {
  cc_gen g;
  memset(&g, 0, sizeof g);
  g.cs = cs;
  g.fn = f;
  g.ins.isz = sizeof(cc_ins);
  g.brk = g.cont = -1;
  g.line = f->line;
  int slot = 0;
  for (uint32_t i = 0; i < f->nparams; i++) {
    f->params[i]->reg = slot;
    slot += f->ptypes[i].ndim ? 2 : 1;
  }
  g.freereg = g.nactive = g.maxreg = slot;
  stmt(&g, f->body);
  g.line = f->body->eline;
  cc_ins *in = cc_emit(&g, CVM_OP_RET0, 0, 0, 0);
  in->implicit = 1;
  in->col = f->body->ecol;
  f->ins = g.ins.v;
  f->nins = g.ins.n;
  f->nslots = g.maxreg > 0 ? (uint32_t)g.maxreg : 1;
  f->arrbytes = g.arrmax;
  f->nlabels = g.nlabels;
}
