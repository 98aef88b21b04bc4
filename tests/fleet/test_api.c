/*
** test_api.c -- fapi_handle without the network, on a store the test fills
** (what ingest will write): devices, tags, drift, logs paging, telemetry
** raw and per step, events, crashes; the dispatch's own errors.
**   test_api DIR [DB]
*/
#include <jansson.h>

#include "fleet_api.h"
#include "fleet_rollout.h"
#include "tcheck.h"

#define EVIL "x'); DROP TABLE devices; -- \"%_\\"

static fapi *api;
/* one deployment per tick: a few, as fleetd does */
static frl_err ticks(fst_store *s, int64_t now, const frl_sender *snd) {
  frl_err r = FRL_ERR_OK;
  for (int i = 0; i < 3; i++) {
    frl_err e = frl_tick(s, now, "t", snd);
    if (e && e != FRL_ERR_IDLE && !r) r = e;
  }
  return r;
}
static int nsent;
static int sent_ok(void *u, const char *dev, const char *job, const char *json) {
  (void)u, (void)dev, (void)job, (void)json;
  nsent++;
  return 0;
}
static char tok[FAPI_TOKEN_LEN + 1];

static int call(const char *method, const char *path, const char *body, json_t **out) {
  char auth[128];
  snprintf(auth, sizeof auth, "Bearer %s", tok);
  fapi_header h[1] = { { "authorization", auth } };
  fapi_request rq = { method, path, h, 1, (const uint8_t *)body, body ? strlen(body) : 0 };
  fapi_response rs;
  fapi_handle(api, &rq, &rs);
  *out = json_loadb((const char *)rs.body, rs.len, 0, NULL);
  int st = rs.status;
  fapi_response_free(&rs);
  return st;
}

