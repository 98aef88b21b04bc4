/*
** fapi_session.c -- the dashboard's sessions: /api/v1/session and
** authentication by the session cookie.
**
** POST /api/v1/session {"token"} checks the token and answers with
** Set-Cookie: cockpit_session=ID; HttpOnly; SameSite=Strict; Path=/ (and
** Secure over TLS). ID is 32 random bytes in hex; the store keeps only its
** SHA-256, the token's id and an expiry, so a revoked token ends its
** sessions. A request with the cookie and no Authorization header acts
** with the session's token; if it changes anything (any method but GET)
** it must carry X-CSRF-Token with the session's CSRF token, else 403. The
** CSRF token is SHA-256("cockpit-csrf:" ID): the page learns it from POST
** and GET /api/v1/session (JavaScript cannot read the HttpOnly cookie, and
** another site can read neither answer), the server recomputes it.
*/
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cvm1.h"
#include "fapi_int.h"

#define SID_HEX 64

static bool is_hex64(const char *p, size_t n) {
  if (n != SID_HEX) return false;
  for (size_t i = 0; i < n; i++)
    if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return false;
  return true;
}

/* The cockpit_session value of the Cookie header(s); false when absent. */
bool fapi_session_cookie(const fapi_request *rq, char *sid, size_t cap) {
  static const char name[] = FAPI_SESSION_COOKIE;
  const size_t nl = sizeof name - 1;
  for (size_t i = 0; i < rq->nheaders; i++) {
    if (!rq->headers[i].name || strcasecmp(rq->headers[i].name, "Cookie") || !rq->headers[i].value) continue;
    for (const char *p = rq->headers[i].value; *p;) {
      while (*p == ' ' || *p == ';') p++;
      const char *e = strchr(p, ';');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      if (l > nl && !memcmp(p, name, nl) && p[nl] == '=') {
        size_t vl = l - nl - 1;
        while (vl && p[nl + 1 + vl - 1] == ' ') vl--;
        if (sid && cap) snprintf(sid, cap, "%.*s", (int)vl, p + nl + 1);
        return true;
      }
      if (!e) break;
      p = e + 1;
    }
  }
  return false;
}

static void csrf_of(const char *sid, char out[65]) {
  char buf[16 + SID_HEX + 1];
  snprintf(buf, sizeof buf, "cockpit-csrf:%s", sid);
  uint8_t d[32];
  cvm1_sha256(buf, strlen(buf), d);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void set_cookie(fapi_ctx *c, const char *value, int64_t max_age) {
  snprintf(c->rs->set_cookie, sizeof c->rs->set_cookie, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
           FAPI_SESSION_COOKIE, value, (long long)max_age, c->a->secure_cookie ? "; Secure" : "");
}

bool fapi_session_auth(fapi_ctx *c, bool write) {
  char sid[SID_HEX + 2] = "";
  fapi_session_cookie(c->rq, sid, sizeof sid);
  fst_err e = FST_ERR_NOTFOUND;
  if (is_hex64(sid, strlen(sid))) {
    fapi_token_hash(sid, c->sid_hash);
    e = fst_session_find(c->s, c->sid_hash, fst_now_ms(), &c->tok, &c->session_expires);
  }
  if (e == FST_ERR_NOTFOUND) {
    memset(&c->tok, 0, sizeof c->tok);
    set_cookie(c, "", 0);   /* forget the dead cookie */
    return fapi_fail(c, FAPI_ERR_UNAUTHORIZED, "the session has ended (signed out, expired or its token revoked)");
  }
  if (e) return fapi_store_fail(c, e);
  c->via_session = true;
  csrf_of(sid, c->csrf);
  if (write) {
    const char *h = fapi_header_get(c->rq, FAPI_CSRF_HEADER);
    if (!h || strlen(h) != 64 || CRYPTO_memcmp(h, c->csrf, 64))
      return fapi_fail(c, FAPI_ERR_FORBIDDEN, "a change made with a session cookie needs the session's %s header",
                       FAPI_CSRF_HEADER);
  }
  return true;
}

static json_t *session_json(fapi_ctx *c) {
  return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "token_id", (json_int_t)c->tok.id, "name", c->tok.name, "role",
                   fst_role_name(c->tok.role), "via", c->via_session ? "session" : "bearer", "csrf",
                   c->via_session ? json_string(c->csrf) : json_null(), "expires",
                   c->via_session ? json_integer(c->session_expires) : json_null());
}

/* POST /api/v1/session {"token"}: sign in. */
void fapi_h_session_create(fapi_ctx *c) {
  static const fapi_field f[] = { { "token", JSON_STRING, true } };
  /* a form of another site cannot send application/json (and a script of
  ** one cannot without a CORS preflight fleetd never answers) */
  const char *ct = fapi_header_get(c->rq, "Content-Type");
  if (!ct || strncasecmp(ct, "application/json", 16)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "Content-Type must be application/json");
    return;
  }
  json_t *o;
  if (!fapi_body(c, f, 1, &o)) return;
  json_t *jt = json_object_get(o, "token");
  fst_err e = fapi_token_lookup(c, json_string_value(jt), json_string_length(jt));
  json_decref(o);
  if (e == FST_ERR_NOTFOUND) {
    fapi_fail(c, FAPI_ERR_UNAUTHORIZED, "unknown or revoked token");
    return;
  }
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  uint8_t r[32];
  char sid[SID_HEX + 1];
  if (RAND_bytes(r, sizeof r) != 1) {
    fapi_fail(c, FAPI_ERR_INTERNAL, "no random bytes for a session id");
    return;
  }
  for (int i = 0; i < 32; i++) snprintf(sid + 2 * i, 3, "%02x", r[i]);
  int64_t now = fst_now_ms();
  fst_session_prune(c->s, now, NULL);   /* best effort: old rows go */
  /* signing in again replaces the session the browser had */
  char old[SID_HEX + 2] = "", oh[65];
  if (fapi_session_cookie(c->rq, old, sizeof old) && is_hex64(old, strlen(old))) {
    fapi_token_hash(old, oh);
    fst_session_delete(c->s, oh);
  }
  fapi_token_hash(sid, c->sid_hash);
  c->session_expires = now + c->a->session_ttl_s * 1000;
  if ((e = fst_session_add(c->s, c->sid_hash, c->tok.id, c->session_expires))) {
    fapi_store_fail(c, e);
    return;
  }
  c->via_session = true;
  csrf_of(sid, c->csrf);
  set_cookie(c, sid, c->a->session_ttl_s);
  snprintf(c->detail, sizeof c->detail, "session for token %lld (%s)", (long long)c->tok.id, fst_role_name(c->tok.role));
  fapi_json(c, 201, session_json(c));
}

/* GET /api/v1/session: who is signed in, and the CSRF token. */
void fapi_h_session(fapi_ctx *c) { fapi_json(c, 200, session_json(c)); }

/* DELETE /api/v1/session: sign out. */
void fapi_h_session_delete(fapi_ctx *c) {
  if (!c->via_session) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "no session cookie: signing out ends a session, not a bearer token");
    return;
  }
  fst_err e = fst_session_delete(c->s, c->sid_hash);
  if (e && e != FST_ERR_NOTFOUND) {
    fapi_store_fail(c, e);
    return;
  }
  set_cookie(c, "", 0);
  snprintf(c->detail, sizeof c->detail, "signed out (token %lld)", (long long)c->tok.id);
  fapi_json(c, 200, json_pack("{s:b}", "signed_out", 1));
}
