/*
** fst_store.c -- the store's operations, written once over the backend
** interface (fst_int.h): every SQL text here is a constant with $N
** parameters, valid for SQLite and PostgreSQL alike.
*/
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "fst_int.h"

/* ---- errors, names --------------------------------------------------- */

static const char *const err_msg[] = {
#define X(n, m) m,
  FST_ERRORS(X)
#undef X
};
static const char *const err_name[] = {
#define X(n, m) #n,
  FST_ERRORS(X)
#undef X
};
const char *fst_err_str(fst_err e) { return (unsigned)e < FST_ERR__COUNT ? err_msg[e] : "unknown error"; }
const char *fst_err_name(fst_err e) { return (unsigned)e < FST_ERR__COUNT ? err_name[e] : "UNKNOWN"; }

fst_err fst_fail(fst_store *s, fst_err e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
  return e;
}
const char *fst_errmsg(const fst_store *s) { return s ? s->err : ""; }
const char *fst_backend(const fst_store *s) { return s->b->name; }

int64_t fst_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const role_names[] = { "none", "viewer", "operator", "admin" };
const char *fst_role_name(fst_role r) { return (unsigned)r <= FST_ROLE_ADMIN ? role_names[r] : "none"; }
fst_role fst_role_parse(const char *s) {
  for (int r = FST_ROLE_VIEWER; s && r <= FST_ROLE_ADMIN; r++)
    if (!strcmp(s, role_names[r])) return (fst_role)r;
  return FST_ROLE_NONE;
}

static const char *const job_names[] = {
#define X(n, t) #n,
  FST_JOB_STATES(X)
#undef X
};
static const bool job_terminal[] = {
#define X(n, t) t,
  FST_JOB_STATES(X)
#undef X
};
const char *fst_job_state_name(fst_job_state s) { return (unsigned)s < FST_JOB__COUNT ? job_names[s] : "?"; }
bool fst_job_state_terminal(fst_job_state s) { return (unsigned)s < FST_JOB__COUNT && job_terminal[s]; }
int fst_job_state_parse(const char *s) {
  for (int i = 0; s && i < FST_JOB__COUNT; i++)
    if (!strcmp(s, job_names[i])) return i;
  return -1;
}
static const char *const dep_names[] = {
#define X(n) #n,
  FST_DEPLOY_STATES(X)
#undef X
};
const char *fst_deploy_state_name(fst_deploy_state s) { return (unsigned)s < FST_DEPLOY__COUNT ? dep_names[s] : "?"; }
int fst_deploy_state_parse(const char *s) {
  for (int i = 0; s && i < FST_DEPLOY__COUNT; i++)
    if (!strcmp(s, dep_names[i])) return i;
  return -1;
}

/* ---- helpers ---------------------------------------------------------- */

void fst_rows_free(fst_rows *r) {
  if (!r->cells) return;
  for (size_t i = 0; i < (size_t)r->nrows * (size_t)r->ncols; i++) free(r->cells[i].s);
  free(r->cells);
  r->cells = NULL;
  r->nrows = 0;
}

#define NP(...) (int)(sizeof((fst_param[]){ __VA_ARGS__ }) / sizeof(fst_param))
#define Q(s, sql, rows, ch, ...) (s)->b->exec((s), (sql), (fst_param[]){ __VA_ARGS__ }, NP(__VA_ARGS__), (rows), (ch))

static int64_t c_i64(const fst_rows *r, int row, int col) {
  const fst_cell *c = fst_cell_at(r, row, col);
  return c->s ? strtoll(c->s, NULL, 10) : 0;
}
static double c_real(const fst_rows *r, int row, int col) {
  const fst_cell *c = fst_cell_at(r, row, col);
  return c->s ? strtod(c->s, NULL) : 0;
}
static void c_str(const fst_rows *r, int row, int col, char *out, size_t cap) {
  const fst_cell *c = fst_cell_at(r, row, col);
  size_t n = c->s ? c->len : 0;
  if (n >= cap) n = cap - 1;
  if (n) memcpy(out, c->s, n);
  out[n] = 0;
}
static char *c_dup(const fst_rows *r, int row, int col) {
  const fst_cell *c = fst_cell_at(r, row, col);
  return c->s ? strdup(c->s) : NULL;
}

/* The rows' strings go into one block after the array of n elements. */
static void *rows_block(const fst_rows *r, size_t elem, char **arena) {
  size_t total = 1;
  for (size_t i = 0; i < (size_t)r->nrows * (size_t)r->ncols; i++)
    total += (r->cells[i].s ? r->cells[i].len : 0) + 1;
  char *blk = malloc(elem * (size_t)r->nrows + total);
  if (blk) *arena = blk + elem * (size_t)r->nrows;
  return blk;
}
static char *arena_str(char **a, const fst_rows *r, int row, int col) {
  const fst_cell *c = fst_cell_at(r, row, col);
  char *p = *a;
  size_t n = c->s ? c->len : 0;
  if (n) memcpy(p, c->s, n);
  p[n] = 0;
  *a += n + 1;
  return p;
}

/* A string for a fixed-size field: refused, not truncated, when too long. */
static bool fits(fst_store *s, const char *v, size_t cap, const char *what, fst_err *e) {
  if (v && strlen(v) >= cap) {
    *e = fst_fail(s, FST_ERR_INVALID, "%s is longer than %zu bytes", what, cap - 1);
    return false;
  }
  return true;
}
static const char *nz(const char *v) { return v ? v : ""; }

/* A transaction of our own unless the caller holds one. */
static fst_err tx_begin(fst_store *s, bool *own) {
  *own = !s->in_tx;
  return *own ? s->b->begin(s) : FST_ERR_OK;
}
static fst_err tx_end(fst_store *s, bool own, fst_err e) {
  if (!own) return e;
  if (e) {
    s->b->rollback(s);
    return e;
  }
  char keep[sizeof s->err];
  fst_err c = s->b->commit(s);
  if (c) {
    memcpy(keep, s->err, sizeof keep);
    s->b->rollback(s);
    memcpy(s->err, keep, sizeof keep);
  }
  return c;
}

fst_err fst_begin(fst_store *s) {
  if (s->in_tx) return fst_fail(s, FST_ERR_INVALID, "transaction already open");
  fst_err e = s->b->begin(s);
  if (!e) s->in_tx = true;
  return e;
}
fst_err fst_commit(fst_store *s) {
  if (!s->in_tx) return fst_fail(s, FST_ERR_INVALID, "no transaction open");
  s->in_tx = false;
  fst_err e = s->b->commit(s);
  if (e) s->b->rollback(s);
  return e;
}
void fst_rollback(fst_store *s) {
  s->in_tx = false;
  s->b->rollback(s);
}

/* ---- open, schema ------------------------------------------------------ */

static fst_err read_version(fst_store *s, int *v) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT value FROM fleet_meta WHERE key = $1", &r, NULL, P_TEXT("schema_version"));
  if (e) return e;
  *v = r.nrows ? (int)c_i64(&r, 0, 0) : 0;
  fst_rows_free(&r);
  return FST_ERR_OK;
}

