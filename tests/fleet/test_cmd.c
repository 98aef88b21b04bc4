/*
** test_cmd.c -- commands to devices as functions: POST / GET
** /api/v1/devices/{id}/commands through fapi_handle with a fake publisher
** (every refusal, roles, SQL metacharacters, the broker away), the payload
** read back by the copilot's own decoder (cop_dec_cmd), the daemon's pass
** (pending ones sent, stale ones expired) and responses into the store.
**   test_cmd DIR [DB]
*/
#include <jansson.h>

#include "cop.h"
#include "fleet_api.h"
#include "fleet_cmd.h"
#include "tcheck.h"

#define EVIL "x'); DROP TABLE commands; -- \"%_\\"

static fapi *api;
static fst_store *s;
static char op_tok[FAPI_TOKEN_LEN + 1], view_tok[FAPI_TOKEN_LEN + 1];

/* the fake broker: what was published, and whether it is there */
static bool broker_up = true;
static int npub;
static char pub_topic[256], pub_payload[1024];
static uint32_t pub_expiry;
static int fake_publish(void *user, const char *topic, const void *payload, size_t len, uint32_t expiry_s) {
  CHECK(user == &npub);
  if (!broker_up) return -1;
  npub++;
  snprintf(pub_topic, sizeof pub_topic, "%s", topic);
  snprintf(pub_payload, sizeof pub_payload, "%.*s", (int)len, (const char *)payload);
  pub_expiry = expiry_s;
  return 0;
}

static int call_as(const char *tok, const char *method, const char *path, const char *body, json_t **out) {
  char auth[128];
  snprintf(auth, sizeof auth, "Bearer %s", tok ? tok : "");
  fapi_header h[1] = { { "authorization", auth } };
  fapi_request rq = { method, path, h, tok ? 1 : 0, (const uint8_t *)body, body ? strlen(body) : 0 };
  fapi_response rs;
  fapi_handle(api, &rq, &rs);
  *out = json_loadb((const char *)rs.body, rs.len, 0, NULL);
  int st = rs.status;
  fapi_response_free(&rs);
  return st;
}
static int call(const char *method, const char *path, const char *body, json_t **out) {
  return call_as(op_tok, method, path, body, out);
}

