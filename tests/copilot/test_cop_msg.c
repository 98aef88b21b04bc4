/*
** test_cop_msg.c -- the copilot core's formats: the JSON reader's refusals
** (malformed, depth, tokens, duplicate keys, UTF-8, escapes) and writer,
** RFC 3339 time, the per-boot clock, every encoder's exact output, the job
** and cmd decoders' refusals (each cop_err they can give), the replay table.
** Usage: test_cop_msg json|time|enc|dec|replay|tab
*/
#include <string.h>

#include "cop.h"
#include "tcheck.h"

static cop_jtok tok[64];
static cop_json js;

static cop_err parse(const char *s) { return cop_json_parse(&js, s, strlen(s), tok, 64); }

static void json(void) {
  /* refusals first, each with its reason */
  static const struct { const char *s; cop_err e; } bad[] = {
    { "", COP_E_EMPTY },
    { "   ", COP_E_SYNTAX },
    { "{", COP_E_SYNTAX },
    { "{\"a\"}", COP_E_SYNTAX },
    { "{\"a\":1,}", COP_E_SYNTAX },
    { "[1,]", COP_E_SYNTAX },
    { "{a:1}", COP_E_SYNTAX },
    { "\"abc", COP_E_SYNTAX },
    { "tru", COP_E_SYNTAX },
    { "nul", COP_E_SYNTAX },
    { "'x'", COP_E_SYNTAX },
    { "01", COP_E_NUMBER },
    { "-", COP_E_NUMBER },
    { "1.", COP_E_NUMBER },
    { "1e", COP_E_NUMBER },
    { "1e+", COP_E_NUMBER },
    { "-x", COP_E_NUMBER },
    { "1 2", COP_E_TRAILING },
    { "{} x", COP_E_TRAILING },
    { "{\"a\":1,\"a\":2}", COP_E_DUP_KEY },
    { "{\"a\":1,\"\\u0061\":2}", COP_E_DUP_KEY },          /* the same key escaped */
    { "{\"x\":{\"b\":1,\"b\":1}}", COP_E_DUP_KEY },
    { "[[[[[[[[[1]]]]]]]]]", COP_E_DEPTH },                 /* 8 levels + 1 */
    { "\"\\x\"", COP_E_ESCAPE },
    { "\"\\u12\"", COP_E_ESCAPE },
    { "\"\\u12g4\"", COP_E_ESCAPE },
    { "\"\\ud800\"", COP_E_ESCAPE },                        /* lone high surrogate */
    { "\"\\udc00\"", COP_E_ESCAPE },                        /* lone low surrogate */
    { "\"\\ud800\\u0041\"", COP_E_ESCAPE },                 /* high + not low */
    { "\"\\", COP_E_ESCAPE },
    { "\"a\tb\"", COP_E_UTF8 },                             /* raw control character */
    { "\"\xc3\"", COP_E_UTF8 },                             /* truncated */
    { "\"\xc0\xaf\"", COP_E_UTF8 },                         /* overlong */
    { "\"\xe0\x80\xaf\"", COP_E_UTF8 },                     /* overlong, 3 bytes */
    { "\"\xed\xa0\x80\"", COP_E_UTF8 },                     /* a surrogate in UTF-8 */
    { "\"\xf4\x90\x80\x80\"", COP_E_UTF8 },                 /* above U+10FFFF */
    { "\"\xff\"", COP_E_UTF8 },
    { "\"\xc3(\"", COP_E_UTF8 },                            /* bad continuation */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cop_err e = parse(bad[i].s);
    CHECK(e == bad[i].e, "'%s': %s, want %s", bad[i].s, cop_err_name(e), cop_err_name(bad[i].e));
  }
  CHECK(parse("[[[[[[[[1]]]]]]]]") == COP_E_OK, "8 levels are fine");
  CHECK(parse("{\"a\":1,\"b\":[1,2,3]}") == COP_E_OK);
  /* the error position points at the fault */
  CHECK(parse("{\"a\":1,\"a\":2}") == COP_E_DUP_KEY && js.err_pos == 7, "pos %u", js.err_pos);
  CHECK(parse("[1,2,x]") == COP_E_SYNTAX && js.err_pos == 5, "pos %u", js.err_pos);
  /* tokens: a cap too small */
  CHECK(cop_json_parse(&js, "[1,2,3]", 7, tok, 3) == COP_E_TOKENS);
  CHECK(cop_json_parse(&js, "[1,2,3]", 7, tok, 4) == COP_E_OK);
  /* too big */
  static char big[COP_PAYLOAD_MAX + 2];
  memset(big, ' ', sizeof big);
  big[0] = '1';
  CHECK(cop_json_parse(&js, big, COP_PAYLOAD_MAX + 1, tok, 64) == COP_E_TOO_BIG);
  CHECK(cop_json_parse(&js, big, COP_PAYLOAD_MAX, tok, 64) == COP_E_OK);

  /* values: strings unescaped, UTF-8 kept, surrogate pairs joined */
  REQUIRE(parse("{\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\xc3\xa9\",\"n\":-42,"
                "\"f\":1.5,\"big\":9223372036854775808,\"t\":true,\"z\":\"\\u0000\"}") == COP_E_OK);
  char out[64];
  size_t n;
  int32_t t = cop_json_get(&js, 0, "s");
  REQUIRE(t > 0);
  CHECK(cop_json_str(&js, (uint32_t)t, out, sizeof out, &n) == COP_E_OK);
  CHECK(n == 17 && !memcmp(out, "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9", 18), "n %zu", n);
  CHECK(cop_json_str(&js, (uint32_t)t, out, 17, &n) == COP_E_RANGE, "no room for the NUL");
  CHECK(cop_json_str(&js, (uint32_t)cop_json_get(&js, 0, "z"), out, sizeof out, &n) == COP_E_RANGE,
        "an escaped NUL is refused in a C string");
  CHECK(cop_json_str(&js, (uint32_t)cop_json_get(&js, 0, "n"), out, sizeof out, &n) == COP_E_TYPE);
  int64_t v;
  CHECK(cop_json_int(&js, (uint32_t)cop_json_get(&js, 0, "n"), -100, 100, &v) == COP_E_OK && v == -42);
  CHECK(cop_json_int(&js, (uint32_t)cop_json_get(&js, 0, "n"), 0, 100, &v) == COP_E_RANGE);
  CHECK(cop_json_int(&js, (uint32_t)cop_json_get(&js, 0, "f"), 0, 100, &v) == COP_E_RANGE, "a fraction");
  CHECK(cop_json_int(&js, (uint32_t)cop_json_get(&js, 0, "big"), INT64_MIN, INT64_MAX, &v) == COP_E_RANGE);
  CHECK(cop_json_int(&js, (uint32_t)cop_json_get(&js, 0, "t"), 0, 1, &v) == COP_E_TYPE);
  CHECK(cop_json_get(&js, 0, "nope") == -1);
  CHECK(cop_json_get(&js, 1, "s") == -1, "not an object");
  REQUIRE(parse("-9223372036854775808") == COP_E_OK);
  CHECK(cop_json_int(&js, 0, INT64_MIN, INT64_MAX, &v) == COP_E_OK && v == INT64_MIN);

  /* writer: commas, escapes, U+FFFD for bad UTF-8, overflow */
  char buf[128];
  cop_jw w;
  cop_jw_init(&w, buf, sizeof buf);
  cop_jw_obj(&w);
  cop_jw_key(&w, "a"); cop_jw_int(&w, -5);
  cop_jw_key(&w, "b"); cop_jw_arr(&w); cop_jw_uint(&w, 1); cop_jw_int(&w, -2); cop_jw_null(&w);
  cop_jw_bool(&w, false); cop_jw_arr_end(&w);
  cop_jw_key(&w, "s"); cop_jw_strn(&w, "q\"\\\n\x01\x7f\xff\xc3\xa9", 9);
  cop_jw_key(&w, "h"); cop_jw_hex(&w, (const uint8_t *)"\x01\xab", 2);
  cop_jw_obj_end(&w);
  size_t len = cop_jw_end(&w);
  const char *want = "{\"a\":-5,\"b\":[1,-2,null,false],\"s\":\"q\\\"\\\\\\n\\u0001\\u007f\\ufffd\xc3\xa9\",\"h\":\"01ab\"}";
  CHECK(len == strlen(want) && !strcmp(buf, want), "got %s", buf);
  CHECK(parse(buf) == COP_E_OK, "the writer's output reads back");
  cop_jw_init(&w, buf, 8);
  cop_jw_obj(&w); cop_jw_key(&w, "abcdef"); cop_jw_uint(&w, 1); cop_jw_obj_end(&w);
  CHECK(cop_jw_end(&w) == 0 && buf[0] == 0, "overflow gives 0");
  cop_jw_init(&w, buf, sizeof buf);
  cop_jw_obj(&w);
  CHECK(cop_jw_end(&w) == 0, "unclosed gives 0");
}

