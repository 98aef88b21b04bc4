/*
** fst_pg.c -- the PostgreSQL backend (libpq). Every statement goes through
** PQexecParams with typed parameters (int8, float8, text, bytea in binary);
** results come back as text, bytea columns decoded from their hex form.
** Unique violations are FST_ERR_CONFLICT, serialization failures, deadlocks
** and lock timeouts FST_ERR_BUSY. A connection the server dropped is reset
** when the next transaction begins.
*/
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "fst_int.h"

#define PG_INT8 20
#define PG_FLOAT8 701
#define PG_TEXT 25
#define PG_BYTEA 17

static fst_err pg_res_err(fst_store *s, PGresult *r, const char *what) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  fst_err e = FST_ERR_DB;
  if (state) {
    if (!strcmp(state, "23505")) e = FST_ERR_CONFLICT;
    else if (!strcmp(state, "23503")) e = FST_ERR_NOTFOUND;
    else if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")) e = FST_ERR_BUSY;
    else if (!strncmp(state, "08", 2)) e = FST_ERR_CONNECT;
  } else if (PQstatus(s->conn) != CONNECTION_OK) {
    e = FST_ERR_CONNECT;
  }
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--;
  return fst_fail(s, e, "postgresql %s: %.*s", what, (int)n, msg);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* bytea output "\x0a1b..." -> bytes. */
static bool unhex_bytea(const char *in, size_t n, fst_cell *cell) {
  if (n < 2 || in[0] != '\\' || in[1] != 'x' || (n - 2) % 2) return false;
  size_t m = (n - 2) / 2;
  cell->s = malloc(m + 1);
  if (!cell->s) return false;
  for (size_t i = 0; i < m; i++) {
    int hi = hexval(in[2 + 2 * i]), lo = hexval(in[3 + 2 * i]);
    if (hi < 0 || lo < 0) {
      free(cell->s);
      cell->s = NULL;
      return false;
    }
    cell->s[i] = (char)(hi << 4 | lo);
  }
  cell->s[m] = 0;
  cell->len = m;
  return true;
}

#define PG_MAXP FST_MAX_PARAMS

/* Statements kept prepared on this connection, known by their text's
** address (each is a constant of fst_store.c, as SQLite's cache knows
** them): parsed and planned once, then one PQexecPrepared a call. A
** statement is prepared on its first call without a NULL parameter (a
** NULL's type is the server's guess; the types are fixed at PREPARE); a
** reset connection forgets them all (a new session has none). */
#define PG_PREPARED 128
typedef struct pg_cache {
  const char *sql[PG_PREPARED];
  int n;
} pg_cache;

/* The statement's name ("s3") if prepared, else NULL (exec it unprepared). */
static const char *pg_prepared(fst_store *s, const char *sql, const unsigned *types, int np, char *name,
                               size_t cap) {
  pg_cache *c = s->priv;
  if (!c) return NULL;
  for (int i = 0; i < c->n; i++)
    if (c->sql[i] == sql) {
      snprintf(name, cap, "s%d", i);
      return name;
    }
  if (c->n >= PG_PREPARED) return NULL;
  for (int k = 0; k < np; k++)
    if (!types[k]) return NULL;
  snprintf(name, cap, "s%d", c->n);
  PGresult *r = PQprepare(s->conn, name, sql, np, (const Oid *)types);
  bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) return NULL;   /* exec reports what is wrong with it */
  c->sql[c->n++] = sql;
  return name;
}

