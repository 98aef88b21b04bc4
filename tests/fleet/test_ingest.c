/*
** test_ingest.c -- fleet_ingest.h: the parser (every refusal first, then
** every kind, its payloads made by the copilot core's own encoders so the
** two ends are checked against each other) and the batching writer on a
** real store:
**   test_ingest DIR          SQLite in DIR
**   test_ingest DIR URL      PostgreSQL at URL (pg_run.sh)
*/
#include <string.h>

#include <libpq-fe.h>

#include "cop.h"
#include "fleet_ingest.h"
#include "tcheck.h"

#define DEV "fleet/devices/dev-1/"
#define BOOT 0x5ec0b007u
#define T0 1796281262345ull   /* 2026-12-03T07:01:02.345Z */

static char buf[8192];

static cop_stamp stamp(uint64_t up) { return (cop_stamp){ T0 + up, BOOT, up, true }; }

static fin_err parse(const char *topic, const char *p, fin_msg *m, fin_why *w) {
  return fin_parse(topic, p, strlen(p), m, w);
}

/* One refusal: topic, payload, error, field (NULL: none expected). */
typedef struct bad { const char *topic, *payload; fin_err err; const char *field; } bad;

#define ENV "\"v\":1,\"time\":\"2026-12-03T07:01:02.345Z\",\"boot_id\":\"5ec0b007\",\"uptime_ms\":5"
#define LOG(x) "{" ENV ",\"type\":\"log\"" x "}"
#define JOB(x) "{" ENV ",\"type\":\"job_update\",\"job\":\"j1\"" x "}"
#define JOBOK ",\"version\":\"1.0.0\",\"sha256\":\"" SHA "\""
#define SHA "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"

