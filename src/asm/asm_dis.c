/*
** asm_dis.c -- the disassembler: cvm_prog -> assembly text.
**
** The output assembles back to the same bytes. The artifact keeps no names
** for globals and arrays, so they are named after their index (g<word>,
** a<entry>, s<entry> for strings); function names come from the debug
** names when present. Placement ("@ offset") and size directives appear
** only where the assembler's defaults would differ, so the layout is
** reproduced exactly. Anything the syntax cannot express as an instruction
** (an unknown opcode, a non-zero unused field, an instruction cut off by
** its function's end) is printed as a .word.
**
** The declarations are produced twice: a dry run computes where the
** assembler's cursors end (for the size directives in the header), then
** the real run prints.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm_int.h"

#define NONE 0xFFFFFFFFu

typedef struct dis {
  const cvm_prog *p;
  FILE *out;
  const asm_dis_opts *o;
  bool dry;                  /* count only, print nothing */
  char **fname;              /* per function */
  uint32_t *fs, *fe;         /* per function: word range */
  uint32_t *owner;           /* per array: first function using it (L) */
  uint8_t *sgn;              /* per array: read by a signed load */
  uint8_t *isstr;            /* per array: declared with .string */
  uint8_t *start, *target;   /* per code word: instruction start, jump target */
  uint8_t *gword;            /* per global word index: referenced */
  uint8_t *gcov, *rcov;      /* per data / rodata byte: declared */
  uint32_t caps;             /* capability groups of decodable SYS */
  bool nice;                 /* frame arrays declared inside their functions */
  uint32_t gcur, rcur;       /* the assembler's cursors, as it will see them */
  uint32_t last_line;         /* source interleaving: last line shown */
  char *buf;                  /* output being built */
  size_t n, cap, bol;         /* its length, capacity, start of the line */
} dis;

static void put(dis *d, const char *fmt, ...) {
  if (d->dry) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(d->buf + d->n, d->cap - d->n, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k < d->cap - d->n) {
      for (size_t i = d->n; i < d->n + (size_t)k; i++)
        if (d->buf[i] == '\n') d->bol = i + 1;
      d->n += (size_t)k;
      break;
    }
    d->cap = d->cap * 2 + (size_t)k + 1;
    d->buf = asm_xrealloc(d->buf, d->cap);
  }
}

/* Hand what is built so far to the output stream. */
static void flush(dis *d) {
  if (d->n) fwrite(d->buf, 1, d->n, d->out);
  d->n = d->bol = 0;
}

static uint32_t align_up(uint32_t x, uint32_t a) { return (x + a - 1) & ~(a - 1); }

static void *zalloc(size_t n) {
  void *p = asm_xrealloc(NULL, n ? n : 1);
  memset(p, 0, n ? n : 1);
  return p;
}

/* ---- decoding ------------------------------------------------------------ */

/* Can insn (with its extra words up to end) be written as an instruction? */
static bool decodable(const dis *d, uint32_t pc, uint32_t end) {
  uint32_t insn = d->p->code[pc], op = CVM_I_OP(insn);
  if (op >= CVM_OP__COUNT) return false;
  if (cvm_insn_words(insn) > end - pc) return false;
  const cvm_opinfo *oi = &cvm_opinfo_table[op];
  asm_field fl[3];
  int nf = asm_fields(oi->fmt, fl);
  uint32_t covered = 0xFFu;
  for (int i = 0; i < nf; i++) {
    uint32_t k = asm_op_kind(oi, fl[i].slot);
    if (k == CVM_K_N || fl[i].width == 32) continue;
    covered |= (uint32_t)(((uint64_t)1 << fl[i].width) - 1) << fl[i].shift;
    if (k == CVM_K_SH && asm_field_get(insn, &fl[i], k) > 31) return false;
  }
  return (insn & ~covered) == 0;
}

/* Visit every operand of the instruction at pc: kind, value, jump target. */
typedef void (*visit_fn)(dis *d, uint32_t f, uint32_t pc, uint32_t k, int64_t v, int64_t target,
                         bool first);