static fst_err pg_exec(fst_store *s, const char *sql, const fst_param *p, int np,
                       fst_rows *rows, int64_t *changes) {
  if (np > PG_MAXP) return fst_fail(s, FST_ERR_INVALID, "too many parameters");
  unsigned types[PG_MAXP];
  const char *vals[PG_MAXP];
  int lens[PG_MAXP], fmts[PG_MAXP];
  char nums[PG_MAXP][40];
  for (int k = 0; k < np; k++) {
    lens[k] = 0;
    fmts[k] = 0;
    switch (p[k].t) {
    case FST_P_NULL: types[k] = 0; vals[k] = NULL; break;
    case FST_P_INT:
      types[k] = PG_INT8;
      snprintf(nums[k], sizeof nums[k], "%lld", (long long)p[k].i);
      vals[k] = nums[k];
      break;
    case FST_P_REAL:
      types[k] = PG_FLOAT8;
      snprintf(nums[k], sizeof nums[k], "%.17g", p[k].d);
      vals[k] = nums[k];
      break;
    case FST_P_TEXT: types[k] = PG_TEXT; vals[k] = p[k].s; break;
    case FST_P_BLOB:
      types[k] = PG_BYTEA;
      vals[k] = p[k].s ? p[k].s : "";
      lens[k] = (int)p[k].len;
      fmts[k] = 1;
      break;
    default: return fst_fail(s, FST_ERR_INVALID, "bad parameter type");
    }
  }
  char name[16];
  const char *pn = PQtransactionStatus(s->conn) == PQTRANS_INERROR ? NULL
                                                                  : pg_prepared(s, sql, types, np, name, sizeof name);
  PGresult *r = pn ? PQexecPrepared(s->conn, pn, np, vals, lens, fmts, 0)
                   : PQexecParams(s->conn, sql, np, (const Oid *)types, vals, lens, fmts, 0);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    fst_err e = pg_res_err(s, r, "exec");
    PQclear(r);
    return e;
  }
  if (changes) {
    const char *t = PQcmdTuples(r);
    *changes = t && *t ? strtoll(t, NULL, 10) : 0;
  }
  fst_err e = FST_ERR_OK;
  if (rows) {
    int nr = PQntuples(r), nc = PQnfields(r);
    rows->nrows = nr;
    rows->ncols = nc;
    rows->cells = calloc((size_t)nr * (size_t)nc + 1, sizeof(fst_cell));
    if (!rows->cells) {
      PQclear(r);
      return fst_fail(s, FST_ERR_NOMEM, "out of memory reading rows");
    }
    for (int i = 0; i < nr && !e; i++)
      for (int c = 0; c < nc; c++) {
        fst_cell *cell = &rows->cells[(size_t)i * (size_t)nc + (size_t)c];
        if (PQgetisnull(r, i, c)) continue;
        const char *v = PQgetvalue(r, i, c);
        size_t n = (size_t)PQgetlength(r, i, c);
        if (PQftype(r, c) == PG_BYTEA) {
          if (!unhex_bytea(v, n, cell)) { e = fst_fail(s, FST_ERR_DB, "bad bytea value"); break; }
          continue;
        }
        cell->s = malloc(n + 1);
        if (!cell->s) { e = fst_fail(s, FST_ERR_NOMEM, "out of memory reading rows"); break; }
        memcpy(cell->s, v, n);
        cell->s[n] = 0;
        cell->len = n;
      }
    if (e) fst_rows_free(rows);
  }
  PQclear(r);
  return e;
}

static fst_err pg_script(fst_store *s, const char *sql) {
  PGresult *r = PQexec(s->conn, sql);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  fst_err e = FST_ERR_OK;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) e = pg_res_err(s, r, "script");
  PQclear(r);
  return e;
}

static fst_err pg_session(fst_store *s) {
  return pg_script(s, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

/* A transaction starts on a live connection: one the server dropped (a
** restart, a terminated backend) is reset first -- only here, at a
** transaction's start, so no statement of a transaction ever runs on a
** fresh session outside it. */
static fst_err pg_begin(fst_store *s) {
  fst_err e = PQstatus(s->conn) == CONNECTION_OK ? pg_script(s, "BEGIN") : FST_ERR_CONNECT;
  if (e == FST_ERR_OK || PQstatus(s->conn) == CONNECTION_OK) return e;
  /* the connection is gone (found out now, or before): once more on a new one */
  PQreset(s->conn);
  if (s->priv) ((pg_cache *)s->priv)->n = 0;   /* a new session: nothing prepared */
  if (PQstatus(s->conn) != CONNECTION_OK) return pg_res_err(s, NULL, "reconnect");
  if ((e = pg_session(s))) return e;
  return pg_script(s, "BEGIN");
}
static fst_err pg_commit(fst_store *s) { return pg_script(s, "COMMIT"); }
static void pg_rollback(fst_store *s) {
  if (PQtransactionStatus(s->conn) != PQTRANS_IDLE) PQclear(PQexec(s->conn, "ROLLBACK"));
}
static void pg_close(fst_store *s) {
  if (s->conn) PQfinish(s->conn);
  s->conn = NULL;
  free(s->priv);
  s->priv = NULL;
}

static void pg_notice(void *arg, const char *msg) { (void)arg; (void)msg; }

fst_err fst_pg_open(fst_store *s, const char *url) {
  s->b = &fst_pg_backend;
  s->priv = calloc(1, sizeof(pg_cache));
  if (!s->priv) return fst_fail(s, FST_ERR_NOMEM, "out of memory");
  PGconn *c = PQconnectdb(url);
  s->conn = c;
  if (!c) return fst_fail(s, FST_ERR_NOMEM, "out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    const char *m = PQerrorMessage(c);
    size_t n = strlen(m);
    while (n && m[n - 1] == '\n') n--;
    return fst_fail(s, FST_ERR_CONNECT, "postgresql connect: %.*s", (int)n, m);
  }
  PQsetNoticeProcessor(c, pg_notice, NULL);
  return pg_session(s);
}

const fst_driver fst_pg_backend = {
  .name = "postgresql",
  .exec = pg_exec,
  .script = pg_script,
  .begin = pg_begin,
  .commit = pg_commit,
  .rollback = pg_rollback,
  .close = pg_close,
  .schema_v1 = fst_schema_pg_v1,
  .schema_v2 = fst_schema_pg_v2,
  .claim_sql = "SELECT id FROM deployments WHERE settled = 0 AND lease_until < $1"
               " ORDER BY lease_until, id LIMIT 1 FOR UPDATE SKIP LOCKED",
  .migrate_lock = "SELECT pg_advisory_xact_lock(1414)",
};