static const bad bads[] = {
  /* the topic */
  { "fleet/devices/dev-1", LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_TOPIC, NULL },
  { "other/devices/dev-1/logs", LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_TOPIC, NULL },
  { DEV "jobs/notify", "{\"v\":1}", FIN_ERR_TOPIC, NULL },          /* the backend's own */
  { DEV "cmd", "{\"v\":1}", FIN_ERR_TOPIC, NULL },
  { DEV "logs/extra", LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_TOPIC, NULL },
  { DEV "jobs/j1/update/x", JOB(""), FIN_ERR_TOPIC, NULL },
  { "fleet/devices/a b/logs", LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_DEVICE_ID, NULL },
  { "fleet/devices//logs", LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_DEVICE_ID, NULL },
  { "fleet/devices/+/logs", LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_DEVICE_ID, NULL },
  { "fleet/devices/x00000000011111111112222222222333333333344444444445555555555666666/logs",
    LOG(",\"line\":1,\"text\":\"x\""), FIN_ERR_DEVICE_ID, NULL },
  { DEV "jobs/j#/update", JOB(""), FIN_ERR_JOB_ID, NULL },
  { DEV "jobs//update", JOB(""), FIN_ERR_JOB_ID, NULL },
  /* the payload as bytes and JSON */
  { DEV "logs", "", FIN_ERR_EMPTY, NULL },
  { DEV "logs", "{\"v\":1,", FIN_ERR_JSON, NULL },
  { DEV "logs", "{\"v\":1,\"v\":1}", FIN_ERR_JSON, NULL },            /* duplicate key */
  { DEV "logs", "{\"v\":1} x", FIN_ERR_JSON, NULL },
  { DEV "logs", "{\"a\":[[[[[[[[[1]]]]]]]]]}", FIN_ERR_JSON, NULL },   /* depth */
  { DEV "logs", "{\"a\":\"\xff\"}", FIN_ERR_JSON, NULL },             /* UTF-8 */
  { DEV "logs", "[1]", FIN_ERR_NOT_OBJECT, NULL },
  { DEV "logs", "\"log\"", FIN_ERR_NOT_OBJECT, NULL },
  /* the envelope */
  { DEV "logs", "{\"type\":\"log\"}", FIN_ERR_SCHEMA, "v" },
  { DEV "logs", "{\"v\":2,\"type\":\"log\"}", FIN_ERR_SCHEMA, "v" },
  { DEV "logs", "{\"v\":\"1\",\"type\":\"log\"}", FIN_ERR_SCHEMA, "v" },
  { DEV "logs", "{\"v\":1.0,\"type\":\"log\"}", FIN_ERR_SCHEMA, "v" },
  { DEV "logs", "{\"v\":1}", FIN_ERR_MISSING, "type" },
  { DEV "logs", "{\"v\":1,\"type\":7}", FIN_ERR_FIELD_TYPE, "type" },
  { DEV "logs", "{" ENV ",\"type\":\"telemetry\",\"values\":[]}", FIN_ERR_WRONG_TYPE, "type" },
  { DEV "events", "{" ENV ",\"type\":\"log\",\"line\":1,\"text\":\"x\"}", FIN_ERR_WRONG_TYPE, "type" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"boot_id\":\"5ec0b007\",\"uptime_ms\":5}", FIN_ERR_MISSING, "time" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"yesterday\",\"boot_id\":\"5ec0b007\",\"uptime_ms\":5}",
    FIN_ERR_BAD_TIME, "time" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:60Z\",\"boot_id\":\"5ec0b007\",\"uptime_ms\":5}",
    FIN_ERR_BAD_TIME, "time" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"uptime_ms\":5}", FIN_ERR_MISSING, "boot_id" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"boot_id\":\"5ec0b00\",\"uptime_ms\":5}",
    FIN_ERR_BAD_BOOT, "boot_id" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"boot_id\":\"5EC0B007\",\"uptime_ms\":5}",
    FIN_ERR_BAD_BOOT, "boot_id" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"boot_id\":7,\"uptime_ms\":5}",
    FIN_ERR_FIELD_TYPE, "boot_id" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"boot_id\":null,\"uptime_ms\":5}",
    FIN_ERR_BAD_BOOT, "boot_id" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"boot_id\":\"5ec0b007\",\"uptime_ms\":-1}",
    FIN_ERR_RANGE, "uptime_ms" },
  { DEV "logs", "{\"v\":1,\"type\":\"log\",\"time\":\"2026-12-03T07:01:02Z\",\"boot_id\":null,\"uptime_ms\":null,"
    "\"line\":1,\"text\":\"x\"}", FIN_ERR_BAD_BOOT, "boot_id" },   /* a device's own line needs its boot */
  /* fields, per kind */
  { DEV "logs", LOG(",\"text\":\"x\""), FIN_ERR_MISSING, "line" },
  { DEV "logs", LOG(",\"line\":\"1\",\"text\":\"x\""), FIN_ERR_FIELD_TYPE, "line" },
  { DEV "logs", LOG(",\"line\":1.5,\"text\":\"x\""), FIN_ERR_RANGE, "line" },
  { DEV "logs", LOG(",\"line\":4294967296,\"text\":\"x\""), FIN_ERR_RANGE, "line" },
  { DEV "logs", LOG(",\"line\":1,\"text\":null"), FIN_ERR_FIELD_TYPE, "text" },
  { DEV "logs", LOG(",\"line\":1,\"text\":\"a\\u0000b\""), FIN_ERR_RANGE, "text" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\"}", FIN_ERR_MISSING, "values" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":{}}", FIN_ERR_FIELD_TYPE, "values" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":[1]}", FIN_ERR_FIELD_TYPE, "values" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":[{\"value\":1}]}", FIN_ERR_MISSING, "name" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":[{\"name\":\"\",\"value\":1}]}", FIN_ERR_RANGE, "name" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":[{\"name\":\"t\",\"value\":1e3}]}", FIN_ERR_RANGE, "value" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":[{\"name\":\"t\",\"value\":true}]}",
    FIN_ERR_FIELD_TYPE, "value" },
  { DEV "telemetry", "{" ENV ",\"type\":\"telemetry\",\"values\":[{\"name\":\"t\",\"value\":1,\"guest\":1}]}",
    FIN_ERR_FIELD_TYPE, "guest" },
  { DEV "status", "{" ENV ",\"type\":\"status\",\"device\":null}", FIN_ERR_MISSING, "state" },
  { DEV "status", "{" ENV ",\"type\":\"status\",\"state\":\"gone\",\"device\":null}", FIN_ERR_BAD_VALUE, "state" },
  { DEV "status", "{" ENV ",\"type\":\"status\",\"state\":\"offline\",\"device\":null}", FIN_ERR_MISSING, "reason" },
  { DEV "status", "{" ENV ",\"type\":\"status\",\"state\":\"online\"}", FIN_ERR_MISSING, "device" },
  { DEV "status", "{" ENV ",\"type\":\"status\",\"state\":\"online\",\"device\":[]}", FIN_ERR_FIELD_TYPE, "device" },
  { DEV "status", "{" ENV ",\"type\":\"status\",\"state\":\"online\",\"device\":{\"vm_state\":\"running\","
    "\"host_state\":\"ready\",\"reset_reason\":\"power_on\",\"bank\":\"C\"}}", FIN_ERR_BAD_VALUE, "bank" },
  { DEV "heartbeat", "{" ENV ",\"type\":\"heartbeat\",\"vm_state\":\"run ning\",\"host_state\":\"ready\","
    "\"bank\":\"A\",\"trial\":false}", FIN_ERR_BAD_VALUE, "vm_state" },
  { DEV "heartbeat", "{" ENV ",\"type\":\"heartbeat\",\"vm_state\":\"running\",\"host_state\":\"ready\","
    "\"bank\":\"A\"}", FIN_ERR_MISSING, "trial" },
  { DEV "events", "{" ENV ",\"type\":\"event\"}", FIN_ERR_MISSING, "event" },
  { DEV "events", "{" ENV ",\"type\":\"event\",\"event\":\"\"}", FIN_ERR_BAD_VALUE, "event" },
  { DEV "events", "{" ENV ",\"type\":\"event\",\"event\":\"started\",\"version\":\"1.2\"}", FIN_ERR_BAD_VALUE, "version" },
  { DEV "events", "{" ENV ",\"type\":\"dropped\",\"count\":5,\"total\":4}", FIN_ERR_RANGE, "total" },
  { DEV "events", "{" ENV ",\"type\":\"refused\",\"topic\":\"cmd\"}", FIN_ERR_MISSING, "reason" },
  { DEV "blackbox", "{" ENV ",\"type\":\"blackbox\",\"kind\":\"fault\",\"version\":\"1.0.0\",\"rec_boot_id\":\"5ec0b007\","
    "\"rec_uptime_ms\":1}", FIN_ERR_MISSING, "seq" },
  { DEV "blackbox", "{" ENV ",\"type\":\"blackbox\",\"seq\":1,\"kind\":\"fault\",\"version\":\"1.0.0\",\"digest\":\"ab\","
    "\"rec_boot_id\":\"5ec0b007\",\"rec_uptime_ms\":1}", FIN_ERR_BAD_VALUE, "digest" },
  { DEV "blackbox", "{" ENV ",\"type\":\"blackbox\",\"seq\":1,\"kind\":\"fault\",\"version\":\"1.0.0\","
    "\"rec_boot_id\":\"nope\",\"rec_uptime_ms\":1}", FIN_ERR_BAD_BOOT, "rec_boot_id" },
  { DEV "jobs/j2/update", JOB(",\"seq\":1,\"state\":\"QUEUED\",\"phase\":null" JOBOK), FIN_ERR_MISMATCH, "job" },
  { DEV "jobs/j1/update", JOB(",\"state\":\"QUEUED\"" JOBOK), FIN_ERR_MISSING, "seq" },
  { DEV "jobs/j1/update", JOB(",\"seq\":0,\"state\":\"QUEUED\"" JOBOK), FIN_ERR_RANGE, "seq" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"DONE\"" JOBOK), FIN_ERR_BAD_VALUE, "state" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"IN_PROGRESS\",\"phase\":null" JOBOK), FIN_ERR_BAD_VALUE, "phase" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"IN_PROGRESS\",\"phase\":\"baking\"" JOBOK), FIN_ERR_BAD_VALUE, "phase" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"IN_PROGRESS\",\"phase\":\"trial\",\"percent\":101" JOBOK),
    FIN_ERR_RANGE, "percent" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"FAILED\",\"reason\":null" JOBOK), FIN_ERR_MISSING, "reason" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"QUEUED\",\"device\":7" JOBOK), FIN_ERR_FIELD_TYPE, "device" },
  { DEV "jobs/j1/update", JOB(",\"seq\":1,\"state\":\"QUEUED\",\"version\":\"1.0.0\",\"sha256\":\"" SHA "0\""),
    FIN_ERR_BAD_VALUE, "sha256" },
  { DEV "cmd/response", "{" ENV ",\"type\":\"cmd_response\",\"id\":\"c1\",\"op\":\"reboot\"}", FIN_ERR_MISSING, "ok" },
  { DEV "cmd/response", "{" ENV ",\"type\":\"cmd_response\",\"id\":\"c1\",\"op\":\"reboot\",\"ok\":false,\"reason\":null}",
    FIN_ERR_MISSING, "reason" },
  { DEV "cmd/response", "{" ENV ",\"type\":\"cmd_response\",\"id\":\"c/1\",\"op\":\"reboot\",\"ok\":true}",
    FIN_ERR_BAD_VALUE, "id" },
};

