/*
** fst_cmd.c -- commands to devices (schema v4, table commands): what an
** operator asked, the id it went out with, its state and the device's
** answer. Ids come from the counters row 'commands'.
*/
#include <stdlib.h>
#include <string.h>

#include "fst_int.h"

#define NP(...) (int)(sizeof((fst_param[]){ __VA_ARGS__ }) / sizeof(fst_param))
#define Q(s, sql, rows, ch, ...) (s)->b->exec((s), (sql), (fst_param[]){ __VA_ARGS__ }, NP(__VA_ARGS__), (rows), (ch))

static const char *const state_names[] = {
#define X(n, t) #n,
  FST_CMD_STATES(X)
#undef X
};
const char *fst_cmd_state_name(fst_cmd_state s) { return (unsigned)s < FST_CMD__COUNT ? state_names[s] : "?"; }
int fst_cmd_state_parse(const char *s) {
  for (int i = 0; s && i < FST_CMD__COUNT; i++)
    if (!strcmp(s, state_names[i])) return i;
  return -1;
}

static int64_t i64(const fst_rows *r, int row, int col) {
  const fst_cell *c = fst_cell_at(r, row, col);
  return c->s ? strtoll(c->s, NULL, 10) : 0;
}
static void str(const fst_rows *r, int row, int col, char *out, size_t cap) {
  const fst_cell *c = fst_cell_at(r, row, col);
  snprintf(out, cap, "%s", c->s ? c->s : "");
}

static bool too_long(const char *v, size_t cap) { return !v || strlen(v) >= cap; }

fst_err fst_command_add(fst_store *s, fst_command *c) {
  if (too_long(c->device, sizeof c->device) || !c->device[0]) return fst_fail(s, FST_ERR_INVALID, "bad device id");
  if (!c->msg_id[0] || strlen(c->msg_id) > FST_CMD_MSG_ID_MAX) return fst_fail(s, FST_ERR_INVALID, "bad message id");
  if (!c->op[0]) return fst_fail(s, FST_ERR_INVALID, "no op");
  fst_rows r = {0};
  /* an id from the counter: a number lost to a failed insert is only a gap */
  fst_err e = Q(s, "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value", &r, NULL,
                P_TEXT("commands"));
  if (e) return e;
  if (r.nrows != 1) {
    fst_rows_free(&r);
    return fst_fail(s, FST_ERR_DB, "commands counter row missing");
  }
  int64_t id = i64(&r, 0, 0);
  fst_rows_free(&r);
  int64_t now = fst_now_ms(), ch = 0;
  e = Q(s, "INSERT INTO commands (id, device, msg_id, op, value, state, result, reason, created_by, created, updated,"
           " expires, sent) SELECT $1, id, $3, $4, CAST($5 AS BIGINT), $6, NULL, '', $7, $8, $8, $9, 0 FROM devices WHERE id = $2",
        NULL, &ch, P_INT(id), P_TEXT(c->device), P_TEXT(c->msg_id), P_TEXT(c->op),
        c->has_value ? P_INT(c->value) : P_TEXT(NULL), P_TEXT(fst_cmd_state_name(FST_CMD_pending)),
        P_TEXT(c->created_by), P_INT(now), P_INT(c->expires));
  if (e == FST_ERR_CONFLICT) return fst_fail(s, e, "message id %s is taken", c->msg_id);
  if (e) return e;
  if (!ch) return fst_fail(s, FST_ERR_NOTFOUND, "no device %s", c->device);
  c->id = id;
  c->state = FST_CMD_pending;
  c->created = c->updated = now;
  c->sent = 0;
  c->has_result = false;
  c->reason[0] = 0;
  return FST_ERR_OK;
}

#define CMD_COLS "id, device, msg_id, op, value, state, result, reason, created_by, created, updated, expires, sent"

static void row(const fst_rows *r, int i, fst_command *c) {
  memset(c, 0, sizeof *c);
  c->id = i64(r, i, 0);
  str(r, i, 1, c->device, sizeof c->device);
  str(r, i, 2, c->msg_id, sizeof c->msg_id);
  str(r, i, 3, c->op, sizeof c->op);
  c->has_value = fst_cell_at(r, i, 4)->s != NULL;
  c->value = i64(r, i, 4);
  int st = fst_cmd_state_parse(fst_cell_at(r, i, 5)->s);
  c->state = st < 0 ? FST_CMD_failed : (fst_cmd_state)st;
  c->has_result = fst_cell_at(r, i, 6)->s != NULL;
  c->result = i64(r, i, 6);
  str(r, i, 7, c->reason, sizeof c->reason);
  str(r, i, 8, c->created_by, sizeof c->created_by);
  c->created = i64(r, i, 9);
  c->updated = i64(r, i, 10);
  c->expires = i64(r, i, 11);
  c->sent = i64(r, i, 12);
}

static fst_err rows_out(fst_store *s, fst_rows *r, fst_command **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (r->nrows && r->ncols != 13) {
    fst_rows_free(r);
    return fst_fail(s, FST_ERR_DB, "commands: unexpected columns");
  }
  fst_command *v = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *v);
  if (!v) {
    fst_rows_free(r);
    return fst_fail(s, FST_ERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < r->nrows; i++) row(r, i, &v[i]);
  *n = (size_t)r->nrows;
  *out = v;
  fst_rows_free(r);
  return FST_ERR_OK;
}

