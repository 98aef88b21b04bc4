/*
** cc_lex.c -- tokens and the preprocessor subset.
**
** One pass over the source turns it into the final token array: raw tokens
** are read, directives (#include of the built-in headers, #define/#undef of
** object-like macros, #if/#ifdef/#ifndef/#elif/#else/#endif, #error,
** #warning, #pragma) are obeyed, macros are expanded (with the use site as
** every expanded token's position) and adjacent string literals are joined.
*/
#include <stdlib.h>
#include <string.h>

#include "cc_int.h"

const char *const cc_tk_text[TK__COUNT] = {
  "end of file", "identifier", "number", "character constant", "string literal",
  "[", "]", "(", ")", "{", "}", ";", ",", ".", "->", "++", "--", "&", "*",
  "+", "-", "~", "!", "/", "%", "<<", ">>", "<", ">", "<=", ">=", "==", "!=",
  "^", "|", "&&", "||", "?", ":", "=", "*=", "/=", "%=", "+=", "-=", "<<=",
  ">>=", "&=", "^=", "|=", "...", "#", "##",
  "int", "unsigned", "signed", "char", "short", "long", "void", "_Bool",
  "const", "volatile", "static", "extern", "inline", "register", "auto",
  "typedef", "float", "double", "struct", "union", "enum", "if", "else",
  "while", "do", "for", "switch", "case", "default", "break", "continue",
  "return", "goto", "sizeof",
};

