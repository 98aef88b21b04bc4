/*
** test_sideband.c -- the sideband (docs/sideband.md): every codec's round
** trip, layout and refusals (each truncated length, counts and names past
** the body, unknown states), the names tables, notification framing, the
** client skipping notifications interleaved with answers, link_poll, and
** the docs naming every table row. Usage: test_sideband NAME [ROOT].
*/
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "link.h"
#include "tcheck.h"

static void fill(void *p, size_t n) {
  for (size_t i = 0; i < n; i++) ((uint8_t *)p)[i] = (uint8_t)rnd();
}

/* ---- RT_STATUS and HEARTBEAT: fixed layouts ------------------------------ */

static link_rt_status some_status(void) {
  link_rt_status s;
  memset(&s, 0, sizeof s);
  s.vm_state = LINK_VM_SLEEPING;
  s.host_state = LINK_HOST_DEGRADED;
  s.reset_reason = LINK_RESET_WATCHDOG;
  s.running = 1;
  s.trial = 1;
  s.flags = LINK_RTF_OLED | LINK_RTF_NOTIFY;
  s.version[0] = 1; s.version[1] = 2; s.version[2] = 3;
  s.counter = 7;
  fill(s.digest, sizeof s.digest);
  s.boot_id = 0x1a2b3c4d;
  s.boots = 5;
  s.uptime_ms = 0x123456789aull;
  s.steps = 0xfedcba9876543210ull;
  s.exit_code = -3;
  s.fault = 4; s.fault_pc = 40; s.faults = 2;
  s.link_frames = 100; s.link_errors = 3; s.naks = 1;
  s.log_next = 17; s.log_lost = 2; s.notes_lost = 1; s.telem_dropped = 9;
  s.bbox_next = 4; s.bbox_count = 3; s.stack_free = 1234; s.gap_max_us = 800;
  s.telemetry_ms = 1000; s.log_level = 1;
  s.name_len = 7;
  memcpy(s.name, "blink.c", 7);
  return s;
}

static void t_rt_status(void) {
  link_rt_status s = some_status(), g;
  uint8_t b[LINK_RT_STATUS_SIZE + 8], b2[LINK_RT_STATUS_SIZE];
  memset(b, 0xEE, sizeof b);
  REQUIRE(link_rt_status_put(b, sizeof b, &s) == LINK_RT_STATUS_SIZE);
  CHECK(b[LINK_RT_STATUS_SIZE] == 0xEE);                      /* nothing beyond */
  /* the layout docs/sideband.md gives */
  CHECK(b[0] == LINK_VM_SLEEPING && b[1] == LINK_HOST_DEGRADED && b[2] == LINK_RESET_WATCHDOG);
  CHECK(b[3] == 1 && b[4] == 1 && b[5] == (LINK_RTF_OLED | LINK_RTF_NOTIFY));
  CHECK(link_get16(b + 6) == 1 && link_get16(b + 10) == 3 && link_get32(b + 12) == 7);
  CHECK(!memcmp(b + 16, s.digest, 32));
  CHECK(link_get32(b + 48) == 0x1a2b3c4d && link_get32(b + 52) == 5);
  CHECK(link_get64(b + 56) == s.uptime_ms && link_get64(b + 64) == s.steps);
  CHECK((int32_t)link_get32(b + 72) == -3 && link_get32(b + 76) == 4 && link_get32(b + 80) == 40);
  CHECK(link_get32(b + 84) == 2 && link_get32(b + 88) == 100 && link_get32(b + 92) == 3);
  CHECK(link_get32(b + 96) == 1 && link_get32(b + 100) == 17 && link_get32(b + 104) == 2);
  CHECK(link_get32(b + 108) == 1 && link_get32(b + 112) == 9 && link_get32(b + 116) == 4);
  CHECK(link_get32(b + 120) == 3 && link_get32(b + 124) == 1234 && link_get32(b + 128) == 800);
  CHECK(link_get32(b + 132) == 1000 && b[136] == 1 && b[137] == 7 && !memcmp(b + 138, "blink.c", 7));
  for (uint32_t i = 138 + 7; i < LINK_RT_STATUS_SIZE; i++) CHECK(b[i] == 0);   /* padding */
  /* round trip */
  memset(&g, 0x55, sizeof g);
  CHECK(link_rt_status_get(b, LINK_RT_STATUS_SIZE, &g));
  CHECK(link_rt_status_put(b2, sizeof b2, &g) == LINK_RT_STATUS_SIZE && !memcmp(b, b2, sizeof b2));
  CHECK(g.uptime_ms == s.uptime_ms && g.exit_code == -3 && g.name_len == 7 && g.version[1] == 2);
  /* every other length */
  for (uint32_t n = 0; n < sizeof b; n++)
    if (n != LINK_RT_STATUS_SIZE) CHECKF(!link_rt_status_get(b, n, &g), "length %u", n);
  CHECK(link_rt_status_put(b2, LINK_RT_STATUS_SIZE - 1, &s) == 0);
  /* unknown states, a bank that is none, a name too long */
  static const uint32_t at[] = { 0, 1, 2, 3, 4, 137 };
  static const uint8_t badv[] = { LINK_VM__COUNT, LINK_HOST__COUNT, LINK_RESET__COUNT, 2, 2, LINK_NAME_MAX + 1 };
  for (uint32_t k = 0; k < sizeof at / sizeof at[0]; k++) {
    memcpy(b2, b, sizeof b2);
    b2[at[k]] = badv[k];
    CHECKF(!link_rt_status_get(b2, LINK_RT_STATUS_SIZE, &g), "byte %u = %u", at[k], badv[k]);
  }
  memcpy(b2, b, sizeof b2);
  b2[3] = LINK_NO_BANK;
  b2[137] = LINK_NAME_MAX;
  CHECK(link_rt_status_get(b2, LINK_RT_STATUS_SIZE, &g) && g.running == LINK_NO_BANK);
  s.name_len = LINK_NAME_MAX + 1;
  CHECK(link_rt_status_put(b2, sizeof b2, &s) == 0);
}