int main(int argc, char **argv) {
  REQUIRE(argc >= 2, "usage: test_api DIR [DB]");
  fst_store *s;
  char err[512], key[4096];
  REQUIRE(fst_open(argv[1], argc > 2 ? argv[2] : NULL, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  REQUIRE(fapi_fleet_key(argv[1], key, sizeof key, err, sizeof err) == FAPI_KEY_OK, "%s", err);
  REQUIRE(fapi_token_create(s, FST_ROLE_OPERATOR, "op", tok, NULL) == FST_ERR_OK);
  fapi_config cfg = { .store = s, .key_path = key };
  api = fapi_new(&cfg);

  int64_t now = fst_now_ms();
  fst_device d = { .online = true, .last_seen = now, .uptime_ms = 1234 };
  strcpy(d.id, "dev-1");
  strcpy(d.running_sha, "1111111111111111111111111111111111111111111111111111111111111111");
  strcpy(d.running_version, "1.0.0");
  strcpy(d.vm_state, "running");
  strcpy(d.reset_reason, EVIL);
  d.banks = "[{\"bank\":\"A\",\"confirmed\":true}]";
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK);
  strcpy(d.id, "dev-2");
  d.banks = "not json";
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK);
  CHECK(fst_device_set_desired(s, "dev-1", "2222222222222222222222222222222222222222222222222222222222222222") == 0);

  json_t *v;
  CHECK(call("PUT", "/api/v1/devices/dev-1/tags", "{\"tags\":[\"lab\",\"floor:2\",\"lab\"]}", &v) == 200);
  CHECK(json_array_size(json_object_get(v, "tags")) == 2);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-1", NULL, &v) == 200);
  CHECK(json_is_true(json_object_get(v, "drift")) && json_is_true(json_object_get(v, "online")));
  CHECK(!strcmp(json_string_value(json_object_get(v, "reset_reason")), EVIL));
  CHECK(json_is_array(json_object_get(v, "banks")));
  CHECK(!strcmp(json_string_value(json_object_get(json_object_get(v, "running"), "version")), "1.0.0"));
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-2", NULL, &v) == 200 && json_is_null(json_object_get(v, "banks")) &&
        json_is_false(json_object_get(v, "drift")));
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices?tag=floor:2", NULL, &v) == 200 &&
        json_array_size(json_object_get(v, "devices")) == 1);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices", NULL, &v) == 200 && json_array_size(json_object_get(v, "devices")) == 2);
  json_decref(v);

  /* logs: paging by the cursor */
  fst_log l[5];
  char texts[5][32];
  for (int i = 0; i < 5; i++) {
    snprintf(texts[i], sizeof texts[i], "line %d %s", i, i == 2 ? "'; --" : "");
    l[i] = (fst_log){ "dev-1", "b1", texts[i], i + 1, now };
  }
  size_t ins;
  CHECK(fst_logs_insert(s, l, 5, &ins) == FST_ERR_OK && ins == 5);
  CHECK(call("GET", "/api/v1/devices/dev-1/logs?limit=3", NULL, &v) == 200);
  CHECK(json_array_size(json_object_get(v, "logs")) == 3);
  char path[256];
  snprintf(path, sizeof path, "/api/v1/devices/dev-1/logs?since=%lld&limit=3",
           (long long)json_integer_value(json_object_get(v, "next")));
  json_decref(v);
  CHECK(call("GET", path, NULL, &v) == 200 && json_array_size(json_object_get(v, "logs")) == 2);
  json_decref(v);

  /* telemetry: raw and averaged */
  fst_point p[4] = { { "dev-1", "b1", "temp", 1, 1000, 10 }, { "dev-1", "b1", "temp", 2, 1500, 20 },
                     { "dev-1", "b1", "temp", 3, 2100, 30 }, { "dev-1", "b1", "hum", 3, 2100, 50 } };
  CHECK(fst_telemetry_insert(s, p, 4, &ins) == FST_ERR_OK && ins == 4);
  CHECK(call("GET", "/api/v1/devices/dev-1/telemetry?name=temp&from=0&to=5000", NULL, &v) == 200 &&
        json_array_size(json_object_get(v, "points")) == 3);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-1/telemetry?name=temp&from=0&to=5000&step=1000", NULL, &v) == 200);
  json_t *pts = json_object_get(v, "points");
  CHECK(json_array_size(pts) == 2);
  CHECK(json_real_value(json_object_get(json_array_get(pts, 0), "value")) == 15.0);
  CHECK(json_integer_value(json_object_get(json_array_get(pts, 0), "count")) == 2);
  CHECK(json_integer_value(json_object_get(json_array_get(pts, 1), "time")) == 2000);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-1/telemetry?step=10", NULL, &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-1/telemetry?from=9&to=1", NULL, &v) == 400);
  json_decref(v);

  /* signed artifact URLs: what a job notify gives a copilot instead of a token */
  {
    fst_artifact a = { .size = 3, .counter = 90 };
    strcpy(a.sha256, "efefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefef");
    strcpy(a.version, "9.0.0");
    CHECK(fst_artifact_put(s, &a, (const uint8_t *)"xyz", 3) == FST_ERR_OK);
    long long later = (long long)(now / 1000) + 600, gone = (long long)(now / 1000) - 1;
    char url[300], bad[300];
    CHECK(fapi_content_url(api, "https://f:1", a.sha256, "dev-1", later, url, sizeof url) == 0);
    CHECK(strlen(url) <= 256 && !strncmp(url, "https://f:1/api/v1/artifacts/efef", 33), "%s", url);
    const char *path = url + strlen("https://f:1");
    fapi_request rq = { "GET", path, NULL, 0, NULL, 0 };
    fapi_response rs;
    fapi_handle(api, &rq, &rs);
    CHECK(rs.status == 200 && rs.len == 3 && !memcmp(rs.body, "xyz", 3), "signed URL: %d", rs.status);
    fapi_response_free(&rs);
    fapi_header rg[1] = { { "Range", "bytes=1-" } };
    fapi_request rr = { "GET", path, rg, 1, NULL, 0 };
    fapi_handle(api, &rr, &rs);
    CHECK(rs.status == 206 && rs.len == 2, "signed URL with a Range: %d", rs.status);
    fapi_response_free(&rs);
    /* expired, another device's, tampered, another artifact's, no signature */
    const char *cases[5];
    char c0[300], c1[300], c2[300], c3[300];
    CHECK(fapi_content_url(api, "", a.sha256, "dev-1", gone, c0, sizeof c0) == 0);
    snprintf(c1, sizeof c1, "%s", path);
    char *dv = strstr(c1, "device=dev-1");
    if (dv) dv[11] = '2';
    snprintf(c2, sizeof c2, "%s", path);
    c2[strlen(c2) - 1] ^= 1;
    snprintf(c3, sizeof c3, "%s", path);
    memcpy(strstr(c3, "efef"), "cdcd", 4);
    snprintf(bad, sizeof bad, "/api/v1/artifacts/%s/content", a.sha256);
    cases[0] = c0, cases[1] = c1, cases[2] = c2, cases[3] = c3, cases[4] = bad;
    for (int i = 0; i < 5; i++) {
      fapi_request q = { "GET", cases[i], NULL, 0, NULL, 0 };
      fapi_handle(api, &q, &rs);
      CHECK(rs.status == 401, "bad signed URL %d (%s): %d", i, cases[i], rs.status);
      fapi_response_free(&rs);
    }
    /* the URL opens that one route only */
    char other[300];
    snprintf(other, sizeof other, "/api/v1/artifacts/%s%s", a.sha256, strchr(path, '?'));
    fapi_request q = { "GET", other, NULL, 0, NULL, 0 };
    fapi_handle(api, &q, &rs);
    CHECK(rs.status == 401 || rs.status == 400, "the signature on another route: %d", rs.status);
    fapi_response_free(&rs);
  }

  /* events, crashes */
  fst_event e = { "dev-1", "b1", "reverted", "{\"why\":\"trial failed\"}", 1, now, NULL };
  CHECK(fst_events_insert(s, &e, 1, &ins) == FST_ERR_OK);
  CHECK(call("GET", "/api/v1/devices/dev-1/events", NULL, &v) == 200);
  json_t *e0 = json_array_get(json_object_get(v, "events"), 0);
  CHECK(!strcmp(json_string_value(json_object_get(json_object_get(e0, "detail"), "why")), "trial failed"));
  json_decref(v);
  fst_crash c = { "dev-1", "b1", "main.c", "loop", "1.0.0", d.running_sha, "div by zero", NULL, 1, now, 17, 0x40 };
  CHECK(fst_crashes_insert(s, &c, 1, &ins) == FST_ERR_OK);
  CHECK(call("GET", "/api/v1/devices/dev-1/crashes", NULL, &v) == 200);
  json_t *c0 = json_array_get(json_object_get(v, "crashes"), 0);
  CHECK(json_integer_value(json_object_get(c0, "line")) == 17 &&
        !strcmp(json_string_value(json_object_get(c0, "function")), "loop"));
  json_decref(v);

  /* deployments */
  static const char *ART = "abababababababababababababababababababababababababababababababab";
  fst_artifact art = { .size = 3, .counter = 9, .created = now };
  strcpy(art.sha256, ART);
  strcpy(art.version, "1.1.0");
  strcpy(art.filename, "p.c");
  CHECK(fst_artifact_put(s, &art, (const uint8_t *)"abc", 3) == FST_ERR_OK);
  char body[1024];