static fst_err migrate(fst_store *s) {
  fst_err e = s->b->begin(s);
  if (e) return e;
  if (s->b->migrate_lock && (e = s->b->exec(s, s->b->migrate_lock, NULL, 0, NULL, NULL))) goto out;
  if ((e = s->b->script(s, "CREATE TABLE IF NOT EXISTS fleet_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")))
    goto out;
  int v;
  if ((e = read_version(s, &v))) goto out;
  if (v > FST_SCHEMA_VERSION) {
    e = fst_fail(s, FST_ERR_SCHEMA, "database schema version %d, this fleetd knows up to %d", v,
                 FST_SCHEMA_VERSION);
    goto out;
  }
  if (v < 1) {
    if ((e = s->b->script(s, s->b->schema_v1))) goto out;
    e = Q(s, "INSERT INTO fleet_meta (key, value) VALUES ($1, $2)", NULL, NULL,
          P_TEXT("schema_version"), P_TEXT("1"));
  }
  if (!e && v < 2) {
    if ((e = s->b->script(s, s->b->schema_v2))) goto out;
    e = Q(s, "UPDATE fleet_meta SET value = $2 WHERE key = $1", NULL, NULL, P_TEXT("schema_version"), P_TEXT("2"));
  }
  if (!e && v < 3) {
    if ((e = s->b->script(s, fst_schema_v3))) goto out;
    e = Q(s, "UPDATE fleet_meta SET value = $2 WHERE key = $1", NULL, NULL, P_TEXT("schema_version"), P_TEXT("3"));
  }
  if (!e && v < 4) {
    if ((e = s->b->script(s, fst_schema_v4))) goto out;
    e = Q(s, "UPDATE fleet_meta SET value = $2 WHERE key = $1", NULL, NULL, P_TEXT("schema_version"), P_TEXT("4"));
  }
  /* later versions: if (!e && v < 5) { script(fst_schema_v5); UPDATE fleet_meta ... } */
out:
  return tx_end(s, true, e);
}

fst_err fst_open(const char *dir, const char *db, fst_store **out, char *errbuf, size_t errlen) {
  *out = NULL;
  fst_store *s = calloc(1, sizeof *s);
  if (!s) return FST_ERR_NOMEM;
  fst_err e;
  if (db && (!strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11))) {
    e = fst_pg_open(s, db);
  } else if (!db || !*db || !strncmp(db, "sqlite:", 7)) {
    const char *file = db && db[0] && db[7] ? db + 7 : NULL;
    char path[4096];
    if (!file) {
      if (!dir) {
        e = fst_fail(s, FST_ERR_INVALID, "no data directory for the SQLite store");
        goto fail;
      }
      snprintf(path, sizeof path, "%s/fleet.db", dir);
      file = path;
    }
    e = fst_sqlite_open(s, file);
  } else {
    s->b = &fst_sqlite_backend;
    e = fst_fail(s, FST_ERR_URL, "database '%s': expected postgresql://... or sqlite:PATH", db);
    goto fail;
  }
  if (!e) e = migrate(s);
  if (!e) {
    *out = s;
    return FST_ERR_OK;
  }
fail:
  if (errbuf && errlen) snprintf(errbuf, errlen, "%s", s->err[0] ? s->err : fst_err_str(e));
  if (s->b) s->b->close(s);
  free(s);
  return e;
}

void fst_close(fst_store *s) {
  if (!s) return;
  if (s->in_tx) s->b->rollback(s);
  s->b->close(s);
  free(s);
}

int fst_schema_version(fst_store *s) {
  int v;
  return read_version(s, &v) ? -1 : v;
}

/* ---- artifacts -------------------------------------------------------- */

fst_err fst_counter_next(fst_store *s, int64_t *counter) {
  fst_rows r = {0};
  fst_err e = Q(s, "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value", &r, NULL,
                P_TEXT("security"));
  if (e) return e;
  if (r.nrows != 1) e = fst_fail(s, FST_ERR_DB, "security counter row missing");
  else *counter = c_i64(&r, 0, 0);
  fst_rows_free(&r);
  return e;
}

static bool is_sha(const char *h) {
  if (!h || strlen(h) != 64) return false;
  for (int i = 0; i < 64; i++)
    if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f'))) return false;
  return true;
}

fst_err fst_artifact_put(fst_store *s, const fst_artifact *a, const uint8_t *content, size_t len) {
  if (!is_sha(a->sha256)) return fst_fail(s, FST_ERR_INVALID, "sha256 must be 64 lowercase hex digits");
  if (a->image_sha256[0] && !is_sha(a->image_sha256))
    return fst_fail(s, FST_ERR_INVALID, "image sha256 must be 64 lowercase hex digits");
  fst_err e = Q(s, "INSERT INTO artifacts (sha256, size, version, counter, filename, created, content, image_sha256)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", NULL, NULL,
                P_TEXT(a->sha256), P_INT(a->size), P_TEXT(a->version), P_INT(a->counter),
                P_TEXT(a->filename), P_INT(a->created), P_BLOB(content, len), P_TEXT(a->image_sha256));
  if (e == FST_ERR_CONFLICT) fst_fail(s, e, "artifact %s already stored", a->sha256);
  return e;
}

#define ART_COLS "sha256, size, version, counter, filename, created, image_sha256"
static void art_row(const fst_rows *r, int i, fst_artifact *a) {
  c_str(r, i, 6, a->image_sha256, sizeof a->image_sha256);
  c_str(r, i, 0, a->sha256, sizeof a->sha256);
  a->size = c_i64(r, i, 1);
  c_str(r, i, 2, a->version, sizeof a->version);
  a->counter = c_i64(r, i, 3);
  c_str(r, i, 4, a->filename, sizeof a->filename);
  a->created = c_i64(r, i, 5);
}

fst_err fst_artifact_get(fst_store *s, const char *sha256, fst_artifact *a) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT " ART_COLS " FROM artifacts WHERE sha256 = $1", &r, NULL, P_TEXT(sha256));
  if (e) return e;
  if (!r.nrows) e = fst_fail(s, FST_ERR_NOTFOUND, "no artifact %s", sha256);
  else art_row(&r, 0, a);
  fst_rows_free(&r);
  return e;
}

fst_err fst_artifact_content(fst_store *s, const char *sha256, uint8_t **buf, size_t *len) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT content FROM artifacts WHERE sha256 = $1", &r, NULL, P_TEXT(sha256));
  if (e) return e;
  if (!r.nrows || !r.cells[0].s) {
    e = fst_fail(s, FST_ERR_NOTFOUND, "no artifact %s", sha256);
  } else {
    *buf = (uint8_t *)r.cells[0].s;   /* hand the cell over */
    *len = r.cells[0].len;
    r.cells[0].s = NULL;
  }
  fst_rows_free(&r);
  return e;
}

static int64_t lim(int64_t limit) { return limit > 0 ? limit : INT64_MAX / 2; }

fst_err fst_artifact_list(fst_store *s, int64_t limit, fst_artifact **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT " ART_COLS " FROM artifacts ORDER BY created DESC, counter DESC LIMIT $1",
                &r, NULL, P_INT(lim(limit)));
  if (e) return e;
  if (r.nrows) {
    *out = calloc((size_t)r.nrows, sizeof **out);
    if (!*out) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
    else
      for (int i = 0; i < r.nrows; i++) art_row(&r, i, &(*out)[i]);
    if (!e) *n = (size_t)r.nrows;
  }
  fst_rows_free(&r);
  return e;
}

fst_err fst_artifact_prune(fst_store *s, int64_t before, int64_t *deleted) {
  int64_t ch = 0;
  fst_err e = Q(s, "DELETE FROM artifacts WHERE created < $1"
                   " AND sha256 NOT IN (SELECT artifact FROM deployments)"
                   " AND sha256 NOT IN (SELECT previous_sha FROM jobs)"
                   " AND sha256 NOT IN (SELECT artifact FROM jobs)"
                   " AND sha256 NOT IN (SELECT running_sha FROM devices)"
                   " AND sha256 NOT IN (SELECT desired_sha FROM devices)",
                NULL, &ch, P_INT(before));
  if (deleted) *deleted = e ? 0 : ch;
  return e;
}

/* ---- tokens, audit ----------------------------------------------------- */