/* The Host ABI, from its table (the compiler needs no VM library). */
#define CC_RET_v 'v'
#define CC_RET_i 'i'
#define CC_RET_u 'u'
const cc_host cc_hosts[] = {
#define X(id, name, cap, ret, sig, params, desc) \
  { id, CVM_CAP_##cap, CC_RET_##ret, #name, sig },
#include "cvm_hostabi.def"
#undef X
};
const unsigned cc_nhosts = sizeof cc_hosts / sizeof cc_hosts[0];

/* ---- names ------------------------------------------------------------- */

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

cc_name *cc_intern(cc_state *cs, const char *s, size_t n) {
  uint32_t h = hash_bytes(s, n);
  if (cs->nnames_cap == 0) {
    cs->nnames_cap = 1024;
    cs->names = cc_alloc(cs, cs->nnames_cap * sizeof *cs->names);
  }
  uint32_t b = h & (cs->nnames_cap - 1);
  for (cc_name *p = cs->names[b]; p; p = p->next)
    if (p->hash == h && p->len == n && memcmp(p->s, s, n) == 0) return p;
  if (cs->nnames * 2 >= cs->nnames_cap) {        /* grow the table */
    uint32_t ncap = cs->nnames_cap * 2;
    cc_name **nt = cc_alloc(cs, ncap * sizeof *nt);
    for (uint32_t i = 0; i < cs->nnames_cap; i++) {
      for (cc_name *p = cs->names[i], *nx; p; p = nx) {
        nx = p->next;
        p->next = nt[p->hash & (ncap - 1)];
        nt[p->hash & (ncap - 1)] = p;
      }
    }
    cs->names = nt;
    cs->nnames_cap = ncap;
    b = h & (ncap - 1);
  }
  cc_name *p = cc_alloc(cs, sizeof *p);
  p->s = cc_strndup(cs, s, n);
  p->len = (uint32_t)n;
  p->hash = h;
  p->next = cs->names[b];
  cs->names[b] = p;
  cs->nnames++;
  return p;
}

/* ---- raw lexer --------------------------------------------------------- */

typedef struct lexer {
  cc_state *cs;
  const char *src;
  uint32_t len, i;
  uint32_t line, lstart;     /* current line and its start offset */
  bool nl;                   /* a newline was crossed since the last token */
  bool quiet;                /* skipping a false group: no diagnostics */
  bool have_back;
  cc_tok back;               /* one token pushed back */
} lexer;

#define LX_ERR(lx, ln, cl, ...) \
  do { if (!(lx)->quiet) cc_error((lx)->cs, ln, cl, __VA_ARGS__); } while (0)
#define LX_WARN(lx, ln, cl, ...) \
  do { if (!(lx)->quiet) cc_warning((lx)->cs, ln, cl, __VA_ARGS__); } while (0)

static int ch(const lexer *lx, uint32_t k) {
  return lx->i + k < lx->len ? (unsigned char)lx->src[lx->i + k] : -1;
}

static void newline(lexer *lx) {
  lx->line++;
  lx->lstart = lx->i;
}

/* Skip blanks, newlines, comments and backslash-newlines. */
static void skip_space(lexer *lx) {
  for (;;) {
    int c = ch(lx, 0);
    if (c == '\n') { lx->i++; newline(lx); lx->nl = true; }
    else if (c == '\r') {
      lx->i++;
      if (ch(lx, 0) == '\n') lx->i++;
      newline(lx);
      lx->nl = true;
    }
    else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') lx->i++;
    else if (c == '\\' && (ch(lx, 1) == '\n' || ch(lx, 1) == '\r')) {
      lx->i += 2;
      if (c == '\r' && ch(lx, 0) == '\n') lx->i++;
      newline(lx);
    }
    else if (c == '/' && ch(lx, 1) == '/') {
      while (lx->i < lx->len && lx->src[lx->i] != '\n' && lx->src[lx->i] != '\r') lx->i++;
    }
    else if (c == '/' && ch(lx, 1) == '*') {
      uint32_t l0 = lx->line, c0 = lx->i - lx->lstart + 1;
      lx->i += 2;
      for (;;) {
        if (lx->i >= lx->len) {
          LX_ERR(lx, l0, c0, "unterminated comment");
          return;
        }
        int d = ch(lx, 0);
        if (d == '*' && ch(lx, 1) == '/') { lx->i += 2; break; }
        lx->i++;
        if (d == '\n' || (d == '\r' && ch(lx, 0) != '\n')) newline(lx);
      }
    }
    else return;
  }
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* One escape sequence or character inside a literal; lx->i is at it. */
static int lex_char(lexer *lx) {
  int c = ch(lx, 0);
  uint32_t col = lx->i - lx->lstart + 1;
  lx->i++;
  if (c != '\\') return c;
  c = ch(lx, 0);
  lx->i++;
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    case 'e': return 27;
    case '\\': case '\'': case '"': case '?': return c;
    case 'x': {
      uint32_t v = 0;
      int n = 0, d;
      while ((d = hexval(ch(lx, 0))) >= 0) {
        v = (v << 4) | (uint32_t)d;
        if (v > 0xFF) v = 0x100;
        lx->i++;
        n++;
      }
      if (n == 0) LX_ERR(lx, lx->line, col, "\\x used with no following hex digits");
      else if (v > 0xFF) LX_ERR(lx, lx->line, col, "hex escape sequence out of range");
      return (int)(v & 0xFF);
    }
    default:
      if (c >= '0' && c <= '7') {
        uint32_t v = (uint32_t)(c - '0');
        for (int n = 1; n < 3 && ch(lx, 0) >= '0' && ch(lx, 0) <= '7'; n++) {
          v = v * 8 + (uint32_t)(ch(lx, 0) - '0');
          lx->i++;
        }
        if (v > 0xFF) LX_ERR(lx, lx->line, col, "octal escape sequence out of range");
        return (int)(v & 0xFF);
      }
      if (c < 0 || c == '\n' || c == '\r') { lx->i--; return '\\'; }
      LX_WARN(lx, lx->line, col, "unknown escape sequence '\\%c'", c);
      return c;
  }
}

static void lex_number(lexer *lx, cc_tok *t) {
  uint32_t s = lx->i;
  /* a pp-number: digits, letters, '.', and signs after an exponent */
  while (lx->i < lx->len) {
    int c = ch(lx, 0);
    if ((c == '+' || c == '-') && lx->i > s &&
        strchr("eEpP", lx->src[lx->i - 1]) && !(lx->i - s >= 2 &&
        (lx->src[s + 1] == 'x' || lx->src[s + 1] == 'X'))) { lx->i++; continue; }
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        c == '_' || c == '.') { lx->i++; continue; }
    break;
  }
  const char *p = lx->src + s, *e = lx->src + lx->i;
  t->k = TK_NUM;
  int base = 10;
  const char *q = p;
  if (e - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) { base = 16; q += 2; }
  else if (e - p >= 2 && p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) { base = 2; q += 2; }
  else if (p[0] == '0') base = 8;
  bool isfloat = false;
  for (const char *r = p; r < e; r++) {
    if (*r == '.') isfloat = true;
    if (base != 16 && (*r == 'e' || *r == 'E')) isfloat = true;
    if (base == 16 && (*r == 'p' || *r == 'P')) isfloat = true;
  }
  if (isfloat) {
    LX_ERR(lx, t->line, t->col, "floating-point constants are not supported in Cockpit C "
           "(it has integers only)");
    t->val = 0;
    return;
  }
  uint64_t v = 0;
  bool digits = false, big = false;
  for (; q < e; q++) {
    int d = hexval(*q);
    if (d < 0 || d >= base) break;
    v = v * (uint64_t)base + (uint64_t)d;
    if (v > 0xFFFFFFFFu) big = true, v = 0xFFFFFFFFu;
    digits = true;
  }
  if (!digits && base != 8) {
    LX_ERR(lx, t->line, t->col, "invalid integer constant '%.*s'", (int)(e - p), p);
    return;
  }
  bool uns = false;
  const char *suf = q;
  for (; q < e; q++) {
    if ((*q == 'u' || *q == 'U') && !uns) uns = true;
    else if (*q == 'l' || *q == 'L') {
      LX_ERR(lx, t->line, t->col, "'long' constants are not supported in Cockpit C "
             "(integers are 32-bit): remove the '%c' suffix", *q);
      return;
    } else {
      if (*q >= '0' && *q <= '9' && q == suf)
        LX_ERR(lx, t->line, t->col, "invalid digit '%c' in %s constant", *q,
               base == 8 ? "octal" : base == 2 ? "binary" : "decimal");
      else
        LX_ERR(lx, t->line, t->col, "invalid suffix '%.*s' on integer constant",
               (int)(e - suf), suf);
      return;
    }
  }
  if (big) {
    LX_ERR(lx, t->line, t->col, "integer constant '%.*s' is too large (integers are 32-bit)",
           (int)(e - p), p);
    return;
  }
  if (!uns && v > 0x7FFFFFFFu) {
    if (base == 10) {
      LX_ERR(lx, t->line, t->col, "integer constant '%.*s' is too large for 'int'; "
             "add a 'u' suffix to make it 'unsigned int'", (int)(e - p), p);
      return;
    }
    uns = true;
  }
  t->val = (uint32_t)v;
  t->uns = uns;
}

