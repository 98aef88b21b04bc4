/*
** fapi_tokens.c -- /api/v1/tokens: admins list, create and revoke bearer
** tokens. A token is shown once, in the answer that creates it; the store
** keeps only its SHA-256.
*/
#include <stdlib.h>
#include <string.h>

#include "fapi_int.h"

static json_t *token_json(const fst_token *t) {
  return json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)t->id, "name", t->name, "role",
                   fst_role_name(t->role), "created", (json_int_t)t->created, "revoked",
                   t->revoked ? json_integer(t->revoked) : json_null());
}

void fapi_h_tokens(fapi_ctx *c) {
  fst_token *v;
  size_t n;
  fst_err e = fst_token_list(c->s, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, token_json(&v[i]));
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "tokens", arr));
}

/* A token's name: 1..127 printable bytes (it goes into every audit row). */
static bool good_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 127) return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) return false;
  return true;
}

void fapi_h_token_create(fapi_ctx *c) {
  static const fapi_field f[] = { { "name", JSON_STRING, true }, { "role", JSON_STRING, true } };
  json_t *o;
  if (!fapi_body(c, f, 2, &o)) return;
  const char *name = json_string_value(json_object_get(o, "name"));
  const char *rs = json_string_value(json_object_get(o, "role"));
  fst_role role = fst_role_parse(rs);
  char tok[FAPI_TOKEN_LEN + 1];
  int64_t id = 0;
  if (strlen(name) != json_string_length(json_object_get(o, "name")) || !good_name(name)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "name: 1..127 printable characters");
  } else if (role == FST_ROLE_NONE) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "role: admin, operator or viewer, not '%.64s'", rs);
  } else {
    fst_err e = fapi_token_create(c->s, role, name, tok, &id);
    if (e) {
      fapi_store_fail(c, e);
    } else {
      snprintf(c->detail, sizeof c->detail, "token %lld (%s) for '%.200s'", (long long)id, fst_role_name(role), name);
      fapi_json(c, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name, "role",
                                  fst_role_name(role), "token", tok));
    }
  }
  json_decref(o);
}

void fapi_h_token_revoke(fapi_ctx *c) {
  const char *p = c->params[0];
  char *end;
  long long id = strtoll(p, &end, 10);
  if (!*p || *end || id <= 0 || strlen(p) > 18) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "a token id is a positive number, not '%.64s'", p);
    return;
  }
  if (id == c->tok.id) {
    fapi_fail(c, FAPI_ERR_CONFLICT, "token %lld is the one making this request; revoke it with another", id);
    return;
  }
  fst_err e = fst_token_revoke(c->s, id);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  snprintf(c->detail, sizeof c->detail, "token %lld revoked", id);
  fapi_json(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}
