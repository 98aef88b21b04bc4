/*
** cop_json.c -- a strict JSON reader (RFC 8259) into a caller's token
** array, and a writer into a caller's buffer. No allocation, bounded depth
** (the recursion is at most COP_JSON_DEPTH deep), every refusal a specific
** cop_err with the byte position in err_pos.
*/
#include "cop.h"

typedef struct jp {
  cop_json *j;
  const uint8_t *s;
  uint32_t n, i;
  cop_err err;
} jp;

static bool fail(jp *p, cop_err e) {
  if (p->err == COP_E_OK) { p->err = e; p->j->err_pos = p->i; }
  return false;
}

static void ws(jp *p) {
  while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                         p->s[p->i] == '\r'))
    p->i++;
}

static int hexv(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int32_t hex4(const uint8_t *s) {
  int32_t v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexv(s[k]);
    if (h < 0) return -1;
    v = v << 4 | h;
  }
  return v;
}

/* Decode one code point of a JSON string body at s[*i] (end: e). Returns
** the code point, or -1 with *err set. Validated input only needs this
** once more (unescape, key compare). */
static int32_t cp_next(const uint8_t *s, uint32_t *i, uint32_t e, cop_err *err) {
  uint8_t c = s[*i];
  if (c == '\\') {
    if (*i + 1 >= e) { *err = COP_E_ESCAPE; return -1; }
    uint8_t x = s[*i + 1];
    *i += 2;
    switch (x) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return 8;
    case 'f': return 12;
    case 'n': return 10;
    case 'r': return 13;
    case 't': return 9;
    case 'u': {
      if (*i + 4 > e) { *err = COP_E_ESCAPE; return -1; }
      int32_t u = hex4(s + *i);
      if (u < 0) { *err = COP_E_ESCAPE; return -1; }
      *i += 4;
      if (u >= 0xDC00 && u <= 0xDFFF) { *err = COP_E_ESCAPE; return -1; }
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (*i + 6 > e || s[*i] != '\\' || s[*i + 1] != 'u') { *err = COP_E_ESCAPE; return -1; }
        int32_t l = hex4(s + *i + 2);
        if (l < 0xDC00 || l > 0xDFFF) { *err = COP_E_ESCAPE; return -1; }
        *i += 6;
        return 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
      }
      return u;
    }
    default: *err = COP_E_ESCAPE; return -1;
    }
  }
  if (c < 0x20) { *err = COP_E_UTF8; return -1; }
  if (c < 0x80) { (*i)++; return c; }
  uint32_t need;
  int32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) { need = 1; v = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { need = 2; v = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { need = 3; v = c & 0x07; min = 0x10000; }
  else { *err = COP_E_UTF8; return -1; }
  if (*i + 1 + need > e) { *err = COP_E_UTF8; return -1; }
  for (uint32_t k = 1; k <= need; k++) {
    uint8_t d = s[*i + k];
    if ((d & 0xC0) != 0x80) { *err = COP_E_UTF8; return -1; }
    v = v << 6 | (d & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) { *err = COP_E_UTF8; return -1; }
  *i += 1 + need;
  return v;
}

static bool value(jp *p, uint32_t depth);

static bool new_tok(jp *p, uint8_t type, uint32_t *idx) {
  cop_json *j = p->j;
  if (j->ntok >= j->cap) return fail(p, COP_E_TOKENS);
  *idx = j->ntok++;
  cop_jtok *t = &j->tok[*idx];
  t->type = type;
  t->start = p->i;
  t->len = 0;
  t->count = 0;
  t->next = *idx + 1;
  return true;
}

static bool string(jp *p) {
  uint32_t idx;
  if (!new_tok(p, COP_J_STRING, &idx)) return false;
  p->i++;   /* the quote */
  uint32_t start = p->i;
  /* find the closing quote (an escaped quote is skipped by cp_next) */
  while (p->i < p->n && p->s[p->i] != '"') {
    cop_err e = COP_E_OK;
    uint32_t at = p->i;
    if (cp_next(p->s, &p->i, p->n, &e) < 0) { p->i = at; return fail(p, e); }
  }
  if (p->i >= p->n) return fail(p, COP_E_SYNTAX);
  p->j->tok[idx].start = start;
  p->j->tok[idx].len = p->i - start;
  p->i++;
  return true;
}

static bool isdig(uint8_t c) { return c >= '0' && c <= '9'; }

static bool number(jp *p) {
  uint32_t idx;
  if (!new_tok(p, COP_J_NUMBER, &idx)) return false;
  uint32_t st = p->i;
  if (p->i < p->n && p->s[p->i] == '-') p->i++;
  if (p->i >= p->n || !isdig(p->s[p->i])) return fail(p, COP_E_NUMBER);
  if (p->s[p->i] == '0') {
    p->i++;
    if (p->i < p->n && isdig(p->s[p->i])) return fail(p, COP_E_NUMBER);
  } else {
    while (p->i < p->n && isdig(p->s[p->i])) p->i++;
  }
  if (p->i < p->n && p->s[p->i] == '.') {
    p->i++;
    if (p->i >= p->n || !isdig(p->s[p->i])) return fail(p, COP_E_NUMBER);
    while (p->i < p->n && isdig(p->s[p->i])) p->i++;
  }
  if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
    if (p->i >= p->n || !isdig(p->s[p->i])) return fail(p, COP_E_NUMBER);
    while (p->i < p->n && isdig(p->s[p->i])) p->i++;
  }
  p->j->tok[idx].start = st;
  p->j->tok[idx].len = p->i - st;
  return true;
}

static bool lit(jp *p, const char *w, uint8_t type) {
  uint32_t idx;
  if (!new_tok(p, type, &idx)) return false;
  uint32_t k = 0;
  for (; w[k]; k++)
    if (p->i + k >= p->n || p->s[p->i + k] != (uint8_t)w[k]) return fail(p, COP_E_SYNTAX);
  p->j->tok[idx].len = k;
  p->i += k;
  return true;
}

/* Two validated string tokens equal after unescaping? */
static bool str_eq(const cop_json *j, const cop_jtok *a, const cop_jtok *b) {
  const uint8_t *s = (const uint8_t *)j->src;
  uint32_t i = a->start, k = b->start, ea = a->start + a->len, eb = b->start + b->len;
  cop_err e = COP_E_OK;
  while (i < ea && k < eb)
    if (cp_next(s, &i, ea, &e) != cp_next(s, &k, eb, &e)) return false;
  return i == ea && k == eb;
}

static bool container(jp *p, uint32_t depth, bool obj) {
  if (depth >= COP_JSON_DEPTH) return fail(p, COP_E_DEPTH);
  uint32_t idx;
  if (!new_tok(p, obj ? COP_J_OBJECT : COP_J_ARRAY, &idx)) return false;
  uint8_t close = obj ? '}' : ']';
  p->i++;
  ws(p);
  if (p->i < p->n && p->s[p->i] == close) {
    p->i++;
  } else {
    for (;;) {
      ws(p);
      if (obj) {
        if (p->i >= p->n || p->s[p->i] != '"') return fail(p, COP_E_SYNTAX);
        uint32_t kat = p->i, key = p->j->ntok;
        if (!string(p)) return false;
        /* duplicate keys: compare with the earlier keys of this object */
        for (uint32_t t = idx + 1; t < key; t = p->j->tok[t + 1].next)
          if (str_eq(p->j, &p->j->tok[t], &p->j->tok[key])) { p->i = kat; return fail(p, COP_E_DUP_KEY); }
        ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') return fail(p, COP_E_SYNTAX);
        p->i++;
      }
      if (!value(p, depth + 1)) return false;
      p->j->tok[idx].count++;
      ws(p);
      if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
      if (p->i < p->n && p->s[p->i] == close) { p->i++; break; }
      return fail(p, COP_E_SYNTAX);
    }
  }
  p->j->tok[idx].len = p->i - p->j->tok[idx].start;
  p->j->tok[idx].next = p->j->ntok;
  return true;
}

static bool value(jp *p, uint32_t depth) {
  ws(p);
  if (p->i >= p->n) return fail(p, COP_E_SYNTAX);
  switch (p->s[p->i]) {
  case '{': return container(p, depth, true);
  case '[': return container(p, depth, false);
  case '"': return string(p);
  case 't': return lit(p, "true", COP_J_TRUE);
  case 'f': return lit(p, "false", COP_J_FALSE);
  case 'n': return lit(p, "null", COP_J_NULL);
  default:
    if (p->s[p->i] == '-' || isdig(p->s[p->i])) return number(p);
    return fail(p, COP_E_SYNTAX);
  }
}

cop_err cop_json_parse(cop_json *j, const char *src, size_t len, cop_jtok *tok, uint32_t cap) {
  return cop_json_parse_max(j, src, len, tok, cap, COP_PAYLOAD_MAX);
}

cop_err cop_json_parse_max(cop_json *j, const char *src, size_t len, cop_jtok *tok, uint32_t cap, size_t max) {
  j->src = src;
  j->tok = tok;
  j->cap = cap;
  j->ntok = 0;
  j->err_pos = 0;
  j->len = 0;
  if (len == 0) return COP_E_EMPTY;
  if (len > max || len > UINT32_MAX / 2) return COP_E_TOO_BIG;
  j->len = (uint32_t)len;
  jp p = { j, (const uint8_t *)src, (uint32_t)len, 0, COP_E_OK };
  if (!value(&p, 0)) return p.err;
  ws(&p);
  if (p.i != p.n) { j->err_pos = p.i; return COP_E_TRAILING; }
  return COP_E_OK;
}

int32_t cop_json_get(const cop_json *j, uint32_t obj, const char *key) {
  if (obj >= j->ntok || j->tok[obj].type != COP_J_OBJECT) return -1;
  size_t kl = 0;
  while (key[kl]) kl++;
  uint32_t t = obj + 1;
  for (uint32_t m = 0; m < j->tok[obj].count; m++) {
    const cop_jtok *k = &j->tok[t];
    /* keys we look up are plain ASCII: compare unescaped */
    const uint8_t *s = (const uint8_t *)j->src;
    uint32_t i = k->start, e = k->start + k->len;
    size_t q = 0;
    cop_err err = COP_E_OK;
    bool eq = true;
    while (i < e) {
      int32_t c = cp_next(s, &i, e, &err);
      if (q >= kl || c != (uint8_t)key[q]) { eq = false; break; }
      q++;
    }
    if (eq && q == kl) return (int32_t)(t + 1);
    t = j->tok[t + 1].next;
  }
  return -1;
}

cop_err cop_json_str(const cop_json *j, uint32_t t, char *out, size_t cap, size_t *n) {
  if (t >= j->ntok || j->tok[t].type != COP_J_STRING) return COP_E_TYPE;
  const uint8_t *s = (const uint8_t *)j->src;
  uint32_t i = j->tok[t].start, e = i + j->tok[t].len;
  size_t o = 0;
  cop_err err = COP_E_OK;
  while (i < e) {
    int32_t c = cp_next(s, &i, e, &err);
    if (c < 0) return err;
    uint8_t b[4];
    size_t k;
    if (c < 0x80) { b[0] = (uint8_t)c; k = 1; }
    else if (c < 0x800) { b[0] = (uint8_t)(0xC0 | c >> 6); b[1] = (uint8_t)(0x80 | (c & 0x3F)); k = 2; }
    else if (c < 0x10000) {
      b[0] = (uint8_t)(0xE0 | c >> 12); b[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
      b[2] = (uint8_t)(0x80 | (c & 0x3F)); k = 3;
    } else {
      b[0] = (uint8_t)(0xF0 | c >> 18); b[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F));
      b[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F)); b[3] = (uint8_t)(0x80 | (c & 0x3F)); k = 4;
    }
    if (c == 0 || o + k + 1 > cap) return COP_E_RANGE;   /* no NUL inside a C string */
    for (size_t q = 0; q < k; q++) out[o++] = (char)b[q];
  }
  if (o + 1 > cap) return COP_E_RANGE;
  out[o] = 0;
  if (n) *n = o;
  return COP_E_OK;
}