static void operands(dis *d, uint32_t f, uint32_t pc, visit_fn fn) {
  const uint32_t *code = d->p->code;
  uint32_t insn = code[pc], next = pc + cvm_insn_words(insn);
  const cvm_opinfo *oi = &cvm_opinfo_table[CVM_I_OP(insn)];
  asm_field fl[3];
  int nf = asm_fields(oi->fmt, fl);
  bool first = true;
  for (int i = 0; i < nf; i++) {
    uint32_t k = asm_op_kind(oi, fl[i].slot);
    if (k == CVM_K_N) continue;
    int64_t v = fl[i].width == 32 ? (int64_t)(int32_t)code[pc + 1] : asm_field_get(insn, &fl[i], k);
    fn(d, f, pc, k, v, asm_kind_is_jump(k) ? (int64_t)next + v : 0, first);
    first = false;
  }
  if (oi->fmt == CVM_FMT_SW)
    for (uint32_t j = 0; j <= CVM_I_BX(insn); j++) {
      int64_t v = (int32_t)code[pc + 1 + j];
      fn(d, f, pc, CVM_K_J24, v, (int64_t)next + v, false);
    }
}

static void note(dis *d, uint32_t f, uint32_t pc, uint32_t k, int64_t v, int64_t target,
                 bool first) {
  const cvm_prog *p = d->p;
  const cvm_opinfo *oi = &cvm_opinfo_table[CVM_I_OP(p->code[pc])];
  (void)first;
  if (asm_kind_is_jump(k) && target >= d->fs[f] && target < d->fe[f]) d->target[target] = 1;
  if (k == CVM_K_GW && (uint64_t)v * 4 + 4 <= p->globals_size) d->gword[v] = 1;
  if ((k == CVM_K_KA || k == CVM_K_KX) && v < p->narrays) {
    if (CVM_ARR_SPACE(p, v) == CVM_SP_L && d->owner[v] == NONE) d->owner[v] = f;
    if (oi->sgn) d->sgn[v] = 1;
  }
  if (k == CVM_K_HC) {
    const cvm_hcinfo *hc = cvm_hc_find((uint32_t)v);
    if (hc) d->caps |= CVM_CAPBIT(hc->cap);
  }
}

static void scan(dis *d) {
  const cvm_prog *p = d->p;
  uint32_t prev = 0;
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    uint32_t s = CVM_FUNC_ENTRY(p, f);
    if (s < prev) s = prev;
    if (s > p->ncode) s = p->ncode;
    d->fs[f] = s;
    if (f > 0) d->fe[f - 1] = s;
    prev = s;
  }
  if (p->nfuncs) d->fe[p->nfuncs - 1] = p->ncode;
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    for (uint32_t pc = d->fs[f]; pc < d->fe[f];) {
      d->start[pc] = 1;
      if (!decodable(d, pc, d->fe[f])) { pc++; continue; }
      operands(d, f, pc, note);
      pc += cvm_insn_words(p->code[pc]);
    }
  }
}

/* ---- names --------------------------------------------------------------- */

static bool name_taken(const dis *d, uint32_t upto, const char *s) {
  for (uint32_t g = 0; g < upto; g++)
    if (strcmp(d->fname[g], s) == 0) return true;
  return false;
}

static void name_funcs(dis *d) {
  const cvm_prog *p = d->p;
  asm_map seen = {0};
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    const char *n = cvm_func_name(p, f);
    char buf[32];
    if (!n || !asm_is_ident(n, strlen(n)) || asm_map_get(&seen, n, strlen(n), NULL)) {
      unsigned k = 0;
      do snprintf(buf, sizeof buf, k ? "f%u_%u" : "f%u", f, k); while (k++, name_taken(d, f, buf));
      n = buf;
    }
    d->fname[f] = asm_xstrndup(n, strlen(n));
    asm_map_put(&seen, n, strlen(n), f);
  }
  asm_map_free(&seen);
}

static void print_escaped(dis *d, const uint8_t *s, uint32_t n) {
  put(d, "\"");
  for (uint32_t i = 0; i < n; i++) {
    int c = s[i];
    if (c == '"' || c == '\\') put(d, "\\%c", c);
    else if (c == '\n') put(d, "\\n");
    else if (c == '\t') put(d, "\\t");
    else if (c == '\r') put(d, "\\r");
    else if (c >= 0x20 && c < 0x7F) put(d, "%c", c);
    else put(d, "\\x%02x", c);
  }
  put(d, "\"");
}