/* Next raw token; no macro expansion, no directives. */
static void raw1(lexer *lx, cc_tok *t);
static void raw(lexer *lx, cc_tok *t) {
  if (lx->have_back) {
    *t = lx->back;
    lx->have_back = false;
    return;
  }
  raw1(lx, t);
  if (t->k != TK_EOF && lx->line == t->line) t->ecol = lx->i - lx->lstart + 1;
  else t->ecol = t->col + 1;
}

static void raw1(lexer *lx, cc_tok *t) {
  if (lx->have_back) {
    *t = lx->back;
    lx->have_back = false;
    return;
  }
  skip_space(lx);
  memset(t, 0, sizeof *t);
  t->bol = lx->nl;
  lx->nl = false;
  t->line = lx->line;
  t->col = lx->i - lx->lstart + 1;
  if (lx->i >= lx->len) { t->k = TK_EOF; t->bol = 1; return; }
  int c = ch(lx, 0);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$') {
    uint32_t s = lx->i;
    while (lx->i < lx->len) {
      c = ch(lx, 0);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
          (c >= '0' && c <= '9')) lx->i++;
      else break;
    }
    t->k = TK_IDENT;
    t->name = cc_intern(lx->cs, lx->src + s, lx->i - s);
    return;
  }
  if ((c >= '0' && c <= '9') || (c == '.' && ch(lx, 1) >= '0' && ch(lx, 1) <= '9')) {
    lex_number(lx, t);
    return;
  }
  if (c == '\'' || c == '"') {
    int q = c;
    lx->i++;
    char buf[256];
    char *big = NULL;
    uint32_t n = 0, cap = sizeof buf;
    for (;;) {
      int d = ch(lx, 0);
      if (d < 0 || d == '\n' || d == '\r') {
        LX_ERR(lx, t->line, t->col, "missing terminating %c character", q);
        break;
      }
      if (d == q) { lx->i++; break; }
      int v = lex_char(lx);
      if (n == cap) {
        uint32_t ncap = cap * 2;
        char *nb = cc_alloc(lx->cs, ncap);
        memcpy(nb, big ? big : buf, n);
        big = nb;
        cap = ncap;
      }
      (big ? big : buf)[n++] = (char)v;
    }
    const char *b = big ? big : buf;
    if (q == '"') {
      t->k = TK_STR;
      t->str = cc_strndup(lx->cs, b, n);
      t->slen = n;
    } else {
      t->k = TK_CHAR;
      if (n == 0) LX_ERR(lx, t->line, t->col, "empty character constant");
      else if (n > 1)
        LX_ERR(lx, t->line, t->col, "multi-character character constants are not supported");
      t->val = n ? (uint32_t)(int32_t)(signed char)b[0] : 0;
    }
    return;
  }
  static const struct { const char *s; uint8_t k; } puncts[] = {
    {"...", TK_ELLIPSIS}, {"<<=", TK_SHLEQ}, {">>=", TK_SHREQ},
    {"->", TK_ARROW}, {"++", TK_INC}, {"--", TK_DEC}, {"<<", TK_SHL}, {">>", TK_SHR},
    {"<=", TK_LE}, {">=", TK_GE}, {"==", TK_EQ}, {"!=", TK_NE}, {"&&", TK_ANDAND},
    {"||", TK_OROR}, {"*=", TK_MULEQ}, {"/=", TK_DIVEQ}, {"%=", TK_MODEQ},
    {"+=", TK_ADDEQ}, {"-=", TK_SUBEQ}, {"&=", TK_ANDEQ}, {"^=", TK_XOREQ},
    {"|=", TK_OREQ}, {"##", TK_HASHHASH},
    {"[", TK_LBRACK}, {"]", TK_RBRACK}, {"(", TK_LPAREN}, {")", TK_RPAREN},
    {"{", TK_LBRACE}, {"}", TK_RBRACE}, {";", TK_SEMI}, {",", TK_COMMA},
    {".", TK_DOT}, {"&", TK_AMP}, {"*", TK_STAR}, {"+", TK_PLUS}, {"-", TK_MINUS},
    {"~", TK_TILDE}, {"!", TK_BANG}, {"/", TK_SLASH}, {"%", TK_PERCENT},
    {"<", TK_LT}, {">", TK_GT}, {"^", TK_CARET}, {"|", TK_PIPE}, {"?", TK_QUEST},
    {":", TK_COLON}, {"=", TK_ASSIGN}, {"#", TK_HASH},
  };
  for (size_t k = 0; k < sizeof puncts / sizeof puncts[0]; k++) {
    size_t n = strlen(puncts[k].s);
    if (lx->len - lx->i >= n && memcmp(lx->src + lx->i, puncts[k].s, n) == 0) {
      lx->i += (uint32_t)n;
      t->k = puncts[k].k;
      return;
    }
  }
  if (c >= 0x20 && c < 0x7F) LX_ERR(lx, t->line, t->col, "stray '%c' in program", c);
  else LX_ERR(lx, t->line, t->col, "stray '\\%o' in program", (unsigned)c);
  lx->i++;
  bool bol = t->bol;
  raw1(lx, t);                 /* skip it */
  t->bol |= bol;
}