static void t_heartbeat(void) {
  link_heartbeat h = { 0x1122334455ull, 0xdeadbeef, LINK_VM_RUNNING, LINK_HOST_PROCESSING, 0, 1,
                       99999999999ull, 17, 2, 3, 4 }, g;
  uint8_t b[LINK_HEARTBEAT_SIZE + 4], b2[LINK_HEARTBEAT_SIZE];
  REQUIRE(link_heartbeat_put(b, sizeof b, &h) == LINK_HEARTBEAT_SIZE);
  CHECK(link_get64(b) == h.uptime_ms && link_get32(b + 8) == 0xdeadbeef);
  CHECK(b[12] == LINK_VM_RUNNING && b[13] == LINK_HOST_PROCESSING && b[14] == 0 && b[15] == 1);
  CHECK(link_get64(b + 16) == h.steps && link_get32(b + 24) == 17 && link_get32(b + 28) == 2);
  CHECK(link_get32(b + 32) == 3 && link_get32(b + 36) == 4);
  CHECK(link_heartbeat_get(b, LINK_HEARTBEAT_SIZE, &g) && !memcmp(&g, &h, sizeof g));
  for (uint32_t n = 0; n < sizeof b; n++)
    if (n != LINK_HEARTBEAT_SIZE) CHECKF(!link_heartbeat_get(b, n, &g), "length %u", n);
  CHECK(link_heartbeat_put(b2, LINK_HEARTBEAT_SIZE - 1, &h) == 0);
  static const uint32_t at[] = { 12, 13, 14, 15 };
  static const uint8_t badv[] = { LINK_VM__COUNT, LINK_HOST__COUNT, 2, 2 };
  for (uint32_t k = 0; k < 4; k++) {
    memcpy(b2, b, sizeof b2);
    b2[at[k]] = badv[k];
    CHECKF(!link_heartbeat_get(b2, LINK_HEARTBEAT_SIZE, &g), "byte %u", at[k]);
  }
}

/* ---- EVENT and LOG: fixed fields, then a string -------------------------- */

static void t_event(void) {
  link_event_note e, g;
  memset(&e, 0, sizeof e);
  e.uptime_ms = 12345;
  e.event = LINK_EV_CRASH;
  e.bank = 0;
  e.value = -42;
  e.pc = 40;
  e.version[0] = 2; e.version[2] = 9;
  e.name_len = 4;
  memcpy(e.name, "door", 4);
  uint8_t b[LINK_EVENT_FIXED + LINK_NAME_MAX + 4], b2[sizeof b];
  uint32_t n = link_event_put(b, sizeof b, &e);
  REQUIRE(n == LINK_EVENT_FIXED + 4);
  CHECK(link_get64(b) == 12345 && b[8] == LINK_EV_CRASH && b[9] == 0 && (int32_t)link_get32(b + 10) == -42);
  CHECK(link_get32(b + 14) == 40 && link_get16(b + 18) == 2 && link_get16(b + 22) == 9 && b[24] == 4);
  CHECK(!memcmp(b + 25, "door", 4));
  memset(&g, 0, sizeof g);
  CHECK(link_event_get(b, n, &g) && !memcmp(&g, &e, sizeof g));
  for (uint32_t k = 0; k < sizeof b; k++)
    if (k != n) CHECKF(!link_event_get(b, k, &g), "length %u", k);
  CHECK(link_event_put(b2, n - 1, &e) == 0);
  memcpy(b2, b, n);
  b2[8] = LINK_EV__COUNT;
  CHECK(!link_event_get(b2, n, &g));
  memcpy(b2, b, n);
  b2[9] = 2;
  CHECK(!link_event_get(b2, n, &g));
  /* a name over the limit, even in a body that long */
  e.name_len = LINK_NAME_MAX + 1;
  CHECK(link_event_put(b2, sizeof b2, &e) == 0);
  memcpy(b2, b, n);
  b2[24] = LINK_NAME_MAX + 1;
  CHECK(!link_event_get(b2, LINK_EVENT_FIXED + LINK_NAME_MAX + 1, &g));
  /* no name */
  e.name_len = 0;
  e.event = LINK_EV_FAULTED;
  e.bank = LINK_NO_BANK;
  n = link_event_put(b, sizeof b, &e);
  CHECK(n == LINK_EVENT_FIXED && link_event_get(b, n, &g) && g.name_len == 0 && g.bank == LINK_NO_BANK);
}