fst_err fst_token_add(fst_store *s, const char *hash, fst_role role, const char *name, int64_t *id) {
  fst_err e = FST_ERR_OK;
  if (!is_sha(hash)) return fst_fail(s, FST_ERR_INVALID, "token hash must be 64 lowercase hex digits");
  if (role == FST_ROLE_NONE || role > FST_ROLE_ADMIN) return fst_fail(s, FST_ERR_INVALID, "bad role");
  if (!name || !*name) return fst_fail(s, FST_ERR_INVALID, "token name is empty");
  if (!fits(s, name, sizeof((fst_token *)0)->name, "token name", &e)) return e;
  fst_rows r = {0};
  e = Q(s, "INSERT INTO tokens (hash, role, name, created) VALUES ($1, $2, $3, $4) RETURNING id", &r, NULL,
        P_TEXT(hash), P_TEXT(fst_role_name(role)), P_TEXT(name), P_INT(fst_now_ms()));
  if (!e && id) *id = r.nrows ? c_i64(&r, 0, 0) : 0;
  fst_rows_free(&r);
  return e;
}

#define TOK_COLS "id, name, role, created, revoked"
static void tok_row(const fst_rows *r, int i, fst_token *t) {
  char role[16];
  t->id = c_i64(r, i, 0);
  c_str(r, i, 1, t->name, sizeof t->name);
  c_str(r, i, 2, role, sizeof role);
  t->role = fst_role_parse(role);
  t->created = c_i64(r, i, 3);
  t->revoked = c_i64(r, i, 4);
}

fst_err fst_token_find(fst_store *s, const char *hash, fst_token *t) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT " TOK_COLS " FROM tokens WHERE hash = $1 AND revoked = 0", &r, NULL, P_TEXT(hash));
  if (e) return e;
  if (!r.nrows) e = fst_fail(s, FST_ERR_NOTFOUND, "no such token");
  else tok_row(&r, 0, t);
  fst_rows_free(&r);
  return e;
}

fst_err fst_token_revoke(fst_store *s, int64_t id) {
  int64_t ch = 0;
  fst_err e = Q(s, "UPDATE tokens SET revoked = $2 WHERE id = $1 AND revoked = 0", NULL, &ch,
                P_INT(id), P_INT(fst_now_ms()));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "no live token %lld", (long long)id);
  return e;
}

fst_err fst_token_list(fst_store *s, fst_token **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT " TOK_COLS " FROM tokens WHERE id > $1 ORDER BY id", &r, NULL, P_INT(0));
  if (e) return e;
  if (r.nrows) {
    if (!(*out = calloc((size_t)r.nrows, sizeof **out))) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
    for (int i = 0; !e && i < r.nrows; i++) tok_row(&r, i, &(*out)[i]);
    if (!e) *n = (size_t)r.nrows;
  }
  fst_rows_free(&r);
  return e;
}

fst_err fst_audit_add(fst_store *s, const char *token_name, const char *method,
                      const char *path, int status, const char *detail) {
  /* long values are cut to what the audit row keeps (never refused: the
  ** request being audited may itself be the oversized one) */
  char p[sizeof((fst_audit *)0)->path], d[sizeof((fst_audit *)0)->detail];
  snprintf(p, sizeof p, "%s", nz(path));
  snprintf(d, sizeof d, "%s", nz(detail));
  return Q(s, "INSERT INTO audit (time, token, method, path, status, detail) VALUES ($1, $2, $3, $4, $5, $6)",
           NULL, NULL, P_INT(fst_now_ms()), P_TEXT(nz(token_name)), P_TEXT(nz(method)), P_TEXT(p),
           P_INT(status), P_TEXT(d));
}

fst_err fst_audit_list(fst_store *s, int64_t limit, fst_audit **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT id, time, token, method, path, status, detail FROM audit ORDER BY id DESC LIMIT $1",
                &r, NULL, P_INT(lim(limit)));
  if (e) return e;
  if (r.nrows && !(*out = calloc((size_t)r.nrows, sizeof **out))) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
  for (int i = 0; !e && i < r.nrows; i++) {
    fst_audit *a = &(*out)[i];
    a->id = c_i64(&r, i, 0);
    a->time = c_i64(&r, i, 1);
    c_str(&r, i, 2, a->token, sizeof a->token);
    c_str(&r, i, 3, a->method, sizeof a->method);
    c_str(&r, i, 4, a->path, sizeof a->path);
    a->status = (int)c_i64(&r, i, 5);
    c_str(&r, i, 6, a->detail, sizeof a->detail);
  }
  if (!e) *n = (size_t)r.nrows;
  fst_rows_free(&r);
  return e;
}

/* ---- devices ---------------------------------------------------------- */

fst_err fst_device_upsert(fst_store *s, const fst_device *d) {
  if (!d->id[0]) return fst_fail(s, FST_ERR_INVALID, "device id is empty");
  return Q(s, "INSERT INTO devices (id, online, last_seen, running_sha, running_version, vm_state, banks,"
              " boot_id, uptime_ms, reset_reason, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
              " ON CONFLICT (id) DO UPDATE SET online = excluded.online, last_seen = excluded.last_seen,"
              " running_sha = excluded.running_sha, running_version = excluded.running_version,"
              " vm_state = excluded.vm_state, banks = excluded.banks, boot_id = excluded.boot_id,"
              " uptime_ms = excluded.uptime_ms, reset_reason = excluded.reset_reason",
           NULL, NULL, P_TEXT(d->id), P_INT(d->online), P_INT(d->last_seen), P_TEXT(d->running_sha),
           P_TEXT(d->running_version), P_TEXT(d->vm_state), P_TEXT(d->banks), P_TEXT(d->boot_id),
           P_INT(d->uptime_ms), P_TEXT(d->reset_reason), P_INT(fst_now_ms()));
}