static void unraw(lexer *lx, const cc_tok *t) {
  lx->back = *t;
  lx->have_back = true;
}

/* Rest of a directive line into v (cc_tok items). */
static void line_tokens(lexer *lx, cc_vec *v) {
  for (;;) {
    cc_tok t;
    raw(lx, &t);
    if (t.bol || t.k == TK_EOF) { unraw(lx, &t); return; }
    *(cc_tok *)cc_vpush(lx->cs, v) = t;
  }
}

/* ---- output and macro expansion ---------------------------------------- */

typedef struct cond {
  uint8_t on, taken, seen_else;
  uint32_t line, col;
} cond;

typedef struct pp {
  lexer lx;
  cc_vec out;                /* cc_tok */
  cond conds[64];
  int ncond;
  int depth;                 /* macro expansion depth */
} pp;

static void emit(pp *P, const cc_tok *t0) {
  cc_state *cs = P->lx.cs;
  cc_tok kw;
  const cc_tok *t = t0;
  if (t->k == TK_IDENT && t->name->kw) {        /* keywords become their own kinds */
    kw = *t;
    kw.k = t->name->kw;
    t = &kw;
  }
  if (t->k == TK_STR && P->out.n > 0) {
    cc_tok *prev = &CC_VAT(&P->out, cc_tok, P->out.n - 1);
    if (prev->k == TK_STR) {            /* adjacent literals join */
      char *s = cc_alloc(cs, (size_t)prev->slen + t->slen + 1);
      memcpy(s, prev->str, prev->slen);
      memcpy(s + prev->slen, t->str, t->slen);
      prev->str = s;
      prev->slen += t->slen;
      return;
    }
  }
  if (P->out.n >= CC_MAX_TOKENS) cc_fatal(cs, "too many tokens (macro expansion too large)");
  *(cc_tok *)cc_vpush(cs, &P->out) = *t;
}

/* Expand identifier token t (a macro) into dst, at t's position. */
static void expand(pp *P, const cc_tok *t, cc_vec *dst, bool to_out) {
  cc_macro *m = t->name->macro;
  if (++P->depth > 64) cc_fatal(P->lx.cs, "macro expansion nested too deeply");
  m->active = 1;
  for (uint32_t i = 0; i < m->n; i++) {
    cc_tok u = m->body[i];
    u.line = t->line;
    u.col = t->col;
    u.bol = 0;
    if (u.k == TK_IDENT && u.name->macro && !u.name->macro->active) {
      expand(P, &u, dst, to_out);
      continue;
    }
    if (to_out) emit(P, &u);
    else *(cc_tok *)cc_vpush(P->lx.cs, dst) = u;
  }
  m->active = 0;
  P->depth--;
}

/* ---- #if expressions --------------------------------------------------- */

typedef struct ppx {
  pp *P;
  cc_tok *t;
  uint32_t n, i;
  bool bad;
  uint32_t line, col;
} ppx;

static int64_t ppx_cond(ppx *x);

static const cc_tok *ppx_peek(ppx *x) {
  static const cc_tok eof = { .k = TK_EOF };
  return x->i < x->n ? &x->t[x->i] : &eof;
}

static int64_t ppx_primary(ppx *x) {
  const cc_tok *t = ppx_peek(x);
  if (x->bad) return 0;
  x->i++;
  switch (t->k) {
    case TK_NUM: case TK_CHAR: return t->uns ? (int64_t)t->val : (int64_t)(int32_t)t->val;
    case TK_IDENT: return 0;      /* undefined identifiers are 0 */
    case TK_LPAREN: {
      int64_t v = ppx_cond(x);
      if (ppx_peek(x)->k != TK_RPAREN) { x->bad = true; return 0; }
      x->i++;
      return v;
    }
    case TK_MINUS: return -ppx_primary(x);
    case TK_PLUS: return ppx_primary(x);
    case TK_BANG: return !ppx_primary(x);
    case TK_TILDE: return ~ppx_primary(x);
    default: x->bad = true; return 0;
  }
}

static int ppx_prec(int k) {
  switch (k) {
    case TK_STAR: case TK_SLASH: case TK_PERCENT: return 10;
    case TK_PLUS: case TK_MINUS: return 9;
    case TK_SHL: case TK_SHR: return 8;
    case TK_LT: case TK_GT: case TK_LE: case TK_GE: return 7;
    case TK_EQ: case TK_NE: return 6;
    case TK_AMP: return 5;
    case TK_CARET: return 4;
    case TK_PIPE: return 3;
    case TK_ANDAND: return 2;
    case TK_OROR: return 1;
    default: return 0;
  }
}

