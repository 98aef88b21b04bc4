/*
** test_session.c -- the dashboard's sessions and files through fapi_handle:
** sign in for a cookie (HttpOnly, SameSite=Strict, Secure over TLS), the
** cookie as the token, CSRF refusals, roles, sign out, revoked tokens and
** expiry ending sessions; the security headers on every answer; the
** embedded files with their types, ETags and no way out of the table.
**   test_session DIR [DB]
*/
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "fleet_api.h"
#include "fst_int.h"   /* the migration case: make a v1 store by hand */
#include "tcheck.h"

static fapi *api, *api_tls;

typedef struct answer {
  int status;
  json_t *json;
  char cookie[256], type[128], etag[80], cache[64], csp[512], nosniff[32], referrer[32];
  size_t len;
} answer;

/* One request; hdrs: "Name: value" strings, NULL-terminated. */
static void req(fapi *a, const char *method, const char *path, const char *body, const char *const *hdrs,
                answer *out) {
  fapi_header h[8];
  char names[8][64];
  size_t nh = 0;
  for (; hdrs && hdrs[nh] && nh < 8; nh++) {
    const char *c = strchr(hdrs[nh], ':');
    snprintf(names[nh], sizeof names[nh], "%.*s", (int)(c - hdrs[nh]), hdrs[nh]);
    h[nh] = (fapi_header){ names[nh], c + 2 };
  }
  fapi_request rq = { method, path, h, nh, (const uint8_t *)body, body ? strlen(body) : 0 };
  fapi_response rs;
  fapi_handle(a, &rq, &rs);
  memset(out, 0, sizeof *out);
  out->status = rs.status;
  out->len = rs.len;
  out->json = rs.len ? json_loadb((const char *)rs.body, rs.len, 0, NULL) : NULL;
  fapi_header oh[FAPI_MAX_RESPONSE_HEADERS];
  size_t n = fapi_response_headers(&rs, oh, FAPI_MAX_RESPONSE_HEADERS);
  for (size_t i = 0; i < n; i++) {
    char *dst = NULL;
    size_t cap = 0;
#define H(k, f) if (!strcasecmp(oh[i].name, k)) { dst = out->f; cap = sizeof out->f; }
    H("Set-Cookie", cookie) H("Content-Type", type) H("ETag", etag) H("Cache-Control", cache)
    H("Content-Security-Policy", csp) H("X-Content-Type-Options", nosniff) H("Referrer-Policy", referrer)
#undef H
    if (dst) snprintf(dst, cap, "%s", oh[i].value);
  }
  fapi_response_free(&rs);
}
static void done(answer *a) { json_decref(a->json); a->json = NULL; }

