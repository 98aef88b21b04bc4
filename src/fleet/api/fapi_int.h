/*
** fapi_int.h -- inside the API: the request context handlers get, and the
** helpers they share (fapi.c).
*/
#ifndef FAPI_INT_H
#define FAPI_INT_H

#include <jansson.h>

#include "fleet_api.h"
#include "fleet_cmd.h"

#define FAPI_MAX_PARAMS 4
#define FAPI_MAX_QUERY 16
#define FAPI_SEG_MAX 256

struct fapi {
  fst_store *store;
  char key_path[4096];
  size_t max_body;
  bool url_ok;                 /* url_secret loaded (fapi_urls.c) */
  uint8_t url_secret[32];
  bool secure_cookie;
  int64_t session_ttl_s;
  fcmd_publisher pub;          /* commands (fapi_cmd.c) */
};

typedef struct fapi_ctx {
  fapi *a;
  fst_store *s;
  const fapi_request *rq;
  fapi_response *rs;
  int nparams;
  char params[FAPI_MAX_PARAMS][FAPI_SEG_MAX];   /* {name} segments, decoded */
  int nquery;
  char *qkey[FAPI_MAX_QUERY], *qval[FAPI_MAX_QUERY];
  const char *allowed_query;                    /* the route's list */
  fst_token tok;                                /* the caller (name "" if none) */
  char detail[512];                             /* for the audit row */
  bool via_session;                             /* authenticated by the cookie */
  char sid_hash[65];                            /* its session's SHA-256 */
  char csrf[65];                                /* its CSRF token */
  int64_t session_expires;
} fapi_ctx;

typedef void fapi_handler(fapi_ctx *c);
#define X(m, p, r, fn, q, s) fapi_handler fn;
#include "fleet_routes.def"
#undef X

/* A JSON error response; returns false (for `return fapi_fail(...)`). */
bool fapi_fail(fapi_ctx *c, fapi_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The store's failure as an API error (404, 409, 503, 500...). */
bool fapi_store_fail(fapi_ctx *c, fst_err e);
/* Respond with a JSON value (reference stolen). */
void fapi_json(fapi_ctx *c, int status, json_t *v);
/* Raw bytes (copied). */
void fapi_bytes(fapi_ctx *c, int status, const char *type, const uint8_t *p, size_t n);

const char *fapi_header_get(const fapi_request *rq, const char *name);
/* Query parameters: NULL when absent. fapi_q_int: absent -> def; a bad or
** out-of-range value fails the request (400) and returns false. */
const char *fapi_q(fapi_ctx *c, const char *name);
bool fapi_q_int(fapi_ctx *c, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out);

/* The body as a JSON object checked against fields: unknown fields, wrong
** types and missing required ones fail the request (400). */
typedef struct fapi_field { const char *name; json_type type; bool required; } fapi_field;
bool fapi_body(fapi_ctx *c, const fapi_field *fields, size_t nfields, json_t **obj);

/* A token string -> c->tok (FST_ERR_NOTFOUND when malformed, unknown or
** revoked). fapi.c. */
fst_err fapi_token_lookup(fapi_ctx *c, const char *t, size_t n);
/* Authentication by the session cookie (fapi_session.c): true with c->tok
** set, or false with the response filled (401 no or dead session, 403 a
** write without the session's X-CSRF-Token). *present: a cookie was sent. */
bool fapi_session_auth(fapi_ctx *c, bool write);
bool fapi_session_cookie(const fapi_request *rq, char *sid, size_t cap);

/* The dashboard's files, embedded at build time (fapi_web_files.c, made by
** src/fleet/api/embed.cmake from src/fleet/web/ and the chart library). */
typedef struct fapi_web_file {
  const char *name;          /* "app.js" */
  const unsigned char *data;
  size_t len;
  const char *etag;          /* "\"first 32 hex digits of the SHA-256\"" */
} fapi_web_file;
extern const fapi_web_file fapi_web_files[];
extern const size_t fapi_web_nfiles;

/* Path parameter checks (fail with 400): */
bool fapi_check_sha(fapi_ctx *c, const char *v);
bool fapi_check_device_id(fapi_ctx *c, const char *v);

/* Signed artifact URLs (fapi_urls.c). */
bool fapi_url_secret_load(fapi *a);
/* query: what follows '?' in the request path. */
bool fapi_content_sig_ok(const fapi *a, const char *sha, const char *query);

#endif /* FAPI_INT_H */