static int64_t ppx_bin(ppx *x, int minprec) {
  int64_t l = ppx_primary(x);
  for (;;) {
    int k = ppx_peek(x)->k, p = ppx_prec(k);
    if (p == 0 || p < minprec || x->bad) return l;
    x->i++;
    int64_t r = ppx_bin(x, p + 1);
    switch (k) {
      case TK_STAR: l = (int64_t)((uint64_t)l * (uint64_t)r); break;
      case TK_SLASH: case TK_PERCENT:
        if (r == 0 || (r == -1 && l == INT64_MIN)) {
          if (!x->bad) cc_error(x->P->lx.cs, x->line, x->col, "division by zero in #if");
          x->bad = true;
          return 0;
        }
        l = k == TK_SLASH ? l / r : l % r;
        break;
      case TK_PLUS: l = (int64_t)((uint64_t)l + (uint64_t)r); break;
      case TK_MINUS: l = (int64_t)((uint64_t)l - (uint64_t)r); break;
      case TK_SHL: l = (int64_t)((uint64_t)l << (r & 63)); break;
      case TK_SHR: l = l >> (r & 63); break;
      case TK_LT: l = l < r; break;
      case TK_GT: l = l > r; break;
      case TK_LE: l = l <= r; break;
      case TK_GE: l = l >= r; break;
      case TK_EQ: l = l == r; break;
      case TK_NE: l = l != r; break;
      case TK_AMP: l = l & r; break;
      case TK_CARET: l = l ^ r; break;
      case TK_PIPE: l = l | r; break;
      case TK_ANDAND: l = l && r; break;
      case TK_OROR: l = l || r; break;
      default: break;
    }
  }
}

static int64_t ppx_cond(ppx *x) {
  if (++x->P->depth > CC_MAX_NEST) { x->bad = true; x->P->depth--; return 0; }
  int64_t c = ppx_bin(x, 1);
  if (ppx_peek(x)->k == TK_QUEST) {
    x->i++;
    int64_t a = ppx_cond(x);
    if (ppx_peek(x)->k != TK_COLON) { x->bad = true; x->P->depth--; return 0; }
    x->i++;
    int64_t b = ppx_cond(x);
    c = c ? a : b;
  }
  x->P->depth--;
  return c;
}

/* Evaluate the rest of an #if/#elif line. */
static bool pp_if_value(pp *P, const cc_tok *dir) {
  lexer *lx = &P->lx;
  cc_state *cs = lx->cs;
  cc_vec line = { .isz = sizeof(cc_tok) }, ex = { .isz = sizeof(cc_tok) };
  line_tokens(lx, &line);
  cc_tok *t = line.v;
  for (uint32_t i = 0; i < line.n; i++) {
    if (t[i].k == TK_IDENT && strcmp(t[i].name->s, "defined") == 0) {
      uint32_t j = i + 1;
      bool paren = j < line.n && t[j].k == TK_LPAREN;
      if (paren) j++;
      cc_tok r = { .k = TK_NUM, .line = t[i].line, .col = t[i].col };
      if (j >= line.n || t[j].k != TK_IDENT) {
        cc_error(cs, t[i].line, t[i].col, "operator 'defined' requires an identifier");
        cc_vfree(&line);
        cc_vfree(&ex);
        return false;
      }
      r.val = t[j].name->macro != NULL;
      j++;
      if (paren) {
        if (j >= line.n || t[j].k != TK_RPAREN) {
          cc_error(cs, t[i].line, t[i].col, "missing ')' after 'defined'");
          cc_vfree(&line);
          cc_vfree(&ex);
          return false;
        }
        j++;
      }
      *(cc_tok *)cc_vpush(cs, &ex) = r;
      i = j - 1;
    } else if (t[i].k == TK_IDENT && t[i].name->macro) {
      expand(P, &t[i], &ex, false);
    } else {
      *(cc_tok *)cc_vpush(cs, &ex) = t[i];
    }
  }
  ppx x = { P, ex.v, ex.n, 0, false, dir->line, dir->col };
  bool v = false;
  if (ex.n == 0) cc_error(cs, dir->line, dir->col, "#%s with no expression", dir->name->s);
  else {
    v = ppx_cond(&x) != 0;
    if (!x.bad && x.i < x.n) x.bad = true;
    if (x.bad && cs->nerrors == 0)
      cc_error(cs, dir->line, dir->col, "invalid expression in #%s", dir->name->s);
    else if (x.bad)
      cc_error(cs, dir->line, dir->col, "invalid expression in #%s", dir->name->s);
  }
  cc_vfree(&line);
  cc_vfree(&ex);
  return v && !x.bad;
}

/* ---- directives -------------------------------------------------------- */

static void define_text(cc_state *cs, const char *name, const char *body);

