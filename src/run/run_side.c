/*
** run_side.c -- the sideband server: every frame from the link is one
** request, answered once. Programming commands go to the bootloader's
** protocol server (src/boot), runtime commands (link.h LINK_RT_CMDS) are
** answered here from the runtime's state; notifications go out only to a
** client that subscribed (SET NOTIFY), and only while its lease runs.
*/
#include "run_int.h"

static uint64_t now_ms(void) { return hal_time_us() / 1000u; }

bool run_side_send(run_dev *d, const uint8_t *msg, uint32_t n) {
  uint32_t w = link_frame_encode(msg, n, d->tx, sizeof d->tx);
  return w && run_port_link_write(d->tx, w);
}

static void answer(run_dev *d, uint8_t cmd, uint32_t seq, link_st st, uint32_t n) {
  d->body[0] = (uint8_t)(cmd | LINK_RESP_BIT);
  link_put16(d->body + 1, seq);
  d->body[3] = (uint8_t)st;
  if (st != LINK_ST_OK) d->naks++;
  run_side_send(d, d->body, LINK_RESP_HDR + n);
}

static void nak(run_dev *d, uint8_t cmd, uint32_t seq, link_st st, uint32_t detail) {
  link_put32(d->body + LINK_RESP_HDR, detail);
  answer(d, cmd, seq, st, 4);
}

/* LOGS: as many whole lines from `from` as the response holds. */
static uint32_t logs_body(run_dev *d, uint32_t from, uint8_t *out, uint32_t cap) {
  const run_log *l = &d->log;
  if (from > l->next) from = 0;               /* a number from an earlier boot */
  uint32_t first = from < l->first ? l->first : from;
  if (first > l->next) first = l->next;
  uint32_t lost = from < l->first ? l->first - from : 0;
  uint32_t n = 13u, count = 0, seq = first;
  for (; seq < l->next && count < 255u; seq++) {
    uint8_t level;
    if (n + 2u + LINK_LOG_LINE_MAX > cap) {
      /* room for a shorter line? read its length first */
      uint8_t tmp[LINK_LOG_LINE_MAX];
      int len = run_log_get(l, seq, tmp, sizeof tmp, &level);
      if (len < 0 || n + 2u + (uint32_t)len > cap) break;
    }
    int len = run_log_get(l, seq, out + n + 2u, LINK_LOG_LINE_MAX, &level);
    if (len < 0) break;
    out[n] = level;
    out[n + 1u] = (uint8_t)len;
    n += 2u + (uint32_t)len;
    count++;
  }
  link_put32(out, first);
  link_put32(out + 4, seq);
  link_put32(out + 8, lost);
  out[12] = (uint8_t)count;
  return n;
}

/* SET: the value in force after it, or false for an unknown key. */
static bool set_key(run_dev *d, uint8_t key, uint32_t v, uint32_t *now) {
  switch (key) {
  case LINK_SET_TELEMETRY_MS:
    d->telem.interval_ms = v;
    d->telem.next_ms = now_ms() + v;
    d->svc_ms[SVC_TELEMETRY] = now_ms();   /* its deadline starts now, not at the last sample */
    *now = v;
    return true;
  case LINK_SET_LOG_LEVEL:
    d->log.level = (uint8_t)(v > 255u ? 255u : v);
    *now = d->log.level;
    return true;
  case LINK_SET_NOTIFY: {
    uint32_t all = 0;
#define X(name, kind, desc) all |= LINK_NOTE_MASK(kind);
    LINK_NOTES(X)
#undef X
    uint32_t was = d->notify;
    d->notify = v & all;
    d->notify_until_ms = now_ms() + LINK_NOTE_LEASE_MS;
    if (d->notify & ~was & LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT)) d->next_hb_ms = 0;  /* one now */
    *now = d->notify;
    return true;
  }
  default:
    return false;
  }
}