static void timefmt(void) {
  char t[COP_TIME_LEN + 1];
  cop_time_fmt(0, t);
  CHECK(!strcmp(t, "1970-01-01T00:00:00.000Z"), "%s", t);
  cop_time_fmt(1796281262345ull, t);
  CHECK(!strcmp(t, "2026-12-03T07:01:02.345Z"), "%s", t);
  cop_time_fmt(951782400000ull, t);   /* leap day of a 400-year */
  CHECK(!strcmp(t, "2000-02-29T00:00:00.000Z"), "%s", t);
  cop_time_fmt(UINT64_MAX, t);
  CHECK(!strcmp(t, "9999-12-31T23:59:59.999Z"), "%s", t);
  static const char *bad[] = {
    "", "2026-12-03", "2026-12-03T07:01:02", "2026-12-03 07:01:02Z", "2026-13-03T07:01:02Z",
    "2026-00-03T07:01:02Z", "2026-02-29T07:01:02Z", "2026-04-31T00:00:00Z", "2026-12-03T24:00:00Z",
    "2026-12-03T07:60:00Z", "2026-12-31T23:59:60Z", "2026-12-03T07:01:02.Z", "2026-12-03T07:01:02+0100",
    "2026-12-03T07:01:02+24:00", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+00:01",
    "2026-12-03T07:01:02Zx", "2026-12-03T07:01:0aZ", "20261203T070102Z",
  };
  uint64_t ms;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK(cop_time_parse(bad[i], strlen(bad[i]), &ms) == COP_E_BAD_TIME, "'%s' taken", bad[i]);
  static const struct { const char *s; uint64_t ms; } good[] = {
    { "2026-12-03T07:01:02.345Z", 1796281262345ull },
    { "2026-12-03t07:01:02.3456789z", 1796281262345ull },   /* truncated to ms */
    { "2026-12-03T08:01:02.345+01:00", 1796281262345ull },
    { "2026-12-03T06:31:02.345-00:30", 1796281262345ull },
    { "2000-02-29T00:00:00Z", 951782400000ull },
    { "1970-01-01T00:00:00Z", 0 },
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    cop_err e = cop_time_parse(good[i].s, strlen(good[i].s), &ms);
    CHECK(e == COP_E_OK && ms == good[i].ms, "'%s': %s %llu", good[i].s, cop_err_name(e), (unsigned long long)ms);
  }
  /* round trip over random times */
  for (int i = 0; i < 2000; i++) {
    uint64_t x = rnd() % 253402300800000ull;
    cop_time_fmt(x, t);
    CHECK(cop_time_parse(t, strlen(t), &ms) == COP_E_OK && ms == x, "%s", t);
  }

  /* the per-boot clock: the offset is taken once per boot */
  cop_clock c;
  cop_clock_init(&c);
  cop_stamp s = cop_stamp_now(&c, 5000);
  CHECK(!s.known && s.time_ms == 5000, "not heard yet");
  CHECK(cop_clock_map(&c, 7, 1000, 1000000) == 999000 + 1000);
  CHECK(cop_clock_map(&c, 7, 3000, 1000500) == 1002000, "same boot: the first offset holds");
  CHECK(cop_clock_map(&c, 8, 10, 2000000) == 2000000, "a new boot: a new offset");
  CHECK(cop_clock_map(&c, 7, 4000, 3000000) == 1003000, "the old boot is remembered");
  s = cop_stamp_now(&c, 3000250);
  CHECK(s.known && s.boot_id == 7 && s.uptime_ms == 4250 && s.time_ms == 3000250);
  for (uint32_t b = 100; b < 100 + COP_BOOTS; b++) cop_clock_map(&c, b, 0, 4000000 + b);
  CHECK(cop_clock_map(&c, 7, 0, 5000000) == 5000000, "evicted by newer boots: offset taken again");
  CHECK(cop_clock_map(&c, 9, 10000, 5000) == 5000);
  CHECK(cop_clock_map(&c, 9, 0, 5000) == 0, "before the epoch clamps to 0");
  s = cop_stamp_dev(&c, 9, 10000, 9999);
  CHECK(s.known && s.boot_id == 9 && s.uptime_ms == 10000);
}