/* Built-in headers and what they provide. */
static const char *const stdbool_defs[][2] = {
  {"bool", "_Bool"}, {"true", "1"}, {"false", "0"},
  {"__bool_true_false_are_defined", "1"},
};
static const char *const stdint_defs[][2] = {
  {"INT8_MIN", "(-128)"}, {"INT8_MAX", "127"}, {"UINT8_MAX", "255"},
  {"INT16_MIN", "(-32767-1)"}, {"INT16_MAX", "32767"}, {"UINT16_MAX", "65535"},
  {"INT32_MIN", "(-2147483647-1)"}, {"INT32_MAX", "2147483647"},
  {"UINT32_MAX", "4294967295U"},
};
static const char *const limits_defs[][2] = {
  {"CHAR_BIT", "8"}, {"SCHAR_MIN", "(-128)"}, {"SCHAR_MAX", "127"},
  {"UCHAR_MAX", "255"}, {"CHAR_MIN", "(-128)"}, {"CHAR_MAX", "127"},
  {"SHRT_MIN", "(-32768)"}, {"SHRT_MAX", "32767"}, {"USHRT_MAX", "65535"},
  {"INT_MIN", "(-2147483647-1)"}, {"INT_MAX", "2147483647"},
  {"UINT_MAX", "4294967295U"},
};
static const char *const stdio_defs[][2] = { {"EOF", "(-1)"} };
static const char *const cockpit_defs[][2] = {
  {"HIGH", "1"}, {"LOW", "0"}, {"INPUT", "0"}, {"OUTPUT", "1"},
  {"INPUT_PULLUP", "2"}, {"LED_BUILTIN", "13"},
};

#define DEFS(cs, tab) \
  for (size_t i_ = 0; i_ < sizeof tab / sizeof tab[0]; i_++) define_text(cs, tab[i_][0], tab[i_][1])

static void include_header(cc_state *cs, unsigned h) {
  if (cs->headers & h) return;
  cs->headers |= h;
  switch (h) {
    case CC_H_STDBOOL: DEFS(cs, stdbool_defs); break;
    case CC_H_STDINT: DEFS(cs, stdint_defs); break;
    case CC_H_LIMITS: DEFS(cs, limits_defs); break;
    case CC_H_STDIO: DEFS(cs, stdio_defs); break;
    case CC_H_COCKPIT:
      include_header(cs, CC_H_STDIO);
      include_header(cs, CC_H_STDINT);
      include_header(cs, CC_H_STDBOOL);
      DEFS(cs, cockpit_defs);
      break;
    default: break;
  }
}

static void do_include(pp *P, const cc_tok *dir) {
  lexer *lx = &P->lx;
  cc_state *cs = lx->cs;
  cc_vec line = { .isz = sizeof(cc_tok) };
  line_tokens(lx, &line);
  cc_tok *t = line.v;
  char name[128];
  size_t n = 0;
  bool sys = false, ok = false;
  if (line.n >= 1 && t[0].k == TK_STR) {
    n = t[0].slen < sizeof name - 1 ? t[0].slen : sizeof name - 1;
    memcpy(name, t[0].str, n);
    ok = line.n == 1;
  } else if (line.n >= 3 && t[0].k == TK_LT) {
    /* rebuild the header name from the source text between < and > */
    uint32_t i;
    for (i = 1; i < line.n && t[i].k != TK_GT; i++) {}
    if (i < line.n) {
      uint32_t s = lx->cs->linestart[t[0].line - 1] + t[0].col;
      uint32_t e = lx->cs->linestart[t[i].line - 1] + t[i].col - 1;
      if (t[i].line == t[0].line && e > s && e - s < sizeof name) {
        n = e - s;
        memcpy(name, lx->src + s, n);
        ok = i + 1 == line.n;
      }
    }
    sys = true;
  }
  name[n] = '\0';
  if (!ok) {
    cc_error(cs, dir->line, dir->col, "#include expects \"FILENAME\" or <FILENAME>");
    cc_vfree(&line);
    return;
  }
  static const struct { const char *name; unsigned h; } hdrs[] = {
    {"stdio.h", CC_H_STDIO}, {"stdint.h", CC_H_STDINT}, {"stdbool.h", CC_H_STDBOOL},
    {"limits.h", CC_H_LIMITS}, {"cockpit.h", CC_H_COCKPIT},
  };
  for (size_t i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
    if (strcmp(name, hdrs[i].name) == 0) {
      include_header(cs, hdrs[i].h);
      cc_vfree(&line);
      return;
    }
  }
  cc_error(cs, t[0].line, t[0].col, "%c%s%c: no such header in Cockpit C (available: "
           "<stdio.h>, <stdint.h>, <stdbool.h>, <limits.h>, \"cockpit.h\")",
           sys ? '<' : '"', name, sys ? '>' : '"');
  cc_vfree(&line);
}

static bool same_body(const cc_macro *m, const cc_tok *b, uint32_t n) {
  if (m->n != n) return false;
  for (uint32_t i = 0; i < n; i++) {
    const cc_tok *x = &m->body[i], *y = &b[i];
    if (x->k != y->k || x->val != y->val || x->name != y->name || x->slen != y->slen ||
        (x->slen && memcmp(x->str, y->str, x->slen) != 0))
      return false;
  }
  return true;
}