#define DEP(fmt, ...) (snprintf(body, sizeof body, fmt, __VA_ARGS__), body)
  CHECK(call("POST", "/api/v1/deployments",
             DEP("{\"artifact\":\"%s\",\"target\":{\"devices\":[\"dev-1\"]},\"stages\":[100],"
                 "\"max_failures\":0,\"job_timeout_s\":60,\"rollback\":true}", ART), &v) == 201);
  int64_t dep = json_integer_value(json_object_get(v, "id"));
  json_t *st0 = json_array_get(json_object_get(v, "stages"), 0);
  json_t *dj = json_array_get(json_object_get(st0, "devices"), 0);
  CHECK(dep > 0 && !strcmp(json_string_value(json_object_get(v, "state")), "running") &&
        json_is_true(json_object_get(v, "rollback")) && json_integer_value(json_object_get(v, "job_timeout_s")) == 60);
  CHECK(!strcmp(json_string_value(json_object_get(dj, "device")), "dev-1") &&
        !strcmp(json_string_value(json_object_get(dj, "state")), "QUEUED") &&
        !strcmp(json_string_value(json_object_get(dj, "previous_sha256")), d.running_sha) &&
        json_is_null(json_object_get(dj, "sent")) && json_is_null(json_object_get(dj, "rollback")));
  CHECK(!strcmp(json_string_value(json_array_get(json_object_get(json_object_get(v, "target"), "devices"), 0)), "dev-1"));
  json_decref(v);
  /* every bad request: its own 400/404/409/422, nothing stored */
  static const struct { const char *body; int status; const char *detail; } bad[] = {
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[\"dev-1\"]}}", 409, "running deployment" },
    { "{\"artifact\":\"%s\",\"target\":{\"tag\":\"floor:2\"}}", 409, "dev-1" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true}}", 409, "dev-1" },
    { "{\"artifact\":\"%s\",\"target\":{\"tag\":\"nobody-has-it\"}}", 422, "no device" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[\"nobody\"]}}", 404, "nobody" },
    { "{\"artifact\":\"%.60s\",\"target\":{\"all\":true}}", 400, "sha256" },
    { "{\"artifact\":\"%.60s0000\",\"target\":{\"all\":true}}", 404, "artifact" },
    { "{\"artifact\":\"%s\",\"target\":{}}", 400, "target is one of" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[\"dev-2\"],\"tag\":\"lab\"}}", 400, "target is one of" },
    { "{\"artifact\":\"%s\",\"target\":{\"device\":[\"dev-2\"]}}", 400, "target is one of" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[]}}", 400, "non-empty" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":\"dev-2\"}}", 400, "non-empty" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[7]}}", 400, "must be a string" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[\"a b\"]}}", 400, "devices[0]" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[\"x'); DROP TABLE jobs; --\"]}}", 400, "devices[0]" },
    { "{\"artifact\":\"%s\",\"target\":{\"devices\":[\"dev-2\",\"dev-2\"]}}", 400, "twice" },
    { "{\"artifact\":\"%s\",\"target\":{\"tag\":5}}", 400, "target.tag" },
    { "{\"artifact\":\"%s\",\"target\":{\"tag\":\"a/b\"}}", 400, "target.tag" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":false}}", 400, "target.all" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[50,40,100]}", 400, "increasing" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[50]}", 400, "last stage" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[]}", 400, "1 to 16" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[\"10\",100]}", 400, "stages[0]" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[0,100]}", 400, "stages[0]" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[10.5,100]}", 400, "stages[0]" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"max_failures\":-1}", 400, "max_failures" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"max_failures\":1.5}", 400, "max_failures" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"job_timeout_s\":0}", 400, "job_timeout_s" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"job_timeout_s\":2592001}", 400, "job_timeout_s" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"rollback\":\"yes\"}", 400, "rollback" },
    { "{\"artifact\":\"%s\",\"target\":{\"all\":true},\"when\":1}", 400, "unknown field" },
    { "{\"artifact\":\"%s\"}", 400, "missing field 'target'" },
    { "{\"artifact\":\"%s\",\"target\":[]}", 400, "target" },
    { "[\"%s\"]", 400, "object" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int stt = call("POST", "/api/v1/deployments", DEP(bad[i].body, ART), &v);
    const char *det = json_string_value(json_object_get(v, "detail"));
    CHECK(stt == bad[i].status && det && strstr(det, bad[i].detail), "case %zu: %d %s", i, stt, det ? det : "-");
    json_decref(v);
  }
  CHECK(call("GET", "/api/v1/deployments", NULL, &v) == 200 && json_array_size(json_object_get(v, "deployments")) == 1);
  json_t *d0 = json_array_get(json_object_get(v, "deployments"), 0);
  CHECK(json_integer_value(json_object_get(json_object_get(d0, "jobs"), "QUEUED")) == 1 &&
        json_integer_value(json_object_get(d0, "devices")) == 1 &&
        !json_object_get(json_array_get(json_object_get(d0, "stages"), 0), "devices"));
  json_decref(v);
  CHECK(call("GET", "/api/v1/deployments/abc", NULL, &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/deployments/0", NULL, &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/deployments/999999", NULL, &v) == 404);
  json_decref(v);
  snprintf(path, sizeof path, "/api/v1/deployments/%lld", (long long)dep);
  CHECK(call("GET", path, NULL, &v) == 200 && json_integer_value(json_object_get(v, "id")) == dep);
  json_decref(v);
  /* a viewer reads, but does not deploy or cancel */
  char optok[sizeof tok];
  memcpy(optok, tok, sizeof tok);
  REQUIRE(fapi_token_create(s, FST_ROLE_VIEWER, "view", tok, NULL) == FST_ERR_OK);
  CHECK(call("GET", path, NULL, &v) == 200);
  json_decref(v);
  CHECK(call("POST", "/api/v1/deployments", DEP("{\"artifact\":\"%s\",\"target\":{\"all\":true}}", ART), &v) == 403);
  json_decref(v);
  snprintf(path, sizeof path, "/api/v1/deployments/%lld/cancel", (long long)dep);
  CHECK(call("POST", path, NULL, &v) == 403);
  json_decref(v);
  memcpy(tok, optok, sizeof tok);
  CHECK(call("POST", path, "{}", &v) == 400);
  json_decref(v);
  CHECK(call("POST", path, NULL, &v) == 200 && !strcmp(json_string_value(json_object_get(v, "state")), "canceled"));
  dj = json_array_get(json_object_get(json_array_get(json_object_get(v, "stages"), 0), "devices"), 0);
  CHECK(!strcmp(json_string_value(json_object_get(dj, "state")), "CANCELED") &&
        !strcmp(json_string_value(json_object_get(dj, "reason")), "canceled"));
  json_decref(v);
  CHECK(call("POST", path, NULL, &v) == 409 && strstr(json_string_value(json_object_get(v, "detail")), "canceled"));
  json_decref(v);
  CHECK(call("POST", "/api/v1/deployments/999999/cancel", NULL, &v) == 404);
  json_decref(v);
  fst_audit *au;
  size_t na;
  CHECK(fst_audit_list(s, 3, &au, &na) == FST_ERR_OK && na == 3);
  snprintf(body, sizeof body, "deployment %lld canceled", (long long)dep);
  CHECK(na == 3 && au[0].status == 404 && au[1].status == 409 && au[2].status == 200 && !strcmp(au[2].token, "op") &&
        !strcmp(au[2].detail, body) && !strcmp(au[2].path, path), "%s", na == 3 ? au[2].detail : "");
  free(au);
  /* once canceled, the devices take a new one: all, in two stages, sorted by id */
  CHECK(call("POST", "/api/v1/deployments",
             DEP("{\"artifact\":\"%s\",\"target\":{\"all\":true},\"stages\":[50,100],\"rollback\":true}", ART), &v) == 201);
  int64_t dep2 = json_integer_value(json_object_get(v, "id"));
  json_t *stg = json_object_get(v, "stages");
  CHECK(json_array_size(stg) == 2 &&
        !strcmp(json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(stg, 0), "devices"), 0), "device")), "dev-1") &&
        !strcmp(json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(stg, 1), "devices"), 0), "device")), "dev-2") &&
        !strcmp(json_string_value(json_object_get(json_array_get(stg, 1), "state")), "pending") &&
        json_integer_value(json_object_get(v, "job_timeout_s")) == 3600 && json_is_true(json_object_get(v, "rollback")));
  CHECK(json_is_true(json_object_get(json_object_get(v, "target"), "all")));
  json_decref(v);
  CHECK(call("GET", "/api/v1/deployments?limit=1", NULL, &v) == 200 && json_array_size(json_object_get(v, "deployments")) == 1);
  json_decref(v);
  /* the engine runs it: dev-1 installs, dev-2 fails, the deployment halts
  ** and dev-1 gets its old program back */
  strcpy(art.sha256, d.running_sha);
  strcpy(art.version, "1.0.0");
  CHECK(fst_artifact_put(s, &art, (const uint8_t *)"old", 3) == FST_ERR_OK);
  frl_sender snd = { NULL, sent_ok, sent_ok, "https://fleet.example", NULL, NULL };
  CHECK(ticks(s, now, &snd) == FRL_ERR_OK && nsent == 1);
  char j1[FRL_JOB_ID_MAX + 1], j2[FRL_JOB_ID_MAX + 1];
  snprintf(path, sizeof path, "/api/v1/deployments/%lld", (long long)dep2);
  CHECK(call("GET", path, NULL, &v) == 200);
  stg = json_object_get(v, "stages");
  snprintf(j1, sizeof j1, "%s", json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(stg, 0), "devices"), 0), "job")));
  CHECK(!strcmp(json_string_value(json_object_get(json_array_get(stg, 0), "state")), "running"));
  json_decref(v);
  frl_job_update u = { "dev-1", j1, "SUCCEEDED", NULL, "confirmed", -1, 1, NULL, now };
  CHECK(frl_on_job_update(s, &u) == FRL_ERR_OK);
  CHECK(ticks(s, now, &snd) == FRL_ERR_OK && nsent == 2);
  CHECK(call("GET", path, NULL, &v) == 200);
  stg = json_object_get(v, "stages");
  snprintf(j2, sizeof j2, "%s", json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(stg, 1), "devices"), 0), "job")));
  json_decref(v);
  frl_job_update u2 = { "dev-2", j2, "IN_PROGRESS", "programming", NULL, 30, 1, NULL, now };
  CHECK(frl_on_job_update(s, &u2) == FRL_ERR_OK);
  CHECK(call("GET", path, NULL, &v) == 200);
  dj = json_array_get(json_object_get(json_array_get(json_object_get(v, "stages"), 1), "devices"), 0);
  CHECK(!strcmp(json_string_value(json_object_get(dj, "phase")), "programming") &&
        json_integer_value(json_object_get(dj, "progress")) == 30 && json_is_integer(json_object_get(dj, "sent")));
  json_decref(v);
  u2 = (frl_job_update){ "dev-2", j2, "FAILED", NULL, "trial_faulted", -1, 2, NULL, now };
  CHECK(frl_on_job_update(s, &u2) == FRL_ERR_OK);
  CHECK(ticks(s, now, &snd) == FRL_ERR_OK && nsent == 3);
  CHECK(call("GET", path, NULL, &v) == 200);
  CHECK(!strcmp(json_string_value(json_object_get(v, "state")), "halted") &&
        json_integer_value(json_object_get(v, "failures")) == 1 &&
        json_integer_value(json_object_get(json_object_get(v, "rollback_jobs"), "QUEUED")) == 1);
  stg = json_object_get(v, "stages");
  json_t *rbj = json_object_get(json_array_get(json_object_get(json_array_get(stg, 0), "devices"), 0), "rollback");
  CHECK(!strcmp(json_string_value(json_object_get(rbj, "sha256")), d.running_sha) &&
        !strcmp(json_string_value(json_object_get(rbj, "state")), "QUEUED") && strcmp(json_string_value(json_object_get(rbj, "job")), j1));
  CHECK(json_is_null(json_object_get(json_array_get(json_object_get(json_array_get(stg, 1), "devices"), 0), "rollback")));
  CHECK(!strcmp(json_string_value(json_object_get(json_array_get(stg, 1), "state")), "done"));
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-1", NULL, &v) == 200 &&
        !strcmp(json_string_value(json_object_get(v, "desired_sha256")), d.running_sha) &&
        json_is_false(json_object_get(v, "drift")));
  json_decref(v);
  /* dev-2's trial failed and was reverted: it keeps what it ran, its job's previous program */
  CHECK(call("GET", path, NULL, &v) == 200);
  char prev2[65];
  json_t *pj = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(v, "stages"), 1), "devices"), 0),
                               "previous_sha256");
  snprintf(prev2, sizeof prev2, "%s", json_is_string(pj) ? json_string_value(pj) : "");
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-2", NULL, &v) == 200 && json_is_false(json_object_get(v, "drift")) &&
        (prev2[0] ? !strcmp(json_string_value(json_object_get(v, "desired_sha256")), prev2)
                  : json_is_null(json_object_get(v, "desired_sha256"))), "previous %s", prev2);
  json_decref(v);

  /* dispatch errors */
  CHECK(call("GET", "/api/v1/devices/dev%zz1", NULL, &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/a%20b", NULL, &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices?tag=a&tag=b", NULL, &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/../v1/devices", NULL, &v) == 404);
  json_decref(v);
  CHECK(call("PUT", "/api/v1/devices/dev-1/tags", "{\"tags\":[1]}", &v) == 400);
  json_decref(v);
  CHECK(call("PUT", "/api/v1/devices/dev-1/tags", "{\"tags\":[],\"tags\":[]}", &v) == 400);
  json_decref(v);
  CHECK(call("GET", "/api/v1/audit", NULL, &v) == 403);
  json_decref(v);

  fapi_free(api);
  fst_close(s);
  return t_done("fleet.api");
}
