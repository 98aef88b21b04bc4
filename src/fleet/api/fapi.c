/*
** fapi.c -- dispatch: the route table, authentication and roles, the audit
** log, JSON errors, query and body checking.
*/
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cvm1.h"
#include "fapi_int.h"
#include "fleet_metrics.h"

/* ---- tables ---------------------------------------------------------- */

static const int err_status[] = {
#define X(n, st, code) st,
  FAPI_ERRORS(X)
#undef X
};
static const char *const err_code[] = {
#define X(n, st, code) code,
  FAPI_ERRORS(X)
#undef X
};
int fapi_err_status(fapi_err e) { return (unsigned)e < FAPI_ERR__COUNT ? err_status[e] : 500; }
const char *fapi_err_code(fapi_err e) { return (unsigned)e < FAPI_ERR__COUNT ? err_code[e] : "internal"; }

typedef struct route {
  const char *method, *pattern;
  fst_role role;
  fapi_handler *fn;
  const char *query;
} route;

static const route routes[] = {
#define X(m, p, r, fn, q, s) { #m, p, FST_ROLE_##r, fn, q },
#include "fleet_routes.def"
#undef X
};
const fapi_route_info fapi_routes[] = {
#define X(m, p, r, fn, q, s) { #m, p, #r, q, s },
#include "fleet_routes.def"
#undef X
};
const size_t fapi_nroutes = sizeof routes / sizeof routes[0];

/* ---- handle ---------------------------------------------------------- */

fapi *fapi_new(const fapi_config *cfg) {
  fapi *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->store = cfg->store;
  snprintf(a->key_path, sizeof a->key_path, "%s", cfg->key_path ? cfg->key_path : "");
  a->max_body = cfg->max_body ? cfg->max_body : FAPI_MAX_BODY_DEFAULT;
  fapi_url_secret_load(a);
  a->secure_cookie = cfg->secure_cookie;
  a->session_ttl_s = cfg->session_ttl_s > 0 ? cfg->session_ttl_s : FAPI_SESSION_TTL_DEFAULT;
  a->pub = (fcmd_publisher){ cfg->publish, cfg->publish_user };
  return a;
}
void fapi_free(fapi *a) { free(a); }

void fapi_response_free(fapi_response *rs) {
  free(rs->body);
  rs->body = NULL;
  rs->len = 0;
}

/* ---- responses -------------------------------------------------------- */

void fapi_json(fapi_ctx *c, int status, json_t *v) {
  fapi_response *rs = c->rs;
  free(rs->body);
  rs->body = NULL;
  rs->len = 0;
  char *txt = v ? json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  json_decref(v);
  if (!txt) {
    static const char oom[] = "{\"error\":\"internal\",\"detail\":\"out of memory\"}";
    rs->status = 500;
    rs->body = (uint8_t *)strdup(oom);
    rs->len = rs->body ? strlen(oom) : 0;
  } else {
    rs->status = status;
    rs->len = strlen(txt);
    rs->body = (uint8_t *)txt;
    /* jansson allocates with malloc by default: free() is right */
  }
  rs->content_type = "application/json";
}

void fapi_bytes(fapi_ctx *c, int status, const char *type, const uint8_t *p, size_t n) {
  fapi_response *rs = c->rs;
  free(rs->body);
  rs->body = malloc(n ? n : 1);
  if (!rs->body) {
    fapi_fail(c, FAPI_ERR_INTERNAL, "out of memory");
    return;
  }
  if (n) memcpy(rs->body, p, n);
  rs->len = n;
  rs->status = status;
  rs->content_type = type;
}

bool fapi_fail(fapi_ctx *c, fapi_err e, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  /* details echo request bytes: keep them printable ASCII (and so UTF-8) */
  for (char *p = detail; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) *p = '?';
  snprintf(c->detail, sizeof c->detail, "%s: %.480s", fapi_err_code(e), detail);
  fapi_json(c, fapi_err_status(e), json_pack("{s:s, s:s}", "error", fapi_err_code(e), "detail", detail));
  return false;
}

bool fapi_store_fail(fapi_ctx *c, fst_err e) {
  const char *m = fst_errmsg(c->s);
  switch (e) {
  case FST_ERR_NOTFOUND: return fapi_fail(c, FAPI_ERR_NOT_FOUND, "%s", m);
  case FST_ERR_CONFLICT: return fapi_fail(c, FAPI_ERR_CONFLICT, "%s", m);
  case FST_ERR_INVALID: return fapi_fail(c, FAPI_ERR_UNPROCESSABLE, "%s", m);
  case FST_ERR_BUSY:
  case FST_ERR_CONNECT: return fapi_fail(c, FAPI_ERR_UNAVAILABLE, "store: %s", m);
  default: return fapi_fail(c, FAPI_ERR_INTERNAL, "store: %s", m);
  }
}