static const char *jstr(json_t *o, const char *k) {
  const char *v = json_string_value(json_object_get(o, k));
  return v ? v : "";
}
static int64_t jint(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static int64_t n_commands(void) {
  fst_command *v;
  size_t n = 0, total = 0;
  const char *devs[] = { "dev-1", "dev-2", EVIL };
  for (int i = 0; i < 3; i++)
    if (fst_command_list(s, devs[i], 0, &v, &n) == FST_ERR_OK) {
      total += n;
      free(v);
    }
  return (int64_t)total;
}

/* A refusal: the status, the detail mentions `want`, nothing stored, nothing sent. */
static void refused(const char *tok, const char *path, const char *body, int status, const char *want) {
  int64_t before = n_commands();
  int p0 = npub;
  json_t *v;
  int st = call_as(tok, "POST", path, body, &v);
  CHECK(st == status, "%s %s: %d, want %d", path, body ? body : "-", st, status);
  CHECK(strstr(jstr(v, "detail"), want), "%s: detail '%s', want '%s'", body ? body : "-", jstr(v, "detail"), want);
  json_decref(v);
  CHECK(n_commands() == before && npub == p0, "%s: something was stored or sent", body ? body : "-");
}

/* The payload as the copilot reads it. */
static cop_err device_reads(const char *payload, cop_cmd *out) {
  cop_why why;
  memset(&why, 0, sizeof why);
  return cop_dec_cmd(payload, strlen(payload), (uint64_t)fst_now_ms(), pub_expiry, out, &why);
}

int main(int argc, char **argv) {
  REQUIRE(argc >= 2, "usage: test_cmd DIR [DB]");
  char err[512], key[4096];
  REQUIRE(fst_open(argv[1], argc > 2 ? argv[2] : NULL, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  REQUIRE(fapi_fleet_key(argv[1], key, sizeof key, err, sizeof err) == FAPI_KEY_OK, "%s", err);
  REQUIRE(fapi_token_create(s, FST_ROLE_OPERATOR, EVIL, op_tok, NULL) == FST_ERR_OK);
  REQUIRE(fapi_token_create(s, FST_ROLE_VIEWER, "viewer", view_tok, NULL) == FST_ERR_OK);
  fapi_config cfg = { .store = s, .key_path = key, .publish = fake_publish, .publish_user = &npub };
  api = fapi_new(&cfg);
  REQUIRE(api);
  const char *devs[] = { "dev-1", "dev-2", EVIL };
  for (int i = 0; i < 3; i++) {
    fst_device d = { .online = true };
    snprintf(d.id, sizeof d.id, "%s", devs[i]);
    REQUIRE(fst_device_upsert(s, &d) == FST_ERR_OK);
  }
  const char *P = "/api/v1/devices/dev-1/commands";
  json_t *v;

  /* a reboot: stored, published on the device's cmd topic with the expiry, 202 sent */
  int64_t t0 = fst_now_ms();
  CHECK(call("POST", P, "{\"command\":\"reboot\"}", &v) == 202);
  int64_t id1 = jint(v, "id");
  CHECK(id1 > 0 && !strcmp(jstr(v, "state"), "sent") && !strcmp(jstr(v, "command"), "reboot") &&
        !strcmp(jstr(v, "device"), "dev-1") && json_is_null(json_object_get(v, "value")) &&
        json_is_null(json_object_get(v, "result")) && json_is_null(json_object_get(v, "reason")) &&
        !strcmp(jstr(v, "created_by"), EVIL));
  CHECK(jint(v, "expires") >= t0 + 60000 && jint(v, "expires") <= fst_now_ms() + 60000);
  char msg1[80];
  snprintf(msg1, sizeof msg1, "%s", jstr(v, "msg_id"));
  CHECK(!strncmp(msg1, "cmd-", 4) && strlen(msg1) == 20, "%s", msg1);
  json_decref(v);
  CHECK(npub == 1 && !strcmp(pub_topic, "fleet/devices/dev-1/cmd") && pub_expiry == 60, "%s %u", pub_topic, pub_expiry);
  cop_cmd dc;
  CHECK(device_reads(pub_payload, &dc) == COP_E_OK && dc.op == COP_CMD_REBOOT && !strcmp(dc.id, msg1), "%s", pub_payload);

  /* the other ops, each as the device reads it */
  CHECK(call("POST", P, "{\"command\":\"telemetry-interval\",\"value\":500,\"expiry_s\":5}", &v) == 202);
  int64_t id2 = jint(v, "id");
  CHECK(jint(v, "value") == 500 && pub_expiry == 5);
  json_decref(v);
  CHECK(device_reads(pub_payload, &dc) == COP_E_OK && dc.op == COP_CMD_TELEMETRY_INTERVAL && dc.interval_ms == 500,
        "%s", pub_payload);
  CHECK(call("POST", P, "{\"command\":\"blackbox-read\"}", &v) == 202 && jint(v, "value") == 0);
  json_decref(v);
  CHECK(device_reads(pub_payload, &dc) == COP_E_OK && dc.op == COP_CMD_BLACKBOX_READ && dc.from == 0, "%s", pub_payload);
  /* blackbox-clear: by default, one past the newest record the store holds */
  fst_crash cr = { .device = "dev-1", .boot_id = "b1", .seq = 41, .time = t0 };
  size_t ins;
  CHECK(fst_crashes_insert(s, &cr, 1, &ins) == FST_ERR_OK);
  CHECK(call("POST", P, "{\"command\":\"blackbox-clear\"}", &v) == 202 && jint(v, "value") == 42);
  json_decref(v);
  CHECK(device_reads(pub_payload, &dc) == COP_E_OK && dc.op == COP_CMD_BLACKBOX_CLEAR && dc.from == 42, "%s", pub_payload);
  CHECK(call("POST", P, "{\"command\":\"blackbox-clear\",\"value\":4294967295}", &v) == 202);
  json_decref(v);
  CHECK(device_reads(pub_payload, &dc) == COP_E_OK && dc.from == 4294967295u, "%s", pub_payload);
  /* a device id with SQL metacharacters: not a protocol id, refused (below); the
  ** GETs find nothing for it, and the store is unharmed */
  int sent = npub;

  /* refusals: each its own 400 (404, 401, 403), nothing stored or sent */
  refused(op_tok, P, "{\"command\":\"format-disk\"}", 400, "command must be one of reboot, blackbox-read");
  {
    json_t *b = json_pack("{s:s}", "command", EVIL);
    char *txt = json_dumps(b, JSON_COMPACT);
    refused(op_tok, P, txt, 400, "command must be one of");
    free(txt);
    json_decref(b);
  }
  refused(op_tok, "/api/v1/devices/x'%29%3B%20DROP%20TABLE%20commands%3B%20--%20%22%25_%5C/commands",
          "{\"command\":\"reboot\"}", 400, "device id must be printable");
  refused(op_tok, "/api/v1/devices/x'%29%3BDROP--%22%25_%5C/commands", "{\"command\":\"reboot\"}", 400,
          "commands go to device ids of 1..64 of [A-Za-z0-9._-]");
  refused(op_tok, "/api/v1/devices/dev+1/commands", "{\"command\":\"reboot\"}", 400, "commands go to device ids");
  refused(op_tok, P, "{\"command\":\"reboot\",\"value\":1}", 400, "reboot takes no value");
  refused(op_tok, P, "{\"command\":\"telemetry-interval\"}", 400, "telemetry-interval needs a value");
  refused(op_tok, P, "{\"command\":\"telemetry-interval\",\"value\":86400001}", 400, "0..86400000");
  refused(op_tok, P, "{\"command\":\"telemetry-interval\",\"value\":-1}", 400, "0..86400000");
  refused(op_tok, P, "{\"command\":\"blackbox-clear\",\"value\":4294967296}", 400, "0..4294967295");
  refused(op_tok, P, "{\"command\":\"telemetry-interval\",\"value\":1.5}", 400, "field 'value' must be an integer");
  refused(op_tok, P, "{\"command\":\"telemetry-interval\",\"value\":\"500\"}", 400, "field 'value' must be an integer");
  refused(op_tok, P, "{\"command\":\"reboot\",\"expiry_s\":0}", 400, "expiry_s must be an integer 1..86400");
  refused(op_tok, P, "{\"command\":\"reboot\",\"expiry_s\":86401}", 400, "expiry_s must be an integer 1..86400");
  refused(op_tok, P, "{\"command\":\"reboot\",\"expiry_s\":\"60\"}", 400, "field 'expiry_s' must be an integer");
  refused(op_tok, P, "{\"command\":1}", 400, "field 'command' must be a string");
  refused(op_tok, P, "{\"value\":1}", 400, "missing field 'command'");
  refused(op_tok, P, "{\"command\":\"reboot\",\"force\":true}", 400, "unknown field 'force'");
  refused(op_tok, P, "{\"command\":\"reboot\",\"command\":\"reboot\"}", 400, "malformed JSON");
  refused(op_tok, P, "{\"command\":", 400, "malformed JSON");
  refused(op_tok, P, "[\"reboot\"]", 400, "must be a JSON object");
  refused(op_tok, P, NULL, 400, "a JSON body is required");
  refused(op_tok, "/api/v1/devices/nobody/commands", "{\"command\":\"reboot\"}", 404, "nobody");
  refused(op_tok, "/api/v1/devices/a%20b/commands", "{\"command\":\"reboot\"}", 400, "device id must be printable");
  refused(op_tok, "/api/v1/devices/a%2Fb/commands", "{\"command\":\"reboot\"}", 400, "device id must be printable");
  refused(view_tok, P, "{\"command\":\"reboot\"}", 403, "needs the operator role");
  refused(NULL, P, "{\"command\":\"reboot\"}", 401, "Bearer");
  refused("cpt_0000000000000000000000000000000000000000000000000000000000000000", P, "{\"command\":\"reboot\"}", 401,
          "unknown or revoked token");
  CHECK(npub == sent);

  /* every write audited, with the token's name */
  {
    fst_audit *au;
    size_t na;
    CHECK(fst_audit_list(s, 3, &au, &na) == FST_ERR_OK && na == 3);
    bool seen = false;
    for (size_t i = 0; i < na; i++) seen |= au[i].status == 403 && !strcmp(au[i].token, "viewer");
    CHECK(seen, "the viewer's refused command is in the audit log");
    free(au);
    CHECK(fst_audit_list(s, 100, &au, &na) == FST_ERR_OK);
    int ok = 0;
    for (size_t i = 0; i < na; i++) ok += au[i].status == 202 && !strcmp(au[i].token, EVIL) && strstr(au[i].detail, "sent");
    CHECK(ok == 5, "%d audited commands", ok);
    free(au);
  }

  /* reading: the list newest first (a viewer may), one by id, refusals */
  CHECK(call_as(view_tok, "GET", P, NULL, &v) == 200);
  json_t *arr = json_object_get(v, "commands");
  CHECK(json_array_size(arr) == 5 && jint(json_array_get(arr, 4), "id") == id1 &&
        jint(json_array_get(arr, 3), "id") == id2);
  json_decref(v);
  CHECK(call_as(view_tok, "GET", "/api/v1/devices/dev-1/commands?limit=2", NULL, &v) == 200 &&
        json_array_size(json_object_get(v, "commands")) == 2);
  json_decref(v);
  CHECK(call("GET", "/api/v1/devices/dev-2/commands", NULL, &v) == 200 &&
        json_array_size(json_object_get(v, "commands")) == 0);
  json_decref(v);
  char path[256];
  snprintf(path, sizeof path, "%s/%lld", P, (long long)id1);
  CHECK(call_as(view_tok, "GET", path, NULL, &v) == 200 && jint(v, "id") == id1 && !strcmp(jstr(v, "msg_id"), msg1));
  json_decref(v);
  snprintf(path, sizeof path, "/api/v1/devices/dev-2/commands/%lld", (long long)id1);
  CHECK(call("GET", path, NULL, &v) == 404, "another device's command");
  json_decref(v);
  const char *bad_get[][2] = { { "/api/v1/devices/dev-1/commands/0", "400" },
                               { "/api/v1/devices/dev-1/commands/-3", "400" },
                               { "/api/v1/devices/dev-1/commands/07", "400" },
                               { "/api/v1/devices/dev-1/commands/1x", "400" },
                               { "/api/v1/devices/dev-1/commands/1%27%20OR%201=1", "400" },
                               { "/api/v1/devices/dev-1/commands/99999999999999999999", "400" },
                               { "/api/v1/devices/dev-1/commands/999999", "404" },
                               { "/api/v1/devices/dev-1/commands?limit=0", "400" },
                               { "/api/v1/devices/dev-1/commands?state=sent", "400" },
                               { "/api/v1/devices/nobody/commands", "404" },
                               { "/api/v1/devices/x'%29%3BDROP--%22%25_%5C/commands", "404" },
                               { "/api/v1/devices/x'%29%3BDROP--%22%25_%5C/commands/1", "404" } };
  for (size_t i = 0; i < sizeof bad_get / sizeof bad_get[0]; i++) {
    int st = call("GET", bad_get[i][0], NULL, &v);
    CHECK(st == atoi(bad_get[i][1]) && json_object_get(v, "error"), "%s: %d", bad_get[i][0], st);
    json_decref(v);
  }
  CHECK(call_as(NULL, "GET", P, NULL, &v) == 401);
  json_decref(v);
  CHECK(call("DELETE", P, NULL, &v) == 405);
  json_decref(v);

  /* the device answers (ingest's cmd/response): succeeded with its value */
  int64_t now = fst_now_ms(), got = 0;
  CHECK(fcmd_on_response(s, "dev-1", msg1, true, NULL, 1234, now, &got) == FST_ERR_OK && got == id1);
  CHECK(fcmd_on_response(s, "dev-1", msg1, true, NULL, 1234, now, &got) == FST_ERR_CONFLICT, "a redelivery");
  CHECK(fcmd_on_response(s, "dev-2", msg1, false, "x", 0, now, &got) == FST_ERR_NOTFOUND, "another device's answer");
  CHECK(fcmd_on_response(s, "dev-1", "", false, "syntax", 0, now, &got) == FST_ERR_NOTFOUND);
  CHECK(fcmd_on_response(s, "dev-1", EVIL, false, "x", 0, now, &got) == FST_ERR_NOTFOUND);
  snprintf(path, sizeof path, "%s/%lld", P, (long long)id1);
  CHECK(call("GET", path, NULL, &v) == 200 && !strcmp(jstr(v, "state"), "succeeded") && jint(v, "result") == 1234 &&
        json_is_null(json_object_get(v, "reason")));
  json_decref(v);
  /* a refusal: failed with the device's reason; "expired": expired */
  CHECK(call("GET", "/api/v1/devices/dev-1/commands?limit=1", NULL, &v) == 200);
  char msg_last[80];
  snprintf(msg_last, sizeof msg_last, "%s", jstr(json_array_get(json_object_get(v, "commands"), 0), "msg_id"));
  int64_t id_last = jint(json_array_get(json_object_get(v, "commands"), 0), "id");
  json_decref(v);
  CHECK(fcmd_on_response(s, "dev-1", msg_last, false, "VERIFY", 0, now, NULL) == FST_ERR_OK);
  snprintf(path, sizeof path, "%s/%lld", P, (long long)id_last);
  CHECK(call("GET", path, NULL, &v) == 200 && !strcmp(jstr(v, "state"), "failed") && !strcmp(jstr(v, "reason"), "VERIFY") &&
        json_is_null(json_object_get(v, "result")));
  json_decref(v);
  {
    fst_command c2;
    CHECK(fst_command_get(s, "dev-1", id2, &c2) == FST_ERR_OK);
    CHECK(fcmd_on_response(s, "dev-1", c2.msg_id, false, "expired", 0, now, NULL) == FST_ERR_OK);
    CHECK(fst_command_get(s, "dev-1", id2, &c2) == FST_ERR_OK && c2.state == FST_CMD_expired && !strcmp(c2.reason, "expired"));
  }

  /* the broker away: stored pending (202), sent by the daemon's pass later */
  broker_up = false;
  CHECK(call("POST", "/api/v1/devices/dev-2/commands", "{\"command\":\"telemetry-interval\",\"value\":0,\"expiry_s\":30}",
             &v) == 202);
  int64_t idp = jint(v, "id");
  CHECK(!strcmp(jstr(v, "state"), "pending") && json_is_null(json_object_get(v, "sent")));
  json_decref(v);
  CHECK(call("POST", "/api/v1/devices/dev-2/commands", "{\"command\":\"reboot\",\"expiry_s\":1}", &v) == 202);
  int64_t ids = jint(v, "id");
  json_decref(v);
  {
    fst_audit *au;
    size_t na;
    CHECK(fst_audit_list(s, 1, &au, &na) == FST_ERR_OK && na == 1 && strstr(au[0].detail, "pending"), "%s",
          na ? au[0].detail : "");
    free(au);
  }
  fcmd_publisher pub = { fake_publish, &npub };
  fcmd_pass_stats ps;
  now = fst_now_ms();
  CHECK(fcmd_pass(s, now, &pub, &ps) == FST_ERR_OK && ps.sent == 0 && ps.not_sent == 1, "%lld %lld",
        (long long)ps.sent, (long long)ps.not_sent);
  fst_command g;
  CHECK(fst_command_get(s, "dev-2", idp, &g) == FST_ERR_OK && g.state == FST_CMD_pending);
  broker_up = true;
  int p0 = npub;
  /* two seconds on (a fake clock): the 1 s reboot is past its expiry, never sent */
  CHECK(fcmd_pass(s, now + 2000, &pub, &ps) == FST_ERR_OK && ps.sent == 1 && ps.expired >= 1, "%lld %lld",
        (long long)ps.sent, (long long)ps.expired);
  CHECK(npub == p0 + 1 && !strcmp(pub_topic, "fleet/devices/dev-2/cmd"));
  CHECK(pub_expiry == 28, "the expiry left: %u", pub_expiry);
  CHECK(device_reads(pub_payload, &dc) == COP_E_OK && dc.op == COP_CMD_TELEMETRY_INTERVAL && dc.interval_ms == 0);
  CHECK(fst_command_get(s, "dev-2", idp, &g) == FST_ERR_OK && g.state == FST_CMD_sent && g.sent == now + 2000);
  CHECK(fst_command_get(s, "dev-2", ids, &g) == FST_ERR_OK && g.state == FST_CMD_expired &&
        !strcmp(g.reason, "no_response"));
  /* a pass sends nothing twice */
  CHECK(fcmd_pass(s, now + 2100, &pub, &ps) == FST_ERR_OK && ps.sent == 0 && npub == p0 + 1);
  /* no answer past its expiry: expired; a late answer still applies */
  CHECK(fcmd_pass(s, now + 31000, &pub, &ps) == FST_ERR_OK && ps.expired == 1);
  CHECK(fst_command_get(s, "dev-2", idp, &g) == FST_ERR_OK && g.state == FST_CMD_expired);
  CHECK(fcmd_on_response(s, "dev-2", g.msg_id, true, NULL, 0, now + 31500, NULL) == FST_ERR_OK);
  CHECK(fst_command_get(s, "dev-2", idp, &g) == FST_ERR_OK && g.state == FST_CMD_succeeded);
  /* without a publisher (fleetd with no --broker): stored pending */
  fapi_config nocfg = { .store = s, .key_path = key };
  fapi *a2 = fapi_new(&nocfg);
  fapi *keep = api;
  api = a2;
  CHECK(call("POST", "/api/v1/devices/dev-2/commands", "{\"command\":\"blackbox-read\",\"value\":3}", &v) == 202 &&
        !strcmp(jstr(v, "state"), "pending") && jint(v, "value") == 3);
  json_decref(v);
  api = keep;
  fapi_free(a2);
  CHECK(fcmd_payload(&g, pub_payload, 8) == 0, "a payload that does not fit");

  fapi_free(api);
  fst_close(s);
  return t_done("fleet.cmd");
}