static void set_macro(cc_state *cs, cc_name *nm, const cc_tok *body, uint32_t n,
                      const cc_tok *at, bool builtin) {
  if (nm->macro && !same_body(nm->macro, body, n) && at)
    cc_warning(cs, at->line, at->col, "'%s' redefined", nm->s);
  cc_macro *m = cc_alloc(cs, sizeof *m);
  m->name = nm;
  m->n = n;
  m->body = cc_alloc(cs, (n ? n : 1) * sizeof *body);
  if (n) memcpy(m->body, body, n * sizeof *body);
  m->builtin = builtin;
  nm->macro = m;
}

static void define_text(cc_state *cs, const char *name, const char *body) {
  lexer lx = { .cs = cs, .src = body, .len = (uint32_t)strlen(body), .line = 1 };
  cc_vec v = { .isz = sizeof(cc_tok) };
  for (;;) {
    cc_tok t;
    raw(&lx, &t);
    if (t.k == TK_EOF) break;
    *(cc_tok *)cc_vpush(cs, &v) = t;
  }
  set_macro(cs, cc_intern(cs, name, strlen(name)), v.v, v.n, NULL, true);
  cc_vfree(&v);
}

static void do_define(pp *P, const cc_tok *dir) {
  lexer *lx = &P->lx;
  cc_state *cs = lx->cs;
  cc_vec line = { .isz = sizeof(cc_tok) };
  cc_tok name;
  raw(lx, &name);
  if (name.bol || name.k != TK_IDENT) {
    cc_error(cs, dir->line, dir->col, "macro names must be identifiers");
    if (!name.bol) line_tokens(lx, &line); else unraw(lx, &name);
    cc_vfree(&line);
    return;
  }
  /* function-like: '(' right after the name, no space */
  uint32_t after = name.col + name.name->len;
  line_tokens(lx, &line);
  cc_tok *t = line.v;
  if (line.n > 0 && t[0].k == TK_LPAREN && t[0].line == name.line && t[0].col == after) {
    cc_error(cs, name.line, name.col, "function-like macros are not supported in Cockpit C; "
             "write a function instead");
    cc_vfree(&line);
    return;
  }
  if (strcmp(name.name->s, "defined") == 0) {
    cc_error(cs, name.line, name.col, "'defined' cannot be used as a macro name");
    cc_vfree(&line);
    return;
  }
  for (uint32_t i = 0; i < line.n; i++) {
    if (t[i].k == TK_HASH || t[i].k == TK_HASHHASH) {
      cc_error(cs, t[i].line, t[i].col, "'%s' in macros is not supported in Cockpit C",
               cc_tk_text[t[i].k]);
      cc_vfree(&line);
      return;
    }
  }
  set_macro(cs, name.name, t, line.n, &name, false);
  cc_vfree(&line);
}

/* Expect end of directive line; complain about extra tokens. */
static void end_of_line(pp *P, const char *dir) {
  cc_vec line = { .isz = sizeof(cc_tok) };
  line_tokens(&P->lx, &line);
  if (line.n > 0) {
    cc_tok *t = line.v;
    if (!P->lx.quiet)
      cc_warning(P->lx.cs, t[0].line, t[0].col, "extra tokens at end of #%s directive", dir);
  }
  cc_vfree(&line);
}

static cc_name *ident_arg(pp *P, const cc_tok *dir) {
  cc_tok t;
  raw(&P->lx, &t);
  if (t.bol || t.k != TK_IDENT) {
    if (t.bol) unraw(&P->lx, &t);
    cc_error(P->lx.cs, dir->line, dir->col, "no macro name given in #%s directive",
             dir->name->s);
    return NULL;
  }
  end_of_line(P, dir->name->s);
  return t.name;
}

static bool active(const pp *P) {
  return P->ncond == 0 || P->conds[P->ncond - 1].on;
}