/* ---- request parts ---------------------------------------------------- */

const char *fapi_header_get(const fapi_request *rq, const char *name) {
  for (size_t i = 0; i < rq->nheaders; i++)
    if (rq->headers[i].name && !strcasecmp(rq->headers[i].name, name)) return rq->headers[i].value;
  return NULL;
}

static int hexv(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Percent-decode [p, p+n) into out (cap bytes with the NUL); '+' is a space
** when plus. false on a bad escape, a NUL byte or overflow. */
static bool pct_decode(const char *p, size_t n, char *out, size_t cap, bool plus) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int ch = (unsigned char)p[i];
    if (ch == '%') {
      if (i + 2 >= n) return false;
      int h = hexv(p[i + 1]), l = hexv(p[i + 2]);
      if (h < 0 || l < 0) return false;
      ch = h << 4 | l;
      i += 2;
      if (ch == 0) return false;
    } else if (ch == '+' && plus) {
      ch = ' ';
    }
    if (o + 1 >= cap) return false;
    out[o++] = (char)ch;
  }
  out[o] = 0;
  return true;
}

/* Match a pattern against the path (no query) segment by segment. */
static bool match(const char *pat, const char *path, size_t plen, fapi_ctx *c, bool *bad) {
  int np = 0;
  const char *p = path, *end = path + plen;
  while (*pat) {
    if (*pat != '/' || p >= end || *p != '/') return false;
    pat++;
    p++;
    const char *ps = pat;
    while (*pat && *pat != '/') pat++;
    const char *ss = p;
    while (p < end && *p != '/') p++;
    size_t pl = (size_t)(pat - ps), sl = (size_t)(p - ss);
    if (pl >= 2 && ps[0] == '{') {
      if (sl == 0 || np >= FAPI_MAX_PARAMS) return false;
      if (!pct_decode(ss, sl, c->params[np], FAPI_SEG_MAX, false)) {
        *bad = true;
        return false;
      }
      np++;
    } else if (pl != sl || memcmp(ps, ss, pl)) {
      return false;
    }
  }
  if (p != end) return false;
  c->nparams = np;
  return true;
}

static void query_free(fapi_ctx *c) {
  for (int i = 0; i < c->nquery; i++) {
    free(c->qkey[i]);
    free(c->qval[i]);
  }
  c->nquery = 0;
}

static bool in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == n && !memcmp(p, name, n)) return true;
    if (!e) break;
    p = e + 1;
  }
  return false;
}

static bool parse_query(fapi_ctx *c, const char *q) {
  while (q && *q) {
    const char *amp = strchr(q, '&');
    size_t l = amp ? (size_t)(amp - q) : strlen(q);
    if (l) {
      const char *eq = memchr(q, '=', l);
      size_t kl = eq ? (size_t)(eq - q) : l;
      if (c->nquery >= FAPI_MAX_QUERY) return fapi_fail(c, FAPI_ERR_MALFORMED, "too many query parameters");
      char *k = malloc(kl + 1), *v = malloc(l - kl + 1);
      if (!k || !v) {
        free(k);
        free(v);
        return fapi_fail(c, FAPI_ERR_INTERNAL, "out of memory");
      }
      c->qkey[c->nquery] = k;
      c->qval[c->nquery] = v;
      c->nquery++;
      if (!pct_decode(q, kl, k, kl + 1, true) ||
          !pct_decode(eq ? eq + 1 : q + l, eq ? l - kl - 1 : 0, v, l - kl + 1, true))
        return fapi_fail(c, FAPI_ERR_MALFORMED, "bad percent-encoding in the query");
      if (!in_list(c->allowed_query, k))
        return fapi_fail(c, FAPI_ERR_MALFORMED, "unknown query parameter '%.64s'", k);
      for (int i = 0; i < c->nquery - 1; i++)
        if (!strcmp(c->qkey[i], k)) return fapi_fail(c, FAPI_ERR_MALFORMED, "query parameter '%.64s' given twice", k);
    }
    q = amp ? amp + 1 : NULL;
  }
  return true;
}

const char *fapi_q(fapi_ctx *c, const char *name) {
  for (int i = 0; i < c->nquery; i++)
    if (!strcmp(c->qkey[i], name)) return c->qval[i];
  return NULL;
}