/* ---- declarations --------------------------------------------------------- */

static uint32_t elem(const uint8_t *b, uint32_t esize) {
  uint32_t v = 0;
  for (uint32_t i = 0; i < esize; i++) v |= (uint32_t)b[i] << (8 * i);
  return v;
}

/* Byte i of a section as the artifact holds it (0 beyond its size). */
static uint8_t byte_at(const uint8_t *sec, uint32_t size, uint64_t i) {
  return i < size ? sec[i] : 0;
}

static const char *type_name(const dis *d, uint32_t k) {
  uint32_t es = CVM_ARR_ESIZE(d->p, k);
  if (es == 4) return "s32";
  if (es == 2) return d->sgn[k] ? "s16" : "u16";
  return d->sgn[k] ? "s8" : "u8";
}

static bool is_text(const uint8_t *b, uint32_t n) {
  if (n == 0 || b[n - 1] != 0) return false;
  for (uint32_t i = 0; i + 1 < n; i++)
    if (b[i] == 0 || (b[i] < 0x20 && b[i] != '\n' && b[i] != '\t' && b[i] != '\r') || b[i] >= 0x7F)
      return false;
  return true;
}

/* One array entry k; cur is the cursor of its space (NULL: must place). */
static void array_decl(dis *d, uint32_t k, uint32_t *cur, bool local) {
  const cvm_prog *p = d->p;
  uint32_t base = CVM_ARR_BASE(p, k), count = CVM_ARR_COUNT(p, k), es = CVM_ARR_ESIZE(p, k);
  uint32_t sp = CVM_ARR_SPACE(p, k), inner = CVM_ARR_INNER(p, k);
  if (es != 1 && es != 2 && es != 4) es = 1;   /* unverified: best effort */
  uint64_t size = (uint64_t)count * es;
  const uint8_t *sec = sp == CVM_SP_G ? p->data : sp == CVM_SP_R ? p->rodata : NULL;
  uint32_t secsize = sp == CVM_SP_G ? p->data_size : sp == CVM_SP_R ? p->rodata_size : 0;
  uint8_t *cov = sp == CVM_SP_G ? d->gcov : sp == CVM_SP_R ? d->rcov : NULL;
  bool natural = cur && base == align_up(*cur, es);

  /* A string: printable text with one NUL at its end, placed naturally. */
  if (sp == CVM_SP_R && es == 1 && natural && inner == 0 && base + size <= secsize &&
      is_text(sec + base, count)) {
    d->isstr[k] = 1;
    put(d, ".string s%u ", k);
    print_escaped(d, sec + base, count - 1);
    put(d, "\n");
  } else {
    d->isstr[k] = 0;
    const char *sname = sp == CVM_SP_G ? "G" : sp == CVM_SP_L ? "L" : sp == CVM_SP_R ? "R" : "?";
    if (local) put(d, "        .local a%u %s %u", k, type_name(d, k), count);
    else put(d, ".array %s a%u %s %u", sname, k, type_name(d, k), count);
    if (inner) put(d, " inner %u", inner);
    if (!natural) put(d, " @ %u", base);
    uint64_t last = 0;   /* elements up to the last non-zero one */
    if (sec)
      for (uint64_t i = 0; i < count && base + i * es < secsize; i++)
        for (uint32_t b = 0; b < es; b++)
          if (byte_at(sec, secsize, base + i * es + b)) last = i + 1;
    bool text = es == 1 && !d->sgn[k] && last > 1 && base + last <= secsize;
    for (uint64_t i = 0; text && i < last; i++) {
      uint8_t c = sec[base + i];
      text = (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' || c == '\r';
    }
    if (text) {
      put(d, " = ");
      print_escaped(d, sec + base, (uint32_t)last);
    } else if (last) {
      put(d, " =");
      for (uint64_t i = 0; i < last; i++) {
        uint8_t b[4];
        for (uint32_t j = 0; j < es; j++) b[j] = byte_at(sec, secsize, base + i * es + j);
        uint32_t v = elem(b, es);
        bool s = es == 4 || d->sgn[k];
        int64_t x = !s ? (int64_t)v : es == 4 ? (int32_t)v : es == 2 ? (int16_t)v : (int8_t)v;
        put(d, "%s %lld", i ? "," : "", (long long)x);
      }
    }
    put(d, "\n");
  }
  if (cov)
    for (uint64_t i = base; i < base + size && i < secsize; i++) cov[i] = 1;
  if (cur && base + size > *cur) *cur = (uint32_t)(base + size);
}

static void global_decl(dis *d, uint32_t w) {
  const cvm_prog *p = d->p;
  uint32_t off = 4 * w;
  put(d, ".global g%u", w);
  if (off != align_up(d->gcur, 4)) put(d, " @ %u", off);
  uint8_t b[4];
  for (uint32_t i = 0; i < 4; i++) {
    b[i] = byte_at(p->data, p->data_size, (uint64_t)off + i);
    if (off + i < p->data_size) d->gcov[off + i] = 1;
  }
  int32_t v = (int32_t)elem(b, 4);
  if (v) put(d, " = %d", v);
  put(d, "\n");
  if (off + 4 > d->gcur) d->gcur = off + 4;
}

/* Raw bytes nobody declared: ".bytes G|R OFF = ..." runs. */
static void raw_bytes(dis *d, const char *space, const uint8_t *sec, uint32_t size,
                      const uint8_t *cov, uint32_t *cur) {
  for (uint32_t i = 0; i < size;) {
    if (cov[i] || sec[i] == 0) { i++; continue; }
    uint32_t j = i, last = i;   /* a run ends at 8 zeros or a declared byte */
    for (; j < size && !cov[j] && j - last <= 8; j++)
      if (sec[j]) last = j;
    put(d, ".bytes %s %u =", space, i);
    for (uint32_t k = i; k <= last; k++) put(d, "%s %u", k > i ? "," : "", sec[k]);
    put(d, "\n");
    if (last + 1 > *cur) *cur = last + 1;
    i = last + 1;
  }
}

static void top_decls(dis *d) {
  const cvm_prog *p = d->p;
  uint32_t nwords = p->globals_size / 4 < 0x10000 ? p->globals_size / 4 : 0x10000, w = 0;
  d->gcur = d->rcur = 0;
  memset(d->gcov, 0, p->data_size + 1);
  memset(d->rcov, 0, p->rodata_size + 1);
  for (uint32_t k = 0; k < p->narrays; k++) {
    uint32_t sp = CVM_ARR_SPACE(p, k);
    if (sp == CVM_SP_L && d->nice) continue;
    if (sp == CVM_SP_G)   /* scalars that lie before this array first */
      for (; w < nwords && 4 * w < CVM_ARR_BASE(p, k); w++)
        if (d->gword[w]) global_decl(d, w);
    array_decl(d, k, sp == CVM_SP_G ? &d->gcur : sp == CVM_SP_R ? &d->rcur : NULL, false);
  }
  for (; w < nwords; w++)
    if (d->gword[w]) global_decl(d, w);
  raw_bytes(d, "G", p->data, p->data_size, d->gcov, &d->gcur);
  raw_bytes(d, "R", p->rodata, p->rodata_size, d->rcov, &d->rcur);
}

/* Frame arrays go inside their functions when the table order allows it:
** every G/R entry first, then the L entries grouped by function in order,
** each inside its function's frame-array bytes. */
static bool nice_locals(const dis *d) {
  const cvm_prog *p = d->p;
  bool seen_l = false;
  uint32_t last = 0;
  for (uint32_t k = 0; k < p->narrays; k++) {
    if (CVM_ARR_SPACE(p, k) != CVM_SP_L) {
      if (seen_l) return false;
      continue;
    }
    uint32_t f = d->owner[k], es = CVM_ARR_ESIZE(p, k);
    if (f == NONE || f < last || (es != 1 && es != 2 && es != 4)) return false;
    if ((uint64_t)CVM_ARR_BASE(p, k) + (uint64_t)CVM_ARR_COUNT(p, k) * es > CVM_FUNC_ARRBYTES(p, f))
      return false;
    seen_l = true;
    last = f;
  }
  return true;
}

/* ---- header ---------------------------------------------------------------- */

static void entry_name(dis *d, uint32_t f) {
  if (f < d->p->nfuncs && strcmp(d->fname[f], "none") != 0) put(d, " %s", d->fname[f]);
  else put(d, " %u", f);
}

static void header(dis *d) {
  const cvm_prog *p = d->p;
  const char *src = cvm_source_name(p);
  if (src) {
    put(d, ".source ");
    print_escaped(d, (const uint8_t *)src, (uint32_t)strlen(src));
    put(d, "\n");
  }
  put(d, ".entry");
  if (p->entry_main != CVM_NO_ENTRY) entry_name(d, p->entry_main);
  else if (p->entry_setup != CVM_NO_ENTRY || p->entry_loop != CVM_NO_ENTRY)
    entry_name(d, p->entry_setup), entry_name(d, p->entry_loop);
  else put(d, " none");
  put(d, "\n.memory %u\n.depth %u\n", p->mem_size, p->max_depth);
  uint32_t extra = p->caps & ~d->caps;
  if (extra) {
    put(d, ".caps");
    for (uint32_t c = 0, n = 0; c < CVM_CAP__COUNT; c++)
      if (extra & CVM_CAPBIT(c)) put(d, "%s %s", n++ ? "," : "", cvm_cap_names[c]);
    put(d, "\n");
  }
  /* sizes where the assembler's defaults would differ */
  d->dry = true;
  top_decls(d);
  d->dry = false;
  if (align_up(d->gcur, 4) != p->globals_size) put(d, ".globals %u\n", p->globals_size);
  if (align_up(d->rcur, 4) != p->rodata_size) put(d, ".rodata %u\n", p->rodata_size);
  uint32_t used = p->data_size;
  while (used > 0 && p->data[used - 1] == 0) used--;
  uint32_t dsize = align_up(used, 4);
  if (dsize > p->globals_size) dsize = p->globals_size;
  if (dsize != p->data_size) put(d, ".datasize %u\n", p->data_size);
}

/* ---- functions --------------------------------------------------------------- */

static void print_operand(dis *d, uint32_t f, uint32_t pc, uint32_t k, int64_t v, int64_t target,
                          bool first) {
  const cvm_prog *p = d->p;
  put(d, first ? " " : ", ");
  if (asm_kind_is_reg(k)) put(d, "r%lld", (long long)v);
  else if (asm_kind_is_jump(k) && target >= d->fs[f] && target < d->fe[f] && d->start[target])
    put(d, "L%lld", (long long)target);
  else if (k == CVM_K_GW && d->gword[v]) put(d, "g%lld", (long long)v);
  else if ((k == CVM_K_KA || k == CVM_K_KX) && v < p->narrays)
    put(d, "%c%lld", d->isstr[v] ? 's' : 'a', (long long)v);
  else if (k == CVM_K_FN && v < p->nfuncs) put(d, "%s", d->fname[v]);
  else if (k == CVM_K_HC && cvm_hc_find((uint32_t)v)) put(d, "%s", cvm_hc_find((uint32_t)v)->name);
  else put(d, "%lld", (long long)v);
  (void)pc;
}

/* Source line n (1-based) of the interleaving text, or NULL. */
static const char *source_line(const dis *d, uint32_t n, size_t *len) {
  const char *s = d->o->source, *end = s + d->o->source_len;
  for (uint32_t i = 1; i < n && s < end; i++) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl) return NULL;
    s = nl + 1;
  }
  if (s >= end) return NULL;
  const char *nl = memchr(s, '\n', (size_t)(end - s));
  *len = (size_t)((nl ? nl : end) - s);
  return s;
}