static void t_refusals(void) {
  for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
    const bad *b = &bads[i];
    fin_msg m;
    fin_why w;
    fin_err e = parse(b->topic, b->payload, &m, &w);
    CHECK(e == b->err && w.err == e, "case %zu (%s %s): got %s, want %s", i, b->topic, b->payload, fin_err_name(e),
          fin_err_name(b->err));
    if (b->field)
      CHECK(w.field && !strcmp(w.field, b->field), "case %zu: field %s, want %s", i, w.field ? w.field : "-", b->field);
  }
  /* every error but OK (and TOO_BIG, below) has a case in the table */
  for (int e = 1; e < FIN_ERR__COUNT; e++) {
    bool seen = e == FIN_ERR_TOO_BIG;
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) seen |= bads[i].err == (fin_err)e;
    CHECK(seen, "no case for %s", fin_err_name((fin_err)e));
  }
  /* too big: a valid log line past FIN_PAYLOAD_MAX, and exactly at it */
  fin_msg m;
  fin_why w;
  char big[FIN_PAYLOAD_MAX + 2];
  {
    char pre[256];
    int k = snprintf(pre, sizeof pre, "{" ENV ",\"type\":\"log\",\"line\":1,\"text\":\"");
    size_t fill = FIN_PAYLOAD_MAX - (size_t)k - 2;
    memcpy(big, pre, (size_t)k);
    memset(big + k, 'a', fill + 1);
    memcpy(big + k + fill + 1, "\"}", 2);
    CHECK(fin_parse(DEV "logs", big, FIN_PAYLOAD_MAX + 1, &m, &w) == FIN_ERR_TOO_BIG);
    memcpy(big + k + fill, "\"}", 2);
    /* at the limit it is not too big (the text is longer than a log line
    ** may be, so range) */
    fin_err e = fin_parse(DEV "logs", big, FIN_PAYLOAD_MAX, &m, &w);
    CHECK(e == FIN_ERR_RANGE && w.field && !strcmp(w.field, "text"), "%s %s %s", fin_err_name(e), w.json_reason, w.field);
  }
  CHECK(fin_parse(DEV "logs", NULL, 0, &m, &w) == FIN_ERR_EMPTY);
  CHECK(fin_parse(NULL, "{}", 2, &m, &w) == FIN_ERR_TOPIC);
  CHECK(fin_parse(DEV "logs", "{}", 2, &m, NULL) == FIN_ERR_SCHEMA);   /* why may be NULL */
  /* JSON errors name the reader's reason and position */
  CHECK(parse(DEV "logs", "{\"v\":1,\"v\":1}", &m, &w) == FIN_ERR_JSON && !strcmp(w.json_reason, "duplicate_key"));
  CHECK(parse(DEV "logs", "{\"v\":1} x", &m, &w) == FIN_ERR_JSON && !strcmp(w.json_reason, "trailing") && w.pos == 8,
        "%s %u", w.json_reason, w.pos);
  /* a telemetry message with more values than a device can send */
  size_t o = (size_t)snprintf(buf, sizeof buf, "{" ENV ",\"type\":\"telemetry\",\"values\":[");
  for (unsigned i = 0; i <= FIN_TV_MAX; i++)
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s{\"name\":\"n%u\",\"value\":%u}", i ? "," : "", i, i);
  snprintf(buf + o, sizeof buf - o, "]}");
  CHECK(parse(DEV "telemetry", buf, &m, &w) == FIN_ERR_RANGE && !strcmp(w.field, "values"));
  /* every error has a distinct wire name */
  for (int a = 0; a < FIN_ERR__COUNT; a++)
    for (int b = a + 1; b < FIN_ERR__COUNT; b++) CHECK(strcmp(fin_err_name((fin_err)a), fin_err_name((fin_err)b)));
  CHECK(!strcmp(fin_err_name(FIN_ERR__COUNT), "?"));
}

/* ---- every kind, from the copilot's encoders ------------------------------ */

