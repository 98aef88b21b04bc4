/*
** fst_int.h -- inside the store: the backend interface under fst_store.c.
**
** A backend runs one constant SQL text with parameters $1..$N (both SQLite
** and PostgreSQL accept that spelling), returning rows as text cells. The
** schema is one template (fst_schema.c) instantiated with each backend's
** column types.
*/
#ifndef FST_INT_H
#define FST_INT_H

#include <stdio.h>

#include "fleet_store.h"

/* The most parameters one statement may take (telemetry's multi-row
** INSERT: 64 rows of 6); SQLite allows 32766 since 3.32. */
#define FST_MAX_PARAMS 512

typedef enum fst_ptype { FST_P_NULL, FST_P_INT, FST_P_REAL, FST_P_TEXT, FST_P_BLOB } fst_ptype;

typedef struct fst_param {
  fst_ptype t;
  int64_t i;
  double d;
  const void *s;             /* text (NUL-terminated) or blob bytes */
  size_t len;                /* blob length */
} fst_param;

#define P_INT(v)    ((fst_param){ FST_P_INT, (int64_t)(v), 0, NULL, 0 })
#define P_REAL(v)   ((fst_param){ FST_P_REAL, 0, (v), NULL, 0 })
#define P_TEXT(v)   fst_p_text(v)
#define P_BLOB(p, n) ((fst_param){ FST_P_BLOB, 0, 0, (p), (n) })
static inline fst_param fst_p_text(const char *v) {
  fst_param p = { v ? FST_P_TEXT : FST_P_NULL, 0, 0, v, 0 };
  return p;
}

/* One cell: s NULL for SQL NULL; otherwise NUL-terminated (len excludes it;
** blobs may contain NULs). */
typedef struct fst_cell { char *s; size_t len; } fst_cell;
typedef struct fst_rows { int nrows, ncols; fst_cell *cells; } fst_rows;

void fst_rows_free(fst_rows *r);
static inline const fst_cell *fst_cell_at(const fst_rows *r, int row, int col) {
  return &r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}

typedef struct fst_driver {
  const char *name;
  /* One statement; rows (may be NULL) get the result, *changes (may be NULL)
  ** the rows an INSERT/UPDATE/DELETE touched. */
  fst_err (*exec)(fst_store *s, const char *sql, const fst_param *p, int np,
                  fst_rows *rows, int64_t *changes);
  /* Several statements without parameters (schema). */
  fst_err (*script)(fst_store *s, const char *sql);
  fst_err (*begin)(fst_store *s);        /* a write transaction */
  fst_err (*commit)(fst_store *s);
  void (*rollback)(fst_store *s);
  void (*close)(fst_store *s);
  const char *schema_v1;                 /* fst_schema.c */
  const char *schema_v2;                 /* the v1 -> v2 migration */
  const char *claim_sql;                 /* pick a claimable deployment */
  const char *migrate_lock;              /* run first in the migration tx, or NULL */
} fst_driver;

struct fst_store {
  const fst_driver *b;
  void *conn;
  void *priv;
  bool in_tx;                            /* fst_begin by the caller */
  char err[512];
};

fst_err fst_fail(fst_store *s, fst_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

extern const fst_driver fst_sqlite_backend;
extern const fst_driver fst_pg_backend;
fst_err fst_sqlite_open(fst_store *s, const char *path);
fst_err fst_pg_open(fst_store *s, const char *url);

extern const char fst_schema_sqlite_v1[];
extern const char fst_schema_pg_v1[];
extern const char fst_schema_sqlite_v2[];
extern const char fst_schema_pg_v2[];
extern const char fst_schema_v3[];   /* both backends */
extern const char fst_schema_v4[];   /* both backends */

#endif /* FST_INT_H */