static void directive(pp *P, const cc_tok *hash) {
  lexer *lx = &P->lx;
  cc_state *cs = lx->cs;
  cc_tok d;
  raw(lx, &d);
  if (d.bol || d.k == TK_EOF) { unraw(lx, &d); return; }   /* null directive */
  const char *s = d.k == TK_IDENT ? d.name->s : "";
  bool on = active(P);
  bool parent_on = P->ncond <= 1 || P->conds[P->ncond - 2].on;
  if (!strcmp(s, "if") || !strcmp(s, "ifdef") || !strcmp(s, "ifndef")) {
    if (P->ncond == (int)(sizeof P->conds / sizeof P->conds[0]))
      cc_fatal(cs, "#if nested too deeply");
    bool v = false;
    if (on) {
      if (s[2] == '\0') v = pp_if_value(P, &d);
      else {
        cc_name *n = ident_arg(P, &d);
        v = n && ((n->macro != NULL) == (s[2] == 'd'));
      }
    } else {
      cc_vec line = { .isz = sizeof(cc_tok) };
      line_tokens(lx, &line);
      cc_vfree(&line);
    }
    P->conds[P->ncond++] = (cond){ on && v, on && v, 0, d.line, d.col };
  } else if (!strcmp(s, "elif") || !strcmp(s, "else")) {
    if (P->ncond == 0) {
      cc_error(cs, d.line, d.col, "#%s without #if", s);
      end_of_line(P, s);
      return;
    }
    cond *c = &P->conds[P->ncond - 1];
    if (c->seen_else) cc_error(cs, d.line, d.col, "#%s after #else", s);
    parent_on = P->ncond <= 1 || P->conds[P->ncond - 2].on;
    if (s[2] == 's') {
      c->seen_else = 1;
      end_of_line(P, s);
      c->on = parent_on && !c->taken;
      c->taken = 1;
    } else {
      bool v = false;
      if (parent_on && !c->taken) v = pp_if_value(P, &d);
      else {
        cc_vec line = { .isz = sizeof(cc_tok) };
        line_tokens(lx, &line);
        cc_vfree(&line);
      }
      c->on = v;
      if (v) c->taken = 1;
    }
  } else if (!strcmp(s, "endif")) {
    if (P->ncond == 0) cc_error(cs, d.line, d.col, "#endif without #if");
    else P->ncond--;
    end_of_line(P, s);
  } else if (!on) {
    cc_vec line = { .isz = sizeof(cc_tok) };   /* other directives: skipped */
    line_tokens(lx, &line);
    cc_vfree(&line);
  } else if (!strcmp(s, "define")) {
    do_define(P, &d);
  } else if (!strcmp(s, "undef")) {
    cc_name *n = ident_arg(P, &d);
    if (n) n->macro = NULL;
  } else if (!strcmp(s, "include")) {
    do_include(P, &d);
  } else if (!strcmp(s, "error") || !strcmp(s, "warning")) {
    cc_vec line = { .isz = sizeof(cc_tok) };
    line_tokens(lx, &line);
    uint32_t ls = cs->linestart[d.line - 1], e = ls + d.col - 1 + (uint32_t)strlen(s);
    while (e < cs->len && (cs->src[e] == ' ' || cs->src[e] == '\t')) e++;
    uint32_t f = e;
    while (f < cs->len && cs->src[f] != '\n' && cs->src[f] != '\r') f++;
    if (s[0] == 'e') cc_error(cs, hash->line, hash->col, "#error %.*s", (int)(f - e), cs->src + e);
    else cc_warning(cs, hash->line, hash->col, "#warning %.*s", (int)(f - e), cs->src + e);
    cc_vfree(&line);
  } else if (!strcmp(s, "pragma")) {
    cc_vec line = { .isz = sizeof(cc_tok) };
    line_tokens(lx, &line);
    cc_vfree(&line);
  } else {
    cc_error(cs, d.line, d.col, "invalid or unsupported preprocessing directive '#%s'",
             d.k == TK_IDENT ? s : cc_tk_text[d.k]);
    cc_vec line = { .isz = sizeof(cc_tok) };
    line_tokens(lx, &line);
    cc_vfree(&line);
  }
}

/* ---- driver ------------------------------------------------------------ */

static void init_names(cc_state *cs) {
  for (int k = TK_KW_FIRST; k < TK__COUNT; k++) {
    const char *s = cc_tk_text[k];
    cc_intern(cs, s, strlen(s))->kw = (uint16_t)k;
  }
  static const struct { const char *s; uint8_t k; } tdefs[] = {
    {"int8_t", TY_SCHAR}, {"uint8_t", TY_UCHAR}, {"int16_t", TY_SHORT},
    {"uint16_t", TY_USHORT}, {"int32_t", TY_INT}, {"uint32_t", TY_UINT},
  };
  for (size_t i = 0; i < sizeof tdefs / sizeof tdefs[0]; i++) {
    cc_name *n = cc_intern(cs, tdefs[i].s, strlen(tdefs[i].s));
    n->btype = (uint8_t)(tdefs[i].k + 1);
    n->bneeds = CC_H_STDINT;
  }
  for (unsigned i = 0; i < cc_nhosts; i++) {
    const cc_host *hc = &cc_hosts[i];
    cc_intern(cs, hc->name, strlen(hc->name))->hc = hc;
  }
  define_text(cs, "__COCKPIT__", "1");
}

void cc_lex(cc_state *cs) {
  pp *P = cc_alloc(cs, sizeof *P);
  P->lx = (lexer){ .cs = cs, .src = cs->src, .len = (uint32_t)cs->len, .line = 1, .nl = true };
  P->out.isz = sizeof(cc_tok);
  init_names(cs);
  cc_tok t;
  for (;;) {
    P->lx.quiet = !active(P);
    raw(&P->lx, &t);
    if (t.k == TK_EOF) break;
    if (t.k == TK_HASH && t.bol) {
      directive(P, &t);
      continue;
    }
    if (!active(P)) continue;
    if (t.k == TK_IDENT && t.name->macro && !t.name->macro->active) {
      expand(P, &t, NULL, true);
      continue;
    }
    emit(P, &t);
  }
  if (P->ncond > 0) {
    cond *c = &P->conds[P->ncond - 1];
    cc_error(cs, c->line, c->col, "unterminated conditional directive");
  }
  t.bol = 1;
  emit(P, &t);                 /* TK_EOF */
  cs->ntoks = P->out.n;
  cs->toks = cc_alloc(cs, P->out.n * sizeof(cc_tok));
  memcpy(cs->toks, P->out.v, P->out.n * sizeof(cc_tok));
}
