/*
** cc_int.h -- Cockpit C compiler internals shared by its rooms.
**
** Pipeline: cc_lex.c (preprocessor + tokens) -> cc_parse.c/cc_expr.c
** (declarations, statements, typed and folded expression trees) ->
** cc_gen.c/cc_genx.c (register-slot code as a list of cc_ins per function)
** -> cc_emit.c (jump optimisation, branch relaxation, encoding, line table)
** -> cc_image.c (memory layout, array table, stack bound, the cvm1_image).
** Everything lives in one arena owned by the cc_program.
*/
#ifndef CC_INT_H
#define CC_INT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cockpitc.h"

/* ---- limits ------------------------------------------------------------ */
#define CC_MAX_SOURCE   (4u << 20)   /* bytes of source text */
#define CC_MAX_TOKENS   (1u << 20)   /* tokens after macro expansion */
#define CC_MAX_NEST     1000         /* depth of expression trees and statements */
#define CC_MAX_ERRORS   20           /* then stop */
#define CC_MAX_ARENA    (512u << 20) /* bytes the compiler may allocate */
#define CC_MAX_SLOTS    255          /* register slots per frame (u8 nslots) */
#define CC_MAX_ARRBYTES 65532u       /* frame array bytes (u16, multiple of 4) */
#define CC_MAX_ELEMS    (1u << 20)   /* elements in one array */
#define CC_MAX_PARAMS   32           /* parameters of one function */

/* ---- arena ------------------------------------------------------------- */
typedef struct cc_chunk cc_chunk;
typedef struct cc_arena {
  cc_chunk *head;
  size_t total;
} cc_arena;

typedef struct cc_state cc_state;
void *cc_alloc(cc_state *cs, size_t n);             /* zeroed; never NULL */
char *cc_strndup(cc_state *cs, const char *s, size_t n);
void cc_arena_free(cc_arena *a);

/* Growable vector of fixed-size items in malloc memory (freed by owner). */
typedef struct cc_vec {
  void *v;
  uint32_t n, cap, isz;
} cc_vec;
void *cc_vpush(cc_state *cs, cc_vec *v);             /* zeroed new item */
void cc_diag_flush(cc_state *cs);   /* print the buffered diagnostics, sorted */
void cc_vfree(cc_vec *v);
#define CC_VAT(vec, type, i) (((type *)(vec)->v)[i])

/* ---- tokens ------------------------------------------------------------ */
typedef enum cc_tk {
  TK_EOF, TK_IDENT, TK_NUM, TK_CHAR, TK_STR,
  /* punctuators */
  TK_LBRACK, TK_RBRACK, TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE,
  TK_SEMI, TK_COMMA, TK_DOT, TK_ARROW, TK_INC, TK_DEC, TK_AMP, TK_STAR,
  TK_PLUS, TK_MINUS, TK_TILDE, TK_BANG, TK_SLASH, TK_PERCENT, TK_SHL,
  TK_SHR, TK_LT, TK_GT, TK_LE, TK_GE, TK_EQ, TK_NE, TK_CARET, TK_PIPE,
  TK_ANDAND, TK_OROR, TK_QUEST, TK_COLON, TK_ASSIGN, TK_MULEQ, TK_DIVEQ,
  TK_MODEQ, TK_ADDEQ, TK_SUBEQ, TK_SHLEQ, TK_SHREQ, TK_ANDEQ, TK_XOREQ,
  TK_OREQ, TK_ELLIPSIS, TK_HASH, TK_HASHHASH,
  /* keywords */
  TK_KW_FIRST,
  TK_INT = TK_KW_FIRST, TK_UNSIGNED, TK_SIGNED, TK_CHAR_KW, TK_SHORT,
  TK_LONG, TK_VOID, TK_BOOL_KW, TK_CONST, TK_VOLATILE, TK_STATIC, TK_EXTERN,
  TK_INLINE, TK_REGISTER, TK_AUTO, TK_TYPEDEF, TK_FLOAT, TK_DOUBLE,
  TK_STRUCT, TK_UNION, TK_ENUM, TK_IF, TK_ELSE, TK_WHILE, TK_DO, TK_FOR,
  TK_SWITCH, TK_CASE, TK_DEFAULT, TK_BREAK, TK_CONTINUE, TK_RETURN,
  TK_GOTO, TK_SIZEOF,
  TK__COUNT
} cc_tk;