static void t_log(void) {
  link_log_note l, g;
  memset(&l, 0, sizeof l);
  l.seq = 17; l.lost = 3; l.level = 2; l.uptime_ms = 999;
  l.len = 5;
  memcpy(l.text, "hello", 5);
  uint8_t b[LINK_LOG_NOTE_FIXED + LINK_LOG_LINE_MAX + 2];
  uint32_t n = link_log_note_put(b, sizeof b, &l);
  REQUIRE(n == LINK_LOG_NOTE_FIXED + 5);
  CHECK(link_get32(b) == 17 && link_get32(b + 4) == 3 && b[8] == 2 && link_get64(b + 9) == 999);
  memset(&g, 0, sizeof g);
  CHECK(link_log_note_get(b, n, &g) && !memcmp(&g, &l, sizeof g));
  for (uint32_t k = 0; k < LINK_LOG_NOTE_FIXED; k++) CHECKF(!link_log_note_get(b, k, &g), "length %u", k);
  CHECK(link_log_note_get(b, LINK_LOG_NOTE_FIXED, &g) && g.len == 0);   /* an empty line */
  CHECK(link_log_note_get(b, LINK_LOG_NOTE_FIXED + LINK_LOG_LINE_MAX, &g) && g.len == LINK_LOG_LINE_MAX);
  CHECK(!link_log_note_get(b, LINK_LOG_NOTE_FIXED + LINK_LOG_LINE_MAX + 1, &g));
  CHECK(link_log_note_put(b, n - 1, &l) == 0);
  l.len = LINK_LOG_LINE_MAX + 1;
  CHECK(link_log_note_put(b, sizeof b, &l) == 0);
}

/* ---- TELEMETRY: counted entries ------------------------------------------ */

static void t_telemetry(void) {
  static link_telemetry t, g;
  memset(&t, 0, sizeof t);
  t.uptime_ms = 5000;
  static const char *names[] = { "uptime_ms", "steps", "temp" };
  static const int64_t vals[] = { 5000, 1ll << 40, -23 };
  t.count = 3;
  for (int i = 0; i < 3; i++) {
    t.v[i].flags = i == 2 ? LINK_TV_GUEST : 0;
    t.v[i].value = vals[i];
    t.v[i].name_len = (uint8_t)strlen(names[i]);
    memcpy(t.v[i].name, names[i], t.v[i].name_len);
  }
  static uint8_t b[2048];
  uint32_t n = link_telemetry_put(b, sizeof b, &t);
  REQUIRE(n == 9 + 3 * 10 + 9 + 5 + 4);
  CHECK(link_get64(b) == 5000 && b[8] == 3 && b[9] == 0 && link_get64(b + 10) == 5000 && b[18] == 9);
  memset(&g, 0, sizeof g);
  CHECK(link_telemetry_get(b, n, &g) && !memcmp(&g, &t, sizeof g));
  for (uint32_t k = 0; k < n + 4; k++)
    if (k != n) CHECKF(!link_telemetry_get(b, k, &g), "length %u", k);
  CHECK(link_telemetry_put(b, n - 1, &t) == 0);
  /* counts beyond the body, over the maximum; names empty or too long */
  uint8_t c[64];
  memcpy(c, b, 9);
  c[8] = 1;
  CHECK(!link_telemetry_get(c, 9, &g));
  c[8] = 0;
  CHECK(link_telemetry_get(c, 9, &g) && g.count == 0);
  uint8_t d[9 + 10 + LINK_NAME_MAX + 1];
  memset(d, 'n', sizeof d);
  memcpy(d, b, 9);
  d[8] = 1; d[9] = 0; d[18] = 0;                  /* an empty name */
  CHECK(!link_telemetry_get(d, 19, &g));
  d[18] = LINK_NAME_MAX + 1;                      /* a name too long */
  CHECK(!link_telemetry_get(d, sizeof d, &g));
  d[18] = LINK_NAME_MAX;
  CHECK(link_telemetry_get(d, sizeof d - 1, &g) && g.v[0].name_len == LINK_NAME_MAX);
  d[18] = 5;                                      /* a name past the body */
  CHECK(!link_telemetry_get(d, 19 + 4, &g));
  /* the most there may be */
  t.count = LINK_TV_MAX;
  for (uint32_t i = 0; i < LINK_TV_MAX; i++) {
    t.v[i].name_len = 2;
    t.v[i].name[0] = 'v';
    t.v[i].name[1] = (char)('A' + i);
  }
  n = link_telemetry_put(b, LINK_MAX_BODY, &t);
  CHECK(n == 9 + LINK_TV_MAX * 12 && link_telemetry_get(b, n, &g) && g.count == LINK_TV_MAX);
  b[8] = LINK_TV_MAX + 1;
  CHECK(!link_telemetry_get(b, n + 12, &g));
  t.count = LINK_TV_MAX + 1;
  CHECK(link_telemetry_put(b, sizeof b, &t) == 0);
}

