/*
** cc_image.c -- the compiler's entry point and its last stage: memory
** layout of globals, code generation for every function, function pruning
** (only what main or setup/loop can reach), the array table in its final
** order, the stack bound (as the verifier computes it) and the cvm1_image.
*/
#include <stdlib.h>
#include <string.h>

#include "cc_int.h"

struct cc_program {
  cc_state cs;
  cvm1_image img;
};

#define DEFAULT_STACK  8192u   /* frame bytes reserved for recursive programs */
#define DEFAULT_DEPTH  256u    /* call records reserved for recursive programs */
#define MAX_GLOBALS    (16u << 20)

static uint32_t elem_count(cc_type t) { return t.dim[0] * (t.ndim == 2 ? t.dim[1] : 1); }

static void layout_globals(cc_state *cs) {
  uint32_t words = 0;
  for (cc_sym *s = cs->globals; s; s = s->gnext)
    if (!s->ty.ndim) s->gword = words++;
  if (words > 0xFFFF) cc_fatal(cs, "too many global variables (at most 65535)");
  cs->gwords = words;
  uint64_t size = (uint64_t)words * 4;
  for (cc_sym *s = cs->globals; s; s = s->gnext) {
    if (!s->ty.ndim) continue;
    uint32_t count = elem_count(s->ty), es = cc_ty_size(s->ty.k);
    if (s->ty.cnst && !s->passed) {
      s->rodata = 1;
      s->entry = cc_ro_array(cs, s, count);
      continue;
    }
    s->off = (uint32_t)size;
    size += ((uint64_t)count * es + 3) & ~(uint64_t)3;
    if (size > MAX_GLOBALS) cc_fatal(cs, "global variables are too large");
    s->entry = cc_array_entry(cs, s->off, count, es, CVM_SP_G, s->ty.ndim == 2 ? s->ty.dim[1] : 0);
  }
  cs->globals_size = (uint32_t)size;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t data_image(cc_state *cs) {
  uint8_t *d = cc_alloc(cs, cs->globals_size + 4);
  for (cc_sym *s = cs->globals; s; s = s->gnext) {
    if (!s->has_init) continue;
    if (!s->ty.ndim) {
      put32(d + 4 * s->gword, (uint32_t)s->ival[0]);
    } else if (!s->rodata) {
      uint32_t es = cc_ty_size(s->ty.k), n = s->ninit, count = elem_count(s->ty);
      if (n > count) n = count;
      for (uint32_t i = 0; i < n; i++)
        for (uint32_t b = 0; b < es; b++)
          d[s->off + i * es + b] = (uint8_t)((uint32_t)s->ival[i] >> (8 * b));
    }
  }
  for (cc_str *s = cs->strs; s; s = s->next)
    if (s->ram_entry >= 0) memcpy(d + s->ram_off, s->b, s->n);
  cs->gdata = d;
  uint32_t n = cs->globals_size;
  while (n > 0 && d[n - 1] == 0) n--;
  return (n + 3) & ~3u;
}

/* Mark functions reachable from f through its calls (iteratively: call
** chains may be deeper than the C stack). */
static void reach(cc_state *cs, cc_func **byid, cc_func *f) {
  if (f->reach) return;
  cc_func **stack = cc_alloc(cs, ((size_t)cs->nfuncs + 1) * sizeof *stack);
  uint32_t top = 0;
  f->reach = 1;
  stack[top++] = f;
  while (top > 0) {
    cc_func *g = stack[--top];
    for (uint32_t i = 0; i < g->nins; i++) {
      if (g->ins[i].op != CVM_OP_CALL) continue;
      cc_func *h = byid[g->ins[i].k];
      if (!h->reach) {
        h->reach = 1;
        stack[top++] = h;
      }
    }
  }
}

static cc_func *entry_fn(cc_state *cs, const char *name) {
  cc_name *n = cc_intern(cs, name, strlen(name));
  return n->sym && n->sym->kind == SYM_FUNC && n->sym->fn->defined ? n->sym->fn : NULL;
}

/* Stack need and call depth over the call graph from the entry points,
** as cvm_verify computes them: need(f) = max(slots(f), A + need(g) for
** each call of g at window A) + arrays(f); depth(f) = 1 + max depth(g).
** A depth-first walk in post order (iterative: chains may be deep).
** Returns false when a cycle (recursion) is reachable. */
static bool stack_bound(cc_state *cs, cc_func **fl, uint32_t nf, const int *funcmap,
                        cc_func **roots, uint32_t *max_stack, uint32_t *max_depth) {
  uint64_t *need = cc_alloc(cs, (nf ? nf : 1) * sizeof *need);
  uint64_t *depth = cc_alloc(cs, (nf ? nf : 1) * sizeof *depth);
  uint8_t *state = cc_alloc(cs, nf ? nf : 1);          /* 0 new, 1 open, 2 done */
  uint32_t *stk = cc_alloc(cs, ((size_t)nf + 1) * sizeof *stk);
  uint32_t *pos = cc_alloc(cs, ((size_t)nf + 1) * sizeof *pos);   /* next ins */
  bool cyc = false;
  *max_stack = 0;
  *max_depth = 0;
  for (int r = 0; r < 2; r++) {
    if (!roots[r]) continue;
    uint32_t top = 0, root = (uint32_t)roots[r]->index;
    if (state[root] == 0) {
      state[root] = 1;
      stk[top] = root;
      pos[top++] = 0;
    }
    while (top > 0) {
      uint32_t fi = stk[top - 1];
      cc_func *f = fl[fi];
      bool pushed = false;
      while (pos[top - 1] < f->nins) {
        cc_ins *in = &f->ins[pos[top - 1]++];
        if (in->op != CVM_OP_CALL) continue;
        uint32_t g = (uint32_t)funcmap[in->k];
        if (state[g] == 1) { cyc = true; continue; }
        if (state[g] == 0) {
          state[g] = 1;
          stk[top] = g;
          pos[top++] = 0;
          pushed = true;
          break;
        }
      }
      if (pushed) continue;
      uint64_t nd = f->nslots * 4u, dp = 1;       /* all callees are done */
      for (uint32_t j = 0; j < f->nins; j++) {
        cc_ins *in = &f->ins[j];
        if (in->op != CVM_OP_CALL) continue;
        uint32_t g = (uint32_t)funcmap[in->k];
        if (state[g] != 2) continue;                /* a cycle: bounded elsewhere */
        uint64_t n = (uint64_t)in->a * 4 + need[g];
        if (n > nd) nd = n;
        if (depth[g] + 1 > dp) dp = depth[g] + 1;
      }
      nd += f->arrbytes;
      need[fi] = nd > 0xFFFFFFFFu ? 0xFFFFFFFFu : nd;
      depth[fi] = dp;
      state[fi] = 2;
      top--;
    }
    if (need[root] > *max_stack) *max_stack = (uint32_t)need[root];
    if (depth[root] - 1 > *max_depth) *max_depth = (uint32_t)(depth[root] - 1);
  }
  return !cyc;
}

static void build(cc_program *p) {
  cc_state *cs = &p->cs;
  cvm1_image *img = &p->img;
  cs->arrays.isz = sizeof(cc_arr);
  layout_globals(cs);

  cc_func **byid = cc_alloc(cs, (cs->nfuncs ? (size_t)cs->nfuncs : 1) * sizeof *byid);
  for (cc_func *f = cs->funcs; f; f = f->next) {
    byid[f->id] = f;
    if (f->defined) cc_gen_func(cs, f);
  }
  if (cs->nerrors) return;

  for (cc_func *f = cs->funcs; f; f = f->next) {
    if (!f->defined) continue;
    cc_reach(cs, f);
    if (cs->opt.optimize) {
      cc_optimize_jumps(cs, f);
      cc_fuse(cs, f);
    }
    cc_ins *last = &f->ins[f->nins - 1];
    if (last->implicit && last->op == CVM_OP_RET0 && f->ret.k != TY_VOID &&
        strcmp(f->name, "main") != 0)
      cc_warning(cs, last->line, last->col, "control reaches end of non-void function '%s'",
                 f->name);
  }

  /* functions in the table: those the entry points reach (all, at -O0) */
  cc_func *fm = entry_fn(cs, "main"), *fs = NULL, *flp = NULL;
  if (!fm) { fs = entry_fn(cs, "setup"); flp = entry_fn(cs, "loop"); }
  if (fm) reach(cs, byid, fm);
  if (fs) reach(cs, byid, fs);
  if (flp) reach(cs, byid, flp);
  uint32_t nf = 0;
  int *funcmap = cc_alloc(cs, (cs->nfuncs ? (size_t)cs->nfuncs : 1) * sizeof *funcmap);
  for (cc_func *f = cs->funcs; f; f = f->next)
    if (f->defined && (f->reach || !cs->opt.optimize)) f->index = (int)nf++;
  cc_func **fl = cc_alloc(cs, (nf ? nf : 1) * sizeof *fl);
  for (cc_func *f = cs->funcs; f; f = f->next) {
    funcmap[f->id] = f->index;
    if (f->index >= 0) fl[f->index] = f;
  }

  /* array table: entries named by 8-bit operands first */
  uint32_t na = cs->arrays.n, k = 0;
  cc_arr *arr = cs->arrays.v;
  for (uint32_t i = 0; i < na; i++) if (arr[i].short_ref) arr[i].final = (int)k++;
  if (k > 256) {
    cc_error(cs, 0, 0, "program indexes %u different arrays; at most 256 are supported",
             (unsigned)k);
    return;
  }
  for (uint32_t i = 0; i < na; i++) if (!arr[i].short_ref) arr[i].final = (int)k++;
  cvm1_array *ta = cc_alloc(cs, (na ? na : 1) * sizeof *ta);
  for (uint32_t i = 0; i < na; i++) {
    cvm1_array *t = &ta[arr[i].final];
    t->base = arr[i].base;
    t->count = arr[i].count;
    t->esize = arr[i].esize;
    t->space = arr[i].space;
    t->inner = arr[i].inner;
  }

  /* code */
  uint32_t ncode = 0;
  for (uint32_t i = 0; i < nf; i++) {
    fl[i]->entry = ncode;
    fl[i]->nwords = cc_layout(cs, fl[i]);
    ncode += fl[i]->nwords;
    if (ncode >= (1u << 24)) cc_fatal(cs, "program too large");
  }
  uint32_t *code = cc_alloc(cs, (ncode ? (size_t)ncode : 1) * sizeof *code);
  cc_vec lines = { .isz = sizeof(cvm1_line) };
  uint32_t lastline = 0;
  cvm1_func *tf = cc_alloc(cs, (nf ? nf : 1) * sizeof *tf);
  uint32_t caps = 0;
  for (uint32_t i = 0; i < nf; i++) {
    cc_func *f = fl[i];
    cc_encode(cs, f, code, &lines, &lastline, funcmap);
    tf[i].entry = f->entry;
    tf[i].nparams = (uint8_t)f->pslots;
    tf[i].nslots = (uint8_t)(f->nslots < f->pslots ? f->pslots : f->nslots);
    tf[i].arrbytes = (uint16_t)f->arrbytes;
    tf[i].name = f->name;
    for (uint32_t j = 0; j < f->nins; j++) {
      if (f->ins[j].op != CVM_OP_SYS) continue;
      const cc_host *hc = NULL;
      for (unsigned h = 0; h < cc_nhosts; h++)
        if (cc_hosts[h].id == f->ins[j].b) hc = &cc_hosts[h];
      if (hc) caps |= CVM_CAPBIT(hc->cap);
    }
  }

  /* memory */
  cc_func *roots[2] = { fm ? fm : fs, fm ? NULL : flp };
  uint32_t max_stack, max_depth;
  bool finite = stack_bound(cs, fl, nf, funcmap, roots, &max_stack, &max_depth);
  uint32_t stack, depth;
  if (finite) {
    stack = max_stack > cs->opt.stack_bytes ? max_stack : cs->opt.stack_bytes;
    depth = max_depth ? max_depth : 1;
  } else {
    stack = cs->opt.stack_bytes ? cs->opt.stack_bytes : DEFAULT_STACK;
    if (stack < max_stack) stack = max_stack;
    depth = cs->opt.stack_bytes ? cs->opt.stack_bytes / 16 : DEFAULT_DEPTH;
    if (depth < 16) depth = 16;
  }
  stack = (stack + 3) & ~3u;
  uint64_t mem = (uint64_t)cs->globals_size + stack + (uint64_t)depth * CVM_CALL_RECORD;
  if (mem > 0x7FFFFFFFu) cc_fatal(cs, "program needs too much memory");

  img->code = code;
  img->ncode = ncode;
  img->funcs = tf;
  img->nfuncs = nf;
  img->arrays = ta;
  img->narrays = na;
  img->rodata = cs->rodata;
  img->rodata_size = cs->rodata_size;
  img->data_size = data_image(cs);
  img->data = cs->gdata;
  img->globals_size = cs->globals_size;
  img->mem_size = (uint32_t)mem;
  img->max_depth = depth;
  img->caps = caps;
  img->entry_main = fm ? (uint16_t)fm->index : CVM_NO_ENTRY;
  img->entry_setup = fs ? (uint16_t)fs->index : CVM_NO_ENTRY;
  img->entry_loop = flp ? (uint16_t)flp->index : CVM_NO_ENTRY;
  img->lines = lines.v;
  img->nlines = lines.n;
  img->source_name = cs->file;
}

/* Line starts, for diagnostics. */
static void index_lines(cc_state *cs) {
  const char *src = cs->src;
  size_t len = cs->len;
  uint32_t nl = 1;
  for (size_t i = 0; i < len; i++)
    if (src[i] == '\n' || (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n'))) nl++;
  uint32_t *ls = cc_alloc(cs, (size_t)nl * sizeof *ls);
  ls[0] = 0;
  nl = 1;
  for (size_t i = 0; i < len; i++)
    if (src[i] == '\n' || (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n')))
      ls[nl++] = (uint32_t)(i + 1);
  cs->linestart = ls;
  cs->nlines = nl;
}

/* Run the stages; returns the error count (errors longjmp back here). */
static int run(cc_program *p) {
  cc_state *cs = &p->cs;
  if (setjmp(cs->fail)) return cs->nerrors ? cs->nerrors : 1;
  cs->file = cc_strndup(cs, cs->file, strlen(cs->file));   /* outlives the caller's */
  if (cs->len > CC_MAX_SOURCE)
    cc_fatal(cs, "source file too large (more than %u bytes)", (unsigned)CC_MAX_SOURCE);
  index_lines(cs);
  cc_lex(cs);
  cc_parse(cs);
  if (cs->nerrors == 0) build(p);
  return cs->nerrors;
}

cc_program *cc_compile(const char *filename, const char *src, size_t len,
                       const cc_options *opt, FILE *diag, int *nerrors) {
  if (nerrors) *nerrors = 0;
  if (!filename) filename = "<input>";
  cc_program *p = calloc(1, sizeof *p);
  if (!p) {
    if (nerrors) *nerrors = 1;
    if (diag) fprintf(diag, "%s: fatal error: out of memory\n", filename);
    return NULL;
  }
  cc_state *cs = &p->cs;
  cs->diag = diag;
  cs->opt.optimize = 1;
  if (opt) cs->opt = *opt;
  if (cs->opt.optimize != 0) cs->opt.optimize = 1;
  cs->file = filename;
  cs->src = src && len ? src : "";
  cs->len = src ? len : 0;
  int n = run(p);
  cc_diag_flush(cs);
  if (n) {
    cc_free(p);
    if (nerrors) *nerrors = n;
    return NULL;
  }
  return p;
}

const cvm1_image *cc_image(const cc_program *p) { return p ? &p->img : NULL; }

void cc_free(cc_program *p) {
  if (!p) return;
  cc_arena_free(&p->cs.arena);
  free(p);
}