fst_err fst_command_get(fst_store *s, const char *device, int64_t id, fst_command *c) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT " CMD_COLS " FROM commands WHERE device = $1 AND id = $2", &r, NULL, P_TEXT(device),
                P_INT(id));
  if (e) return e;
  if (r.nrows != 1 || r.ncols != 13) e = fst_fail(s, FST_ERR_NOTFOUND, "no command %lld for device %s", (long long)id, device);
  else row(&r, 0, c);
  fst_rows_free(&r);
  return e;
}

fst_err fst_command_list(fst_store *s, const char *device, int64_t limit, fst_command **out, size_t *n) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT " CMD_COLS " FROM commands WHERE device = $1 ORDER BY id DESC LIMIT $2", &r, NULL,
                P_TEXT(device), P_INT(limit > 0 ? limit : INT64_MAX));
  if (e) return e;
  return rows_out(s, &r, out, n);
}

fst_err fst_command_transition(fst_store *s, int64_t id, fst_cmd_state from, fst_cmd_state to, int64_t now) {
  int64_t ch = 0;
  fst_err e = Q(s, "UPDATE commands SET state = $3, updated = $4, sent = CASE $5 WHEN 1 THEN $4 WHEN 2 THEN 0 ELSE sent END"
                   " WHERE id = $1 AND state = $2",
                NULL, &ch, P_INT(id), P_TEXT(fst_cmd_state_name(from)), P_TEXT(fst_cmd_state_name(to)), P_INT(now),
                P_INT(to == FST_CMD_sent ? 1 : to == FST_CMD_pending ? 2 : 0));
  if (!e && !ch) e = fst_fail(s, FST_ERR_CONFLICT, "command %lld is not %s", (long long)id, fst_cmd_state_name(from));
  return e;
}

fst_err fst_command_answer(fst_store *s, const char *device, const char *msg_id, fst_cmd_state st,
                           const int64_t *result, const char *reason, int64_t now, int64_t *id) {
  if (st != FST_CMD_succeeded && st != FST_CMD_failed && st != FST_CMD_expired)
    return fst_fail(s, FST_ERR_INVALID, "an answer is succeeded, failed or expired");
  if (reason && strlen(reason) >= sizeof((fst_command *)0)->reason)
    return fst_fail(s, FST_ERR_INVALID, "reason is too long");
  fst_rows r = {0};
  /* pending too: a publish that failed as far as fleetd knew may have gone out */
  fst_err e = Q(s, "UPDATE commands SET state = $3, result = $4, reason = $5, updated = $6"
                   " WHERE device = $1 AND msg_id = $2 AND state IN ('pending', 'sent', 'expired') RETURNING id",
                &r, NULL, P_TEXT(device), P_TEXT(msg_id), P_TEXT(fst_cmd_state_name(st)),
                result ? P_INT(*result) : P_TEXT(NULL), P_TEXT(reason ? reason : ""), P_INT(now));
  if (e) return e;
  if (r.nrows == 1) {
    if (id) *id = i64(&r, 0, 0);
    fst_rows_free(&r);
    return FST_ERR_OK;
  }
  fst_rows_free(&r);
  e = Q(s, "SELECT id FROM commands WHERE device = $1 AND msg_id = $2", &r, NULL, P_TEXT(device), P_TEXT(msg_id));
  if (e) return e;
  if (r.nrows == 1) {
    if (id) *id = i64(&r, 0, 0);
    e = fst_fail(s, FST_ERR_CONFLICT, "command %s of %s was answered already", msg_id, device);
  } else {
    e = fst_fail(s, FST_ERR_NOTFOUND, "no command %s of %s", msg_id, device);
  }
  fst_rows_free(&r);
  return e;
}

fst_err fst_commands_pending(fst_store *s, int64_t now, int64_t limit, fst_command **out, size_t *n) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT " CMD_COLS " FROM commands WHERE state = 'pending' AND expires > $1 ORDER BY id LIMIT $2",
                &r, NULL, P_INT(now), P_INT(limit > 0 ? limit : INT64_MAX));
  if (e) return e;
  return rows_out(s, &r, out, n);
}

fst_err fst_commands_expire(fst_store *s, int64_t now, int64_t *expired) {
  int64_t ch = 0;
  fst_err e = Q(s, "UPDATE commands SET state = 'expired', reason = 'no_response', updated = $1"
                   " WHERE state IN ('pending', 'sent') AND expires <= $1",
                NULL, &ch, P_INT(now));
  if (expired) *expired = e ? 0 : ch;
  return e;
}

fst_err fst_crash_next_seq(fst_store *s, const char *device, int64_t *next) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT MAX(seq) FROM crashes WHERE device = $1", &r, NULL, P_TEXT(device));
  if (e) return e;
  *next = r.nrows == 1 && fst_cell_at(&r, 0, 0)->s ? i64(&r, 0, 0) + 1 : 0;
  fst_rows_free(&r);
  return FST_ERR_OK;
}