static void func(dis *d, uint32_t f, uint32_t *li) {
  const cvm_prog *p = d->p;
  uint32_t lcur = 0;
  put(d, "\n.func %s %u %u", d->fname[f], CVM_FUNC_NPARAMS(p, f), CVM_FUNC_NSLOTS(p, f));
  /* frame arrays declared here move the cursor the default arrbytes uses */
  uint32_t ab = 0;
  if (d->nice)
    for (uint32_t k = 0; k < p->narrays; k++)
      if (CVM_ARR_SPACE(p, k) == CVM_SP_L && d->owner[k] == f) {
        uint32_t es = CVM_ARR_ESIZE(p, k);
        uint32_t end = CVM_ARR_BASE(p, k) + CVM_ARR_COUNT(p, k) * es;
        if (end > ab) ab = end;
      }
  if (align_up(ab, 4) != CVM_FUNC_ARRBYTES(p, f)) put(d, " %u", CVM_FUNC_ARRBYTES(p, f));
  put(d, "\n");
  if (d->nice)
    for (uint32_t k = 0; k < p->narrays; k++)
      if (CVM_ARR_SPACE(p, k) == CVM_SP_L && d->owner[k] == f) array_decl(d, k, &lcur, true);

  for (uint32_t pc = d->fs[f]; pc < d->fe[f];) {
    while (*li < p->nlines && cvm_rd32(p->lines + *li * CVM_LINE_SIZE) < pc) (*li)++;
    while (*li < p->nlines && cvm_rd32(p->lines + *li * CVM_LINE_SIZE) == pc) {
      uint32_t n = cvm_rd32(p->lines + *li * CVM_LINE_SIZE + 4);
      size_t len;
      const char *text = d->o->source && n != d->last_line ? source_line(d, n, &len) : NULL;
      if (text) put(d, "; %u | %.*s\n", n, (int)len, text);
      d->last_line = n;
      put(d, "        .line %u\n", n);
      (*li)++;
    }
    char label[16] = "";
    if (d->target[pc]) snprintf(label, sizeof label, "L%u:", pc);
    uint32_t insn = p->code[pc], n = 1;
    if (decodable(d, pc, d->fe[f])) {
      n = cvm_insn_words(insn);
      const cvm_opinfo *oi = &cvm_opinfo_table[CVM_I_OP(insn)];
      bool none = oi->ka == CVM_K_N && oi->kb == CVM_K_N && oi->kc == CVM_K_N;
      put(d, none ? "%-8s%s" : "%-8s%-7s", label, oi->name);
      operands(d, f, pc, print_operand);
    } else {
      put(d, "%-8s%-7s0x%08x", label, ".word", insn);
    }
    if (d->o->pcs) {
      int col = (int)(d->n - d->bol);
      put(d, "%*s; %5u:", col < 40 ? 40 - col : 1, "", pc);
      for (uint32_t j = 0; j < n && j < 4; j++) put(d, " %08x", p->code[pc + j]);
      if (n > 4) put(d, " ...");
    }
    put(d, "\n");
    if (d->n > 65536) flush(d);
    pc += n;
  }
  put(d, ".end\n");
}