cop_err cop_json_int(const cop_json *j, uint32_t t, int64_t min, int64_t max, int64_t *v) {
  if (t >= j->ntok || j->tok[t].type != COP_J_NUMBER) return COP_E_TYPE;
  const char *s = j->src + j->tok[t].start;
  uint32_t n = j->tok[t].len, i = 0;
  bool neg = false;
  if (s[0] == '-') { neg = true; i = 1; }
  uint64_t acc = 0;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return COP_E_RANGE;   /* fraction or exponent */
    if (acc > (UINT64_MAX - 9u) / 10u) return COP_E_RANGE;
    acc = acc * 10u + (uint64_t)(s[i] - '0');
  }
  if (acc > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) return COP_E_RANGE;
  int64_t x = neg ? (int64_t)(0u - acc) : (int64_t)acc;
  if (x < min || x > max) return COP_E_RANGE;
  *v = x;
  return COP_E_OK;
}

/* ---- writer -------------------------------------------------------------- */

static void put(cop_jw *w, const char *s, size_t n) {
  if (w->len + n + 1 > w->cap) { w->overflow = true; return; }
  for (size_t i = 0; i < n; i++) w->buf[w->len++] = s[i];
}
static void putc1(cop_jw *w, char c) { put(w, &c, 1); }

static void sep(cop_jw *w) {
  if (w->after_key) { w->after_key = false; return; }
  if (w->depth == 0) return;
  if (w->first[w->depth]) w->first[w->depth] = 0;
  else putc1(w, ',');
}