/* ---- LOGS and BLACKBOX READ responses ------------------------------------ */

static uint32_t logs_body(uint8_t *b, uint32_t first, uint32_t lost) {
  static const char *lines[] = { "one", "", "three" };
  link_put32(b, first);
  link_put32(b + 4, first + 3);
  link_put32(b + 8, lost);
  b[12] = 3;
  uint32_t at = LINK_LOGS_FIXED;
  for (int i = 0; i < 3; i++) {
    b[at] = (uint8_t)i;
    b[at + 1] = (uint8_t)strlen(lines[i]);
    memcpy(b + at + 2, lines[i], b[at + 1]);
    at += 2u + b[at + 1];
  }
  return at;
}

static void t_logs(void) {
  uint8_t b[512];
  uint32_t n = logs_body(b, 10, 2);
  link_logs l;
  REQUIRE(link_logs_get(b, n, &l));
  CHECK(l.first == 10 && l.next == 13 && l.lost == 2 && l.count == 3);
  uint8_t lv;
  const uint8_t *tx;
  uint32_t tn, k = 0;
  while (link_logs_line(&l, &lv, &tx, &tn)) {
    CHECK(lv == k);
    if (k == 0) CHECK(tn == 3 && !memcmp(tx, "one", 3));
    if (k == 1) CHECK(tn == 0);
    if (k == 2) CHECK(tn == 5 && !memcmp(tx, "three", 5));
    k++;
  }
  CHECK(k == 3);
  for (uint32_t m = 0; m < n + 3; m++)
    if (m != n) CHECKF(!link_logs_get(b, m, &l), "length %u", m);
  b[12] = 4;                               /* a count beyond the body */
  CHECK(!link_logs_get(b, n, &l));
  b[12] = 3;
  link_put32(b + 4, 12);                   /* next is not first + count */
  CHECK(!link_logs_get(b, n, &l));
  link_put32(b + 4, 13);
  CHECK(link_logs_get(b, n, &l));
  /* a line over the limit */
  uint8_t big[LINK_LOGS_FIXED + 2 + LINK_LOG_LINE_MAX + 1];
  memset(big, 'x', sizeof big);
  link_put32(big, 0); link_put32(big + 4, 1); link_put32(big + 8, 0);
  big[12] = 1; big[13] = 0; big[14] = LINK_LOG_LINE_MAX;
  CHECK(link_logs_get(big, sizeof big - 1, &l));
  big[14] = LINK_LOG_LINE_MAX + 1;
  CHECK(!link_logs_get(big, sizeof big, &l));
  /* wrapping numbers are fine */
  n = logs_body(b, 0xFFFFFFFEu, 0);
  CHECK(link_logs_get(b, n, &l) && l.next == 1);
}

static void t_blackbox(void) {
  uint8_t b[LINK_BB_READ_FIXED + 3 * 16];
  link_put32(b, 9);
  link_put32(b + 4, 5);
  link_put16(b + 8, 16);
  b[10] = 3;
  fill(b + 11, 48);
  link_bb_read r;
  CHECK(link_bb_read_get(b, sizeof b, &r) && r.next == 9 && r.held == 5 && r.rec_size == 16 &&
        r.count == 3 && r.recs == b + 11);
  for (uint32_t m = 0; m < sizeof b; m++) CHECKF(!link_bb_read_get(b, m, &r), "length %u", m);
  b[10] = 4;
  CHECK(!link_bb_read_get(b, sizeof b, &r));      /* records beyond the body */
  b[10] = 3;
  link_put32(b + 4, 2);
  CHECK(!link_bb_read_get(b, sizeof b, &r));      /* more than are held */
  link_put32(b + 4, 5);
  b[10] = 0;
  CHECK(link_bb_read_get(b, LINK_BB_READ_FIXED, &r) && r.count == 0);
  link_put16(b + 8, 0);
  b[10] = 1;
  CHECK(!link_bb_read_get(b, LINK_BB_READ_FIXED, &r));   /* records of no size */
}

/* ---- notification framing and names -------------------------------------- */