bool fapi_q_int(fapi_ctx *c, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out) {
  const char *v = fapi_q(c, name);
  if (!v) {
    *out = def;
    return true;
  }
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (!*v || *end || errno || x < min || x > max || isspace((unsigned char)*v))
    return fapi_fail(c, FAPI_ERR_MALFORMED, "query parameter '%s' must be an integer in %lld..%lld", name,
                     (long long)min, (long long)max);
  *out = x;
  return true;
}

static const char *type_name(json_type t) {
  switch (t) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

bool fapi_body(fapi_ctx *c, const fapi_field *fields, size_t nfields, json_t **obj) {
  *obj = NULL;
  const char *ct = fapi_header_get(c->rq, "Content-Type");
  if (ct && strncasecmp(ct, "application/json", 16))
    return fapi_fail(c, FAPI_ERR_MALFORMED, "Content-Type must be application/json");
  if (!c->rq->len) return fapi_fail(c, FAPI_ERR_MALFORMED, "a JSON body is required");
  json_error_t je;
  json_t *v = json_loadb((const char *)c->rq->body, c->rq->len, JSON_REJECT_DUPLICATES, &je);
  if (!v) return fapi_fail(c, FAPI_ERR_MALFORMED, "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
  if (!json_is_object(v)) {
    json_decref(v);
    return fapi_fail(c, FAPI_ERR_MALFORMED, "the body must be a JSON object");
  }
  const char *k;
  json_t *x;
  json_object_foreach(v, k, x) {
    size_t i;
    for (i = 0; i < nfields; i++)
      if (!strcmp(fields[i].name, k)) break;
    if (i == nfields) {
      fapi_fail(c, FAPI_ERR_MALFORMED, "unknown field '%.64s'", k);   /* k belongs to v */
      json_decref(v);
      return false;
    }
    json_type t = json_typeof(x);
    bool ok = t == fields[i].type || (fields[i].type == JSON_TRUE && t == JSON_FALSE);
    if (!ok) {
      json_decref(v);
      return fapi_fail(c, FAPI_ERR_MALFORMED, "field '%s' must be %s", fields[i].name, type_name(fields[i].type));
    }
  }
  for (size_t i = 0; i < nfields; i++)
    if (fields[i].required && !json_object_get(v, fields[i].name)) {
      json_decref(v);
      return fapi_fail(c, FAPI_ERR_MALFORMED, "missing field '%s'", fields[i].name);
    }
  *obj = v;
  return true;
}

bool fapi_check_sha(fapi_ctx *c, const char *v) {
  size_t n = strlen(v);
  bool ok = n == 64;
  for (size_t i = 0; ok && i < n; i++) ok = (v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f');
  if (!ok) return fapi_fail(c, FAPI_ERR_MALFORMED, "sha256 must be 64 lowercase hex digits");
  return true;
}

bool fapi_check_device_id(fapi_ctx *c, const char *v) {
  size_t n = strlen(v);
  if (n == 0 || n >= sizeof((fst_device *)0)->id)
    return fapi_fail(c, FAPI_ERR_MALFORMED, "device id must be 1..%zu bytes", sizeof((fst_device *)0)->id - 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)v[i];
    if (ch <= 0x20 || ch >= 0x7f || ch == '/')
      return fapi_fail(c, FAPI_ERR_MALFORMED, "device id must be printable ASCII without spaces or '/'");
  }
  return true;
}

/* ---- authentication ---------------------------------------------------- */

void fapi_token_hash(const char *token, char hex[65]) {
  uint8_t d[32];
  cvm1_sha256(token, strlen(token), d);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

fst_err fapi_token_lookup(fapi_ctx *c, const char *t, size_t n) {
  char tok[FAPI_TOKEN_LEN + 1];
  memset(&c->tok, 0, sizeof c->tok);
  if (n != FAPI_TOKEN_LEN || strncmp(t, FAPI_TOKEN_PREFIX, 4)) return FST_ERR_NOTFOUND;
  memcpy(tok, t, n);
  tok[n] = 0;
  char hash[65];
  fapi_token_hash(tok, hash);
  fst_err e = fst_token_find(c->s, hash, &c->tok);
  if (e) memset(&c->tok, 0, sizeof c->tok);
  return e;
}

/* The caller's token (a bearer token, else the session cookie), or a 401
** (403: a session's write without its CSRF token) response. */
static bool authenticate(fapi_ctx *c, bool write) {
  const char *h = fapi_header_get(c->rq, "Authorization");
  if (!h) {
    /* no bearer token: the dashboard's session, if a cookie names one */
    if (fapi_session_cookie(c->rq, NULL, 0)) return fapi_session_auth(c, write);
    c->rs->www_authenticate = true;
    return fapi_fail(c, FAPI_ERR_UNAUTHORIZED, "an Authorization: Bearer token (or a session cookie) is required");
  }
  if (strncasecmp(h, "Bearer ", 7)) {
    c->rs->www_authenticate = true;
    return fapi_fail(c, FAPI_ERR_UNAUTHORIZED, "the Authorization scheme must be Bearer");
  }
  const char *t = h + 7;
  while (*t == ' ') t++;
  size_t n = strlen(t);
  while (n && t[n - 1] == ' ') n--;
  fst_err e = fapi_token_lookup(c, t, n);
  if (e == FST_ERR_NOTFOUND) {
    c->rs->www_authenticate = true;
    return fapi_fail(c, FAPI_ERR_UNAUTHORIZED, "unknown or revoked token");
  }
  if (e) return fapi_store_fail(c, e);
  return true;
}

/* ---- dispatch ---------------------------------------------------------- */

void fapi_handle(fapi *a, const fapi_request *rq, fapi_response *rs) {
  memset(rs, 0, sizeof *rs);
  fapi_ctx c = { .a = a, .s = a->store, .rq = rq, .rs = rs, .allowed_query = "" };
  const char *method = rq->method ? rq->method : "";
  const char *path = rq->path ? rq->path : "";
  bool write = strcmp(method, "GET") && strcmp(method, "HEAD");
  const char *qm = strchr(path, '?');
  size_t plen = qm ? (size_t)(qm - path) : strlen(path);

  const route *rt = NULL;
  bool path_known = false, bad_seg = false;
  char allow[32] = "";
  for (size_t i = 0; i < fapi_nroutes; i++) {
    if (!match(routes[i].pattern, path, plen, &c, &bad_seg)) continue;
    path_known = true;
    if (strlen(allow) + strlen(routes[i].method) + 3 < sizeof allow) {
      if (allow[0]) strcat(allow, ", ");
      strcat(allow, routes[i].method);
    }
    if (!strcmp(routes[i].method, method)) {
      rt = &routes[i];
      break;
    }
  }
  /* a route needing no token answers before authentication */
  bool open_route = rt && rt->role == FST_ROLE_NONE;
  /* a copilot downloads with the signed URL its job notify gave it */
  if (rt && rt->fn == fapi_h_artifact_content && !fapi_header_get(rq, "Authorization") &&
      fapi_content_sig_ok(a, c.params[0], qm ? qm + 1 : NULL)) {
    open_route = true;
    snprintf(c.tok.name, sizeof c.tok.name, "signed-url");
    c.tok.role = FST_ROLE_VIEWER;
  }
  if (rq->len > a->max_body) {
    fapi_fail(&c, FAPI_ERR_TOO_LARGE, "the body is %zu bytes, at most %zu are accepted", rq->len, a->max_body);
  } else if (!open_route && !authenticate(&c, write)) {
    /* 401 */
  } else if (bad_seg && !rt) {
    fapi_fail(&c, FAPI_ERR_MALFORMED, "bad percent-encoding in the path");
  } else if (!path_known) {
    fapi_fail(&c, FAPI_ERR_NOT_FOUND, "no route %.200s", path);
  } else if (!rt) {
    snprintf(rs->allow, sizeof rs->allow, "%s", allow);
    fapi_fail(&c, FAPI_ERR_METHOD, "%s is not allowed here (allowed: %s)", method, allow);
  } else if (c.tok.role < rt->role) {
    fapi_fail(&c, FAPI_ERR_FORBIDDEN, "%s %s needs the %s role, token '%s' is %s", method, rt->pattern,
              fst_role_name(rt->role), c.tok.name, fst_role_name(c.tok.role));
  } else {
    c.allowed_query = rt->query;
    if (parse_query(&c, qm ? qm + 1 : NULL)) rt->fn(&c);
    if (!rs->body) fapi_fail(&c, FAPI_ERR_INTERNAL, "handler gave no answer");
  }
  query_free(&c);
  if (write) {
    char p[512];
    snprintf(p, sizeof p, "%.*s", (int)(plen < 500 ? plen : 500), path);
    fst_err e = fst_audit_add(a->store, c.tok.name[0] ? c.tok.name : "-", method, p, rs->status, c.detail);
    if (e && rs->status < 300) {
      /* a write that cannot be audited is reported, not hidden */
      fapi_fail(&c, FAPI_ERR_INTERNAL, "audit log: %s", fst_errmsg(a->store));
    }
  }
  fmet_add(FMET_HTTP_REQUESTS, 1);
  if (rs->status >= 400) fmet_add(FMET_HTTP_ERRORS, 1);
}
