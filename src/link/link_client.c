/*
** link_client.c -- the client side: requests with timeouts and retries, a
** windowed upload that goes back to the device's offset after any loss.
**
** Every transmission gets a fresh sequence number and answers are matched
** by it, so a late, duplicated or reordered answer to an earlier attempt is
** recognised and dropped. Resending is safe because every command is
** idempotent on the device (docs/boot-protocol.md).
*/
#include "link.h"

static const char *const cerr_msgs[] = {
  "ok", "refused by the device", "no answer from the device",
  "link failed", "malformed answer", "bad argument"
};

const char *link_cerr_str(link_cerr e) {
  return (unsigned)e <= LINK_C_ARG ? cerr_msgs[e] : "unknown client error";
}

void link_client_init(link_client *c, const link_io *io) {
  __builtin_memset(c, 0, sizeof *c);
  c->io = *io;
  c->timeout_ms = 1000;
  c->retries = 5;
  c->seq = 1;
  link_rx_init(&c->rx);
}

static uint16_t next_seq(link_client *c) {
  uint16_t s = c->seq++;
  if (c->seq == 0) c->seq = 1;   /* 0 answers frames the device could not read */
  return s;
}

/* Send one request; its sequence number in *seq. */
static link_cerr send_req(link_client *c, uint8_t cmd, const uint8_t *a, uint32_t na,
                          const uint8_t *b, uint32_t nb, uint16_t *seq) {
  if (LINK_REQ_HDR + na + nb > LINK_MAX_MSG) return LINK_C_ARG;
  *seq = next_seq(c);
  c->msg[0] = cmd;
  link_put16(c->msg + 1, *seq);
  if (na) __builtin_memcpy(c->msg + LINK_REQ_HDR, a, na);
  if (nb) __builtin_memcpy(c->msg + LINK_REQ_HDR + na, b, nb);
  uint32_t off = 0;
  if (!c->flushed) {            /* end whatever the device was decoding */
    c->tx[off++] = 0;
    c->flushed = true;
  }
  uint32_t n = link_frame_encode(c->msg, LINK_REQ_HDR + na + nb, c->tx + off,
                                 (uint32_t)sizeof c->tx - off);
  if (!n) return LINK_C_ARG;
  c->sent_frames++;
  return c->io.send(c->io.ctx, c->tx, off + n) < 0 ? LINK_C_IO : LINK_C_OK;
}

/* A notification (docs/sideband.md) is never an answer, whatever its seq:
** it goes to on_note, if there is one, and is counted. */
static void take_note(link_client *c) {
  c->notes++;
  if (c->on_note)
    c->on_note(c->note_ctx, (uint8_t)(c->rx.msg[0] & ~(LINK_RESP_BIT | LINK_NOTE_BIT)),
               (uint16_t)link_get16(c->rx.msg + 1), c->rx.msg + LINK_RESP_HDR, c->rx.len - LINK_RESP_HDR);
}

/* Wait until `deadline` (ms) for the next well-formed response frame: 1
** with it in c->rx.msg, 0 at the deadline, -1 if the link failed.
** Notifications on the way are handed over and waiting goes on. */
static int wait_frame(link_client *c, uint64_t deadline) {
  for (;;) {
    while (c->in_pos < c->in_len) {
      link_rxev ev = link_rx_byte(&c->rx, c->in[c->in_pos++]);
      if (ev == LINK_RX_BAD) c->bad_frames++;
      if (ev != LINK_RX_FRAME) continue;
      if (link_is_note(c->rx.msg, c->rx.len)) { take_note(c); continue; }
      if (c->rx.len >= LINK_RESP_HDR && (c->rx.msg[0] & LINK_RESP_BIT)) return 1;
      c->bad_frames++;          /* a request or a runt: not for us */
    }
    uint64_t now = c->io.now_ms(c->io.ctx);
    if (now >= deadline) return 0;
    int n = c->io.recv(c->io.ctx, c->in, (uint32_t)sizeof c->in, (uint32_t)(deadline - now));
    if (n < 0) return -1;
    c->in_pos = 0;
    c->in_len = (uint32_t)n;
  }
}

static uint16_t resp_seq(const link_client *c) { return (uint16_t)link_get16(c->rx.msg + 1); }
static link_st resp_st(const link_client *c) { return (link_st)c->rx.msg[3]; }
static const uint8_t *resp_body(const link_client *c) { return c->rx.msg + LINK_RESP_HDR; }
static uint32_t resp_len(const link_client *c) { return c->rx.len - LINK_RESP_HDR; }

/* A NAK's status and detail (a NAK without a 4-byte detail is malformed). */
static link_cerr take_nak(link_client *c) {
  if (resp_len(c) != 4) return LINK_C_PROTO;
  c->st = resp_st(c);
  c->detail = link_get32(resp_body(c));
  c->last_cmd = (uint8_t)(c->rx.msg[0] & ~LINK_RESP_BIT);
  return LINK_C_NAK;
}