static void t_kinds(void) {
  fin_msg m;
  fin_why w;
  cop_stamp s = stamp(8123456);
  size_t n;

  link_telemetry t = { .uptime_ms = 8123456, .count = 2 };
  t.v[0] = (link_tvalue){ LINK_TV_GUEST, -215, 8, "temp_c10" };
  t.v[1] = (link_tvalue){ 0, INT64_MAX, 5, "steps" };
  n = cop_enc_telemetry(buf, sizeof buf, &s, &t);
  REQUIRE(n > 0);
  CHECK(fin_parse(DEV "telemetry", buf, n, &m, &w) == FIN_ERR_OK, "%s %s", fin_err_name(w.err), w.field);
  CHECK(m.kind == FIN_K_TELEMETRY && !strcmp(m.device, "dev-1") && m.st.known && !strcmp(m.st.boot_id, "5ec0b007") &&
        m.st.uptime_ms == 8123456 && m.st.time_ms == (int64_t)(T0 + 8123456));
  CHECK(m.u.telemetry.count == 2 && !strcmp(m.u.telemetry.v[0].name, "temp_c10") && m.u.telemetry.v[0].value == -215 &&
        m.u.telemetry.v[0].guest && m.u.telemetry.v[1].value == INT64_MAX && !m.u.telemetry.v[1].guest);
  CHECK(strlen(m.dedup) == 16);
  char d1[17];
  memcpy(d1, m.dedup, 17);
  buf[n - 1] = ' ';   /* a different payload (whitespace) has another dedup */
  buf[n] = '}';
  CHECK(fin_parse(DEV "telemetry", buf, n + 1, &m, &w) == FIN_ERR_OK && strcmp(m.dedup, d1));

  /* the largest telemetry a device sends: 32 values, 32-character names,
  ** extreme values (larger than the copilot's own 2048-byte input limit) */
  link_telemetry tmax = { .uptime_ms = UINT32_MAX * 100ull, .count = LINK_TV_MAX };
  for (unsigned i = 0; i < LINK_TV_MAX; i++) {
    tmax.v[i] = (link_tvalue){ LINK_TV_GUEST, i & 1 ? INT64_MIN : INT64_MAX, LINK_NAME_MAX, { 0 } };
    memset(tmax.v[i].name, 'a' + (int)(i % 26), LINK_NAME_MAX);
    tmax.v[i].name[0] = (char)('A' + i);
  }
  cop_stamp smax = stamp(UINT32_MAX * 100ull);
  n = cop_enc_telemetry(buf, sizeof buf, &smax, &tmax);
  CHECK(n > COP_PAYLOAD_MAX && n <= FIN_PAYLOAD_MAX, "%zu", n);
  CHECK(fin_parse(DEV "telemetry", buf, n, &m, &w) == FIN_ERR_OK && m.u.telemetry.count == LINK_TV_MAX &&
        m.u.telemetry.v[31].value == INT64_MIN && strlen(m.u.telemetry.v[31].name) == LINK_NAME_MAX,
        "%s %s", fin_err_name(w.err), w.field);

  link_log_note l = { .seq = 41, .lost = 3, .level = 1, .uptime_ms = 8123456, .len = 14 };
  memcpy(l.text, "led \"on\"\n t=21", 14);
  n = cop_enc_log(buf, sizeof buf, &s, &l);
  CHECK(fin_parse(DEV "logs", buf, n, &m, &w) == FIN_ERR_OK && m.kind == FIN_K_LOG && m.u.log.line == 41 &&
        m.u.log.lost == 3 && m.u.log.level == 1 && !strcmp(m.u.log.text, "led \"on\"\n t=21"));

  link_heartbeat h = { .uptime_ms = 8123456, .boot_id = BOOT, .vm_state = 3, .host_state = 0, .running = 1,
                       .trial = 1, .steps = 912345, .log_next = 42, .log_lost = 1, .notes_lost = 2, .bbox_next = 9 };
  n = cop_enc_heartbeat(buf, sizeof buf, &s, &h, &(cop_linkstat){ 3, 1 });
  CHECK(fin_parse(DEV "heartbeat", buf, n, &m, &w) == FIN_ERR_OK && m.kind == FIN_K_HEARTBEAT &&
        !strcmp(m.u.heartbeat.vm_state, link_vm_state_name(3)) && !strcmp(m.u.heartbeat.bank, "B") &&
        m.u.heartbeat.trial && m.u.heartbeat.steps == 912345 && m.u.heartbeat.bbox_next == 9);

  link_rt_status rs;
  memset(&rs, 0, sizeof rs);
  rs.vm_state = 1;
  rs.reset_reason = 2;
  rs.running = 0;
  rs.version[0] = 1, rs.version[1] = 4, rs.version[2] = 65535;
  rs.counter = 7;
  for (int i = 0; i < 32; i++) rs.digest[i] = (uint8_t)(0x10 + i);
  rs.boots = 3;
  rs.name_len = 7;
  memcpy(rs.name, "blink.c", 7);
  n = cop_enc_status(buf, sizeof buf, &s, true, &rs, NULL);
  CHECK(fin_parse(DEV "status", buf, n, &m, &w) == FIN_ERR_OK, "%s %s", fin_err_name(w.err), w.field);
  CHECK(m.u.status.online && m.u.status.has_device && !strcmp(m.u.status.bank, "A") &&
        !strcmp(m.u.status.version, "1.4.65535") && !strcmp(m.u.status.program, "blink.c") &&
        !strcmp(m.u.status.reset_reason, link_reset_name(2)) && m.u.status.counter == 7 &&
        !strncmp(m.u.status.digest, "101112", 6) && m.u.status.boots == 3);
  n = cop_enc_status(buf, sizeof buf, &s, true, NULL, NULL);   /* online, device not heard yet */
  CHECK(fin_parse(DEV "status", buf, n, &m, &w) == FIN_ERR_OK && m.u.status.online && !m.u.status.has_device);
  cop_stamp unknown = { T0, 0, 0, false };
  n = cop_enc_status(buf, sizeof buf, &unknown, false, NULL, "lost");   /* the will */
  CHECK(fin_parse(DEV "status", buf, n, &m, &w) == FIN_ERR_OK && !m.u.status.online &&
        !strcmp(m.u.status.reason, "lost") && !m.st.known && m.st.uptime_ms == -1 && !m.st.boot_id[0]);

  link_event_note ev = { .uptime_ms = 8123456, .event = LINK_EV_TRIAL_CONFIRMED, .bank = 1, .value = -3, .pc = 77,
                         .version = { 1, 4, 0 }, .name_len = 0 };
  n = cop_enc_event(buf, sizeof buf, &s, &ev);
  CHECK(fin_parse(DEV "events", buf, n, &m, &w) == FIN_ERR_OK && m.kind == FIN_K_EVENT &&
        !strcmp(m.u.event.kind, "trial_confirmed") && m.u.event.value == -3);
  n = cop_enc_refusal(buf, sizeof buf, &unknown, "cmd", "c-89", COP_E_EXPIRED, "expires", 61);
  CHECK(fin_parse(DEV "events", buf, n, &m, &w) == FIN_ERR_OK && !strcmp(m.u.event.kind, "refused") &&
        !strcmp(m.u.event.name, "expired") && !m.st.known);
  n = cop_enc_dropped(buf, sizeof buf, &s, 120, 345);
  CHECK(fin_parse(DEV "events", buf, n, &m, &w) == FIN_ERR_OK && !strcmp(m.u.event.kind, "dropped") &&
        m.u.event.value == 120);

  bbox_rec r;
  bbox_rec_init(&r, 1);
  r.seq = 12;
  r.fault = 4;
  r.bank = 1;
  r.pc = 0x120;
  r.line = 17;
  r.func = 3;
  r.version[0] = 2;
  r.boot_id = BOOT;
  r.uptime_ms = 8000000;
  r.counter = 9;
  bbox_name_set(r.func_name, "loop", 4);
  bbox_name_set(r.file, "blink.c", 7);
  n = cop_enc_bbox(buf, sizeof buf, &s, &r);
  CHECK(fin_parse(DEV "blackbox", buf, n, &m, &w) == FIN_ERR_OK, "%s %s", fin_err_name(w.err), w.field);
  CHECK(m.u.blackbox.seq == 12 && m.u.blackbox.line == 17 && m.u.blackbox.func == 3 && m.u.blackbox.pc == 0x120 &&
        !strcmp(m.u.blackbox.func_name, "loop") && !strcmp(m.u.blackbox.file, "blink.c") &&
        !strcmp(m.u.blackbox.version, "2.0.0") && !strcmp(m.u.blackbox.rec_boot_id, "5ec0b007") &&
        m.u.blackbox.rec_uptime_ms == 8000000 && !strcmp(m.u.blackbox.bank, "B"));
  r.func = BBOX_NO_FUNC;
  n = cop_enc_bbox(buf, sizeof buf, &s, &r);
  CHECK(fin_parse(DEV "blackbox", buf, n, &m, &w) == FIN_ERR_OK && m.u.blackbox.func == -1);

  cop_job j;
  cop_job_init(&j);
  snprintf(j.m.id, sizeof j.m.id, "rollout-17.dev-1");
  j.updates = 6;
  j.state = COP_JS_IN_PROGRESS;
  j.phase = COP_PH_PROGRAMMING;
  j.percent = 40;
  j.m.version[0] = 1, j.m.version[1] = 4;
  for (int i = 0; i < 32; i++) j.m.sha256[i] = (uint8_t)(0xa0 + i);
  n = cop_enc_job_update(buf, sizeof buf, &s, &j);
  CHECK(fin_parse(DEV "jobs/rollout-17.dev-1/update", buf, n, &m, &w) == FIN_ERR_OK, "%s %s", fin_err_name(w.err),
        w.field);
  CHECK(m.kind == FIN_K_JOB_UPDATE && !strcmp(m.u.job.job, "rollout-17.dev-1") && !strcmp(m.u.job.device, "dev-1") &&
        m.u.job.seq == 6 && m.u.job.state == FST_JOB_IN_PROGRESS && !strcmp(m.u.job.phase, "programming") &&
        m.u.job.percent == 40 && !m.u.job.reason[0] && !m.u.job.has_device && !strcmp(m.u.job.version, "1.4.0") &&
        !strcmp(m.u.job.sha256, SHA) && m.u.job.st.uptime_ms == 8123456);
  j.updates = 7;
  j.state = COP_JS_REJECTED;
  j.reason = COP_JR_COUNTER;
  j.dev_status = LINK_ST_VERIFY;
  j.dev_detail = 5;
  n = cop_enc_job_update(buf, sizeof buf, &s, &j);
  CHECK(fin_parse(DEV "jobs/rollout-17.dev-1/update", buf, n, &m, &w) == FIN_ERR_OK && m.u.job.state == FST_JOB_REJECTED &&
        !strcmp(m.u.job.reason, "counter_below_floor") && m.u.job.has_device && !strcmp(m.u.job.dev_status, "VERIFY") &&
        m.u.job.dev_detail[0] && m.u.job.percent == -1 && !m.u.job.phase[0]);

  n = cop_enc_cmd_response(buf, sizeof buf, &s, "c-88", COP_CMD_TELEMETRY_INTERVAL, true, NULL, 500);
  CHECK(fin_parse(DEV "cmd/response", buf, n, &m, &w) == FIN_ERR_OK && m.kind == FIN_K_CMD_RESPONSE &&
        !strcmp(m.u.cmd.id, "c-88") && !strcmp(m.u.cmd.op, "telemetry_interval") && m.u.cmd.ok && m.u.cmd.value == 500);
  n = cop_enc_cmd_response(buf, sizeof buf, &s, NULL, COP_CMD__COUNT, false, "syntax", 0);
  CHECK(fin_parse(DEV "cmd/response", buf, n, &m, &w) == FIN_ERR_OK && !m.u.cmd.id[0] && !m.u.cmd.ok &&
        !strcmp(m.u.cmd.reason, "syntax"));

  /* unknown fields are ignored within schema 1 */
  CHECK(parse(DEV "logs", LOG(",\"line\":1,\"text\":\"x\",\"future\":{\"a\":[1,2]}"), &m, &w) == FIN_ERR_OK);

  /* the subscriptions: one per kind, the job level a wildcard */
  char f[128];
  CHECK(fin_filter(FIN_K_JOB_UPDATE, "$share/fleetd/", f, sizeof f) && !strcmp(f, "$share/fleetd/fleet/devices/+/jobs/+/update"), "%s", f);
  CHECK(fin_filter(FIN_K_LOG, "", f, sizeof f) && !strcmp(f, "fleet/devices/+/logs"));
  CHECK(fin_filter(FIN_K_LOG, "", f, 10) == 0 && !f[0]);
  /* every kind's suffix matches a device->backend topic of the copilot's table, and its filter is what fleetd reads */
  for (int k = 0; k < FIN_K__COUNT; k++) {
    bool found = false;
    for (int t2 = 0; t2 < COP_T__COUNT; t2++) {
      const cop_topic_info *ti = cop_topic_get((cop_topic)t2);
      if (ti && ti->dir == COP_UP && !strcmp(ti->suffix, fin_kind_suffix((fin_kind)k))) found = true;
    }
    CHECK(found, "%s", fin_kind_suffix((fin_kind)k));
  }
  for (int t2 = 0; t2 < COP_T__COUNT; t2++) {
    const cop_topic_info *ti = cop_topic_get((cop_topic)t2);
    bool found = false;
    for (int k = 0; ti && k < FIN_K__COUNT; k++) found |= !strcmp(ti->suffix, fin_kind_suffix((fin_kind)k));
    CHECK(!ti || (ti->dir == COP_UP) == found, "topic %s", ti ? ti->suffix : "?");
  }
}