static void t_note(void) {
  uint8_t body[LINK_HEARTBEAT_SIZE], w[LINK_MAX_WIRE];
  fill(body, sizeof body);
  uint32_t k = link_note_encode(LINK_NOTE_HEARTBEAT, 0x1234, body, sizeof body, w, sizeof w);
  REQUIRE(k && k <= LINK_WIRE_SIZE(LINK_RESP_HDR + sizeof body));
  link_rx rx;
  link_rx_init(&rx);
  int frames = 0;
  for (uint32_t i = 0; i < k; i++) frames += link_rx_byte(&rx, w[i]) == LINK_RX_FRAME;
  REQUIRE(frames == 1 && rx.len == LINK_RESP_HDR + sizeof body);
  CHECK(link_is_note(rx.msg, rx.len) && rx.msg[0] == (0xC0 | LINK_NOTE_HEARTBEAT));
  CHECK(link_get16(rx.msg + 1) == 0x1234 && rx.msg[3] == 0 && !memcmp(rx.msg + 4, body, sizeof body));
  /* no body; too much body; a kind that does not fit in 6 bits; no room */
  CHECK(link_note_encode(LINK_NOTE_EVENT, 1, NULL, 0, w, sizeof w) != 0);
  static uint8_t huge[LINK_MAX_BODY + 1];
  CHECK(link_note_encode(LINK_NOTE_LOG, 1, huge, LINK_MAX_BODY, w, sizeof w) != 0);
  CHECK(link_note_encode(LINK_NOTE_LOG, 1, huge, LINK_MAX_BODY + 1, w, sizeof w) == 0);
  CHECK(link_note_encode(0x40, 1, body, 4, w, sizeof w) == 0);
  CHECK(link_note_encode(LINK_NOTE_LOG, 1, body, 4, w, 8) == 0);
  /* what is and is not a notification */
  uint8_t m[4] = { 0xC3, 1, 0, 0 };
  CHECK(link_is_note(m, 4) && !link_is_note(m, 3));
  m[0] = LINK_HELLO | LINK_RESP_BIT;
  CHECK(!link_is_note(m, 4));
  m[0] = LINK_HELLO;
  CHECK(!link_is_note(m, 4));
}

static bool lower_ident(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
  return true;
}

