/*
** fst_sqlite.c -- the SQLite backend: one file, WAL journal, a busy timeout,
** foreign keys on. Statements are prepared once and cached by their SQL text
** (every text is a constant of the store, so its address is its identity);
** parameters "$1".."$N" are bound by name.
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fst_int.h"

#define FST_SQLITE_BUSY_MS 5000
#define FST_SQLITE_CACHE 128

typedef struct sl_cache {
  const char *sql[FST_SQLITE_CACHE];
  sqlite3_stmt *st[FST_SQLITE_CACHE];
  int n;
} sl_cache;

static fst_err sl_err(fst_store *s, int rc, const char *what) {
  sqlite3 *db = s->conn;
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  fst_err e = FST_ERR_DB;
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) e = FST_ERR_BUSY;
  else if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE) e = FST_ERR_CONFLICT;
  else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) e = FST_ERR_NOTFOUND;
  else if ((rc & 0xff) == SQLITE_NOMEM) e = FST_ERR_NOMEM;
  return fst_fail(s, e, "sqlite %s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static fst_err sl_prepare(fst_store *s, const char *sql, sqlite3_stmt **out) {
  sl_cache *c = s->priv;
  for (int i = 0; i < c->n; i++)
    if (c->sql[i] == sql) {
      *out = c->st[i];
      return FST_ERR_OK;
    }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->conn, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) return sl_err(s, rc, "prepare");
  if (c->n < FST_SQLITE_CACHE) {
    c->sql[c->n] = sql;
    c->st[c->n++] = st;
  } else {
    /* cache full (cannot happen with the store's fixed set): evict slot 0 */
    sqlite3_finalize(c->st[0]);
    c->sql[0] = sql;
    c->st[0] = st;
  }
  *out = st;
  return FST_ERR_OK;
}

static fst_err sl_bind(fst_store *s, sqlite3_stmt *st, const fst_param *p, int np) {
  for (int k = 0; k < np; k++) {
    char name[16];
    snprintf(name, sizeof name, "$%d", k + 1);
    int idx = sqlite3_bind_parameter_index(st, name);
    if (idx == 0) continue;     /* not used by this statement */
    int rc;
    switch (p[k].t) {
    case FST_P_NULL: rc = sqlite3_bind_null(st, idx); break;
    case FST_P_INT:  rc = sqlite3_bind_int64(st, idx, p[k].i); break;
    case FST_P_REAL: rc = sqlite3_bind_double(st, idx, p[k].d); break;
    case FST_P_TEXT: rc = sqlite3_bind_text(st, idx, p[k].s, -1, SQLITE_TRANSIENT); break;
    case FST_P_BLOB: rc = sqlite3_bind_blob64(st, idx, p[k].s, p[k].len, SQLITE_TRANSIENT); break;
    default: return fst_fail(s, FST_ERR_INVALID, "bad parameter type");
    }
    if (rc != SQLITE_OK) return sl_err(s, rc, "bind");
  }
  return FST_ERR_OK;
}

static fst_err sl_exec(fst_store *s, const char *sql, const fst_param *p, int np,
                       fst_rows *rows, int64_t *changes) {
  sqlite3_stmt *st = NULL;
  fst_err e = sl_prepare(s, sql, &st);
  if (e) return e;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if ((e = sl_bind(s, st, p, np))) return e;
  int ncols = sqlite3_column_count(st);
  size_t cap = 0, nr = 0;
  fst_cell *cells = NULL;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (!rows) continue;
    if (nr == cap) {
      cap = cap ? cap * 2 : 16;
      fst_cell *nc = realloc(cells, cap * (size_t)(ncols ? ncols : 1) * sizeof *nc);
      if (!nc) { e = fst_fail(s, FST_ERR_NOMEM, "out of memory reading rows"); goto out; }
      cells = nc;
    }
    for (int c = 0; c < ncols; c++) {
      fst_cell *cell = &cells[nr * (size_t)ncols + (size_t)c];
      int type = sqlite3_column_type(st, c);
      cell->s = NULL;
      cell->len = 0;
      if (type == SQLITE_NULL) continue;
      const void *src = type == SQLITE_BLOB ? sqlite3_column_blob(st, c)
                                            : (const void *)sqlite3_column_text(st, c);
      size_t n = (size_t)sqlite3_column_bytes(st, c);
      cell->s = malloc(n + 1);
      if (!cell->s) {
        for (int k = c + 1; k < ncols; k++) cells[nr * (size_t)ncols + (size_t)k].s = NULL;
        nr++;
        e = fst_fail(s, FST_ERR_NOMEM, "out of memory reading rows");
        goto out;
      }
      if (n) memcpy(cell->s, src, n);
      cell->s[n] = 0;
      cell->len = n;
    }
    nr++;
  }
  if (rc != SQLITE_DONE) e = sl_err(s, rc, "step");
  else if (changes) *changes = sqlite3_changes(s->conn);