static void rt_message(run_dev *d, uint8_t cmd, uint32_t seq, const uint8_t *body, uint32_t n) {
  int want = link_rt_cmd_body(cmd);
  if (n != (uint32_t)want) {
    nak(d, cmd, seq, LINK_ST_LENGTH, (uint32_t)want);
    return;
  }
  uint8_t *out = d->body + LINK_RESP_HDR;
  uint32_t cap = RUN_MSG_MAX - LINK_RESP_HDR, rn = 0;
  switch (cmd) {
  case LINK_RT_STATUS: {
    link_rt_status st;
    run_dev_status(d, &st);
    rn = link_rt_status_put(out, cap, &st);
    break;
  }
  case LINK_TELEMETRY:
    rn = run_dev_telemetry_body(d, out, cap);
    break;
  case LINK_LOGS:
    rn = logs_body(d, link_get32(body), out, cap);
    break;
  case LINK_BLACKBOX:
    if (body[0] > LINK_BB_CLEAR) {
      nak(d, cmd, seq, LINK_ST_RANGE, body[0]);
      return;
    }
    if (!run_dev_blackbox(d, body[0], link_get32(body + 1), out, cap, &rn)) {
      nak(d, cmd, seq, LINK_ST_FLASH, 0);
      return;
    }
    break;
  case LINK_SET: {
    uint32_t now;
    if (!set_key(d, body[0], link_get32(body + 1), &now)) {
      nak(d, cmd, seq, LINK_ST_RANGE, body[0]);
      return;
    }
    link_put32(out, now);
    rn = 4;
    break;
  }
  case LINK_ENTER_BOOTLOADER:
    if (link_get32(body) != d->b.boot_id) break;    /* an earlier boot's: done already */
    if (d->boot_req) break;                         /* another while one is pending */
    d->boot_req = true;                             /* answered at the safe point */
    d->boot_req_seq = (uint16_t)seq;
    d->host_state = LINK_HOST_BOOTLOADER_REQUESTED;
    return;
  }
  answer(d, cmd, seq, LINK_ST_OK, rn);
}

void run_side_answer_bootloader(run_dev *d) {
  answer(d, LINK_ENTER_BOOTLOADER, d->boot_req_seq, LINK_ST_OK, 0);
}

static void message(run_dev *d, const uint8_t *msg, uint32_t len) {
  d->link_frames++;
  d->link_rx = true;
  d->link_rx_ms = now_ms();
  if (len >= LINK_REQ_HDR && !(msg[0] & LINK_RESP_BIT) && link_rt_cmd_body(msg[0]) >= 0) {
    if (d->notify) d->notify_until_ms = now_ms() + LINK_NOTE_LEASE_MS;   /* renewed */
    rt_message(d, msg[0], link_get16(msg + 1), msg + LINK_REQ_HDR, len - LINK_REQ_HDR);
    return;
  }
  if (d->notify && len >= LINK_REQ_HDR) d->notify_until_ms = now_ms() + LINK_NOTE_LEASE_MS;
  uint32_t naks = d->srv.naks;
  bool trial = d->boot->trial;
  if (!d->boot_req) d->host_state = LINK_HOST_PROCESSING;
  boot_srv_message(&d->srv, msg, len);
  d->naks += d->srv.naks - naks;
  if (trial && !d->boot->trial) {     /* CONFIRM or REVERT of the running trial */
    bool ok = d->boot->bank[d->boot->running].st.state == LINK_BANK_CONFIRMED;
    run_dev_post(d, ok ? LINK_EV_TRIAL_CONFIRMED : LINK_EV_REVERTED,
                 ok ? (int32_t)d->boot->floor : d->b.bank, 0, "command", 7);
  }
}

void run_dev_input(run_dev *d, const uint8_t *p, uint32_t n) {
  /* after ENTER_BOOTLOADER, requests are still answered until the reset */
  for (uint32_t i = 0; i < n && !d->srv.reboot; i++) {
    link_rxev ev = link_rx_byte(&d->srv.rx, p[i]);
    if (ev == LINK_RX_FRAME) {
      message(d, d->srv.rx.msg, d->srv.rx.len);
    } else if (ev == LINK_RX_BAD) {
      d->link_errors++;
      run_dev_link_error(d);
      nak(d, 0, 0, LINK_ST_FRAME, 0);
    }
  }
  if (d->host_state != LINK_HOST_BOOTLOADER_REQUESTED)
    d->host_state = d->srv.rx.code || d->srv.rx.broken ? LINK_HOST_RX_ACTIVE
                    : run_dev_degraded(d) ? LINK_HOST_DEGRADED : LINK_HOST_READY;
}

bool run_side_note(run_dev *d, uint8_t kind, const uint8_t *body, uint32_t n) {
  if (!(d->notify & LINK_NOTE_MASK(kind))) return false;
  uint32_t w = link_note_encode(kind, d->note_seq, body, n, d->tx, sizeof d->tx);
  if (!w || !run_port_link_write(d->tx, w)) {
    /* a heartbeat or sample is dropped; events and lines stay queued and
    ** go at a later pass (counted only if evicted before they are sent) */
    if (kind == LINK_NOTE_HEARTBEAT || kind == LINK_NOTE_TELEMETRY) d->notes_lost++;
    return false;
  }
  d->note_seq = (uint16_t)(d->note_seq + 1u);
  return true;
}