extern const char *const cc_tk_text[TK__COUNT];

typedef struct cc_name cc_name;
typedef struct cc_sym cc_sym;

/* A Host ABI call, from isa/cvm_hostabi.def. */
typedef struct cc_host {
  uint8_t id, cap;
  char ret;                /* 'v', 'i' or 'u' */
  const char *name, *sig;
} cc_host;
typedef struct cc_macro cc_macro;

typedef struct cc_tok {
  uint16_t k;              /* cc_tk */
  uint8_t uns;             /* TK_NUM: unsigned int (suffix or value) */
  uint8_t bol;             /* first token on its line */
  uint32_t line, col;
  uint32_t ecol;           /* column just after the token (same line) */
  uint32_t val;            /* TK_NUM, TK_CHAR */
  cc_name *name;           /* TK_IDENT */
  const char *str;         /* TK_STR: bytes (no NUL added) */
  uint32_t slen;
} cc_tok;

/* Interned identifier: keyword id, macro, innermost binding. */
struct cc_name {
  const char *s;
  uint32_t len, hash;
  cc_name *next;           /* hash chain */
  uint16_t kw;             /* keyword token kind, or 0 */
  uint8_t btype;           /* built-in typedef (int8_t..): cc_tkind + 1 */
  uint8_t bneeds;          /* header flag that makes btype visible */
  uint8_t enumk;           /* enum tag: cc_tkind + 1 of its type */
  cc_macro *macro;
  cc_sym *sym;             /* current binding (scopes) */
  const cc_host *hc;  /* Host ABI call of this name */
};

struct cc_macro {
  cc_name *name;
  cc_tok *body;
  uint32_t n;
  uint8_t active;          /* being expanded */
  uint8_t builtin;
};

/* Header flags: which built-in headers were included. */
enum {
  CC_H_STDIO = 1, CC_H_STDINT = 2, CC_H_STDBOOL = 4, CC_H_COCKPIT = 8,
  CC_H_LIMITS = 16
};

/* ---- types ------------------------------------------------------------- */
typedef enum cc_tkind {
  TY_VOID, TY_BOOL, TY_CHAR, TY_SCHAR, TY_UCHAR, TY_SHORT, TY_USHORT,
  TY_INT, TY_UINT, TY__COUNT
} cc_tkind;

typedef struct cc_type {
  uint8_t k;               /* cc_tkind of the scalar or the element */
  uint8_t cnst;            /* const-qualified (element, for arrays) */
  uint8_t ndim;            /* 0 scalar, 1 or 2 array dimensions */
  uint8_t param;           /* array parameter: a descriptor in two slots */
  uint32_t dim[2];         /* dim[0] is 0 when unknown (parameters) */
} cc_type;

extern const char *const cc_tkind_name[TY__COUNT];
uint32_t cc_ty_size(int k);                 /* 1, 2 or 4 (void: 0) */
bool cc_ty_signed(int k);
bool cc_ty_isint(cc_type t);                /* scalar, not void */
cc_type cc_ty_scalar(int k);
int cc_ty_promote(int k);                   /* integer promotion */
int cc_ty_common(int a, int b);             /* usual arithmetic conversions */
int32_t cc_ty_norm(int k, uint32_t v);      /* value converted to type k */
char *cc_ty_str(cc_type t, char *buf, size_t n);   /* for messages */