static void t_names(void) {
  /* commands: runtime ones are unknown to the bootloader's table, and no
  ** code of either table has the notification bit or collides */
  uint32_t nrt = 0;
#define X(name, code, size, desc) \
  nrt++; \
  CHECK(link_rt_cmd_body(code) == size && !strcmp(link_rt_cmd_name(code), #name)); \
  CHECK(link_cmd_body(code) < 0 && !(code & LINK_NOTE_BIT) && !(code & LINK_RESP_BIT));
  LINK_RT_CMDS(X)
#undef X
#define X(name, code, size, desc) CHECK(link_rt_cmd_body(code) < 0 && !(code & LINK_NOTE_BIT));
  LINK_CMDS(X)
#undef X
  CHECK(nrt == 6 && link_rt_cmd_body(0x16) < 0 && !strcmp(link_rt_cmd_name(0x16), "?"));
  /* notifications: 6-bit kinds, masks of distinct bits, lower-case names */
  uint32_t mask = 0;
#define X(name, kind, desc) \
  CHECK(kind > 0 && kind <= 0x3F && lower_ident(link_note_name(kind))); \
  CHECK(!(mask & LINK_NOTE_MASK(kind))); mask |= LINK_NOTE_MASK(kind);
  LINK_NOTES(X)
#undef X
  CHECK(!strcmp(link_note_name(LINK_NOTE_HEARTBEAT), "heartbeat") && !strcmp(link_note_name(0), "?"));
  /* every enum value has a lower-case name and a description; beyond: "?" */
  typedef const char *(*namefn)(uint32_t);
  static const struct { namefn name, str; uint32_t count; } enums[] = {
    { link_vm_state_name, link_vm_state_str, LINK_VM__COUNT },
    { link_host_state_name, link_host_state_str, LINK_HOST__COUNT },
    { link_reset_name, link_reset_str, LINK_RESET__COUNT },
    { link_event_name, link_event_str, LINK_EV__COUNT },
  };
  for (uint32_t e = 0; e < sizeof enums / sizeof enums[0]; e++) {
    for (uint32_t v = 0; v < enums[e].count; v++) {
      const char *n = enums[e].name(v);
      CHECKF(lower_ident(n), "enum %u value %u: '%s'", e, v, n);
      CHECKF(strcmp(enums[e].str(v), "?"), "enum %u value %u", e, v);
      for (uint32_t w = 0; w < v; w++) CHECKF(strcmp(n, enums[e].name(w)), "enum %u: %s twice", e, n);
    }
    CHECK(!strcmp(enums[e].name(enums[e].count), "?") && !strcmp(enums[e].str(enums[e].count), "?"));
  }
  CHECK(!strcmp(link_host_state_name(LINK_HOST_RX_ACTIVE), "rx_active"));
  CHECK(!strcmp(link_host_state_name(LINK_HOST_BOOTLOADER_REQUESTED), "bootloader_requested"));
  CHECK(!strcmp(link_event_name(LINK_EV_TRIAL_CONFIRMED), "trial_confirmed"));
  CHECK(!strcmp(link_reset_name(LINK_RESET_POWER_ON), "power_on"));
  CHECK(!strcmp(link_reset_str(LINK_RESET_POWER_ON), "power-on"));
  CHECK(!strcmp(link_vm_state_name(LINK_VM_RUNNING), "running"));
#define X(name, code, desc) CHECK(lower_ident(link_set_key_name(code)));
  LINK_SET_KEYS(X)
#undef X
  CHECK(!strcmp(link_set_key_name(LINK_SET_NOTIFY), "notify") && !strcmp(link_set_key_name(0), "?"));
  /* the byte-order helpers at 64 bits */
  uint8_t b[8];
  link_put64(b, 0x0102030405060708ull);
  CHECK(b[0] == 8 && b[7] == 1 && link_get64(b) == 0x0102030405060708ull);
}

/* ---- the client: notifications interleaved with answers ------------------ */

typedef struct script {
  uint64_t now;
  uint8_t out[16][LINK_WIRE_SIZE(300)];
  uint32_t outn[16], nout, next;
  uint8_t last[LINK_MAX_WIRE];
  uint32_t lastn, sends;
} script;

static int sc_send(void *ctx, const uint8_t *p, uint32_t n) {
  script *s = ctx;
  s->sends++;
  memcpy(s->last, p, n);
  s->lastn = n;
  return (int)n;
}
static int sc_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t timeout_ms) {
  script *s = ctx;
  if (s->next < s->nout) {
    uint32_t n = s->outn[s->next] < cap ? s->outn[s->next] : cap;
    memcpy(p, s->out[s->next++], n);
    s->now += 1;
    return (int)n;
  }
  s->now += timeout_ms;
  return 0;
}
static uint64_t sc_now(void *ctx) { return ((script *)ctx)->now; }

static void sc_answer(script *s, uint8_t cmd, uint16_t seq, uint8_t st, const uint8_t *b, uint32_t n) {
  uint8_t m[300];
  REQUIRE(n + 4 <= sizeof m && s->nout < 16);
  m[0] = cmd | LINK_RESP_BIT;
  link_put16(m + 1, seq);
  m[3] = st;
  if (n) memcpy(m + 4, b, n);
  s->outn[s->nout] = link_frame_encode(m, 4 + n, s->out[s->nout], sizeof s->out[0]);
  s->nout++;
}
static void sc_note(script *s, uint8_t kind, uint16_t seq, const uint8_t *b, uint32_t n) {
  REQUIRE(s->nout < 16);
  s->outn[s->nout] = link_note_encode(kind, seq, b, n, s->out[s->nout], sizeof s->out[0]);
  REQUIRE(s->outn[s->nout]);
  s->nout++;
}

typedef struct seen { uint32_t n; uint8_t kind[16]; uint16_t seq[16]; uint32_t len[16]; } seen;
static void on_note(void *ctx, uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n) {
  seen *v = ctx;
  (void)body;
  if (v->n < 16) { v->kind[v->n] = kind; v->seq[v->n] = seq; v->len[v->n] = n; }
  v->n++;
}

static uint16_t sent_seq(const script *s) {   /* the last request's seq (decode it) */
  link_rx rx;
  link_rx_init(&rx);
  for (uint32_t i = 0; i < s->lastn; i++)
    if (link_rx_byte(&rx, s->last[i]) == LINK_RX_FRAME) return (uint16_t)link_get16(rx.msg + 1);
  return 0;
}

static void t_client(void) {
  static script s;
  memset(&s, 0, sizeof s);
  link_io io = { &s, sc_send, sc_recv, sc_now };
  static link_client c;
  link_client_init(&c, &io);
  c.timeout_ms = 100;
  c.retries = 1;
  seen v = { 0 };
  uint8_t hb[LINK_HEARTBEAT_SIZE], rt[LINK_RT_STATUS_SIZE];
  link_heartbeat h = { 1000, 7, LINK_VM_RUNNING, LINK_HOST_READY, 0, 0, 5, 1, 0, 0, 0 };
  link_heartbeat_put(hb, sizeof hb, &h);
  link_rt_status st = some_status(), got;
  link_rt_status_put(rt, sizeof rt, &st);
  /* without on_note: a notification carrying the request's seq is skipped */
  sc_note(&s, LINK_NOTE_HEARTBEAT, 1, hb, sizeof hb);
  sc_answer(&s, LINK_RT_STATUS, 1, 0, rt, sizeof rt);
  CHECK(link_rt_status_req(&c, &got) == LINK_C_OK && got.boot_id == st.boot_id && got.name_len == 7);
  CHECK(c.notes == 1 && s.sends == 1 && c.stale == 0 && c.bad_frames == 0);
  /* with on_note: notes before, between a stale answer and the answer */
  c.on_note = on_note;
  c.note_ctx = &v;
  s.nout = s.next = 0;
  sc_note(&s, LINK_NOTE_LOG, 2, hb, 20);
  sc_answer(&s, LINK_HELLO, 77, 0, NULL, 0);                 /* stale */
  sc_note(&s, LINK_NOTE_EVENT, 2, hb, LINK_EVENT_FIXED);     /* same seq as the request */
  uint8_t now[4];
  link_put32(now, 0x1E);
  sc_answer(&s, LINK_SET, 2, 0, now, 4);
  uint32_t in_force = 0;
  CHECK(link_set_req(&c, LINK_SET_NOTIFY, 0x1E, &in_force) == LINK_C_OK && in_force == 0x1E);
  CHECK(v.n == 2 && v.kind[0] == LINK_NOTE_LOG && v.seq[0] == 2 && v.len[0] == 20);
  CHECK(v.kind[1] == LINK_NOTE_EVENT && v.len[1] == LINK_EVENT_FIXED && c.notes == 3 && c.stale == 1);
  /* the request's body: key, value */
  link_rx rx;
  link_rx_init(&rx);
  for (uint32_t i = 0; i < s.lastn; i++) link_rx_byte(&rx, s.last[i]);
  CHECK(rx.len == 8 && rx.msg[0] == LINK_SET && rx.msg[3] == LINK_SET_NOTIFY && link_get32(rx.msg + 4) == 0x1E);
  /* only notifications: no answer, TIMEOUT after the retries */
  s.nout = s.next = 0;
  v.n = 0;
  sc_note(&s, LINK_NOTE_HEARTBEAT, 3, hb, sizeof hb);
  sc_note(&s, LINK_NOTE_HEARTBEAT, 4, hb, sizeof hb);
  CHECK(link_rt_status_req(&c, &got) == LINK_C_TIMEOUT && v.n == 2);
  /* a bootloader: UNKNOWN_CMD */
  s.nout = s.next = 0;
  uint8_t d4[4];
  link_put32(d4, LINK_ENTER_BOOTLOADER);
  sc_answer(&s, LINK_ENTER_BOOTLOADER, c.seq, LINK_ST_UNKNOWN_CMD, d4, 4);
  CHECK(link_enter_bootloader(&c, 7) == LINK_C_NAK && c.st == LINK_ST_UNKNOWN_CMD &&
        c.detail == LINK_ENTER_BOOTLOADER);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_ENTER_BOOTLOADER, c.seq, 0, NULL, 0);
  CHECK(link_enter_bootloader(&c, 7) == LINK_C_OK);
  /* malformed bodies: PROTO */
  s.nout = s.next = 0;
  sc_answer(&s, LINK_RT_STATUS, c.seq, 0, rt, sizeof rt - 1);
  CHECK(link_rt_status_req(&c, &got) == LINK_C_PROTO);
  s.nout = s.next = 0;
  uint8_t lb[300];
  uint32_t ln = logs_body(lb, 5, 0);
  sc_answer(&s, LINK_LOGS, c.seq, 0, lb, ln - 1);
  CHECK(link_logs_req(&c, 5) == LINK_C_PROTO);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_LOGS, c.seq, 0, lb, ln);
  CHECK(link_logs_req(&c, 5) == LINK_C_OK && c.resp_len == ln);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_SET, c.seq, 0, now, 3);
  CHECK(link_set_req(&c, LINK_SET_LOG_LEVEL, 1, NULL) == LINK_C_PROTO);
  CHECK(link_blackbox_req(&c, 2, 0) == LINK_C_ARG);
  s.nout = s.next = 0;
  uint8_t bb[LINK_BB_READ_FIXED] = { 0 };
  sc_answer(&s, LINK_BLACKBOX, c.seq, 0, bb, sizeof bb);
  CHECK(link_blackbox_req(&c, LINK_BB_READ, 0) == LINK_C_OK);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_BLACKBOX, c.seq, 0, bb, 4);
  CHECK(link_blackbox_req(&c, LINK_BB_CLEAR, 0) == LINK_C_OK);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_BLACKBOX, c.seq, 0, bb, 4);
  CHECK(link_blackbox_req(&c, LINK_BB_READ, 0) == LINK_C_PROTO);
  CHECK(sent_seq(&s) == (uint16_t)(c.seq - 1));
  /* telemetry */
  static link_telemetry t, tg;
  memset(&t, 0, sizeof t);
  t.count = 1;
  t.v[0].name_len = 4;
  memcpy(t.v[0].name, "temp", 4);
  t.v[0].value = 23;
  t.v[0].flags = LINK_TV_GUEST;
  uint8_t tb[64];
  uint32_t tn = link_telemetry_put(tb, sizeof tb, &t);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_TELEMETRY, c.seq, 0, tb, tn);
  CHECK(link_telemetry_req(&c, &tg) == LINK_C_OK && tg.count == 1 && tg.v[0].value == 23);
}