fst_err fst_device_report(fst_store *s, const fst_report *r) {
  fst_err e = FST_ERR_OK;
  if (!r->id || !r->id[0]) return fst_fail(s, FST_ERR_INVALID, "device id is empty");
  if (!fits(s, r->id, sizeof((fst_device *)0)->id, "device id", &e) ||
      !fits(s, r->running_sha, sizeof((fst_device *)0)->running_sha, "running sha256", &e) ||
      !fits(s, r->running_version, sizeof((fst_device *)0)->running_version, "running version", &e) ||
      !fits(s, r->vm_state, sizeof((fst_device *)0)->vm_state, "vm state", &e) ||
      !fits(s, r->boot_id, sizeof((fst_device *)0)->boot_id, "boot id", &e) ||
      !fits(s, r->reset_reason, sizeof((fst_device *)0)->reset_reason, "reset reason", &e))
    return e;
  /* a device reports the digest of its image; the artifact holding that
  ** image is what it runs (fst_artifact.image_sha256) */
  const char *run = r->running_sha;
  char art[65];
  if (run && run[0]) {
    fst_rows ar = {0};
    if ((e = Q(s, "SELECT sha256 FROM artifacts WHERE image_sha256 = $1 ORDER BY created LIMIT 1", &ar, NULL,
               P_TEXT(run))))
      return e;
    if (ar.nrows == 1) {
      c_str(&ar, 0, 0, art, sizeof art);
      run = art;
    }
    fst_rows_free(&ar);
  }
  /* A report with state (any field, or online) is ordered against the
  ** newest such report applied (`reported`), not against last_seen, which
  ** every message moves: a heartbeat is not older than a telemetry point
  ** made after it. `always` (a status) neither waits for nor moves
  ** `reported`: its time is another clock's. Every SET expression sees the
  ** row as it was. */
  bool state = r->online >= 0 || r->running_sha || r->running_version || r->vm_state || r->banks || r->boot_id ||
               r->reset_reason || r->uptime_ms >= 0;
  return Q(s, "INSERT INTO devices (id, online, last_seen, running_sha, running_version, vm_state, banks,"
              " boot_id, uptime_ms, reset_reason, created, reported) VALUES ($1, CASE WHEN $3 = 1 THEN 1 ELSE 0 END, $2,"
              " COALESCE($5, ''), COALESCE($6, ''), COALESCE($7, ''), $8, COALESCE($9, ''),"
              " CASE WHEN $10 < 0 THEN 0 ELSE $10 END, COALESCE($11, ''), $12,"
              " CASE WHEN $13 = 1 AND $4 = 0 THEN $2 ELSE 0 END)"
              " ON CONFLICT (id) DO UPDATE SET"
              " online = CASE WHEN $3 >= 0 AND ($4 = 1 OR $2 >= devices.reported) THEN $3 ELSE devices.online END,"
              " running_sha = CASE WHEN $5 IS NOT NULL AND ($4 = 1 OR $2 >= devices.reported) THEN $5 ELSE devices.running_sha END,"
              " running_version = CASE WHEN $6 IS NOT NULL AND ($4 = 1 OR $2 >= devices.reported) THEN $6"
              "   ELSE devices.running_version END,"
              " vm_state = CASE WHEN $7 IS NOT NULL AND ($4 = 1 OR $2 >= devices.reported) THEN $7 ELSE devices.vm_state END,"
              " banks = CASE WHEN $8 IS NOT NULL AND ($4 = 1 OR $2 >= devices.reported) THEN $8 ELSE devices.banks END,"
              " boot_id = CASE WHEN $9 IS NOT NULL AND ($4 = 1 OR $2 >= devices.reported) THEN $9 ELSE devices.boot_id END,"
              " uptime_ms = CASE WHEN $10 >= 0 AND ($4 = 1 OR $2 >= devices.reported) THEN $10 ELSE devices.uptime_ms END,"
              " reset_reason = CASE WHEN $11 IS NOT NULL AND ($4 = 1 OR $2 >= devices.reported) THEN $11"
              "   ELSE devices.reset_reason END,"
              " reported = CASE WHEN $13 = 1 AND $4 = 0 AND $2 > devices.reported THEN $2 ELSE devices.reported END,"
              " last_seen = CASE WHEN $2 > devices.last_seen THEN $2 ELSE devices.last_seen END",
           NULL, NULL, P_TEXT(r->id), P_INT(r->time), P_INT(r->online < 0 ? -1 : r->online ? 1 : 0),
           P_INT(r->always ? 1 : 0), P_TEXT(run), P_TEXT(r->running_version),
           P_TEXT(r->vm_state), P_TEXT(r->banks), P_TEXT(r->boot_id), P_INT(r->uptime_ms),
           P_TEXT(r->reset_reason), P_INT(fst_now_ms()), P_INT(state ? 1 : 0));
}

#define DEV_COLS "id, online, last_seen, running_sha, running_version, vm_state, banks, boot_id," \
                 " uptime_ms, reset_reason, desired_sha"
static void dev_row(const fst_rows *r, int i, fst_device *d) {
  memset(d, 0, sizeof *d);
  c_str(r, i, 0, d->id, sizeof d->id);
  d->online = c_i64(r, i, 1) != 0;
  d->last_seen = c_i64(r, i, 2);
  c_str(r, i, 3, d->running_sha, sizeof d->running_sha);
  c_str(r, i, 4, d->running_version, sizeof d->running_version);
  c_str(r, i, 5, d->vm_state, sizeof d->vm_state);
  d->banks = c_dup(r, i, 6);
  c_str(r, i, 7, d->boot_id, sizeof d->boot_id);
  d->uptime_ms = c_i64(r, i, 8);
  c_str(r, i, 9, d->reset_reason, sizeof d->reset_reason);
  c_str(r, i, 10, d->desired_sha, sizeof d->desired_sha);
}

/* Tags rows (device, tag) sorted by device: attach to the sorted devices. */
static void dev_tags(fst_device *v, size_t n, const fst_rows *t) {
  size_t k = 0;
  for (int i = 0; i < t->nrows; i++) {
    const char *dev = fst_cell_at(t, i, 0)->s;
    if (!dev) continue;
    while (k < n && strcmp(v[k].id, dev) < 0) k++;
    if (k < n && !strcmp(v[k].id, dev) && v[k].ntags < FST_MAX_TAGS) {
      c_str(t, i, 1, v[k].tags[v[k].ntags], FST_TAG_MAX);
      v[k].ntags++;
    }
  }
}

fst_err fst_device_get(fst_store *s, const char *id, fst_device *d) {
  fst_rows r = {0}, t = {0};
  memset(d, 0, sizeof *d);
  fst_err e = Q(s, "SELECT " DEV_COLS " FROM devices WHERE id = $1", &r, NULL, P_TEXT(id));
  if (e) return e;
  if (!r.nrows) {
    fst_rows_free(&r);
    return fst_fail(s, FST_ERR_NOTFOUND, "no device '%s'", id);
  }
  dev_row(&r, 0, d);
  fst_rows_free(&r);
  if ((e = Q(s, "SELECT device, tag FROM device_tags WHERE device = $1 ORDER BY tag", &t, NULL, P_TEXT(id)))) {
    fst_device_free(d);
    return e;
  }
  dev_tags(d, 1, &t);
  fst_rows_free(&t);
  return FST_ERR_OK;
}

/* Sorted in C (strcmp), the order the tag merge walks in: SQL collations
** differ between the backends. */
static int dev_cmp(const void *a, const void *b) {
  return strcmp(((const fst_device *)a)->id, ((const fst_device *)b)->id);
}
/* Sort the (device, tag) rows by strcmp: qsort over the cell pairs. */
static int tag_pair_cmp(const void *a, const void *b) {
  const fst_cell *x = a, *y = b;
  int c = strcmp(x[0].s ? x[0].s : "", y[0].s ? y[0].s : "");
  return c ? c : strcmp(x[1].s ? x[1].s : "", y[1].s ? y[1].s : "");
}
static void tag_rows_sort(fst_rows *t) {
  if (t->nrows > 1 && t->ncols == 2) qsort(t->cells, (size_t)t->nrows, 2 * sizeof(fst_cell), tag_pair_cmp);
}

fst_err fst_device_list(fst_store *s, const char *tag, fst_device **out, size_t *n) {
  fst_rows r = {0}, t = {0};
  *out = NULL;
  *n = 0;
  fst_err e;
  if (tag)
    e = Q(s, "SELECT " DEV_COLS " FROM devices WHERE id IN (SELECT device FROM device_tags WHERE tag = $1)",
          &r, NULL, P_TEXT(tag));
  else
    e = Q(s, "SELECT " DEV_COLS " FROM devices WHERE id <> $1", &r, NULL, P_TEXT(""));
  if (e) return e;
  if (r.nrows && !(*out = calloc((size_t)r.nrows, sizeof **out))) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
  for (int i = 0; !e && i < r.nrows; i++) dev_row(&r, i, &(*out)[i]);
  size_t cnt = e ? 0 : (size_t)r.nrows;
  fst_rows_free(&r);
  if (e) return e;
  if (cnt) qsort(*out, cnt, sizeof **out, dev_cmp);
  if (tag)
    e = Q(s, "SELECT device, tag FROM device_tags WHERE device IN (SELECT device FROM device_tags WHERE tag = $1)",
          &t, NULL, P_TEXT(tag));
  else
    e = Q(s, "SELECT device, tag FROM device_tags WHERE device <> $1", &t, NULL, P_TEXT(""));
  if (e) {
    fst_device_list_free(*out, cnt);
    *out = NULL;
    return e;
  }
  tag_rows_sort(&t);
  dev_tags(*out, cnt, &t);
  fst_rows_free(&t);
  *n = cnt;
  return FST_ERR_OK;
}