static const cop_linkstat LS = { 3, 5 };
static const cop_stamp ST = { 1796281262345ull, 0x0A0B0C0Du, 12345, true };
#define HEAD(type) "{\"v\":1,\"type\":\"" type "\",\"time\":\"2026-12-03T07:01:02.345Z\",\"boot_id\":\"0a0b0c0d\",\"uptime_ms\":12345"

static void same(const char *what, size_t n, const char *got, const char *want) {
  CHECK(n == strlen(want) && !strcmp(got, want), "%s:\n got %s\nwant %s", what, got, want);
  if (n) CHECK(parse(got) == COP_E_OK, "%s does not read back", what);
}

static void enc(void) {
  char o[COP_MSG_MAX];
  size_t n;
  link_heartbeat h = { 0 };
  h.vm_state = 0; h.host_state = 0; h.running = 1; h.trial = 1; h.steps = 99;
  h.log_next = 3; h.log_lost = 1; h.notes_lost = 2; h.bbox_next = 4;
  n = cop_enc_heartbeat(o, sizeof o, &ST, &h, &LS);
  char want[1024];
  snprintf(want, sizeof want, HEAD("heartbeat") ",\"vm_state\":\"%s\",\"host_state\":\"%s\",\"bank\":\"B\","
           "\"trial\":true,\"steps\":99,\"log_next\":3,\"log_lost\":1,\"notes_lost\":2,\"bbox_next\":4,"
           "\"copilot\":{\"notes_missed\":3,\"frames_bad\":5}}",
           link_vm_state_name(0), link_host_state_name(0));
  same("heartbeat", n, o, want);
  CHECK(cop_enc_heartbeat(o, 40, &ST, &h, &LS) == 0 && o[0] == 0, "too small");

  link_log_note l = { 0 };
  l.seq = 7; l.lost = 0; l.level = 2; l.len = 6;
  memcpy(l.text, "hi \"x\"", 6);
  n = cop_enc_log(o, sizeof o, &ST, &l);
  same("log", n, o, HEAD("log") ",\"line\":7,\"lost\":0,\"level\":2,\"text\":\"hi \\\"x\\\"\"}");

  link_telemetry t = { 0 };
  t.count = 2;
  memcpy(t.v[0].name, "temp", 4); t.v[0].name_len = 4; t.v[0].value = -3;
  memcpy(t.v[1].name, "rpm", 3); t.v[1].name_len = 3; t.v[1].value = 1200; t.v[1].flags = LINK_TV_GUEST;
  n = cop_enc_telemetry(o, sizeof o, &ST, &t);
  same("telemetry", n, o, HEAD("telemetry") ",\"values\":[{\"name\":\"temp\",\"value\":-3,\"guest\":false},"
       "{\"name\":\"rpm\",\"value\":1200,\"guest\":true}]}");

  link_event_note e = { 0 };
  e.event = LINK_EV_REVERTED; e.bank = 0; e.value = -1; e.pc = 16;
  e.version[0] = 1; e.version[1] = 20; e.version[2] = 300;
  n = cop_enc_event(o, sizeof o, &ST, &e);
  snprintf(want, sizeof want, HEAD("event") ",\"event\":\"%s\",\"bank\":\"A\",\"value\":-1,\"pc\":16,"
           "\"version\":\"1.20.300\",\"name\":\"\"}", link_event_name(LINK_EV_REVERTED));
  same("event", n, o, want);

  n = cop_enc_status(o, sizeof o, &ST, false, NULL, NULL);
  same("status offline", n, o, HEAD("status") ",\"state\":\"offline\",\"reason\":\"lost\",\"device\":null}");
  n = cop_enc_status(o, sizeof o, &ST, true, NULL, NULL);
  same("status unknown", n, o, HEAD("status") ",\"state\":\"online\",\"device\":null}");
  link_rt_status rs = { 0 };
  rs.running = LINK_NO_BANK; rs.name_len = 1; rs.name[0] = 'p';
  n = cop_enc_status(o, sizeof o, &ST, true, &rs, NULL);
  snprintf(want, sizeof want, HEAD("status") ",\"state\":\"online\",\"device\":{\"vm_state\":\"%s\","
           "\"host_state\":\"%s\",\"reset_reason\":\"%s\",\"bank\":\"\",\"trial\":false,\"program\":\"p\","
           "\"version\":\"0.0.0\",\"counter\":0,\"digest\":\"%064d\",\"boots\":0,\"faults\":0,\"telemetry_ms\":0}}",
           link_vm_state_name(0), link_host_state_name(0), link_reset_name(0), 0);
  same("status online", n, o, want);

  n = cop_enc_refusal(o, sizeof o, &ST, "cmd", "c1", COP_E_EXPIRED, "expires", 9);
  same("refusal", n, o, HEAD("refused") ",\"topic\":\"cmd\",\"id\":\"c1\",\"reason\":\"expired\",\"field\":\"expires\",\"pos\":9}");
  n = cop_enc_refusal(o, sizeof o, &ST, "jobs/notify", NULL, COP_E_SYNTAX, NULL, 3);
  same("refusal no id", n, o, HEAD("refused") ",\"topic\":\"jobs/notify\",\"id\":null,\"reason\":\"syntax\",\"field\":null,\"pos\":3}");
  n = cop_enc_dropped(o, sizeof o, &ST, 5, 17);
  same("dropped", n, o, HEAD("dropped") ",\"count\":5,\"total\":17}");
  n = cop_enc_cmd_response(o, sizeof o, &ST, "c2", COP_CMD_TELEMETRY_INTERVAL, true, NULL, 500);
  same("cmd ok", n, o, HEAD("cmd_response") ",\"id\":\"c2\",\"op\":\"telemetry_interval\",\"ok\":true,\"reason\":null,\"value\":500}");
  n = cop_enc_cmd_response(o, sizeof o, &ST, "c3", COP_CMD_REBOOT, false, "STATE", 0);
  same("cmd refused", n, o, HEAD("cmd_response") ",\"id\":\"c3\",\"op\":\"reboot\",\"ok\":false,\"reason\":\"STATE\",\"value\":0}");
  cop_stamp unk = { 1000, 0, 0, false };
  n = cop_enc_dropped(o, sizeof o, &unk, 1, 1);
  same("no stamp", n, o, "{\"v\":1,\"type\":\"dropped\",\"time\":\"1970-01-01T00:00:01.000Z\",\"boot_id\":null,"
       "\"uptime_ms\":null,\"count\":1,\"total\":1}");

  bbox_rec r;
  memset(&r, 0, sizeof r);
  r.seq = 3; r.func = BBOX_NO_FUNC; r.boot_id = 0x01020304u; r.uptime_ms = 77;
  memcpy(r.file, "g.c", 4);
  n = cop_enc_bbox(o, sizeof o, &ST, &r);
  snprintf(want, sizeof want, HEAD("blackbox") ",\"seq\":3,\"kind\":\"%s\",\"fault\":0,\"reset_reason\":\"%s\","
           "\"bank\":\"A\",\"pc\":0,\"line\":0,\"func\":null,\"func_name\":\"\",\"file\":\"g.c\",\"version\":\"0.0.0\","
           "\"counter\":0,\"digest\":\"%0*d\",\"rec_boot_id\":\"01020304\",\"rec_uptime_ms\":77}",
           bbox_kind_name(0), bbox_reset_name(0), 2 * BBOX_DIGEST_LEN, 0);
  same("blackbox", n, o, want);
}