int asm_disassemble(const cvm_prog *p, FILE *out, const asm_dis_opts *opt) {
  static const asm_dis_opts defaults = {0};
  dis d = { .p = p, .out = out, .o = opt ? opt : &defaults, .cap = 4096 };
  d.buf = asm_xrealloc(NULL, d.cap);
  uint32_t nf = p->nfuncs, na = p->narrays;
  d.fname = zalloc(nf * sizeof *d.fname);
  d.fs = zalloc(nf * sizeof *d.fs);
  d.fe = zalloc(nf * sizeof *d.fe);
  d.owner = zalloc(na * sizeof *d.owner);
  d.sgn = zalloc(na);
  d.isstr = zalloc(na);
  d.start = zalloc(p->ncode);
  d.target = zalloc(p->ncode);
  d.gword = zalloc(0x10000);
  d.gcov = zalloc((size_t)p->data_size + 1);
  d.rcov = zalloc((size_t)p->rodata_size + 1);
  for (uint32_t k = 0; k < na; k++) d.owner[k] = NONE;

  scan(&d);
  name_funcs(&d);
  d.nice = nice_locals(&d);
  header(&d);
  put(&d, "\n");
  top_decls(&d);
  uint32_t li = 0;
  for (uint32_t f = 0; f < nf; f++) func(&d, f, &li);
  flush(&d);

  for (uint32_t f = 0; f < nf; f++) free(d.fname[f]);
  free(d.fname); free(d.fs); free(d.fe); free(d.owner); free(d.sgn); free(d.isstr); free(d.buf);
  free(d.start); free(d.target); free(d.gword); free(d.gcov); free(d.rcov);
  return ferror(out) ? -1 : 0;
}