out:
  sqlite3_reset(st);
  if (rows) {
    rows->nrows = (int)nr;
    rows->ncols = ncols;
    rows->cells = cells;
    if (e) fst_rows_free(rows);
  } else {
    free(cells);
  }
  return e;
}

static fst_err sl_script(fst_store *s, const char *sql) {
  char *msg = NULL;
  int rc = sqlite3_exec(s->conn, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    fst_err e = sl_err(s, rc, "script");
    if (msg) fst_fail(s, e, "sqlite script: %s", msg);
    sqlite3_free(msg);
    return e;
  }
  return FST_ERR_OK;
}

static fst_err sl_begin(fst_store *s) { return sl_script(s, "BEGIN IMMEDIATE"); }
static fst_err sl_commit(fst_store *s) { return sl_script(s, "COMMIT"); }
static void sl_rollback(fst_store *s) {
  if (!sqlite3_get_autocommit(s->conn)) sqlite3_exec(s->conn, "ROLLBACK", NULL, NULL, NULL);
}

static void sl_close(fst_store *s) {
  sl_cache *c = s->priv;
  if (c) {
    for (int i = 0; i < c->n; i++) sqlite3_finalize(c->st[i]);
    free(c);
  }
  if (s->conn) sqlite3_close(s->conn);
  s->conn = s->priv = NULL;
}

fst_err fst_sqlite_open(fst_store *s, const char *path) {
  s->b = &fst_sqlite_backend;
  s->priv = calloc(1, sizeof(sl_cache));
  if (!s->priv) return fst_fail(s, FST_ERR_NOMEM, "out of memory");
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                           SQLITE_OPEN_NOMUTEX, NULL);
  s->conn = db;
  if (rc != SQLITE_OK) {
    fst_fail(s, FST_ERR_CONNECT, "sqlite open %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    return FST_ERR_CONNECT;
  }
  sqlite3_busy_timeout(db, FST_SQLITE_BUSY_MS);
  /* switching a new database to WAL takes its lock without the busy
  ** handler: several fleetd opening one new file at once retry it (about
  ** FST_SQLITE_BUSY_MS in all) instead of failing "database is locked" */
  fst_err e = FST_ERR_OK;
  for (int tries = 0; tries < FST_SQLITE_BUSY_MS / 20; tries++) {
    e = sl_script(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                     " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=8192;");
    int code = sqlite3_errcode(db);
    if (!e || (code != SQLITE_BUSY && code != SQLITE_LOCKED)) break;
    sqlite3_sleep(20);
  }
  return e;
}

const fst_driver fst_sqlite_backend = {
  .name = "sqlite",
  .exec = sl_exec,
  .script = sl_script,
  .begin = sl_begin,
  .commit = sl_commit,
  .rollback = sl_rollback,
  .close = sl_close,
  .schema_v1 = fst_schema_sqlite_v1,
  .schema_v2 = fst_schema_sqlite_v2,
  .claim_sql = "SELECT id FROM deployments WHERE settled = 0 AND lease_until < $1"
               " ORDER BY lease_until, id LIMIT 1",
  .migrate_lock = NULL,
};
