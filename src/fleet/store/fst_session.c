/*
** fst_session.c -- dashboard sessions (schema v2, table sessions): the
** SHA-256 of a random session id, the token it was made from, an expiry.
** Lookups join the token, so a revoked token ends its sessions at once.
*/
#include <stdlib.h>
#include <string.h>

#include "fst_int.h"

#define NP(...) (int)(sizeof((fst_param[]){ __VA_ARGS__ }) / sizeof(fst_param))
#define Q(s, sql, rows, ch, ...) (s)->b->exec((s), (sql), (fst_param[]){ __VA_ARGS__ }, NP(__VA_ARGS__), (rows), (ch))

static bool is_sha(const char *h) {
  size_t n = h ? strlen(h) : 0;
  if (n != 64) return false;
  for (size_t i = 0; i < n; i++)
    if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) return false;
  return true;
}

static int64_t cell_i64(const fst_rows *r, int row, int col) {
  const fst_cell *c = fst_cell_at(r, row, col);
  return c->s ? strtoll(c->s, NULL, 10) : 0;
}

fst_err fst_session_add(fst_store *s, const char *hash, int64_t token_id, int64_t expires) {
  if (!is_sha(hash)) return fst_fail(s, FST_ERR_INVALID, "session hash must be 64 lowercase hex digits");
  if (token_id <= 0) return fst_fail(s, FST_ERR_INVALID, "bad token id");
  int64_t ch = 0;
  /* only for a live token: a revoked one cannot start a session */
  fst_err e = Q(s, "INSERT INTO sessions (hash, token_id, created, expires) "
                   "SELECT $1, id, $3, $4 FROM tokens WHERE id = $2 AND revoked = 0",
                NULL, &ch, P_TEXT(hash), P_INT(token_id), P_INT(fst_now_ms()), P_INT(expires));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "no live token %lld", (long long)token_id);
  return e;
}

fst_err fst_session_find(fst_store *s, const char *hash, int64_t now, fst_token *t, int64_t *expires) {
  if (!is_sha(hash)) return fst_fail(s, FST_ERR_NOTFOUND, "no such session");
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT t.id, t.name, t.role, t.created, t.revoked, x.expires FROM sessions x "
                   "JOIN tokens t ON t.id = x.token_id WHERE x.hash = $1 AND x.expires > $2 AND t.revoked = 0",
                &r, NULL, P_TEXT(hash), P_INT(now));
  if (e) return e;
  if (r.nrows != 1 || r.ncols != 6) {
    e = fst_fail(s, FST_ERR_NOTFOUND, "no such session (expired, signed out or its token revoked)");
  } else {
    memset(t, 0, sizeof *t);
    t->id = cell_i64(&r, 0, 0);
    const fst_cell *n = fst_cell_at(&r, 0, 1), *ro = fst_cell_at(&r, 0, 2);
    snprintf(t->name, sizeof t->name, "%s", n->s ? n->s : "");
    t->role = fst_role_parse(ro->s);
    t->created = cell_i64(&r, 0, 3);
    t->revoked = cell_i64(&r, 0, 4);
    if (expires) *expires = cell_i64(&r, 0, 5);
  }
  fst_rows_free(&r);
  return e;
}

fst_err fst_session_delete(fst_store *s, const char *hash) {
  if (!is_sha(hash)) return fst_fail(s, FST_ERR_NOTFOUND, "no such session");
  int64_t ch = 0;
  fst_err e = Q(s, "DELETE FROM sessions WHERE hash = $1", NULL, &ch, P_TEXT(hash));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "no such session");
  return e;
}

fst_err fst_session_prune(fst_store *s, int64_t now, int64_t *deleted) {
  int64_t ch = 0;
  fst_err e = Q(s, "DELETE FROM sessions WHERE expires <= $1 OR token_id IN (SELECT id FROM tokens WHERE revoked <> 0)",
                NULL, &ch, P_INT(now));
  if (deleted) *deleted = e ? 0 : ch;
  return e;
}