link_cerr link_request(link_client *c, uint8_t cmd, const uint8_t *body, uint32_t n) {
  for (uint32_t attempt = 0; attempt <= c->retries; attempt++) {
    uint16_t seq;
    link_cerr e = send_req(c, cmd, body, n, 0, 0, &seq);
    if (e) return e;
    if (attempt) c->resent++;
    uint64_t deadline = c->io.now_ms(c->io.ctx) + c->timeout_ms;
    for (;;) {
      int r = wait_frame(c, deadline);
      if (r < 0) return LINK_C_IO;
      if (r == 0) { c->timeouts++; break; }
      if (resp_seq(c) == 0 && resp_st(c) == LINK_ST_FRAME) break;  /* resend now */
      if (resp_seq(c) != seq) { c->stale++; continue; }
      if ((c->rx.msg[0] & ~LINK_RESP_BIT) != cmd) return LINK_C_PROTO;
      if (resp_st(c) != LINK_ST_OK) return take_nak(c);
      c->resp_len = resp_len(c);
      __builtin_memcpy(c->resp, resp_body(c), c->resp_len);
      return LINK_C_OK;
    }
  }
  return LINK_C_TIMEOUT;
}

link_cerr link_hello(link_client *c, link_info *out) {
  link_cerr e = link_request(c, LINK_HELLO, 0, 0);
  if (e) return e;
  return link_info_get(c->resp, c->resp_len, out) ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_get_status(link_client *c, link_status *out) {
  link_cerr e = link_request(c, LINK_STATUS, 0, 0);
  if (e) return e;
  return link_status_get(c->resp, c->resp_len, out) ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_begin_req(link_client *c, const link_begin *b, uint8_t *bank, uint32_t *next) {
  uint8_t body[LINK_BEGIN_SIZE];
  link_begin_put(body, b);
  link_cerr e = link_request(c, LINK_BEGIN, body, sizeof body);
  if (e) return e;
  if (c->resp_len != 5) return LINK_C_PROTO;
  *bank = c->resp[0];
  *next = link_get32(c->resp + 1);
  return *next <= b->size ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_verify(link_client *c, uint8_t *bank) {
  link_cerr e = link_request(c, LINK_VERIFY, 0, 0);
  if (e) return e;
  if (c->resp_len != 1) return LINK_C_PROTO;
  *bank = c->resp[0];
  return LINK_C_OK;
}

link_cerr link_bank_cmd(link_client *c, uint8_t cmd, uint8_t bank) {
  link_cerr e = link_request(c, cmd, &bank, 1);
  return e ? e : c->resp_len ? LINK_C_PROTO : LINK_C_OK;
}

link_cerr link_reboot(link_client *c, uint32_t boot_id) {
  uint8_t body[4];
  link_put32(body, boot_id);
  link_cerr e = link_request(c, LINK_REBOOT, body, 4);
  return e ? e : c->resp_len ? LINK_C_PROTO : LINK_C_OK;
}

/* ---- the sideband's requests --------------------------------------------- */

link_cerr link_rt_status_req(link_client *c, link_rt_status *out) {
  link_cerr e = link_request(c, LINK_RT_STATUS, 0, 0);
  if (e) return e;
  return link_rt_status_get(c->resp, c->resp_len, out) ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_telemetry_req(link_client *c, link_telemetry *out) {
  link_cerr e = link_request(c, LINK_TELEMETRY, 0, 0);
  if (e) return e;
  return link_telemetry_get(c->resp, c->resp_len, out) ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_logs_req(link_client *c, uint32_t from) {
  uint8_t body[4];
  link_put32(body, from);
  link_cerr e = link_request(c, LINK_LOGS, body, 4);
  if (e) return e;
  link_logs l;
  return link_logs_get(c->resp, c->resp_len, &l) ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_blackbox_req(link_client *c, uint8_t op, uint32_t from) {
  if (op != LINK_BB_READ && op != LINK_BB_CLEAR) return LINK_C_ARG;
  uint8_t body[5] = { op };
  link_put32(body + 1, from);
  link_cerr e = link_request(c, LINK_BLACKBOX, body, 5);
  if (e) return e;
  link_bb_read r;
  if (op == LINK_BB_CLEAR) return c->resp_len == 4 ? LINK_C_OK : LINK_C_PROTO;
  return link_bb_read_get(c->resp, c->resp_len, &r) ? LINK_C_OK : LINK_C_PROTO;
}

link_cerr link_set_req(link_client *c, uint8_t key, uint32_t value, uint32_t *now) {
  uint8_t body[5] = { key };
  link_put32(body + 1, value);
  link_cerr e = link_request(c, LINK_SET, body, 5);
  if (e) return e;
  if (c->resp_len != 4) return LINK_C_PROTO;
  if (now) *now = link_get32(c->resp);
  return LINK_C_OK;
}

link_cerr link_enter_bootloader(link_client *c, uint32_t boot_id) {
  uint8_t body[4];
  link_put32(body, boot_id);
  link_cerr e = link_request(c, LINK_ENTER_BOOTLOADER, body, 4);
  return e ? e : c->resp_len ? LINK_C_PROTO : LINK_C_OK;
}

link_cerr link_poll(link_client *c, uint32_t wait_ms) {
  uint64_t deadline = c->io.now_ms(c->io.ctx) + wait_ms;
  for (;;) {
    int r = wait_frame(c, deadline);
    if (r < 0) return LINK_C_IO;
    if (r == 0) return LINK_C_OK;
    c->stale++;                 /* an answer nobody waits for (a late one) */
  }
}

link_cerr link_wait_reboot(link_client *c, uint32_t old_id, uint32_t wait_ms, link_info *out) {
  uint64_t end = c->io.now_ms(c->io.ctx) + wait_ms;
  uint32_t keep = c->retries;
  link_cerr e = LINK_C_TIMEOUT;
  c->retries = 0;
  while (c->io.now_ms(c->io.ctx) < end) {
    e = link_hello(c, out);
    if (e == LINK_C_OK && out->boot_id != old_id) break;
    if (e == LINK_C_OK) e = LINK_C_TIMEOUT;        /* not rebooted yet */
    if (e != LINK_C_TIMEOUT) break;
  }
  c->retries = keep;
  return e;
}

/* ---- windowed upload ---------------------------------------------------- */

typedef struct inflight { uint16_t seq; uint32_t end; } inflight;

link_cerr link_upload(link_client *c, const uint8_t *art, uint32_t len, uint32_t from,
                      uint32_t chunk, uint32_t window, link_progress_fn fn, void *ctx) {
  if (!chunk || chunk % 8u || chunk > LINK_MAX_CHUNK || !window || from > len || from % 8u)
    return LINK_C_ARG;
  if (window > LINK_MAX_WINDOW) window = LINK_MAX_WINDOW;
  inflight fl[LINK_MAX_WINDOW];
  uint32_t nfl = 0, base = from, sent = from, tries = 0;
  uint64_t deadline = 0;
  if (fn) fn(ctx, base, len);
  while (base < len) {
    while (nfl < window && sent < len) {
      uint32_t n = len - sent < chunk ? len - sent : chunk;
      uint8_t off[4];
      link_put32(off, sent);
      link_cerr e = send_req(c, LINK_DATA, off, 4, art + sent, n, &fl[nfl].seq);
      if (e) return e;
      fl[nfl++].end = sent + n;
      sent += n;
      deadline = c->io.now_ms(c->io.ctx) + c->timeout_ms;
    }
    int r = wait_frame(c, deadline);
    if (r < 0) return LINK_C_IO;
    bool back = false;
    if (r == 0) {
      c->timeouts++;
      back = true;
    } else {
      uint16_t seq = resp_seq(c);
      uint32_t k = 0;
      while (k < nfl && fl[k].seq != seq) k++;
      if (k == nfl) {           /* stale, or a damaged frame: later ones tell */
        if (seq == 0) c->bad_frames++; else c->stale++;
        continue;
      }
      if ((c->rx.msg[0] & ~LINK_RESP_BIT) != LINK_DATA) return LINK_C_PROTO;
      link_st st = resp_st(c);
      if (st == LINK_ST_OK) {
        if (resp_len(c) != 4) return LINK_C_PROTO;
        uint32_t next = link_get32(resp_body(c));
        if (next > len) return LINK_C_PROTO;
        if (next < fl[k].end) {
          back = true;          /* the device is behind this frame */
          base = next > base ? next : base;
        } else {
          if (next > base) { base = next; tries = 0; if (fn) fn(ctx, base, len); }
          uint32_t j = 0;       /* forget frames the device has */
          for (uint32_t i = 0; i < nfl; i++)
            if (fl[i].end > base) fl[j++] = fl[i];
          nfl = j;
          if (sent < base) sent = base;
          continue;
        }
      } else if (st == LINK_ST_OFFSET) {
        if (resp_len(c) != 4) return LINK_C_PROTO;
        uint32_t want = link_get32(resp_body(c));
        if (want > len || want % 8u) return LINK_C_PROTO;
        if (want != base) {     /* the device's offset is the truth */
          if (want > base) tries = 0;
          base = want;
          if (fn) fn(ctx, base, len);
        }
        back = true;
      } else {
        return take_nak(c);
      }
    }
    if (back) {                 /* go back to what the device has */
      if (++tries > c->retries) return LINK_C_TIMEOUT;
      c->resent += nfl;
      sent = base;
      nfl = 0;
    }
  }
  return LINK_C_OK;
}
