/*
** fuzz_sideband.c -- libFuzzer target for the sideband (docs/sideband.md):
** arbitrary bytes to every body decoder, and to the client as the device's
** answers and notifications.
**
** Input: first byte even -> codec mode, odd -> client mode.
** Codec mode: the rest is one body given to every *_get. Checked: what a
** get accepts, put writes back and get reads again to the same bytes
** (put(get(put(get(x)))) == put(get(x))), names and counts within their
** limits, LOGS lines walked exactly to the end.
** Client mode: the rest is the byte stream from the device while the
** client makes every runtime request and polls; notifications go to a
** callback that decodes them by kind. Checked: nothing crashes or hangs, a
** notification body is never over LINK_MAX_BODY, no request is answered by
** a notification.
*/
#include <stdlib.h>
#include <string.h>

#include "link.h"

static uint8_t a[LINK_MAX_MSG + 64], b[LINK_MAX_MSG + 64];

#define SAME(put, get, T, body, n) do {                                   \
    static T x, y;                                                      \
    memset(&x, 0, sizeof x);                                            \
    memset(&y, 0, sizeof y);                                            \
    if (get(body, n, &x)) {                                             \
      uint32_t k = put(a, sizeof a, &x);                                \
      if (!k || !get(a, k, &y)) abort();                                \
      uint32_t k2 = put(b, sizeof b, &y);                               \
      if (k2 != k || memcmp(a, b, k)) abort();                          \
    }                                                                   \
  } while (0)

static void codecs(const uint8_t *p, uint32_t n) {
  SAME(link_rt_status_put, link_rt_status_get, link_rt_status, p, n);
  SAME(link_heartbeat_put, link_heartbeat_get, link_heartbeat, p, n);
  SAME(link_event_put, link_event_get, link_event_note, p, n);
  SAME(link_log_note_put, link_log_note_get, link_log_note, p, n);
  SAME(link_telemetry_put, link_telemetry_get, link_telemetry, p, n);
  static link_telemetry t;
  if (link_telemetry_get(p, n, &t)) {
    if (t.count > LINK_TV_MAX) abort();
    for (uint32_t i = 0; i < t.count; i++)
      if (!t.v[i].name_len || t.v[i].name_len > LINK_NAME_MAX) abort();
  }
  link_logs l;
  if (link_logs_get(p, n, &l)) {
    uint8_t lv;
    const uint8_t *tx;
    uint32_t tn, k = 0;
    while (link_logs_line(&l, &lv, &tx, &tn)) {
      if (tn > LINK_LOG_LINE_MAX || tx + tn > p + n) abort();
      k++;
    }
    if (k != l.count || l.at != l.len) abort();
  }
  link_bb_read r;
  if (link_bb_read_get(p, n, &r) && r.recs + (uint32_t)r.count * r.rec_size != p + n) abort();
  /* as a notification frame and back */
  static uint8_t w[LINK_MAX_WIRE];
  uint32_t k = link_note_encode(LINK_NOTE_LOG, (uint16_t)n, p, n, w, sizeof w);
  if (n <= LINK_MAX_BODY && !k) abort();
  if (k) {
    static link_rx rx;
    link_rx_init(&rx);
    int frames = 0;
    for (uint32_t i = 0; i < k; i++)
      if (link_rx_byte(&rx, w[i]) == LINK_RX_FRAME) {
        frames++;
        if (!link_is_note(rx.msg, rx.len) || rx.len != LINK_RESP_HDR + n || memcmp(rx.msg + LINK_RESP_HDR, p, n))
          abort();
      }
    if (frames != 1) abort();
  }
}

/* ---- client mode ---------------------------------------------------------- */

typedef struct feedio { const uint8_t *p; size_t n, at; uint64_t now; } feedio;
static int f_send(void *ctx, const uint8_t *p, uint32_t n) { (void)ctx; (void)p; return (int)n; }
static int f_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t t) {
  feedio *f = ctx;
  f->now += t / 4 + 1;
  if (f->at >= f->n) { f->now += t; return f->at++ > f->n + 64 ? -1 : 0; }
  uint32_t k = f->p[f->at++] % 64u;
  if (k > cap) k = cap;
  if (k > f->n - f->at) k = (uint32_t)(f->n - f->at);
  memcpy(p, f->p + f->at, k);
  f->at += k;
  return (int)k;
}
static uint64_t f_now(void *ctx) { return ((feedio *)ctx)->now; }

static void on_note(void *ctx, uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n) {
  (void)ctx; (void)seq;
  if (n > LINK_MAX_BODY || kind > 0x3F) abort();
  static link_heartbeat h;
  static link_log_note l;
  static link_telemetry t;
  static link_event_note e;
  switch (kind) {
    case LINK_NOTE_HEARTBEAT: (void)link_heartbeat_get(body, n, &h); break;
    case LINK_NOTE_LOG: (void)link_log_note_get(body, n, &l); break;
    case LINK_NOTE_TELEMETRY: (void)link_telemetry_get(body, n, &t); break;
    case LINK_NOTE_EVENT: (void)link_event_get(body, n, &e); break;
    default: break;
  }
}

static void client(const uint8_t *p, size_t n) {
  feedio f = { p, n, 0, 0 };
  link_io io = { &f, f_send, f_recv, f_now };
  static link_client c;
  link_client_init(&c, &io);
  c.timeout_ms = 50;
  c.retries = 1;
  c.on_note = on_note;
  static link_rt_status st;
  static link_telemetry t;
  uint32_t v;
  for (int round = 0; round < 2 && f.at <= f.n; round++) {
    link_rt_status_req(&c, &st);
    link_telemetry_req(&c, &t);
    if (link_logs_req(&c, 0) == LINK_C_OK) {
      link_logs l;
      if (!link_logs_get(c.resp, c.resp_len, &l)) abort();
    }
    if (link_blackbox_req(&c, LINK_BB_READ, 0) == LINK_C_OK) {
      link_bb_read r;
      if (!link_bb_read_get(c.resp, c.resp_len, &r)) abort();
    }
    link_blackbox_req(&c, LINK_BB_CLEAR, 0);
    link_set_req(&c, LINK_SET_NOTIFY, 0x1E, &v);
    link_enter_bootloader(&c, 1);
    if (link_poll(&c, 200) == LINK_C_IO) break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) client(data + 1, size - 1);
  else if (size - 1 <= LINK_MAX_MSG) codecs(data + 1, (uint32_t)(size - 1));
  return 0;
}