void cop_jw_init(cop_jw *w, char *buf, size_t cap) {
  w->buf = buf;
  w->cap = cap;
  w->len = 0;
  w->overflow = cap == 0;
  w->depth = 0;
  w->after_key = false;
  for (uint32_t i = 0; i <= COP_JSON_DEPTH; i++) w->first[i] = 1;
}

static void jw_open(cop_jw *w, char c) {
  sep(w);
  putc1(w, c);
  if (w->depth >= COP_JSON_DEPTH) { w->overflow = true; return; }
  w->depth++;
  w->first[w->depth] = 1;
}
static void jw_close(cop_jw *w, char c) {
  if (w->depth == 0) { w->overflow = true; return; }
  w->depth--;
  putc1(w, c);
}
void cop_jw_obj(cop_jw *w) { jw_open(w, '{'); }
void cop_jw_obj_end(cop_jw *w) { jw_close(w, '}'); }
void cop_jw_arr(cop_jw *w) { jw_open(w, '['); }
void cop_jw_arr_end(cop_jw *w) { jw_close(w, ']'); }

static void esc(cop_jw *w, const char *s, size_t n) {
  static const char hx[] = "0123456789abcdef";
  const uint8_t *u = (const uint8_t *)s;
  putc1(w, '"');
  for (uint32_t i = 0; i < n;) {
    uint8_t c = u[i];
    if (c == '"' || c == '\\') { putc1(w, '\\'); putc1(w, (char)c); i++; }
    else if (c == '\n') { put(w, "\\n", 2); i++; }
    else if (c == '\t') { put(w, "\\t", 2); i++; }
    else if (c == '\r') { put(w, "\\r", 2); i++; }
    else if (c < 0x20 || c == 0x7F) {
      char b[6] = { '\\', 'u', '0', '0', hx[c >> 4], hx[c & 15] };
      put(w, b, 6);
      i++;
    } else if (c < 0x80) { putc1(w, (char)c); i++; }
    else {
      uint32_t at = i;
      cop_err e = COP_E_OK;
      /* a quote cannot end a multi-byte sequence; cp_next sees raw bytes */
      if (cp_next(u, &i, (uint32_t)n, &e) < 0) { put(w, "\\ufffd", 6); i = at + 1; }
      else put(w, s + at, i - at);
    }
  }
  putc1(w, '"');
}