/* ---- expression and statement trees ------------------------------------ */
typedef enum cc_nk {
  /* expressions */
  E_NUM, E_STR, E_VAR, E_INDEX, E_CALL, E_SYS, E_CAST,
  E_NEG, E_NOT, E_LNOT,
  E_ADD, E_SUB, E_MUL, E_DIV, E_MOD, E_SHL, E_SHR, E_AND, E_OR, E_XOR,
  E_EQ, E_NE, E_LT, E_LE, E_GT, E_GE,
  E_LAND, E_LOR, E_COND, E_COMMA, E_ASSIGN, E_OPASSIGN,
  E_PREINC, E_PREDEC, E_POSTINC, E_POSTDEC,
  E_REG,                   /* code generation: a value already in register val */
  /* statements */
  S_EXPR, S_DECL, S_BLOCK, S_IF, S_WHILE, S_DO, S_FOR, S_SWITCH, S_CASE,
  S_DEFAULT, S_BREAK, S_CONTINUE, S_RETURN, S_EMPTY,
  CC_NK__COUNT
} cc_nk;

typedef struct cc_func cc_func;
typedef struct cc_str cc_str;
typedef struct cc_node cc_node;

struct cc_node {
  uint8_t k;               /* cc_nk */
  uint8_t op;              /* E_OPASSIGN: the binary operator (cc_nk) */
  uint8_t opk;             /* E_OPASSIGN: type kind of the operation */
  uint8_t uns;             /* comparisons: unsigned compare */
  cc_type ty;              /* expression type */
  uint32_t line, col;
  int32_t val;             /* E_NUM; S_CASE: case value */
  cc_node *a, *b, *c, *d;  /* operands; statements: see cc_parse.c */
  cc_node **list;          /* E_CALL/E_SYS args, S_BLOCK statements */
  uint32_t nlist;
  cc_sym *sym;             /* E_VAR, S_DECL */
  cc_func *fn;             /* E_CALL */
  const cc_host *hc;  /* E_SYS */
  cc_str *str;             /* E_STR */
  int label;               /* S_CASE/S_DEFAULT: label id (code generation) */
  cc_node **cases;         /* S_SWITCH: its case nodes in source order */
  uint32_t ncases;
  cc_node *dflt;           /* S_SWITCH: default node */
  uint32_t eline, ecol;    /* S_BLOCK of a function body: closing brace */
};

/* A string literal's bytes (with the terminating NUL). */
struct cc_str {
  const uint8_t *b;
  uint32_t n;              /* bytes including the NUL */
  int ro_entry;            /* array entry in read-only data, or -1 */
  int ram_entry;           /* array entry of a RAM copy, or -1 */
  uint32_t ram_off;        /* RAM copy: byte offset in globals */
  uint32_t hash;
  cc_str *next;            /* all literals */
  cc_str *hnext;           /* hash chain */
};

/* ---- symbols ----------------------------------------------------------- */
typedef enum cc_symk { SYM_VAR, SYM_FUNC, SYM_ENUMC, SYM_TYPEDEF } cc_symk;
typedef enum cc_stor { ST_GLOBAL, ST_LOCAL, ST_PARAM, ST_STATIC } cc_stor;

struct cc_sym {
  cc_name *name;
  uint8_t kind, stor;      /* cc_symk, cc_stor */
  uint8_t used, passed;    /* read; array passed to a user function */
  uint8_t is_static;       /* file-scope static */
  uint8_t rodata;          /* array placed in read-only data */
  uint8_t constinit;       /* every initialiser element is a constant */
  cc_type ty;
  uint32_t line, col;
  cc_sym *shadow;          /* outer binding of the same name */
  int scope;               /* scope depth it was declared at */
  /* variables */
  int reg;                 /* ST_LOCAL/ST_PARAM scalar: slot; param array: first slot */
  uint32_t gword;          /* global scalar: word index */
  uint32_t off;            /* global array: byte offset in globals or rodata */
  int entry;               /* array table entry (internal id), -1 if none */
  bool has_init;
  int32_t *ival;           /* initial values (flattened), ninit of them */
  cc_node **inode;         /* local arrays: non-constant elements, or NULL */
  uint32_t ninit;
  int32_t cval;            /* SYM_ENUMC: value */
  cc_sym *gnext;           /* list of globals in declaration order */
  cc_func *fn;             /* SYM_FUNC */
};