/* ---- the writer on a store -------------------------------------------------- */

static int64_t fake_now;
static int64_t clock_fake(void) { return fake_now; }

static int njobs, ncmds;
static fin_job_update last_job;
static void on_job(void *user, const fin_job_update *u) {
  (*(int *)user)++;
  njobs++;
  last_job = *u;
}
static void on_cmd(void *user, const char *dev, const fin_cmd_response *r, const fin_stamp *st) {
  (void)user;
  (void)st;
  if (!strcmp(dev, "dev-1") && r->ok) ncmds++;
}

static fin_err ingest(fin_writer *w, const char *topic, const char *p, size_t n) {
  return fin_writer_ingest(w, topic, p, n, NULL);
}

static size_t count_points(fst_store *s, const char *dev) {
  fst_point_row *v;
  size_t n = 0;
  if (fst_telemetry_list(s, dev, NULL, 0, INT64_MAX / 4, 0, &v, &n) != FST_ERR_OK) return (size_t)-1;
  free(v);
  return n;
}

static void t_writer(const char *dir, const char *url) {
  fst_store *s = NULL, *other = NULL;
  char err[256];
  REQUIRE(fst_open(dir, url, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  REQUIRE(fst_open(dir, url, &other, err, sizeof err) == FST_ERR_OK, "%s", err);
  int user = 0;
  fin_writer_cfg cfg = { .store = s, .batch_max = 4, .flush_ms = 100, .queue_max = 50, .on_job_update = on_job,
                         .on_cmd_response = on_cmd, .user = &user, .now_ms = clock_fake };
  fin_writer *w = fin_writer_new(&cfg);
  REQUIRE(w);
  fin_stats st;
  CHECK(fin_writer_due_ms(w) == -1);

  /* by time: one message (2 points) waits flush_ms, then goes in one batch */
  cop_stamp s1 = stamp(1000);
  link_telemetry t = { .uptime_ms = 1000, .count = 2 };
  t.v[0] = (link_tvalue){ 0, 10, 1, "a" };
  t.v[1] = (link_tvalue){ 0, 20, 1, "b" };
  size_t n = cop_enc_telemetry(buf, sizeof buf, &s1, &t);
  CHECK(ingest(w, DEV "telemetry", buf, n) == FIN_ERR_OK);
  CHECK(fin_writer_due_ms(w) == 100);
  CHECK(fin_writer_flush(w, false) == FST_ERR_OK && count_points(other, "dev-1") == 0);   /* not due */
  fake_now += 60;
  CHECK(fin_writer_due_ms(w) == 40);
  fake_now += 40;
  CHECK(fin_writer_due_ms(w) == 0);
  CHECK(fin_writer_flush(w, false) == FST_ERR_OK && count_points(other, "dev-1") == 2);
  fin_writer_stats(w, &st);
  CHECK(st.batches == 1 && st.rows_written == 2 && st.queued == 0 && st.received == 1);

  /* the same message again (a QoS 1 redelivery), and by count: due at once */
  CHECK(ingest(w, DEV "telemetry", buf, n) == FIN_ERR_OK);
  CHECK(fin_writer_due_ms(w) == 100);
  link_log_note l = { .seq = 1, .uptime_ms = 1001, .len = 3, .text = "one" };
  cop_stamp s2 = stamp(1001);
  size_t ln = cop_enc_log(buf + 4096, 4096, &s2, &l);
  CHECK(ingest(w, DEV "logs", buf + 4096, ln) == FIN_ERR_OK);
  CHECK(ingest(w, DEV "logs", buf + 4096, ln) == FIN_ERR_OK);   /* twice in one batch */
  CHECK(fin_writer_due_ms(w) == 0);   /* 4 records = batch_max */
  CHECK(fin_writer_flush(w, false) == FST_ERR_OK);
  CHECK(count_points(other, "dev-1") == 2);
  fst_log_row *lr;
  size_t k;
  CHECK(fst_logs_list(other, "dev-1", 0, 0, &lr, &k) == FST_ERR_OK && k == 1 && !strcmp(lr[0].text, "one") &&
        lr[0].seq == 1 && lr[0].time == (int64_t)(T0 + 1001));
  free(lr);
  fin_writer_stats(w, &st);
  CHECK(st.batches == 2 && st.rows_written == 3 && st.duplicates == 3, "%llu %llu", (unsigned long long)st.rows_written,
        (unsigned long long)st.duplicates);

  /* events: two in one millisecond both kept; the same again not */
  link_event_note e1 = { .uptime_ms = 2000, .event = LINK_EV_EXITED, .version = { 1, 0, 0 } };
  link_event_note e2 = { .uptime_ms = 2000, .event = LINK_EV_STARTED, .version = { 1, 0, 0 } };
  link_event_note e3 = { .uptime_ms = 2000, .event = LINK_EV_STARTED, .value = 1, .version = { 1, 0, 0 } };
  cop_stamp s3 = stamp(2000);
  const link_event_note *evs[] = { &e1, &e2, &e3, &e1 };
  for (int i = 0; i < 4; i++) {
    n = cop_enc_event(buf, sizeof buf, &s3, evs[i]);
    CHECK(ingest(w, DEV "events", buf, n) == FIN_ERR_OK);
  }
  CHECK(fin_writer_flush(w, false) == FST_ERR_OK);
  fst_event_row *er;
  CHECK(fst_events_list(other, "dev-1", 0, &er, &k) == FST_ERR_OK && k == 3 && er[0].seq == 2000 &&
        !strcmp(er[0].boot_id, "5ec0b007") && er[0].detail && strstr(er[0].detail, "\"type\":\"event\""));
  free(er);

  /* status, heartbeats: the device registry */
  link_rt_status rs;
  memset(&rs, 0, sizeof rs);
  rs.vm_state = 1;
  rs.reset_reason = 2;
  rs.running = 1;
  rs.version[0] = 1, rs.version[1] = 4;
  for (int i = 0; i < 32; i++) rs.digest[i] = (uint8_t)i;
  rs.name_len = 9;
  memcpy(rs.name, "bl\"ink.c\\", 9);
  cop_stamp s4 = stamp(3000);
  n = cop_enc_status(buf, sizeof buf, &s4, true, &rs, NULL);
  CHECK(ingest(w, DEV "status", buf, n) == FIN_ERR_OK);
  link_heartbeat hb = { .uptime_ms = 4000, .boot_id = BOOT, .vm_state = 3, .running = 1 };
  cop_stamp s5 = stamp(4000);
  n = cop_enc_heartbeat(buf, sizeof buf, &s5, &hb, NULL);
  CHECK(ingest(w, DEV "heartbeat", buf, n) == FIN_ERR_OK);
  /* a telemetry point made after the heartbeat, in the same batch: the
  ** heartbeat still counts (it is the newest heartbeat) */
  link_telemetry t2 = { .uptime_ms = 4500, .count = 1 };
  t2.v[0] = (link_tvalue){ 0, 1, 1, "c" };
  cop_stamp s45 = stamp(4500);
  n = cop_enc_telemetry(buf, sizeof buf, &s45, &t2);
  CHECK(ingest(w, DEV "telemetry", buf, n) == FIN_ERR_OK);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK);
  fst_device d;
  CHECK(fst_device_get(other, "dev-1", &d) == FST_ERR_OK);
  CHECK(d.online && d.last_seen == (int64_t)(T0 + 4500) && !strcmp(d.vm_state, link_vm_state_name(3)) &&
        d.uptime_ms == 4000 && !strcmp(d.boot_id, "5ec0b007") && !strcmp(d.reset_reason, link_reset_name(2)) &&
        !strcmp(d.running_version, "1.4.0") && !strncmp(d.running_sha, "000102", 6));
  CHECK(d.banks && strstr(d.banks, "\"running\":\"B\"") && strstr(d.banks, "\"program\":\"bl\\\"ink.c\\\\\""),
        "%s", d.banks ? d.banks : "-");
  fst_device_free(&d);
  /* the will: offline although its time is older than the heartbeat */
  cop_stamp s6 = stamp(10);
  n = cop_enc_status(buf, sizeof buf, &s6, false, NULL, "lost");
  CHECK(ingest(w, DEV "status", buf, n) == FIN_ERR_OK);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK);
  CHECK(fst_device_get(other, "dev-1", &d) == FST_ERR_OK && !d.online && d.last_seen == (int64_t)(T0 + 4500) &&
        !strcmp(d.vm_state, link_vm_state_name(3)));
  fst_device_free(&d);

  /* a blackbox record, read twice (two reads: two stamps): one crash, at the crash's own time */
  bbox_rec r;
  bbox_rec_init(&r, 1);
  r.seq = 3;
  r.line = 17;
  r.pc = 0x44;
  r.version[0] = 2;
  r.boot_id = BOOT;
  r.uptime_ms = 3500;
  bbox_name_set(r.func_name, "loop", 4);
  bbox_name_set(r.file, "blink.c", 7);
  n = cop_enc_bbox(buf, sizeof buf, &s5, &r);
  CHECK(ingest(w, DEV "blackbox", buf, n) == FIN_ERR_OK);
  cop_stamp s7 = stamp(9000);
  n = cop_enc_bbox(buf, sizeof buf, &s7, &r);
  CHECK(ingest(w, DEV "blackbox", buf, n) == FIN_ERR_OK);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK);
  fst_crash_row *cr;
  CHECK(fst_crashes_list(other, "dev-1", 0, &cr, &k) == FST_ERR_OK && k == 1);
  CHECK(k == 1 && !strcmp(cr[0].file, "blink.c") && cr[0].line == 17 && !strcmp(cr[0].function, "loop") &&
        !strcmp(cr[0].version, "2.0.0") && cr[0].seq == 3 && cr[0].pc == 0x44 && cr[0].time == (int64_t)(T0 + 3500));
  free(cr);

  /* job updates: the callback only, nothing stored; command responses: the callback and an event */
  cop_job j;
  cop_job_init(&j);
  snprintf(j.m.id, sizeof j.m.id, "job-9");
  j.updates = 1;
  j.state = COP_JS_QUEUED;
  n = cop_enc_job_update(buf, sizeof buf, &s5, &j);
  size_t before = count_points(other, "dev-1");
  CHECK(fst_events_list(other, "dev-1", 0, &er, &k) == FST_ERR_OK);
  free(er);
  size_t ev_before = k;
  CHECK(ingest(w, DEV "jobs/job-9/update", buf, n) == FIN_ERR_OK);
  CHECK(user == 1 && njobs == 1 && !strcmp(last_job.job, "job-9") && last_job.state == FST_JOB_QUEUED &&
        last_job.seq == 1);
  CHECK(fin_writer_due_ms(w) == -1);   /* nothing queued for it */
  n = cop_enc_cmd_response(buf, sizeof buf, &s5, "c-1", COP_CMD_REBOOT, true, NULL, 0);
  CHECK(ingest(w, DEV "cmd/response", buf, n) == FIN_ERR_OK && ncmds == 1);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK);
  CHECK(count_points(other, "dev-1") == before);
  CHECK(fst_events_list(other, "dev-1", 0, &er, &k) == FST_ERR_OK && k == ev_before + 1 && !strcmp(er[0].kind, "cmd_response"));
  free(er);

  /* refusals are counted by reason; nothing is queued for them */
  CHECK(ingest(w, DEV "logs", "{", 1) == FIN_ERR_JSON);
  CHECK(ingest(w, DEV "cmd", "{}", 2) == FIN_ERR_TOPIC);
  fin_writer_stats(w, &st);
  CHECK(st.refused == 2 && st.refused_by[FIN_ERR_JSON] == 1 && st.refused_by[FIN_ERR_TOPIC] == 1 && st.queued == 0);
  CHECK(st.job_updates == 1 && st.cmd_responses == 1 && st.by_kind[FIN_K_TELEMETRY] == 3);

  /* the queue's bound: past queue_max records are dropped, counted */
  link_telemetry big = { .uptime_ms = 5000, .count = 32 };
  for (int i = 0; i < 32; i++) big.v[i] = (link_tvalue){ 0, i, 2, { 'n', (char)('A' + i) } };
  for (int i = 0; i < 2; i++) {
    cop_stamp sb = stamp(5000 + (uint64_t)i);
    n = cop_enc_telemetry(buf, sizeof buf, &sb, &big);
    CHECK(ingest(w, DEV "telemetry", buf, n) == FIN_ERR_OK);
  }
  fin_writer_stats(w, &st);
  CHECK(st.queued == 32 && st.dropped == 32, "%llu %llu", (unsigned long long)st.queued, (unsigned long long)st.dropped);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK && count_points(other, "dev-1") == before + 32);

  /* a batch the store cannot take (a transaction already open) stays queued and goes later */
  n = cop_enc_log(buf, sizeof buf, &s5, &(link_log_note){ .seq = 2, .uptime_ms = 4000, .len = 3, .text = "two" });
  CHECK(ingest(w, DEV "logs", buf, n) == FIN_ERR_OK);
  CHECK(fst_begin(s) == FST_ERR_OK);
  CHECK(fin_writer_flush(w, true) == FST_ERR_INVALID);
  fin_writer_stats(w, &st);
  CHECK(st.batch_errors == 1 && st.queued == 1);
  fst_rollback(s);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK);
  CHECK(fst_logs_list(other, "dev-1", 0, 0, &lr, &k) == FST_ERR_OK && k == 2);
  free(lr);

  /* fin_writer_free writes what is still queued */
  n = cop_enc_log(buf, sizeof buf, &s5, &(link_log_note){ .seq = 3, .uptime_ms = 4000, .len = 5, .text = "three" });
  CHECK(ingest(w, DEV "logs", buf, n) == FIN_ERR_OK);
  fin_writer_free(w);
  CHECK(fst_logs_list(other, "dev-1", 0, 0, &lr, &k) == FST_ERR_OK && k == 3 && !strcmp(lr[2].text, "three"));
  free(lr);
  fst_close(other);
  fst_close(s);
}

