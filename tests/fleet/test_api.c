/*
** test_api.c -- fapi_handle without the network, on a store the test fills
** (what ingest will write): devices, tags, drift, logs paging, telemetry
** raw and per step, events, crashes; the dispatch's own errors.
**   test_api DIR [DB]
*/
#include <jansson.h>

#include "fleet_api.h"
#include "tcheck.h"

#define EVIL "x'); DROP TABLE devices; -- \"%_\\"

static fapi *api;
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
  REQUIRE(fapi_token_create(s, FST_ROLE_OPERATOR, "op", tok) == FST_ERR_OK);
  fapi_config cfg = { s, key, 0 };
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