#define SHA "\"sha256\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\""
#define JOB(rest) "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":100,\"url\":\"https://h/a\",\"version\":\"1.2.3\"" rest "}"

static void dec(void) {
  cop_job_msg m;
  cop_why why;
  static const struct { const char *s; cop_err e; const char *field; } bad[] = {
    { "", COP_E_EMPTY, NULL },
    { "{", COP_E_SYNTAX, NULL },
    { "[1]", COP_E_NOT_OBJECT, NULL },
    { "{\"id\":\"j1\"}", COP_E_SCHEMA, "v" },
    { "{\"v\":2,\"id\":\"j1\"}", COP_E_SCHEMA, "v" },
    { "{\"v\":\"1\",\"id\":\"j1\"}", COP_E_SCHEMA, "v" },
    { "{\"v\":1}", COP_E_MISSING, "id" },
    { "{\"v\":1,\"id\":7}", COP_E_TYPE, "id" },
    { "{\"v\":1,\"id\":\"a/b\"}", COP_E_BAD_ID, "id" },
    { "{\"v\":1,\"id\":\"\"}", COP_E_BAD_ID, "id" },
    { "{\"v\":1,\"id\":\"j1\",\"cancel\":1}", COP_E_TYPE, "cancel" },
    { "{\"v\":1,\"id\":\"j1\",\"size\":1}", COP_E_MISSING, "sha256" },
    { "{\"v\":1,\"id\":\"j1\",\"sha256\":\"00\"}", COP_E_BAD_DIGEST, "sha256" },
    { "{\"v\":1,\"id\":\"j1\",\"sha256\":\"zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}",
      COP_E_BAD_DIGEST, "sha256" },
    { "{\"v\":1,\"id\":\"j1\",\"sha256\":[]}", COP_E_TYPE, "sha256" },
    { JOB(",\"image_sha256\":\"1\""), COP_E_BAD_DIGEST, "image_sha256" },
    { "{\"v\":1,\"id\":\"j1\"," SHA "}", COP_E_MISSING, "size" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":0}", COP_E_RANGE, "size" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":-1}", COP_E_RANGE, "size" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":\"1\"}", COP_E_TYPE, "size" },
    { JOB(",\"timeout_s\":0"), COP_E_RANGE, "timeout_s" },
    { JOB(",\"trial_s\":99999999"), COP_E_RANGE, "trial_s" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"version\":\"1.2.3\"}", COP_E_MISSING, "url" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"http://h/a\"}", COP_E_BAD_URL, "url" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"https://h a\"}", COP_E_BAD_URL, "url" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":1}", COP_E_TYPE, "url" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"https://h\"}", COP_E_MISSING, "version" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"https://h\",\"version\":\"1.2\"}", COP_E_BAD_VERSION, "version" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"https://h\",\"version\":\"1.02.3\"}", COP_E_BAD_VERSION, "version" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"https://h\",\"version\":\"1.2.65536\"}", COP_E_BAD_VERSION, "version" },
    { "{\"v\":1,\"id\":\"j1\"," SHA ",\"size\":1,\"url\":\"https://h\",\"version\":3}", COP_E_TYPE, "version" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cop_err e = cop_dec_job(bad[i].s, strlen(bad[i].s), &m, &why);
    CHECK(e == bad[i].e && why.err == e &&
          (bad[i].field ? why.field && !strcmp(why.field, bad[i].field) : !why.field),
          "job '%s': %s (%s), want %s (%s)", bad[i].s, cop_err_name(e), why.field ? why.field : "-",
          cop_err_name(bad[i].e), bad[i].field ? bad[i].field : "-");
  }
  CHECK(cop_dec_job("{\"v\":1,\"id\":7}", 14, &m, &why) == COP_E_TYPE && why.id[0] == 0, "no id read");
  CHECK(cop_dec_job("{\"v\":1,\"id\":\"j9\",\"size\":0}", 26, &m, &why) == COP_E_MISSING && !strcmp(why.id, "j9"),
        "the id is given with a refusal");
  const char *ok = JOB(",\"image_sha256\":\"FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100\",\"trial_s\":60");
  REQUIRE(cop_dec_job(ok, strlen(ok), &m, &why) == COP_E_OK);
  CHECK(!strcmp(m.id, "j1") && !m.cancel && m.size == 100 && !strcmp(m.url, "https://h/a") && m.version[0] == 1 &&
        m.version[1] == 2 && m.version[2] == 3 && m.timeout_s == 3600 && m.trial_s == 60 && m.has_image &&
        m.sha256[1] == 0x11 && m.image[0] == 0xFF && m.image[31] == 0x00);
  CHECK(cop_dec_job("{\"v\":1,\"id\":\"j1\",\"cancel\":true}", 31, &m, &why) == COP_E_OK && m.cancel);

  cop_cmd c;
  const uint64_t now = 1796281262345ull;   /* 2026-12-03T07:01:02.345Z */
#define CMD(op, rest) "{\"v\":1,\"id\":\"c1\",\"op\":\"" op "\",\"expires\":\"2026-12-03T08:00:00Z\"" rest "}"
  static const struct { const char *s; uint32_t left; cop_err e; const char *field; } cbad[] = {
    { "{\"v\":1,\"id\":\"c1\",\"op\":\"reboot\"}", UINT32_MAX, COP_E_MISSING, "expires" },
    { "{\"v\":1,\"id\":\"c1\",\"op\":\"reboot\",\"expires\":5}", UINT32_MAX, COP_E_TYPE, "expires" },
    { "{\"v\":1,\"id\":\"c1\",\"op\":\"reboot\",\"expires\":\"tomorrow\"}", UINT32_MAX, COP_E_BAD_TIME, "expires" },
    { "{\"v\":1,\"id\":\"c1\",\"op\":\"reboot\",\"expires\":\"2026-12-03T07:01:02.345Z\"}", UINT32_MAX, COP_E_EXPIRED, "expires" },
    { CMD("reboot", ""), 0, COP_E_EXPIRED, "expires" },                   /* the broker's expiry ran out */
    { "{\"v\":1,\"id\":\"c1\",\"expires\":\"2026-12-03T08:00:00Z\"}", UINT32_MAX, COP_E_MISSING, "op" },
    { "{\"v\":1,\"id\":\"c1\",\"op\":1,\"expires\":\"2026-12-03T08:00:00Z\"}", UINT32_MAX, COP_E_TYPE, "op" },
    { CMD("format_disk", ""), UINT32_MAX, COP_E_UNKNOWN_OP, "op" },
    { CMD("rebootx", ""), UINT32_MAX, COP_E_UNKNOWN_OP, "op" },
    { CMD("rebo", ""), UINT32_MAX, COP_E_UNKNOWN_OP, "op" },
    { CMD("blackbox_clear", ""), UINT32_MAX, COP_E_MISSING, "from" },
    { CMD("blackbox_read", ",\"from\":-1"), UINT32_MAX, COP_E_RANGE, "from" },
    { CMD("telemetry_interval", ""), UINT32_MAX, COP_E_MISSING, "interval_ms" },
    { CMD("telemetry_interval", ",\"interval_ms\":86400001"), UINT32_MAX, COP_E_RANGE, "interval_ms" },
    { CMD("telemetry_interval", ",\"interval_ms\":true"), UINT32_MAX, COP_E_TYPE, "interval_ms" },
  };
  for (size_t i = 0; i < sizeof cbad / sizeof cbad[0]; i++) {
    cop_err e = cop_dec_cmd(cbad[i].s, strlen(cbad[i].s), now, cbad[i].left, &c, &why);
    CHECK(e == cbad[i].e && (cbad[i].field ? why.field && !strcmp(why.field, cbad[i].field) : !why.field),
          "cmd '%s': %s (%s), want %s", cbad[i].s, cop_err_name(e), why.field ? why.field : "-", cop_err_name(cbad[i].e));
  }
  const char *s = CMD("blackbox_read", "");
  CHECK(cop_dec_cmd(s, strlen(s), now, 30, &c, &why) == COP_E_OK && c.op == COP_CMD_BLACKBOX_READ && c.from == 0 &&
        c.expires_ms == 1796284800000ull && !strcmp(c.id, "c1"));
  s = CMD("telemetry_interval", ",\"interval_ms\":250");
  CHECK(cop_dec_cmd(s, strlen(s), now, UINT32_MAX, &c, &why) == COP_E_OK && c.interval_ms == 250);
  s = CMD("blackbox_clear", ",\"from\":12");
  CHECK(cop_dec_cmd(s, strlen(s), now, UINT32_MAX, &c, &why) == COP_E_OK && c.from == 12);
  s = CMD("reboot", "");
  CHECK(cop_dec_cmd(s, strlen(s), now, UINT32_MAX, &c, &why) == COP_E_OK && c.op == COP_CMD_REBOOT);
  CHECK(cop_dec_cmd(s, strlen(s), 1796284800000ull, UINT32_MAX, &c, &why) == COP_E_EXPIRED, "at expiry");
  /* a payload over the limit, and a token-hungry one */
  static char big[COP_PAYLOAD_MAX + 10];
  memset(big, ' ', sizeof big);
  memcpy(big, s, strlen(s));
  CHECK(cop_dec_cmd(big, sizeof big, now, UINT32_MAX, &c, &why) == COP_E_TOO_BIG);
  char many[512] = "{\"v\":1,\"a\":[";
  for (int i = 0; i < 80; i++) strcat(many, i ? ",1" : "1");
  strcat(many, "]}");
  CHECK(cop_dec_cmd(many, strlen(many), now, UINT32_MAX, &c, &why) == COP_E_TOKENS);
  const char *deep = "{\"v\":1,\"a\":[[[[[[[[1]]]]]]]]}";
  CHECK(cop_dec_job(deep, strlen(deep), &m, &why) == COP_E_DEPTH && why.pos > 0);
  const char *dup = "{\"v\":1,\"id\":\"a\",\"id\":\"b\"}";
  CHECK(cop_dec_job(dup, strlen(dup), &m, &why) == COP_E_DUP_KEY, "two ids: refused, not last-wins");
}

static void replay(void) {
  cop_replay r;
  cop_replay_init(&r);
  CHECK(cop_replay_take(&r, 1, "a", 10));
  CHECK(!cop_replay_take(&r, 1, "a", 10), "a replay");
  CHECK(cop_replay_take(&r, 2, "a", 10), "another kind");
  CHECK(cop_replay_take(&r, 1, "ab", 10), "a longer id is another id");
  cop_replay_seal(&r);
  CHECK(cop_replay_check(&r));
  r.e[0].id[0] ^= 1;
  CHECK(!cop_replay_check(&r), "a flipped byte fails the CRC");
  r.e[0].id[0] ^= 1;
  r.next = COP_REPLAY_N;
  cop_replay_seal(&r);
  CHECK(!cop_replay_check(&r), "bounds");
  cop_replay_init(&r);
  char id[8];
  for (unsigned i = 0; i < COP_REPLAY_N + 1; i++) {
    snprintf(id, sizeof id, "x%u", i);
    CHECK(cop_replay_take(&r, 1, id, 0));
  }
  CHECK(cop_replay_take(&r, 1, "x0", 0), "the oldest was forgotten");
  CHECK(!cop_replay_take(&r, 1, "x2", 0), "a recent one is not");
}

static void tab(void) {
  char t[COP_TOPIC_MAX];
  CHECK(cop_topic_name(t, sizeof t, COP_T_JOB_UPDATE, "dev-1", "j.7") && !strcmp(t, "fleet/devices/dev-1/jobs/j.7/update"));
  CHECK(cop_topic_name(t, sizeof t, COP_T_STATUS, "dev-1", NULL) && !strcmp(t, "fleet/devices/dev-1/status"));
  CHECK(!cop_topic_name(t, sizeof t, COP_T_JOB_UPDATE, "dev-1", NULL), "no job id");
  CHECK(!cop_topic_name(t, sizeof t, COP_T_STATUS, "a/b", NULL), "an unsafe id");
  CHECK(!cop_topic_name(t, sizeof t, COP_T_STATUS, "+", NULL), "a wildcard id");
  CHECK(!cop_topic_name(t, 20, COP_T_STATUS, "dev-1", NULL), "no room");
  CHECK(!cop_topic_name(t, sizeof t, COP_T__COUNT, "dev-1", NULL));
  CHECK(!strcmp(cop_err_name(COP_E_DUP_KEY), "duplicate_key") && !strcmp(cop_err_name(COP_E__COUNT), "?"));
  CHECK(cop_jreason_state(COP_JR_COUNTER) == COP_JS_REJECTED && cop_jreason_state(COP_JR_TRIAL_TIMEOUT) == COP_JS_TIMED_OUT);
  CHECK(cop_jstate_terminal(COP_JS_SUCCEEDED) && !cop_jstate_terminal(COP_JS_IN_PROGRESS) && !cop_jstate_terminal(99));
  CHECK(cop_crc32(0, "123456789", 9) == 0xCBF43926u, "CRC-32 check value");
  for (uint32_t a = 0; a < 20; a++) {
    uint32_t lo = cop_backoff_ms(a, 0), hi = cop_backoff_ms(a, UINT32_MAX - 1);
    CHECK(lo >= COP_BACKOFF_MIN_MS / 2 && hi <= COP_BACKOFF_MAX_MS && lo <= hi);
  }
  CHECK(cop_backoff_ms(0, 0x7FFFFFFF) <= COP_BACKOFF_MIN_MS && cop_backoff_ms(30, 59500) == 60000);
}

int main(int argc, char **argv) {
  const char *w = argc > 1 ? argv[1] : "";
  if (!strcmp(w, "json")) json();
  else if (!strcmp(w, "time")) timefmt();
  else if (!strcmp(w, "enc")) enc();
  else if (!strcmp(w, "dec")) dec();
  else if (!strcmp(w, "replay")) replay();
  else if (!strcmp(w, "tab")) tab();
  else { fprintf(stderr, "usage: test_cop_msg json|time|enc|dec|replay|tab\n"); return 2; }
  return t_done(w);
}
