/*
** fleet_api.h -- the fleet backend's HTTP API as a plain function: a request
** (method, path with query, headers, body) in, a response (status, headers,
** body) out. No network here: `cockpit fleetd` (src/cli/cmd_fleetd.c) feeds
** it from libmicrohttpd, the tests and the fuzz target call it directly.
**
** Routes are the rows of fleet_routes.def. Bodies are JSON (jansson); errors
** are {"error": CODE, "detail": TEXT} with the status of fapi_errors below.
** Authentication is a bearer token, looked up by its SHA-256 in the store;
** every write (any method but GET) lands in the audit log with the token's
** name. A fapi handle is not thread-safe (nor is its store): serialise calls.
*/
#ifndef FLEET_API_H
#define FLEET_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet_store.h"

/* Error codes of the API: X(name, HTTP status, "code in the JSON body") */
#define FAPI_ERRORS(X) \
  X(MALFORMED,    400, "malformed") \
  X(UNAUTHORIZED, 401, "unauthorized") \
  X(FORBIDDEN,    403, "forbidden") \
  X(NOT_FOUND,    404, "not_found") \
  X(METHOD,       405, "method_not_allowed") \
  X(CONFLICT,     409, "conflict") \
  X(TOO_LARGE,    413, "payload_too_large") \
  X(RANGE,        416, "range_not_satisfiable") \
  X(UNPROCESSABLE, 422, "unprocessable") \
  X(INTERNAL,     500, "internal") \
  X(UNAVAILABLE,  503, "unavailable")

typedef enum fapi_err {
#define X(n, st, code) FAPI_ERR_##n,
  FAPI_ERRORS(X)
#undef X
  FAPI_ERR__COUNT
} fapi_err;
int fapi_err_status(fapi_err e);
const char *fapi_err_code(fapi_err e);

#define FAPI_MAX_BODY_DEFAULT (1024u * 1024u)   /* bytes */
#define FAPI_TOKEN_PREFIX "cpt_"
#define FAPI_TOKEN_LEN 68                        /* prefix + 64 hex digits */

typedef struct fapi_header { const char *name, *value; } fapi_header;

typedef struct fapi_request {
  const char *method;        /* "GET", ... */
  const char *path;          /* "/api/v1/...", with an optional ?query */
  const fapi_header *headers;
  size_t nheaders;           /* names compared case-insensitively */
  const uint8_t *body;
  size_t len;
} fapi_request;

typedef struct fapi_response {
  int status;
  const char *content_type;  /* static string */
  uint8_t *body;             /* malloc'd */
  size_t len;
  char content_range[80];    /* "" or the Content-Range value */
  bool accept_ranges;        /* send "Accept-Ranges: bytes" */
  char allow[32];            /* "" or the Allow value (405) */
  bool www_authenticate;     /* 401: send WWW-Authenticate: Bearer */
  char set_cookie[256];      /* "" or the Set-Cookie value (sessions) */
  char etag[72];             /* "" or the ETag value (static files) */
  const char *cache_control; /* static string; NULL: "no-store" */
} fapi_response;

/* Every header to send with a response: Content-Type, Cache-Control, the
** security headers (Content-Security-Policy, X-Content-Type-Options,
** Referrer-Policy, ...) and those the response asks for (Set-Cookie, ETag,
** Content-Range, Allow, WWW-Authenticate). The values point into rs or are
** static. Returns how many were written (at most cap). */
#define FAPI_MAX_RESPONSE_HEADERS 16
size_t fapi_response_headers(const fapi_response *rs, fapi_header *out, size_t cap);
#define FAPI_MAX_REQUEST_HEADERS 64   /* a server passes at most these */

typedef struct fapi fapi;

typedef struct fapi_config {
  fst_store *store;          /* borrowed */
  const char *key_path;      /* the fleet's Ed25519 private key (PEM) */
  size_t max_body;           /* 0: FAPI_MAX_BODY_DEFAULT */
  bool secure_cookie;        /* served over TLS: session cookies get Secure */
  int64_t session_ttl_s;     /* 0: FAPI_SESSION_TTL_DEFAULT */
  /* Commands (POST /api/v1/devices/{id}/commands, fleet_cmd.h) go out
  ** through this: 0 when the broker took the message, nonzero when it was
  ** not sent (the command stays pending; the daemon's pass sends it).
  ** expiry_s: the MQTT 5 message expiry. NULL: commands are only stored. */
  int (*publish)(void *user, const char *topic, const void *payload, size_t len, uint32_t expiry_s);
  void *publish_user;
} fapi_config;

/* Dashboard sessions (fapi_session.c, docs/fleet-api.md "Sessions"): POST
** /api/v1/session trades a token for an HttpOnly, SameSite=Strict cookie;
** a request with the cookie and no Authorization header is the session's
** token's, and a write made so must carry X-CSRF-Token (403 otherwise). */
#define FAPI_SESSION_COOKIE "cockpit_session"
#define FAPI_SESSION_TTL_DEFAULT (12 * 3600)   /* seconds */
#define FAPI_CSRF_HEADER "X-CSRF-Token"

fapi *fapi_new(const fapi_config *cfg);   /* NULL: out of memory */
/* A signed download URL for one device and artifact, good until exp_s
** (Unix seconds): what a job notify carries (fapi_urls.c). base is the
** fleetd's public https://HOST[:PORT]. -1 without a fleet key or room. */
int fapi_content_url(const fapi *a, const char *base, const char *sha, const char *device, long long exp_s,
                     char *out, size_t cap);
/* A rollback's artifact: the stored artifact sha again under the next
** security counter (cvm1_restamp, the fleet key), stored with its version
** and filename; its sha256 in out. 0 done, 1 no such artifact, -1 failed
** (the store, the key). */
int fapi_restamp(const fapi *a, fst_store *s, const char *sha, char out[65]);
void fapi_free(fapi *a);
/* Always fills rs (free it with fapi_response_free). */
void fapi_handle(fapi *a, const fapi_request *rq, fapi_response *rs);
void fapi_response_free(fapi_response *rs);

/* ---- keys and tokens (shared with the command line) ------------------- */

/* DIR/fleet.key (and fleet.pub): generated when absent; refused when its
** mode lets anyone but the owner read it. path gets the key's path. */
typedef enum fapi_key_err { FAPI_KEY_OK, FAPI_KEY_IO, FAPI_KEY_MODE, FAPI_KEY_BAD } fapi_key_err;
fapi_key_err fapi_fleet_key(const char *dir, char *path, size_t cap, char *err, size_t errlen);

/* A new random token for role and name: stored hashed, the token itself
** (FAPI_TOKEN_LEN chars + NUL) written to out. */
fst_err fapi_token_create(fst_store *s, fst_role role, const char *name, char out[FAPI_TOKEN_LEN + 1],
                          int64_t *id);   /* id may be NULL */
/* SHA-256 of a token as lowercase hex. */
void fapi_token_hash(const char *token, char hex[65]);

/* ---- the route table -------------------------------------------------- */

typedef struct fapi_route_info {
  const char *method, *pattern, *role, *query, *summary;
} fapi_route_info;
extern const fapi_route_info fapi_routes[];
extern const size_t fapi_nroutes;

#endif /* FLEET_API_H */