/* PostgreSQL: the server drops the writer's connection (a terminated
** backend, as in a restart); the next batch reconnects and commits. */
static void t_reconnect(const char *dir, const char *url) {
  fst_store *s = NULL, *other = NULL;
  char err[256];
  REQUIRE(fst_open(dir, url, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  fin_writer_cfg cfg = { .store = s };
  fin_writer *w = fin_writer_new(&cfg);
  REQUIRE(w);
  cop_stamp st = stamp(7000);
  size_t n = cop_enc_log(buf, sizeof buf, &st, &(link_log_note){ .seq = 9, .uptime_ms = 7000, .len = 4, .text = "kept" });
  CHECK(fin_writer_ingest(w, "fleet/devices/dev-pg/logs", buf, n, NULL) == FIN_ERR_OK);
  PGconn *c = PQconnectdb(url);
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult *r = PQexec(c, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                          " WHERE pid <> pg_backend_pid() AND datname = current_database()");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && atoi(PQgetvalue(r, 0, 0)) >= 1);
  PQclear(r);
  PQfinish(c);
  CHECK(fin_writer_flush(w, true) == FST_ERR_OK, "%s", fst_errmsg(s));
  REQUIRE(fst_open(dir, url, &other, err, sizeof err) == FST_ERR_OK, "%s", err);
  fst_log_row *lr;
  size_t k;
  CHECK(fst_logs_list(other, "dev-pg", 0, 0, &lr, &k) == FST_ERR_OK && k == 1 && !strcmp(lr[0].text, "kept"));
  free(lr);
  fin_writer_free(w);
  fst_close(other);
  fst_close(s);
}

int main(int argc, char **argv) {
  t_refusals();
  t_kinds();
  if (argc > 1) t_writer(argv[1], argc > 2 ? argv[2] : NULL);
  if (argc > 2) t_reconnect(argv[1], argv[2]);
  return t_done(argc > 2 ? "fleet.ingest.pg" : "fleet.ingest");
}