fst_err fst_device_set_tags(fst_store *s, const char *id, const char (*tags)[FST_TAG_MAX], int ntags) {
  if (ntags < 0 || ntags > FST_MAX_TAGS) return fst_fail(s, FST_ERR_INVALID, "at most %d tags", FST_MAX_TAGS);
  bool own;
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  fst_rows r = {0};
  if ((e = Q(s, "SELECT id FROM devices WHERE id = $1", &r, NULL, P_TEXT(id)))) goto out;
  if (!r.nrows) {
    e = fst_fail(s, FST_ERR_NOTFOUND, "no device '%s'", id);
    goto out;
  }
  if ((e = Q(s, "DELETE FROM device_tags WHERE device = $1", NULL, NULL, P_TEXT(id)))) goto out;
  for (int i = 0; i < ntags && !e; i++)
    e = Q(s, "INSERT INTO device_tags (device, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING", NULL, NULL,
          P_TEXT(id), P_TEXT(tags[i]));
out:
  fst_rows_free(&r);
  return tx_end(s, own, e);
}

fst_err fst_device_set_desired(fst_store *s, const char *id, const char *sha256) {
  int64_t ch = 0;
  fst_err e = Q(s, "UPDATE devices SET desired_sha = $2 WHERE id = $1", NULL, &ch, P_TEXT(id), P_TEXT(nz(sha256)));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "no device '%s'", id);
  return e;
}

void fst_device_free(fst_device *d) {
  if (!d) return;
  free(d->banks);
  d->banks = NULL;
}
void fst_device_list_free(fst_device *v, size_t n) {
  for (size_t i = 0; v && i < n; i++) fst_device_free(&v[i]);
  free(v);
}

/* ---- reports ------------------------------------------------------------ */

static fst_err batch_end(fst_store *s, bool own, fst_err e, size_t *inserted, size_t got) {
  e = tx_end(s, own, e);
  if (inserted) *inserted = e ? 0 : got;
  return e;
}

/* Telemetry goes in TEL_ROWS rows a statement (one round trip to
** PostgreSQL, one statement for SQLite, instead of TEL_ROWS); the rest of
** a batch one row at a time. The text is built once: SQLite's statement
** cache knows a statement by its text's address. */
#define TEL_ROWS 64
#define TEL_COLS 6
_Static_assert(TEL_ROWS * TEL_COLS <= FST_MAX_PARAMS, "telemetry's statement takes too many parameters");
static char tel_multi[TEL_ROWS * 48 + 200];
static pthread_once_t tel_once = PTHREAD_ONCE_INIT;
static void tel_multi_build(void) {
  size_t o = (size_t)snprintf(tel_multi, sizeof tel_multi,
                              "INSERT INTO telemetry (device, boot_id, seq, name, time, value) VALUES ");
  for (int r = 0; r < TEL_ROWS; r++) {
    int b = r * TEL_COLS;
    o += (size_t)snprintf(tel_multi + o, sizeof tel_multi - o, "%s($%d, $%d, $%d, $%d, $%d, $%d)", r ? ", " : "",
                          b + 1, b + 2, b + 3, b + 4, b + 5, b + 6);
  }
  snprintf(tel_multi + o, sizeof tel_multi - o, " ON CONFLICT DO NOTHING");
}

fst_err fst_telemetry_insert(fst_store *s, const fst_point *p, size_t n, size_t *inserted) {
  bool own;
  size_t got = 0, i = 0;
  for (size_t k = 0; k < n; k++)
    if (!p[k].device || !p[k].name) return fst_fail(s, FST_ERR_INVALID, "point without device or name");
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  if (n >= TEL_ROWS) {
    pthread_once(&tel_once, tel_multi_build);
    fst_param *pp = malloc(sizeof *pp * TEL_ROWS * TEL_COLS);
    if (!pp) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
    for (; !e && n - i >= TEL_ROWS; i += TEL_ROWS) {
      for (int r = 0; r < TEL_ROWS && !e; r++) {
        const fst_point *q = &p[i + (size_t)r];
        if (!q->device || !q->name) { e = fst_fail(s, FST_ERR_INVALID, "point without device or name"); break; }
        fst_param *x = &pp[r * TEL_COLS];
        x[0] = P_TEXT(q->device); x[1] = P_TEXT(nz(q->boot_id)); x[2] = P_INT(q->seq);
        x[3] = P_TEXT(q->name); x[4] = P_INT(q->time); x[5] = P_REAL(q->value);
      }
      int64_t ch = 0;
      if (!e) e = s->b->exec(s, tel_multi, pp, TEL_ROWS * TEL_COLS, NULL, &ch);
      got += (size_t)ch;
    }
    free(pp);
  }
  for (; i < n && !e; i++) {
    int64_t ch = 0;
    e = Q(s, "INSERT INTO telemetry (device, boot_id, seq, name, time, value) VALUES ($1, $2, $3, $4, $5, $6)"
             " ON CONFLICT DO NOTHING", NULL, &ch,
          P_TEXT(p[i].device), P_TEXT(nz(p[i].boot_id)), P_INT(p[i].seq), P_TEXT(p[i].name), P_INT(p[i].time),
          P_REAL(p[i].value));
    got += (size_t)ch;
  }
  return batch_end(s, own, e, inserted, got);
}

fst_err fst_logs_insert(fst_store *s, const fst_log *l, size_t n, size_t *inserted) {
  bool own;
  size_t got = 0;
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  for (size_t i = 0; i < n && !e; i++) {
    int64_t ch = 0;
    if (!l[i].device) { e = fst_fail(s, FST_ERR_INVALID, "log without device"); break; }
    e = Q(s, "INSERT INTO logs (device, boot_id, seq, time, text) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
          NULL, &ch, P_TEXT(l[i].device), P_TEXT(nz(l[i].boot_id)), P_INT(l[i].seq), P_INT(l[i].time),
          P_TEXT(nz(l[i].text)));
    got += (size_t)ch;
  }
  return batch_end(s, own, e, inserted, got);
}

fst_err fst_events_insert(fst_store *s, const fst_event *ev, size_t n, size_t *inserted) {
  bool own;
  size_t got = 0;
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  for (size_t i = 0; i < n && !e; i++) {
    int64_t ch = 0;
    if (!ev[i].device || !ev[i].kind) { e = fst_fail(s, FST_ERR_INVALID, "event without device or kind"); break; }
    e = Q(s, "INSERT INTO events (device, boot_id, seq, time, kind, detail, dedup) VALUES ($1, $2, $3, $4, $5, $6, $7)"
             " ON CONFLICT DO NOTHING", NULL, &ch,
          P_TEXT(ev[i].device), P_TEXT(nz(ev[i].boot_id)), P_INT(ev[i].seq), P_INT(ev[i].time),
          P_TEXT(ev[i].kind), P_TEXT(ev[i].detail), P_TEXT(nz(ev[i].dedup)));
    got += (size_t)ch;
  }
  return batch_end(s, own, e, inserted, got);
}

fst_err fst_crashes_insert(fst_store *s, const fst_crash *c, size_t n, size_t *inserted) {
  bool own;
  size_t got = 0;
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  for (size_t i = 0; i < n && !e; i++) {
    int64_t ch = 0;
    if (!c[i].device) { e = fst_fail(s, FST_ERR_INVALID, "crash without device"); break; }
    e = Q(s, "INSERT INTO crashes (device, boot_id, seq, time, file, line, function, version, sha256, reason, pc,"
             " detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING",
          NULL, &ch, P_TEXT(c[i].device), P_TEXT(nz(c[i].boot_id)), P_INT(c[i].seq), P_INT(c[i].time),
          P_TEXT(nz(c[i].file)), P_INT(c[i].line), P_TEXT(nz(c[i].function)), P_TEXT(nz(c[i].version)),
          P_TEXT(nz(c[i].sha256)), P_TEXT(nz(c[i].reason)), P_INT(c[i].pc), P_TEXT(c[i].detail));
    got += (size_t)ch;
  }
  return batch_end(s, own, e, inserted, got);
}