static void t_poll(void) {
  static script s;
  memset(&s, 0, sizeof s);
  link_io io = { &s, sc_send, sc_recv, sc_now };
  static link_client c;
  link_client_init(&c, &io);
  seen v = { 0 };
  c.on_note = on_note;
  c.note_ctx = &v;
  uint8_t body[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  for (uint32_t i = 0; i < 6; i++) {
    if (i == 3) sc_answer(&s, LINK_HELLO, 9, 0, NULL, 0);    /* a late answer */
    sc_note(&s, (uint8_t)(1 + i % 4), (uint16_t)(100 + i), body, i);
  }
  /* a damaged frame too: counted, not delivered */
  s.outn[s.nout] = 3;
  s.out[s.nout][0] = 2; s.out[s.nout][1] = 9; s.out[s.nout][2] = 0;
  s.nout++;
  CHECK(link_poll(&c, 1000) == LINK_C_OK);
  CHECK(v.n == 6 && c.notes == 6 && c.stale == 1 && c.bad_frames == 1 && s.sends == 0);
  for (uint32_t i = 0; i < 6 && i < v.n; i++)
    CHECKF(v.kind[i] == 1 + i % 4 && v.seq[i] == 100 + i && v.len[i] == i, "note %u", i);
  CHECK(s.now >= 1000 && s.now < 1100);
  /* nothing: returns at the end of the wait */
  uint64_t t0 = s.now;
  CHECK(link_poll(&c, 250) == LINK_C_OK && s.now - t0 >= 250);
  CHECK(link_poll(&c, 0) == LINK_C_OK);
}

/* ---- docs/sideband.md names every row of the tables ----------------------- */

static const char *docs_root = ".";

static void t_docs(void) {
  char path[512], row[160];
  snprintf(path, sizeof path, "%s/docs/sideband.md", docs_root);
  FILE *f = fopen(path, "rb");
  REQUIRE(f);
  static char doc[1 << 17];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  fclose(f);
  doc[n] = 0;
#define HAS(...) do { snprintf(row, sizeof row, __VA_ARGS__); CHECKF(strstr(doc, row), "docs lack %s", row); } while (0)
#define X(name, code, size, desc) HAS("| 0x%02x | `%s` | %d |", (unsigned)code, #name, size);
  LINK_RT_CMDS(X)
#undef X
#define X(name, kind, desc) HAS("| 0x%02X | %d | `%s` |", 0xC0u | kind, kind, #name);
  LINK_NOTES(X)
#undef X
#define X(name, code, desc) HAS("| %d | `%s` |", code, link_set_key_name(code));
  LINK_SET_KEYS(X)
#undef X
  for (uint32_t i = 0; i < LINK_VM__COUNT; i++) HAS("| %u | `%s` |", i, link_vm_state_name(i));
  for (uint32_t i = 0; i < LINK_HOST__COUNT; i++) HAS("| %u | `%s` |", i, link_host_state_name(i));
  for (uint32_t i = 0; i < LINK_RESET__COUNT; i++) HAS("| %u | `%s` |", i, link_reset_name(i));
  for (uint32_t i = 0; i < LINK_EV__COUNT; i++) HAS("| %u | `%s` |", i, link_event_name(i));
  HAS("RT_STATUS response (%u bytes", LINK_RT_STATUS_SIZE);
  HAS("HEARTBEAT body (%u bytes", LINK_HEARTBEAT_SIZE);
  HAS("%u ms", LINK_NOTE_LEASE_MS);
  HAS("`LINK_NAME_MAX` (%u)", LINK_NAME_MAX);
  HAS("`LINK_LOG_LINE_MAX` (%u)", LINK_LOG_LINE_MAX);
  HAS("`LINK_TV_MAX` (%u)", LINK_TV_MAX);
  for (uint32_t s = 0; s < LINK_ST__COUNT; s++) {
    if (s == LINK_ST_FRAME || s == LINK_ST_UNKNOWN_CMD || s == LINK_ST_LENGTH) HAS("`%s`", link_st_name((link_st)s));
  }
#undef HAS
}

typedef struct test { const char *name; void (*fn)(void); } test;
static const test tests[] = {
  { "rt_status", t_rt_status }, { "heartbeat", t_heartbeat }, { "event", t_event }, { "log", t_log },
  { "telemetry", t_telemetry }, { "logs", t_logs }, { "blackbox", t_blackbox }, { "note", t_note },
  { "names", t_names }, { "client", t_client }, { "poll", t_poll }, { "docs", t_docs },
};

int main(int argc, char **argv) {
  int ran = 0;
  if (argc > 2) docs_root = argv[2];
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
      tests[i].fn();
      ran++;
    }
  if (!ran) { fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : ""); return 2; }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures ? 1 : 0;
}
