/*
** cc_gen.h -- state shared by the code generator's two rooms: cc_gen.c
** (statements, functions) and cc_genx.c (expressions, conditions, arrays).
**
** Register discipline (as in Lua): locals take slots in declaration order;
** temporaries are allocated above them in LIFO order and all are free again
** at the end of each statement. A call's arguments go to consecutive slots
** at the top, so the callee's frame starts there.
*/
#ifndef CC_GEN_H
#define CC_GEN_H

#include "cc_int.h"

#define NOREG (-1)
#define CC_MAX_LOOPFACTS 16

typedef struct cc_gen {
  cc_state *cs;
  cc_func *fn;
  cc_vec ins;              /* cc_ins */
  int freereg;             /* first free slot */
  int nactive;             /* slots held by live locals */
  int maxreg;              /* high-water mark: the frame's nslots */
  int nlabels;
  uint32_t line;           /* source line of what is being emitted */
  uint32_t arroff, arrmax; /* frame-array bytes in use, and the maximum */
  int brk, cont;           /* labels for break and continue, -1 if none */
  bool too_many;           /* slot overflow already reported */
  /* loop facts (cc_loop.c): counting variables' ranges, hoisted rows */
  struct { cc_sym *sym; int64_t lo, hi; } facts[CC_MAX_LOOPFACTS];
  int nfacts;
  struct { cc_sym *sym; uint32_t inner; int reg; } rows[CC_MAX_LOOPFACTS];
  int nrows;
  struct { int32_t val; int reg; } consts[CC_MAX_LOOPFACTS];
  int nconsts;
  /* derived induction variables: reg = k * inner + col, stepped with k; or,
  ** with colk, reg = row * inner + k (colsym/colval then name the row); or,
  ** with inner 0, reg = k + col for x[k + col] of a one-dimensional x (colk
  ** then says col - k) */
  struct {
    cc_sym *k, *colsym;
    int32_t colval, inc;
    uint32_t inner;
    int reg;
    int desc;              /* reg - 2: a descriptor pair (for MACP), or -1 */
    const cc_sym *desc_arr;  /* the array that descriptor is of */
    bool colk;
    bool wide;             /* reg + 1, reg + 2 kept too: a DOTP group's step, count */
  } divs[CC_MAX_LOOPFACTS];
  int ndivs;
  const cc_node *macx[8];  /* subscripts of acc += x * y that want descriptor triples */
  int nmacx;
  bool dotgroups;          /* ... and DOTP groups (the loop is that one statement) */
} cc_gen;

typedef struct cc_loopsave {
  int freereg, nactive, nrows, nfacts, nconsts, ndivs;
  int lftr_reg, lftr_lim;  /* the for loop closes on lftr_reg < lftr_lim; -1: on its test */
  bool lftr_ne;            /* ... on lftr_reg != lftr_lim instead */
  bool lftr_nocont;        /* the body has no continue: no label before the step */
  cc_node *dot;            /* the loop is this acc += x * y, run as one DOTP; or NULL */
  uint32_t dot_trips;      /* ... that many times (at least once) */
} cc_loopsave;

/* emission (cc_gen.c) */
cc_ins *cc_emit(cc_gen *g, int op, int a, int b, int c);
cc_ins *cc_emitk(cc_gen *g, int op, int a, int32_t k);
int cc_newlabel(cc_gen *g);
void cc_label(cc_gen *g, int l);
void cc_jump(cc_gen *g, int l);
int cc_alloc_reg(cc_gen *g);
void cc_free_reg(cc_gen *g, int r);

/* expressions (cc_genx.c) */
int cc_ex(cc_gen *g, cc_node *e, int dst);      /* value into a register */
void cc_ex_void(cc_gen *g, cc_node *e);          /* for effects only */
void cc_cond(cc_gen *g, cc_node *e, bool jump_if, int label);
void cc_load_const(cc_gen *g, int r, int32_t v);
void cc_desc(cc_gen *g, cc_node *e, int r, bool host);   /* descriptor into r, r+1 */

/* loops (cc_loop.c) */
void cc_loop_enter(cc_gen *g, cc_node *loop, cc_loopsave *sv);
void cc_loop_leave(cc_gen *g, const cc_loopsave *sv);
void cc_loop_step(cc_gen *g, const cc_loopsave *sv);   /* after a for's step */
int cc_derived_index(cc_gen *g, const cc_node *row, const cc_node *col, uint32_t inner);
int cc_derived_desc(cc_gen *g, const cc_node *row, const cc_node *col, uint32_t inner,
                    const cc_sym *arr);
int cc_derived_desc1(cc_gen *g, const cc_node *n);   /* x[k + o] of a 1-D array x */
int cc_derived_index1(cc_gen *g, const cc_node *s);  /* register holding subscript s */
const cc_node *cc_mac_peel(const cc_node *n);   /* drop value-keeping widenings */
int cc_mac_kind(const cc_node *n);              /* 4 words, 2 int16, 0 not a MAC operand */
bool cc_dot(cc_gen *g, const cc_loopsave *sv);  /* the loop as one DOTP (cc_genx.c) */
bool cc_known_range(cc_gen *g, const cc_node *e, int64_t lo, int64_t hi);
int cc_hoisted_row(cc_gen *g, const cc_sym *s, uint32_t inner);
int cc_cached_const(cc_gen *g, int32_t v);        /* register, or -1 */
int cc_imm_op(int op, bool uns, int32_t v, int32_t *imm);   /* cc_genx.c */
void cc_add_const(cc_gen *g, int r, int x, int32_t c);      /* r = x + c */
void cc_mul_const(cc_gen *g, int r, int x, int32_t c);      /* r = x * c */

/* array storage of a variable (cc_gen.c) */
int cc_var_entry(cc_gen *g, cc_sym *s);          /* array table entry id */
int cc_str_entry(cc_gen *g, cc_str *s, bool ram);

#endif /* CC_GEN_H */