struct cc_func {
  cc_sym *sym;
  const char *name;
  cc_type ret;
  cc_type *ptypes;         /* parameter types */
  cc_sym **params;         /* of the definition */
  uint32_t nparams;        /* C parameters */
  uint32_t pslots;         /* slots they take (arrays take two) */
  cc_node *body;
  uint8_t defined, is_static, called, reach;
  uint32_t line, col;
  int id;                  /* order of declaration */
  int index;               /* final function table index, -1 if dropped */
  /* code generation */
  struct cc_ins *ins;
  uint32_t nins;
  int nlabels;
  uint32_t *labelpos;      /* word offset of each label in the function */
  uint32_t nslots, arrbytes;
  uint32_t entry, nwords;  /* placement in the code */
  cc_func *next;
};

/* ---- code: instructions before encoding -------------------------------- */
#define IR_LABEL 0xFFu      /* pseudo-instruction: label k */
#define IR_NOP   0xFEu      /* deleted instruction */

typedef struct cc_ins {
  uint8_t op;              /* cvm_op, IR_LABEL or IR_NOP */
  uint8_t a, b, c;         /* fields as encoded (immediates already cut) */
  int32_t k;               /* LDK constant; Bx; label id; function id;
                           ** array entry id (KA in c, KX in k) */
  uint32_t line;
  int32_t k2;              /* AINIT: read-only source entry id, or -1 */
  int *tab;                /* SWITCH: n+1 label ids (n cases, default) */
  uint32_t ntab;
  uint8_t longj;           /* branch relaxed to inverted branch + JMP */
  uint8_t implicit;        /* the RET0 added at a function's closing brace */
  uint32_t col;            /* the closing brace's column (implicit RET0) */
} cc_ins;

/* Array table entry before final numbering. */
typedef struct cc_arr {
  uint32_t base, count;
  uint8_t esize, space;
  uint16_t inner;
  uint8_t short_ref;       /* named by an 8-bit KA operand */
  int final;               /* final index */
} cc_arr;

/* ---- compiler state ---------------------------------------------------- */
struct cc_state {
  const char *file;
  const char *src;
  size_t len;
  const uint32_t *linestart;  /* offsets of line starts */
  uint32_t nlines;
  FILE *diag;
  cc_vec diags;            /* cc_diagrec, printed in source order at the end */
  uint32_t gline, gcol;    /* position of the last error/warning (for notes) */
  int nerrors, nwarnings;
  bool stop;               /* too many errors: give up */
  jmp_buf fail;            /* out of memory / too many errors */
  cc_arena arena;
  cc_options opt;

  /* names */
  cc_name **names;
  uint32_t nnames_cap, nnames;

  /* tokens */
  cc_tok *toks;
  uint32_t ntoks;
  uint32_t pos;            /* parser position */
  unsigned headers;        /* CC_H_* included */

  /* declarations */
  cc_sym *globals, **gtail;
  cc_func *funcs, **ftail;
  int nfuncs;
  int scope;               /* 0 = file scope */
  cc_sym **scopesyms;      /* stack of declared symbols for scope exit */
  uint32_t nscopesyms, scopesyms_cap;
  cc_func *curfn;
  int nest;                /* recursion depth guard */
  int loopdepth, switchdepth;
  cc_node *curswitch;
  cc_str *strs;
  cc_str **strhash;        /* string literals by content */
  uint32_t strhash_cap, nstrs;
  int32_t *arrhash;        /* array entries by fields (index + 1, 0 empty) */
  uint32_t arrhash_cap;

