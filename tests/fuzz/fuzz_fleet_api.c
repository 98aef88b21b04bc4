/*
** fuzz_fleet_api.c -- the fleet API's request handling (fapi_handle) on an
** in-memory SQLite store. Input: byte 0 picks the caller's token (none,
** viewer, operator, admin, garbage), byte 1 the method; then the path up
** to '\n', header lines "Name: value" up to an empty line, then the body.
** Every answer must be a well-formed response: a status 200..599, the
** security headers, and for JSON a body jansson can parse. A fixed live
** session (cookie cockpit_session=0...01) lets inputs use the cookie.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fleet_api.h"

static fapi *api;
static fst_store *store;
static char tokens[3][FAPI_TOKEN_LEN + 1];
static char tmpdir[] = "/tmp/fuzz-fleet-XXXXXX";

/* the key pair in the temp dir goes when the run ends */
static void cleanup(void) {
  char p[64];
  snprintf(p, sizeof p, "%s/fleet.key", tmpdir);
  unlink(p);
  snprintf(p, sizeof p, "%s/fleet.pub", tmpdir);
  unlink(p);
  rmdir(tmpdir);
}

/* commands go out through this: every other publish "fails" (the broker
** away), so both the sent and the pending paths run */
static int fake_publish(void *user, const char *topic, const void *payload, size_t len, uint32_t expiry_s) {
  static unsigned n;
  (void)user, (void)topic, (void)payload, (void)len, (void)expiry_s;
  return n++ % 2;
}

static void setup(void) {
  char *dir = tmpdir;
  if (!mkdtemp(dir)) abort();
  atexit(cleanup);
  char err[256], key[4096];
  if (fst_open(NULL, "sqlite::memory:", &store, err, sizeof err)) abort();
  if (fapi_fleet_key(dir, key, sizeof key, err, sizeof err) != FAPI_KEY_OK) abort();
  for (int r = 0; r < 3; r++) {
    /* fixed tokens, so the corpus can carry them */
    snprintf(tokens[r], sizeof tokens[r], "cpt_%064d", r + 1);
    char h[65];
    fapi_token_hash(tokens[r], h);
    if (fst_token_add(store, h, (fst_role)(FST_ROLE_VIEWER + r), "fuzz", NULL)) abort();
  }
  fst_device d = { .online = true };
  strcpy(d.id, "dev-1");
  fst_device_upsert(store, &d);
  /* an artifact deployments can name (seeds/fleet_api/deploy) */
  fst_artifact a = { .size = 1, .counter = 1, .created = 1 };
  memset(a.sha256, 'a', 64);
  strcpy(a.version, "1.0.0");
  strcpy(a.filename, "f.c");
  if (fst_artifact_put(store, &a, (const uint8_t *)"x", 1)) abort();
  /* a live operator session with a fixed id (seeds/fleet_api/session_*):
  ** cockpit_session=00..01, its CSRF token as fapi_session.c derives it */
  char sid[65], sh[65];
  snprintf(sid, sizeof sid, "%064d", 1);
  fapi_token_hash(sid, sh);
  if (fst_session_add(store, sh, 2, INT64_MAX / 2)) abort();
  fapi_config cfg = { .store = store, .key_path = key, .max_body = 4096, .publish = fake_publish };
  api = fapi_new(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!api) setup();
  if (size < 2) return 0;
  static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "HEAD", "" };
  char auth[128];
  fapi_header h[8];
  size_t nh = 0;
  int who = data[0] % 5;
  if (who >= 1 && who <= 3) {
    snprintf(auth, sizeof auth, "Bearer %s", tokens[who - 1]);
    h[nh++] = (fapi_header){ "Authorization", auth };
  } else if (who == 4) {
    h[nh++] = (fapi_header){ "Authorization", "Bearer cpt_garbage" };
  }
  const char *method = methods[data[1] % 6];
  char *buf = malloc(size - 1);
  memcpy(buf, data + 2, size - 2);
  buf[size - 2] = 0;
  size_t blen = size - 2;
  char *p = buf, *end = buf + blen;
  char *nl = memchr(p, '\n', (size_t)(end - p));
  const char *path = p;
  if (nl) {
    *nl = 0;
    p = nl + 1;
    while (p < end && nh < 8) {
      nl = memchr(p, '\n', (size_t)(end - p));
      if (!nl) break;
      *nl = 0;
      if (p == nl) { p = nl + 1; break; }
      char *colon = strchr(p, ':');
      if (colon) {
        *colon = 0;
        h[nh++] = (fapi_header){ p, colon[1] == ' ' ? colon + 2 : colon + 1 };
      }
      p = nl + 1;
    }
  } else {
    p = end;
  }
  fapi_request rq = { method, path, h, nh, (const uint8_t *)p, (size_t)(end - p) };
  fapi_response rs;
  fapi_handle(api, &rq, &rs);
  if (rs.status < 200 || rs.status > 599 || !rs.body) abort();
  if (rs.content_type && !strcmp(rs.content_type, "application/json")) {
    json_t *v = json_loadb((const char *)rs.body, rs.len, 0, NULL);
    if (!v) abort();
    if (rs.status >= 400 && (!json_is_string(json_object_get(v, "error")) || !json_is_string(json_object_get(v, "detail"))))
      abort();
    json_decref(v);
  }
  /* every answer carries the security headers */
  fapi_header oh[FAPI_MAX_RESPONSE_HEADERS];
  size_t n = fapi_response_headers(&rs, oh, FAPI_MAX_RESPONSE_HEADERS), csp = 0;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(oh[i].name, "Content-Security-Policy") && strstr(oh[i].value, "frame-ancestors 'none'")) csp++;
  if (csp != 1) abort();
  fapi_response_free(&rs);
  free(buf);
  return 0;
}