fst_err fst_logs_list(fst_store *s, const char *device, int64_t since, int64_t limit,
                      fst_log_row **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT id, seq, time, boot_id, text FROM logs WHERE device = $1 AND id > $2 ORDER BY id LIMIT $3",
                &r, NULL, P_TEXT(device), P_INT(since), P_INT(lim(limit)));
  if (e || !r.nrows) goto out;
  char *a;
  fst_log_row *v = rows_block(&r, sizeof *v, &a);
  if (!v) { e = fst_fail(s, FST_ERR_NOMEM, "out of memory"); goto out; }
  for (int i = 0; i < r.nrows; i++) {
    v[i].id = c_i64(&r, i, 0);
    v[i].seq = c_i64(&r, i, 1);
    v[i].time = c_i64(&r, i, 2);
    v[i].boot_id = arena_str(&a, &r, i, 3);
    v[i].text = arena_str(&a, &r, i, 4);
  }
  *out = v;
  *n = (size_t)r.nrows;
out:
  fst_rows_free(&r);
  return e;
}

fst_err fst_telemetry_list(fst_store *s, const char *device, const char *name, int64_t from,
                           int64_t to, int64_t limit, fst_point_row **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT seq, time, value, name, boot_id FROM telemetry WHERE device = $1 AND time >= $2"
                   " AND time <= $3 AND ($4 = '' OR name = $4) ORDER BY time, id LIMIT $5",
                &r, NULL, P_TEXT(device), P_INT(from), P_INT(to), P_TEXT(nz(name)), P_INT(lim(limit)));
  if (e || !r.nrows) goto out;
  char *a;
  fst_point_row *v = rows_block(&r, sizeof *v, &a);
  if (!v) { e = fst_fail(s, FST_ERR_NOMEM, "out of memory"); goto out; }
  for (int i = 0; i < r.nrows; i++) {
    v[i].seq = c_i64(&r, i, 0);
    v[i].time = c_i64(&r, i, 1);
    v[i].value = c_real(&r, i, 2);
    v[i].name = arena_str(&a, &r, i, 3);
    v[i].boot_id = arena_str(&a, &r, i, 4);
  }
  *out = v;
  *n = (size_t)r.nrows;
out:
  fst_rows_free(&r);
  return e;
}

fst_err fst_events_list(fst_store *s, const char *device, int64_t limit, fst_event_row **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT id, seq, time, boot_id, kind, detail FROM events WHERE device = $1 ORDER BY id DESC LIMIT $2",
                &r, NULL, P_TEXT(device), P_INT(lim(limit)));
  if (e || !r.nrows) goto out;
  char *a;
  fst_event_row *v = rows_block(&r, sizeof *v, &a);
  if (!v) { e = fst_fail(s, FST_ERR_NOMEM, "out of memory"); goto out; }
  for (int i = 0; i < r.nrows; i++) {
    v[i].id = c_i64(&r, i, 0);
    v[i].seq = c_i64(&r, i, 1);
    v[i].time = c_i64(&r, i, 2);
    v[i].boot_id = arena_str(&a, &r, i, 3);
    v[i].kind = arena_str(&a, &r, i, 4);
    v[i].detail = fst_cell_at(&r, i, 5)->s ? arena_str(&a, &r, i, 5) : NULL;
  }
  *out = v;
  *n = (size_t)r.nrows;
out:
  fst_rows_free(&r);
  return e;
}

fst_err fst_crashes_list(fst_store *s, const char *device, int64_t limit, fst_crash_row **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT id, seq, time, line, pc, boot_id, file, function, version, sha256, reason, detail"
                   " FROM crashes WHERE device = $1 ORDER BY id DESC LIMIT $2",
                &r, NULL, P_TEXT(device), P_INT(lim(limit)));
  if (e || !r.nrows) goto out;
  char *a;
  fst_crash_row *v = rows_block(&r, sizeof *v, &a);
  if (!v) { e = fst_fail(s, FST_ERR_NOMEM, "out of memory"); goto out; }
  for (int i = 0; i < r.nrows; i++) {
    v[i].id = c_i64(&r, i, 0);
    v[i].seq = c_i64(&r, i, 1);
    v[i].time = c_i64(&r, i, 2);
    v[i].line = c_i64(&r, i, 3);
    v[i].pc = c_i64(&r, i, 4);
    v[i].boot_id = arena_str(&a, &r, i, 5);
    v[i].file = arena_str(&a, &r, i, 6);
    v[i].function = arena_str(&a, &r, i, 7);
    v[i].version = arena_str(&a, &r, i, 8);
    v[i].sha256 = arena_str(&a, &r, i, 9);
    v[i].reason = arena_str(&a, &r, i, 10);
    v[i].detail = fst_cell_at(&r, i, 11)->s ? arena_str(&a, &r, i, 11) : NULL;
  }
  *out = v;
  *n = (size_t)r.nrows;
out:
  fst_rows_free(&r);
  return e;
}

fst_err fst_prune(fst_store *s, int64_t before, int64_t *telemetry, int64_t *logs) {
  bool own;
  int64_t a = 0, b = 0;
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  e = Q(s, "DELETE FROM telemetry WHERE time < $1", NULL, &a, P_INT(before));
  if (!e) e = Q(s, "DELETE FROM logs WHERE time < $1", NULL, &b, P_INT(before));
  e = tx_end(s, own, e);
  if (telemetry) *telemetry = e ? 0 : a;
  if (logs) *logs = e ? 0 : b;
  return e;
}

/* ---- deployments ------------------------------------------------------ */

fst_err fst_deployment_create(fst_store *s, fst_deployment *d, const fst_job *jobs, size_t njobs) {
  if (d->nstages < 1 || d->nstages > FST_MAX_STAGES)
    return fst_fail(s, FST_ERR_INVALID, "1 to %d stages", FST_MAX_STAGES);
  bool own;
  fst_err e = tx_begin(s, &own);
  if (e) return e;
  fst_rows r = {0};
  int64_t now = fst_now_ms();
  /* the deployments counter row serialises creation (a row lock on
  ** PostgreSQL, the single writer on SQLite), so two requests cannot both
  ** pass the conflict check below */
  if ((e = Q(s, "UPDATE counters SET value = value + 1 WHERE name = $1", NULL, NULL, P_TEXT("deployments"))))
    goto out;
  if ((e = Q(s, "SELECT sha256 FROM artifacts WHERE sha256 = $1", &r, NULL, P_TEXT(d->artifact)))) goto out;
  if (!r.nrows) {
    e = fst_fail(s, FST_ERR_NOTFOUND, "no artifact %s", d->artifact);
    goto out;
  }
  for (size_t i = 0; i < njobs; i++) {
    fst_rows_free(&r);
    if ((e = Q(s, "SELECT d.id FROM jobs j JOIN deployments d ON d.id = j.deployment WHERE j.device = $1"
                  " AND d.state = 'running' AND j.state IN ('QUEUED', 'IN_PROGRESS')",
               &r, NULL, P_TEXT(jobs[i].device))))
      goto out;
    if (r.nrows) {
      e = fst_fail(s, FST_ERR_CONFLICT, "device '%s' has a job in running deployment %lld", jobs[i].device,
                   (long long)c_i64(&r, 0, 0));
      goto out;
    }
  }
  fst_rows_free(&r);
  if ((e = Q(s, "INSERT INTO deployments (artifact, target, max_failures, job_timeout_s, rollback, state,"
                " current_stage, created_by, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
                " RETURNING id",
             &r, NULL, P_TEXT(d->artifact), P_TEXT(nz(d->target)), P_INT(d->max_failures), P_INT(d->job_timeout_s),
             P_INT(d->rollback), P_TEXT(fst_deploy_state_name(d->state)), P_INT(d->current_stage),
             P_TEXT(d->created_by), P_INT(now))))
    goto out;
  d->id = c_i64(&r, 0, 0);
  d->created = d->updated = now;
  for (int i = 0; i < d->nstages && !e; i++)
    e = Q(s, "INSERT INTO stages (deployment, idx, percent) VALUES ($1, $2, $3)", NULL, NULL, P_INT(d->id),
          P_INT(i), P_INT(d->stages[i]));
  for (size_t i = 0; i < njobs && !e; i++)
    e = Q(s, "INSERT INTO jobs (deployment, device, stage, rollback, artifact, state, previous_sha, created, updated)"
             " VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $7)", NULL, NULL,
          P_INT(d->id), P_TEXT(jobs[i].device), P_INT(jobs[i].stage), P_TEXT(d->artifact),
          P_TEXT(fst_job_state_name(FST_JOB_QUEUED)), P_TEXT(jobs[i].previous_sha), P_INT(now));
out:
  fst_rows_free(&r);
  return tx_end(s, own, e);
}