  /* layout and output */
  cc_vec arrays;           /* cc_arr */
  uint32_t gwords;         /* global scalar words */
  uint32_t globals_size;
  uint8_t *gdata;          /* initial globals image */
  uint8_t *rodata;
  uint32_t rodata_size, rodata_cap;
};

/* Declaration specifiers. */
typedef struct cc_spec {
  cc_type ty;
  uint8_t is_static, is_extern, is_typedef, had_type;
  uint32_t line, col;
} cc_spec;

/* ---- rooms ------------------------------------------------------------- */
/* cc_diag.c */
void cc_error(cc_state *cs, uint32_t line, uint32_t col, const char *fmt, ...);
void cc_warning(cc_state *cs, uint32_t line, uint32_t col, const char *fmt, ...);
void cc_note(cc_state *cs, uint32_t line, uint32_t col, const char *fmt, ...);
void cc_fatal(cc_state *cs, const char *fmt, ...);   /* longjmp out */

/* cc_lex.c */
extern const cc_host cc_hosts[];
extern const unsigned cc_nhosts;
cc_name *cc_intern(cc_state *cs, const char *s, size_t n);
void cc_lex(cc_state *cs);               /* fills cs->toks */

/* cc_parse.c (declarations, statements) and cc_expr.c (expressions) */
void cc_parse(cc_state *cs);
cc_node *cc_new(cc_state *cs, int k, const cc_tok *at);
cc_node *cc_expr(cc_state *cs);           /* comma expression */
cc_node *cc_assign_expr(cc_state *cs);    /* assignment expression */
cc_node *cc_const_expr(cc_state *cs, int32_t *val, const char *what);
cc_node *cc_convert(cc_state *cs, cc_node *e, cc_type to, bool implicit);
cc_node *cc_rvalue(cc_state *cs, cc_node *e);   /* checks usable as a value */
cc_node *cc_cond_expr_of(cc_state *cs, cc_node *e);  /* controlling expression */
bool cc_is_type_start(cc_state *cs, const cc_tok *t);
bool cc_parse_type_name(cc_state *cs, cc_type *out);
bool cc_decl_specs(cc_state *cs, cc_spec *sp, bool allow_storage);
cc_sym *cc_declare(cc_state *cs, cc_name *n, int kind, const cc_tok *at);
bool cc_hc_visible(const cc_state *cs, const cc_name *n);
const char *cc_tok_desc(const cc_tok *t, char *buf, size_t n);
void cc_check_printf(cc_state *cs, cc_node *call);
const cc_tok *cc_peek(cc_state *cs, uint32_t ahead);
const cc_tok *cc_next(cc_state *cs);
bool cc_accept(cc_state *cs, int k);
const cc_tok *cc_expect(cc_state *cs, int k);
bool cc_is_const(const cc_node *e);
cc_str *cc_string(cc_state *cs, const char *b, uint32_t n);

/* cc_gen.c (statements, functions) and cc_genx.c (expressions) */
void cc_gen_func(cc_state *cs, cc_func *f);
int cc_array_entry(cc_state *cs, uint32_t base, uint32_t count, uint32_t esize,
                   int space, uint32_t inner);
int cc_ro_bytes(cc_state *cs, const void *p, uint32_t n, uint32_t align);
int cc_ro_array(cc_state *cs, const cc_sym *s, uint32_t count);

/* cc_emit.c */
void cc_reach(cc_state *cs, cc_func *f);          /* drop unreachable code */
void cc_optimize_jumps(cc_state *cs, cc_func *f);
void cc_fuse(cc_state *cs, cc_func *f);            /* superinstructions */
uint32_t cc_layout(cc_state *cs, cc_func *f);     /* words after relaxation */
void cc_encode(cc_state *cs, cc_func *f, uint32_t *out, cc_vec *lines,
               uint32_t *lastline, const int *funcmap);

#endif /* CC_INT_H */
