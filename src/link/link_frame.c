/*
** link_frame.c -- frames: message || CRC-32, COBS-encoded, 0x00-terminated.
**
** COBS (Consistent Overhead Byte Stuffing) removes every zero byte: the
** data is cut at its zeros into blocks, each sent as a code byte (block
** length + 1) followed by the block's bytes; code 0xFF means 254 bytes and
** no zero after them. A 0x00 on the wire can only be a frame's end, so a
** receiver that lost sync simply waits for the next one.
*/
#include "link.h"
#include "crc32.h"

typedef struct cobs_enc {
  uint8_t *out;
  uint32_t cap, n;       /* bytes written, including the open code byte */
  uint32_t code_at;      /* where the open block's code byte goes */
  uint8_t code;
  bool over;
} cobs_enc;

static void enc_open(cobs_enc *e) {
  if (e->n >= e->cap) { e->over = true; return; }
  e->code_at = e->n++;
  e->code = 1;
}

static void enc_close(cobs_enc *e) {
  if (!e->over) e->out[e->code_at] = e->code;
}

static void enc_byte(cobs_enc *e, uint8_t b) {
  if (e->over) return;
  if (b == 0) {
    enc_close(e);
    enc_open(e);
    return;
  }
  if (e->n >= e->cap) { e->over = true; return; }
  e->out[e->n++] = b;
  if (++e->code == 0xFF) {
    enc_close(e);
    enc_open(e);
  }
}

uint32_t link_frame_encode2(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb,
                           uint8_t *out, uint32_t cap) {
  if (na > LINK_MAX_MSG || nb > LINK_MAX_MSG - na) return 0;
  cobs_enc e = { out, cap, 0, 0, 0, false };
  uint8_t crc[LINK_CRC_SIZE];
  link_put32(crc, crc32_update(crc32_of(a, na), b, nb));
  enc_open(&e);
  for (uint32_t i = 0; i < na; i++) enc_byte(&e, a[i]);
  for (uint32_t i = 0; i < nb; i++) enc_byte(&e, b[i]);
  for (uint32_t i = 0; i < LINK_CRC_SIZE; i++) enc_byte(&e, crc[i]);
  enc_close(&e);
  if (e.over || e.n >= cap) return 0;
  out[e.n++] = 0;
  return e.n;
}

uint32_t link_frame_encode(const uint8_t *msg, uint32_t n, uint8_t *out, uint32_t cap) {
  return link_frame_encode2(msg, n, msg, 0, out, cap);
}

void link_rx_init(link_rx *r) {
  r->len = 0;
  r->left = 0;
  r->code = 0;
  r->broken = false;
  r->frames = r->bad = 0;
}

static void rx_reset(link_rx *r) {
  r->len = 0;
  r->left = 0;
  r->code = 0;
  r->broken = false;
}

static void rx_put(link_rx *r, uint8_t b) {
  if (r->len >= LINK_MAX_FRAME) r->broken = true;
  else r->msg[r->len++] = b;
}

link_rxev link_rx_byte(link_rx *r, uint8_t b) {
  if (b == 0) {                        /* end of frame */
    bool empty = r->code == 0 && !r->broken;
    bool ok = !r->broken && r->left == 0 && r->len >= LINK_CRC_SIZE;
    uint32_t n = r->len;
    rx_reset(r);
    if (empty) return LINK_RX_NONE;    /* 0x00 0x00: idle or a flush */
    if (ok && crc32_of(r->msg, n - LINK_CRC_SIZE) == link_get32(r->msg + n - LINK_CRC_SIZE)) {
      r->len = n - LINK_CRC_SIZE;
      r->frames++;
      return LINK_RX_FRAME;
    }
    r->bad++;
    return LINK_RX_BAD;
  }
  if (r->broken) return LINK_RX_NONE;
  if (r->code == 0) r->len = 0;        /* first byte: the last message is gone */
  if (r->left == 0) {                  /* a code byte opens a block */
    if (r->code != 0 && r->code != 0xFF) rx_put(r, 0);
    r->code = b;
    r->left = (uint8_t)(b - 1);
  } else {
    rx_put(r, b);
    r->left--;
  }
  return LINK_RX_NONE;
}
