/*
** boot_srv.c -- the programming-protocol server: frames in, one answer per
** request out. A frame that cannot be read is answered too (status FRAME,
** sequence number 0), so a client never has to wait out a timeout to learn
** that its request was damaged.
*/
#include "boot.h"

void boot_srv_init(boot_srv *s, boot_dev *d, boot_out_fn out, void *ctx) {
  __builtin_memset(s, 0, sizeof *s);
  s->dev = d;
  s->out = out;
  s->ctx = ctx;
  link_rx_init(&s->rx);
}

static void answer(boot_srv *s, uint8_t cmd, uint32_t seq, link_st st, uint32_t n) {
  s->resp[0] = (uint8_t)(cmd | LINK_RESP_BIT);
  link_put16(s->resp + 1, seq);
  s->resp[3] = (uint8_t)st;
  uint32_t w = link_frame_encode(s->resp, LINK_RESP_HDR + n, s->wire, sizeof s->wire);
  if (st != LINK_ST_OK) s->naks++;
  if (w) s->out(s->ctx, s->wire, w);
}

static void nak(boot_srv *s, uint8_t cmd, uint32_t seq, link_st st, uint32_t detail) {
  link_put32(s->resp + LINK_RESP_HDR, detail);
  answer(s, cmd, seq, st, 4);
}

void boot_srv_message(boot_srv *s, const uint8_t *msg, uint32_t len) {
  boot_dev *d = s->dev;
  if (len < LINK_REQ_HDR || (msg[0] & LINK_RESP_BIT)) {
    nak(s, 0, 0, LINK_ST_FRAME, len);
    return;
  }
  s->requests++;
  uint8_t cmd = msg[0];
  uint32_t seq = link_get16(msg + 1);
  const uint8_t *body = msg + LINK_REQ_HDR;
  uint32_t n = len - LINK_REQ_HDR;
  int want = link_cmd_body(cmd);
  if (want < 0) { nak(s, cmd, seq, LINK_ST_UNKNOWN_CMD, cmd); return; }
  if (cmd == LINK_DATA ? n < (uint32_t)want : n != (uint32_t)want) {
    nak(s, cmd, seq, LINK_ST_LENGTH, (uint32_t)want);
    return;
  }
  uint8_t *out = s->resp + LINK_RESP_HDR;
  uint32_t detail = 0, next = 0, rn = 0;
  uint8_t bank = 0;
  link_st st = LINK_ST_OK;
  switch (cmd) {
  case LINK_HELLO: {
    link_info in;
    boot_info(d, &in);
    link_info_put(out, &in);
    rn = LINK_INFO_SIZE;
    break;
  }
  case LINK_STATUS: {
    link_status ls;
    boot_status(d, &ls);
    link_status_put(out, &ls);
    rn = LINK_STATUS_SIZE;
    break;
  }
  case LINK_BEGIN: {
    link_begin b;
    link_begin_get(body, n, &b);
    st = boot_begin(d, &b, &bank, &next, &detail);
    out[0] = bank;
    link_put32(out + 1, next);
    rn = 5;
    break;
  }
  case LINK_DATA:
    st = boot_data(d, link_get32(body), body + 4, n - 4, &next, &detail);
    link_put32(out, next);
    rn = 4;
    break;
  case LINK_VERIFY:
    st = boot_verify(d, &bank, &detail);
    out[0] = bank;
    rn = 1;
    break;
  case LINK_ACTIVATE: st = boot_activate(d, body[0], &detail); break;
  case LINK_CONFIRM:  st = boot_confirm(d, body[0], &detail); break;
  case LINK_REVERT:   st = boot_revert(d, body[0], &detail); break;
  case LINK_REBOOT:
    if (link_get32(body) == d->boot_id) s->reboot = true;  /* else: rebooted already */
    break;
  }
  if (st != LINK_ST_OK) nak(s, cmd, seq, st, detail);
  else answer(s, cmd, seq, LINK_ST_OK, rn);
}

void boot_srv_input(boot_srv *s, const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n && !s->reboot; i++) {
    link_rxev ev = link_rx_byte(&s->rx, p[i]);
    if (ev == LINK_RX_FRAME) boot_srv_message(s, s->rx.msg, s->rx.len);
    else if (ev == LINK_RX_BAD) nak(s, 0, 0, LINK_ST_FRAME, 0);
  }
}