void cop_jw_key(cop_jw *w, const char *k) {
  size_t n = 0;
  while (k[n]) n++;
  sep(w);
  esc(w, k, n);
  putc1(w, ':');
  w->after_key = true;
}
void cop_jw_strn(cop_jw *w, const char *s, size_t n) { sep(w); esc(w, s, n); }
void cop_jw_str(cop_jw *w, const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  cop_jw_strn(w, s, n);
}
void cop_jw_uint(cop_jw *w, uint64_t v) {
  char b[20];
  int k = 0;
  do { b[k++] = (char)('0' + v % 10u); v /= 10u; } while (v);
  sep(w);
  while (k) putc1(w, b[--k]);
}
void cop_jw_int(cop_jw *w, int64_t v) {
  if (v < 0) {
    sep(w);
    putc1(w, '-');
    w->after_key = true;   /* no separator before the digits */
    cop_jw_uint(w, 0u - (uint64_t)v);
  } else {
    cop_jw_uint(w, (uint64_t)v);
  }
}
void cop_jw_bool(cop_jw *w, bool v) { sep(w); if (v) put(w, "true", 4); else put(w, "false", 5); }
void cop_jw_null(cop_jw *w) { sep(w); put(w, "null", 4); }
void cop_jw_hex(cop_jw *w, const uint8_t *p, size_t n) {
  static const char hx[] = "0123456789abcdef";
  sep(w);
  putc1(w, '"');
  for (size_t i = 0; i < n; i++) { putc1(w, hx[p[i] >> 4]); putc1(w, hx[p[i] & 15]); }
  putc1(w, '"');
}
size_t cop_jw_end(cop_jw *w) {
  if (w->overflow || w->depth != 0) {
    if (w->cap) w->buf[0] = 0;
    return 0;
  }
  w->buf[w->len] = 0;
  return w->len;
}