#define DEP_COLS "id, artifact, target, max_failures, job_timeout_s, rollback, state, current_stage," \
                 " created_by, created, updated, lease_owner, lease_until, settled"
static void dep_row(const fst_rows *r, int i, fst_deployment *d) {
  char st[16];
  memset(d, 0, sizeof *d);
  d->id = c_i64(r, i, 0);
  c_str(r, i, 1, d->artifact, sizeof d->artifact);
  d->target = c_dup(r, i, 2);
  d->max_failures = c_i64(r, i, 3);
  d->job_timeout_s = c_i64(r, i, 4);
  d->rollback = c_i64(r, i, 5) != 0;
  c_str(r, i, 6, st, sizeof st);
  int k = fst_deploy_state_parse(st);
  d->state = k < 0 ? FST_DEPLOY_halted : (fst_deploy_state)k;
  d->current_stage = (int)c_i64(r, i, 7);
  c_str(r, i, 8, d->created_by, sizeof d->created_by);
  d->created = c_i64(r, i, 9);
  d->updated = c_i64(r, i, 10);
  c_str(r, i, 11, d->lease_owner, sizeof d->lease_owner);
  d->lease_until = c_i64(r, i, 12);
  d->settled = c_i64(r, i, 13) != 0;
}

static fst_err dep_stages(fst_store *s, fst_deployment *d) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT percent FROM stages WHERE deployment = $1 ORDER BY idx", &r, NULL, P_INT(d->id));
  if (e) return e;
  d->nstages = 0;
  for (int i = 0; i < r.nrows && i < FST_MAX_STAGES; i++) d->stages[d->nstages++] = (int)c_i64(&r, i, 0);
  fst_rows_free(&r);
  return FST_ERR_OK;
}

fst_err fst_deployment_get(fst_store *s, int64_t id, fst_deployment *d) {
  fst_rows r = {0};
  memset(d, 0, sizeof *d);
  fst_err e = Q(s, "SELECT " DEP_COLS " FROM deployments WHERE id = $1", &r, NULL, P_INT(id));
  if (e) return e;
  if (!r.nrows) e = fst_fail(s, FST_ERR_NOTFOUND, "no deployment %lld", (long long)id);
  else dep_row(&r, 0, d);
  fst_rows_free(&r);
  if (!e && (e = dep_stages(s, d))) fst_deployment_free(d);
  return e;
}

fst_err fst_deployment_list(fst_store *s, int64_t limit, fst_deployment **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT " DEP_COLS " FROM deployments ORDER BY id DESC LIMIT $1", &r, NULL, P_INT(lim(limit)));
  if (e) return e;
  if (r.nrows && !(*out = calloc((size_t)r.nrows, sizeof **out))) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
  size_t cnt = 0;
  for (int i = 0; !e && i < r.nrows; i++, cnt++) {
    dep_row(&r, i, &(*out)[i]);
    e = dep_stages(s, &(*out)[i]);
  }
  fst_rows_free(&r);
  if (e) {
    fst_deployment_list_free(*out, cnt);
    *out = NULL;
    return e;
  }
  *n = cnt;
  return FST_ERR_OK;
}

void fst_deployment_free(fst_deployment *d) {
  if (!d) return;
  free(d->target);
  d->target = NULL;
}
void fst_deployment_list_free(fst_deployment *v, size_t n) {
  for (size_t i = 0; v && i < n; i++) fst_deployment_free(&v[i]);
  free(v);
}

fst_err fst_deployment_set_state(fst_store *s, int64_t id, fst_deploy_state st, int current_stage) {
  int64_t ch = 0;
  fst_err e = Q(s, "UPDATE deployments SET state = $2, current_stage = $3, updated = $4, settled = $5 WHERE id = $1",
                NULL, &ch, P_INT(id), P_TEXT(fst_deploy_state_name(st)), P_INT(current_stage), P_INT(fst_now_ms()),
                P_INT(st != FST_DEPLOY_running));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "no deployment %lld", (long long)id);
  return e;
}

fst_err fst_deployment_transition(fst_store *s, int64_t id, fst_deploy_state from, fst_deploy_state to,
                                  int current_stage, bool settled) {
  int64_t ch = 0;
  if ((unsigned)from >= FST_DEPLOY__COUNT || (unsigned)to >= FST_DEPLOY__COUNT)
    return fst_fail(s, FST_ERR_INVALID, "bad deployment state");
  fst_err e = Q(s, "UPDATE deployments SET state = $3, current_stage = $4, settled = $5, updated = $6"
                   " WHERE id = $1 AND state = $2", NULL, &ch, P_INT(id), P_TEXT(fst_deploy_state_name(from)),
                P_TEXT(fst_deploy_state_name(to)), P_INT(current_stage), P_INT(settled), P_INT(fst_now_ms()));
  if (e || ch) return e;
  fst_rows r = {0};
  if ((e = Q(s, "SELECT state FROM deployments WHERE id = $1", &r, NULL, P_INT(id)))) return e;
  e = r.nrows ? fst_fail(s, FST_ERR_CONFLICT, "deployment %lld is %s, not %s", (long long)id,
                         fst_cell_at(&r, 0, 0)->s ? fst_cell_at(&r, 0, 0)->s : "?", fst_deploy_state_name(from))
              : fst_fail(s, FST_ERR_NOTFOUND, "no deployment %lld", (long long)id);
  fst_rows_free(&r);
  return e;
}

#define JOB_COLS "id, deployment, device, stage, rollback, artifact, state, reason, phase, progress," \
                 " previous_sha, seq, sent, deadline, owed, rev, created, updated"
static void job_row(const fst_rows *r, int i, fst_job *j) {
  char st[16];
  memset(j, 0, sizeof *j);
  j->id = c_i64(r, i, 0);
  j->deployment = c_i64(r, i, 1);
  c_str(r, i, 2, j->device, sizeof j->device);
  j->stage = (int)c_i64(r, i, 3);
  j->rollback = c_i64(r, i, 4) != 0;
  c_str(r, i, 5, j->artifact, sizeof j->artifact);
  c_str(r, i, 6, st, sizeof st);
  int k = fst_job_state_parse(st);
  j->state = k < 0 ? FST_JOB_FAILED : (fst_job_state)k;
  c_str(r, i, 7, j->reason, sizeof j->reason);
  c_str(r, i, 8, j->phase, sizeof j->phase);
  j->progress = (int)c_i64(r, i, 9);
  c_str(r, i, 10, j->previous_sha, sizeof j->previous_sha);
  j->seq = c_i64(r, i, 11);
  j->sent = c_i64(r, i, 12);
  j->deadline = c_i64(r, i, 13);
  int64_t o = c_i64(r, i, 14);
  j->owed = o == FST_OWE_JOB ? FST_OWE_JOB : o == FST_OWE_CANCEL ? FST_OWE_CANCEL : FST_OWE_NOTHING;
  j->rev = c_i64(r, i, 15);
  j->created = c_i64(r, i, 16);
  j->updated = c_i64(r, i, 17);
}