static const char *jstr(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* Sign in with a token: the session id (from Set-Cookie) and its CSRF token. */
static int sign_in(fapi *a, const char *token, char sid[128], char csrf[80]) {
  char body[160];
  snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
  static const char *const ct[] = { "Content-Type: application/json", NULL };
  answer r;
  req(a, "POST", "/api/v1/session", body, ct, &r);
  int st = r.status;
  sid[0] = csrf[0] = 0;
  const char *v = strstr(r.cookie, FAPI_SESSION_COOKIE "=");
  if (v) sscanf(v + strlen(FAPI_SESSION_COOKIE) + 1, "%127[^;]", sid);
  snprintf(csrf, 80, "%s", jstr(r.json, "csrf"));
  done(&r);
  return st;
}

/* A request with the session cookie and (when csrf is given) the header. */
static int with_session(const char *method, const char *path, const char *body, const char *sid, const char *csrf,
                        answer *out) {
  char cookie[200], x[120];
  snprintf(cookie, sizeof cookie, "Cookie: theme=dark; " FAPI_SESSION_COOKIE "=%s; other=1", sid);
  snprintf(x, sizeof x, FAPI_CSRF_HEADER ": %s", csrf ? csrf : "");
  const char *h[] = { cookie, "Content-Type: application/json", csrf ? x : NULL, NULL };
  req(api, method, path, body, h, out);
  return out->status;
}

int main(int argc, char **argv) {
  REQUIRE(argc >= 2, "usage: test_session DIR [DB]");
  fst_store *s;
  char err[512], key[4096];
  REQUIRE(fst_open(argv[1], argc > 2 ? argv[2] : NULL, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  REQUIRE(fapi_fleet_key(argv[1], key, sizeof key, err, sizeof err) == FAPI_KEY_OK, "%s", err);
  CHECK(fst_schema_version(s) == FST_SCHEMA_VERSION);
  char op[FAPI_TOKEN_LEN + 1], viewer[FAPI_TOKEN_LEN + 1], gone[FAPI_TOKEN_LEN + 1];
  int64_t op_id, viewer_id, gone_id;
  REQUIRE(fapi_token_create(s, FST_ROLE_OPERATOR, "op", op, &op_id) == FST_ERR_OK);
  REQUIRE(fapi_token_create(s, FST_ROLE_VIEWER, "view", viewer, &viewer_id) == FST_ERR_OK);
  REQUIRE(fapi_token_create(s, FST_ROLE_OPERATOR, "gone", gone, &gone_id) == FST_ERR_OK);
  fapi_config cfg = { .store = s, .key_path = key };
  api = fapi_new(&cfg);
  cfg.secure_cookie = true;
  api_tls = fapi_new(&cfg);
  REQUIRE(api && api_tls);
  fst_device d = { .online = true, .last_seen = fst_now_ms() };
  strcpy(d.id, "dev-1");
  REQUIRE(fst_device_upsert(s, &d) == FST_ERR_OK);

  /* sign in: bad requests first */
  answer r;
  static const char *const ct[] = { "Content-Type: application/json", NULL };
  static const char *const form[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
  req(api, "POST", "/api/v1/session", "{\"token\":\"cpt_nope\"}", ct, &r);
  CHECK(r.status == 401 && !r.cookie[0] && !strcmp(jstr(r.json, "error"), "unauthorized"));
  done(&r);
  req(api, "POST", "/api/v1/session", "token=x", form, &r);
  CHECK(r.status == 400 && !r.cookie[0]);
  done(&r);
  req(api, "POST", "/api/v1/session", "{\"token\":\"x\"}", NULL, &r);   /* no Content-Type: not from a page */
  CHECK(r.status == 400);
  done(&r);
  req(api, "POST", "/api/v1/session", "{\"token\":1}", ct, &r);
  CHECK(r.status == 400);
  done(&r);
  req(api, "POST", "/api/v1/session", "{\"token\":\"x\",\"role\":\"admin\"}", ct, &r);
  CHECK(r.status == 400);
  done(&r);

  /* the cookie: HttpOnly, SameSite=Strict, Path=/, Secure only over TLS */
  char body[160];
  snprintf(body, sizeof body, "{\"token\":\"%s\"}", op);
  req(api, "POST", "/api/v1/session", body, ct, &r);
  CHECK(r.status == 201);
  CHECK(strstr(r.cookie, "HttpOnly") && strstr(r.cookie, "SameSite=Strict") && strstr(r.cookie, "Path=/") &&
        !strstr(r.cookie, "Secure"));
  CHECK(!strcmp(jstr(r.json, "role"), "operator") && !strcmp(jstr(r.json, "via"), "session") &&
        strlen(jstr(r.json, "csrf")) == 64 && !strstr(r.cookie, jstr(r.json, "csrf")));
  CHECK(!strstr(r.cookie, op));   /* the token itself is never the cookie */
  done(&r);
  req(api_tls, "POST", "/api/v1/session", body, ct, &r);
  CHECK(r.status == 201 && strstr(r.cookie, "; Secure"));
  done(&r);

  char sid[128], csrf[80], vsid[128], vcsrf[80];
  CHECK(sign_in(api, op, sid, csrf) == 201 && strlen(sid) == 64 && strlen(csrf) == 64);
  CHECK(sign_in(api, viewer, vsid, vcsrf) == 201 && strcmp(sid, vsid) && strcmp(csrf, vcsrf));

  /* the cookie authenticates reads; GET /session gives the same CSRF token */
  CHECK(with_session("GET", "/api/v1/devices", NULL, sid, NULL, &r) == 200);
  done(&r);
  CHECK(with_session("GET", "/api/v1/session", NULL, sid, NULL, &r) == 200 && !strcmp(jstr(r.json, "csrf"), csrf) &&
        !strcmp(jstr(r.json, "name"), "op") && json_integer_value(json_object_get(r.json, "token_id")) == op_id);
  done(&r);

  /* writes with the cookie need the CSRF header: none, wrong, another session's */
  const char *tags = "{\"tags\":[\"lab\"]}";
  CHECK(with_session("PUT", "/api/v1/devices/dev-1/tags", tags, sid, NULL, &r) == 403 &&
        strstr(jstr(r.json, "detail"), FAPI_CSRF_HEADER));
  done(&r);
  char wrong[80];
  snprintf(wrong, sizeof wrong, "%s", csrf);
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  CHECK(with_session("PUT", "/api/v1/devices/dev-1/tags", tags, sid, wrong, &r) == 403);
  done(&r);
  CHECK(with_session("PUT", "/api/v1/devices/dev-1/tags", tags, sid, vcsrf, &r) == 403);
  done(&r);
  CHECK(with_session("PUT", "/api/v1/devices/dev-1/tags", tags, sid, "", &r) == 403);
  done(&r);
  fst_device got;
  CHECK(fst_device_get(s, "dev-1", &got) == FST_ERR_OK && got.ntags == 0);   /* nothing changed */
  fst_device_free(&got);
  CHECK(with_session("PUT", "/api/v1/devices/dev-1/tags", tags, sid, csrf, &r) == 200);
  done(&r);
  CHECK(fst_device_get(s, "dev-1", &got) == FST_ERR_OK && got.ntags == 1);
  fst_device_free(&got);

  /* a viewer's session: reads; a write with its own CSRF token is still the viewer's (403 role) */
  CHECK(with_session("GET", "/api/v1/devices/dev-1", NULL, vsid, NULL, &r) == 200);
  done(&r);
  CHECK(with_session("PUT", "/api/v1/devices/dev-1/tags", "{\"tags\":[]}", vsid, vcsrf, &r) == 403 &&
        strstr(jstr(r.json, "detail"), "role"));
  done(&r);
  CHECK(with_session("POST", "/api/v1/builds", "{\"source\":\"\",\"filename\":\"a.c\"}", vsid, NULL, &r) == 403);
  done(&r);

  /* a bearer token goes first: the cookie is not looked at */
  char auth[128];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", viewer);
  char cookie[200];
  snprintf(cookie, sizeof cookie, "Cookie: " FAPI_SESSION_COOKIE "=%s", sid);
  const char *both[] = { auth, cookie, "Content-Type: application/json", NULL };
  req(api, "PUT", "/api/v1/devices/dev-1/tags", tags, both, &r);
  CHECK(r.status == 403);
  done(&r);
  const char *bearer[] = { auth, NULL };
  req(api, "GET", "/api/v1/session", NULL, bearer, &r);
  CHECK(r.status == 200 && !strcmp(jstr(r.json, "via"), "bearer") && json_is_null(json_object_get(r.json, "csrf")));
  done(&r);
  req(api, "DELETE", "/api/v1/session", NULL, bearer, &r);
  CHECK(r.status == 400);
  done(&r);

  /* bad cookies: malformed, unknown */
  CHECK(with_session("GET", "/api/v1/devices", NULL, "x'; DROP TABLE sessions; --", NULL, &r) == 401 &&
        strstr(r.cookie, "Max-Age=0"));
  done(&r);
  char unknown[65];
  memset(unknown, 'a', 64);
  unknown[64] = 0;
  CHECK(with_session("GET", "/api/v1/devices", NULL, unknown, NULL, &r) == 401);
  done(&r);

  /* signing out: DELETE needs the CSRF header too, then the cookie is dead */
  CHECK(with_session("DELETE", "/api/v1/session", NULL, sid, NULL, &r) == 403);
  done(&r);
  CHECK(with_session("DELETE", "/api/v1/session", NULL, sid, csrf, &r) == 200 && strstr(r.cookie, "Max-Age=0"));
  done(&r);
  CHECK(with_session("GET", "/api/v1/devices", NULL, sid, NULL, &r) == 401);
  done(&r);

  /* revoking a token ends its sessions */
  char gsid[128], gcsrf[80];
  CHECK(sign_in(api, gone, gsid, gcsrf) == 201);
  CHECK(with_session("GET", "/api/v1/devices", NULL, gsid, NULL, &r) == 200);
  done(&r);
  CHECK(fst_token_revoke(s, gone_id) == FST_ERR_OK);
  CHECK(with_session("GET", "/api/v1/devices", NULL, gsid, NULL, &r) == 401);
  done(&r);
  CHECK(sign_in(api, gone, gsid, gcsrf) == 401);
  int64_t pruned = 0;
  CHECK(fst_session_prune(s, fst_now_ms(), &pruned) == FST_ERR_OK && pruned >= 1);

  /* expiry: a session stored as expired is refused */
  char hash[65], esid[65];
  memset(esid, 'b', 64);
  esid[64] = 0;
  fapi_token_hash(esid, hash);
  CHECK(fst_session_add(s, hash, viewer_id, fst_now_ms() - 1) == FST_ERR_OK);
  CHECK(with_session("GET", "/api/v1/devices", NULL, esid, NULL, &r) == 401);
  done(&r);
  CHECK(fst_session_add(s, hash, gone_id, fst_now_ms() + 60000) != FST_ERR_OK);   /* duplicate, revoked */

  /* the security headers are on every answer: a file, JSON, an error */
  const char *paths[] = { "/", "/api/v1/health", "/api/v1/devices", "/nothing.js" };
  for (int i = 0; i < 4; i++) {
    req(api, "GET", paths[i], NULL, NULL, &r);
    CHECK(strstr(r.csp, "frame-ancestors 'none'") && strstr(r.csp, "script-src 'self'") && !strstr(r.csp, "unsafe"));
    CHECK(!strcmp(r.nosniff, "nosniff") && r.referrer[0]);
    done(&r);
  }

  /* the dashboard's files */
  req(api, "GET", "/", NULL, NULL, &r);
  CHECK(r.status == 200 && !strncmp(r.type, "text/html", 9) && r.etag[0] == '"' && !strcmp(r.cache, "no-cache"));
  char etag[80], inm[100];
  snprintf(etag, sizeof etag, "%s", r.etag);
  done(&r);
  snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
  const char *cond[] = { inm, NULL };
  req(api, "GET", "/", NULL, cond, &r);
  CHECK(r.status == 304 && r.len == 0);
  done(&r);
  req(api, "GET", "/index.html", NULL, cond, &r);
  CHECK(r.status == 304);
  done(&r);
  req(api, "GET", "/app.js", NULL, NULL, &r);
  CHECK(r.status == 200 && !strncmp(r.type, "text/javascript", 15) && r.len > 0 && strcmp(r.etag, etag));
  done(&r);
  req(api, "GET", "/style.css", NULL, NULL, &r);
  CHECK(r.status == 200 && !strncmp(r.type, "text/css", 8));
  done(&r);
  req(api, "GET", "/uPlot.iife.min.js", NULL, NULL, &r);
  CHECK(r.status == 200 && !strncmp(r.type, "text/javascript", 15));
  done(&r);
  req(api, "GET", "/api/v1/devices", NULL, NULL, &r);
  CHECK(r.status == 401 && !strcmp(r.cache, "no-store"));
  done(&r);
  /* nothing outside the table: traversal, encoded or not, the data dir's files */
  const char *bad[] = { "/..%2ffleet.key", "/%2e%2e%2fetc%2fpasswd", "/../fleet.db", "/fleet.key", "/.%2e/index.html",
                        "/index.html%00.js", "/%2findex.html", "//index.html", "/web/index.html", "/api" };
  for (int i = 0; i < 10; i++) {
    req(api, "GET", bad[i], NULL, NULL, &r);
    CHECK(r.status == 404 || r.status == 400 || r.status == 401);   /* 401: no such route, asked without a token */
    CHECK(!r.type[0] || !strncmp(r.type, "application/json", 16));
    done(&r);
  }
  const char *bearer_ct[] = { auth, "Content-Type: application/json", NULL };
  for (int i = 0; i < 10; i++) {
    req(api, "GET", bad[i], NULL, bearer, &r);
    CHECK(r.status == 404 || r.status == 400);
    done(&r);
  }
  req(api, "POST", "/", "{}", bearer_ct, &r);
  CHECK(r.status == 405);
  done(&r);
  req(api, "GET", "/?x=1", NULL, NULL, &r);
  CHECK(r.status == 400);
  done(&r);

  fapi_free(api);
  fapi_free(api_tls);

  /* a store of schema v2 (before sessions and commands) is migrated when
  ** opened: its tokens sign in */
  CHECK(s->b->script(s, "DROP TABLE sessions") == FST_ERR_OK);
  CHECK(s->b->script(s, "DROP TABLE commands; DELETE FROM counters WHERE name = 'commands'") == FST_ERR_OK);
  CHECK(s->b->script(s, "UPDATE fleet_meta SET value = '2' WHERE key = 'schema_version'") == FST_ERR_OK);
  CHECK(fst_schema_version(s) == 2);
  fst_close(s);
  REQUIRE(fst_open(argv[1], argc > 2 ? argv[2] : NULL, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  CHECK(fst_schema_version(s) == FST_SCHEMA_VERSION);
  {
    fst_command *cv;
    size_t cn;
    CHECK(fst_command_list(s, "dev-1", 0, &cv, &cn) == FST_ERR_OK && cn == 0, "v4's commands table");
    free(cv);
  }
  cfg.store = s;
  cfg.secure_cookie = false;
  api = fapi_new(&cfg);
  CHECK(sign_in(api, viewer, vsid, vcsrf) == 201);
  CHECK(with_session("GET", "/api/v1/session", NULL, vsid, NULL, &r) == 200 && !strcmp(jstr(r.json, "role"), "viewer"));
  done(&r);
  fapi_free(api);
  fst_close(s);
  return t_done("fleet.session");
}