static fst_err jobs_rows(fst_store *s, fst_rows *r, fst_job **out, size_t *n) {
  fst_err e = FST_ERR_OK;
  if (r->nrows && !(*out = calloc((size_t)r->nrows, sizeof **out))) e = fst_fail(s, FST_ERR_NOMEM, "out of memory");
  for (int i = 0; !e && i < r->nrows; i++) job_row(r, i, &(*out)[i]);
  if (!e) *n = (size_t)r->nrows;
  fst_rows_free(r);
  return e;
}

fst_err fst_jobs_list(fst_store *s, int64_t deployment, fst_job **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT " JOB_COLS " FROM jobs WHERE deployment = $1 ORDER BY stage, id", &r, NULL,
                P_INT(deployment));
  return e ? e : jobs_rows(s, &r, out, n);
}

fst_err fst_jobs_open(fst_store *s, const char *device, fst_job **out, size_t *n) {
  fst_rows r = {0};
  *out = NULL;
  *n = 0;
  fst_err e = Q(s, "SELECT " JOB_COLS " FROM jobs WHERE device = $1 AND state IN ($2, $3) ORDER BY id", &r, NULL,
                P_TEXT(device), P_TEXT(fst_job_state_name(FST_JOB_QUEUED)),
                P_TEXT(fst_job_state_name(FST_JOB_IN_PROGRESS)));
  return e ? e : jobs_rows(s, &r, out, n);
}

fst_err fst_job_get(fst_store *s, int64_t id, fst_job *j) {
  fst_rows r = {0};
  fst_err e = Q(s, "SELECT " JOB_COLS " FROM jobs WHERE id = $1", &r, NULL, P_INT(id));
  if (e) return e;
  if (!r.nrows) e = fst_fail(s, FST_ERR_NOTFOUND, "no job %lld", (long long)id);
  else job_row(&r, 0, j);
  fst_rows_free(&r);
  return e;
}

static bool job_fits(fst_store *s, const fst_job *j, fst_err *e) {
  if ((unsigned)j->state >= FST_JOB__COUNT) {
    *e = fst_fail(s, FST_ERR_INVALID, "bad job state");
    return false;
  }
  return fits(s, j->reason, sizeof j->reason, "job reason", e) && fits(s, j->phase, sizeof j->phase, "job phase", e);
}

fst_err fst_job_add(fst_store *s, fst_job *j) {
  fst_err e = FST_ERR_OK;
  if (!job_fits(s, j, &e)) return e;
  fst_rows r = {0};
  int64_t now = j->created ? j->created : fst_now_ms();
  e = Q(s, "INSERT INTO jobs (deployment, device, stage, rollback, artifact, state, reason, phase, progress,"
           " previous_sha, seq, sent, deadline, owed, rev, created, updated)"
           " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $15) RETURNING id",
        &r, NULL, P_INT(j->deployment), P_TEXT(j->device), P_INT(j->stage), P_INT(j->rollback),
        P_TEXT(j->artifact), P_TEXT(fst_job_state_name(j->state)), P_TEXT(j->reason), P_TEXT(j->phase),
        P_INT(j->progress), P_TEXT(j->previous_sha), P_INT(j->seq), P_INT(j->sent), P_INT(j->deadline),
        P_INT(j->owed), P_INT(now));
  if (e == FST_ERR_CONFLICT)
    fst_fail(s, e, "deployment %lld has a %s job for '%s' already", (long long)j->deployment,
             j->rollback ? "rollback" : "install", j->device);
  if (!e) {
    j->id = r.nrows ? c_i64(&r, 0, 0) : 0;
    j->rev = 0;
    j->created = j->updated = now;
  }
  fst_rows_free(&r);
  return e;
}

fst_err fst_job_put(fst_store *s, fst_job *j) {
  fst_err e = FST_ERR_OK;
  if (!job_fits(s, j, &e)) return e;
  int64_t ch = 0;
  int64_t now = j->updated ? j->updated : fst_now_ms();
  e = Q(s, "UPDATE jobs SET state = $3, reason = $4, phase = $5, progress = $6, seq = $7, sent = $8,"
           " deadline = $9, owed = $10, updated = $11, rev = rev + 1 WHERE id = $1 AND rev = $2", NULL, &ch,
        P_INT(j->id), P_INT(j->rev), P_TEXT(fst_job_state_name(j->state)), P_TEXT(j->reason), P_TEXT(j->phase),
        P_INT(j->progress), P_INT(j->seq), P_INT(j->sent), P_INT(j->deadline), P_INT(j->owed), P_INT(now));
  if (e) return e;
  if (!ch) {
    fst_job cur;
    e = fst_job_get(s, j->id, &cur);
    return e ? e : fst_fail(s, FST_ERR_CONFLICT, "job %lld changed meanwhile", (long long)j->id);
  }
  j->rev++;
  j->updated = now;
  return FST_ERR_OK;
}

fst_err fst_job_update(fst_store *s, int64_t job, fst_job_state st, const char *reason, int progress) {
  int64_t ch = 0;
  fst_err e = FST_ERR_OK;
  if ((unsigned)st >= FST_JOB__COUNT) return fst_fail(s, FST_ERR_INVALID, "bad job state");
  if (!fits(s, reason, sizeof((fst_job *)0)->reason, "job reason", &e)) return e;
  e = Q(s, "UPDATE jobs SET state = $2, reason = $3, progress = CASE WHEN $4 < 0 THEN progress ELSE $4 END,"
           " updated = $5, rev = rev + 1 WHERE id = $1", NULL, &ch,
        P_INT(job), P_TEXT(fst_job_state_name(st)), P_TEXT(nz(reason)), P_INT(progress), P_INT(fst_now_ms()));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "no job %lld", (long long)job);
  return e;
}

fst_err fst_deployment_claim(fst_store *s, const char *owner, int64_t lease_ms, int64_t *id) {
  if (s->in_tx) return fst_fail(s, FST_ERR_INVALID, "claim runs in a transaction of its own");
  if (!owner || !*owner) return fst_fail(s, FST_ERR_INVALID, "claim needs an owner");
  fst_err e = FST_ERR_OK;
  if (!fits(s, owner, sizeof((fst_deployment *)0)->lease_owner, "lease owner", &e)) return e;
  if ((e = s->b->begin(s))) return e;
  fst_rows r = {0};
  int64_t now = fst_now_ms();
  if ((e = Q(s, s->b->claim_sql, &r, NULL, P_INT(now)))) goto out;
  if (!r.nrows) {
    e = fst_fail(s, FST_ERR_NOTFOUND, "no deployment to claim");
    goto out;
  }
  *id = c_i64(&r, 0, 0);
  e = Q(s, "UPDATE deployments SET lease_owner = $2, lease_until = $3 WHERE id = $1", NULL, NULL, P_INT(*id),
        P_TEXT(owner), P_INT(now + lease_ms));
out:
  fst_rows_free(&r);
  if (e == FST_ERR_NOTFOUND) {
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    s->b->rollback(s);
    memcpy(s->err, keep, sizeof keep);
    return e;
  }
  return tx_end(s, true, e);
}

fst_err fst_deployment_release(fst_store *s, int64_t id, const char *owner) {
  int64_t ch = 0;
  /* lease_until just past: claimable at once, and behind every deployment
  ** given back before it (claims take the smallest lease_until first) */
  fst_err e = Q(s, "UPDATE deployments SET lease_owner = '', lease_until = $3 WHERE id = $1 AND lease_owner = $2",
                NULL, &ch, P_INT(id), P_TEXT(owner), P_INT(fst_now_ms() - 1));
  if (!e && !ch) e = fst_fail(s, FST_ERR_NOTFOUND, "deployment %lld is not leased to '%s'", (long long)id, owner);
  return e;
}
