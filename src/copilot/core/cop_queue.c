/*
** cop_queue.c -- a bounded FIFO of messages in one storage blob, safe
** against a power cut at any write (cop.h has the layout).
**
** Every change is made visible by one header write, into the slot that
** does not hold the header in force, with a higher generation and its own
** CRC; a torn header write fails its CRC and the other slot stays in force.
** Records go into ring bytes no valid header references, and are synced
** before the header that references them is written:
**   push:  (if room must be made: header with the oldest records dropped,
**          synced) record, sync, header, sync -- OK only after that
**   pop:   header with head moved on, sync
** So a push that returned OK survives any later cut (until popped or
** dropped for room, which is counted); a cut inside a push loses at most
** that record, which the caller did not get OK for.
*/
#include "cop.h"

#define Q_MAGIC 0x51504F43u   /* "COPQ" */
#define HDR_BYTES 60u         /* serialized fields before the CRC */

static void put32(uint8_t *p, uint32_t v) { link_put32(p, v); }
static void put64(uint8_t *p, uint64_t v) { link_put64(p, v); }

static void hdr_put(const cop_queue *q, uint8_t b[COP_Q_HDR]) {
  __builtin_memset(b, 0, COP_Q_HDR);
  put32(b + 0, Q_MAGIC);
  put32(b + 4, q->gen);
  put32(b + 8, q->size);
  put32(b + 12, q->head);
  put32(b + 16, q->tail);
  put32(b + 20, q->count);
  put32(b + 24, q->used);
  put64(b + 28, q->dropped);
  put64(b + 36, q->pushed);
  put64(b + 44, q->popped);
  put32(b + 52, q->unreported);
  put32(b + HDR_BYTES, cop_crc32(0, b, HDR_BYTES));
}

static bool hdr_get(cop_queue *q, const uint8_t b[COP_Q_HDR], uint32_t size) {
  if (link_get32(b) != Q_MAGIC || link_get32(b + HDR_BYTES) != cop_crc32(0, b, HDR_BYTES)) return false;
  q->gen = link_get32(b + 4);
  q->size = link_get32(b + 8);
  q->head = link_get32(b + 12);
  q->tail = link_get32(b + 16);
  q->count = link_get32(b + 20);
  q->used = link_get32(b + 24);
  q->dropped = link_get64(b + 28);
  q->pushed = link_get64(b + 36);
  q->popped = link_get64(b + 44);
  q->unreported = link_get32(b + 52);
  if (q->size != size || q->head >= size || q->tail >= size || q->used > size) return false;
  if ((q->count == 0) != (q->used == 0) || (uint64_t)q->count * COP_Q_REC > q->used) return false;
  if ((q->head + q->used) % size != q->tail) return false;
  return true;
}

/* The slot a generation lives in. */
static uint32_t slot_of(uint32_t gen) { return (gen & 1u) * COP_Q_HDR; }

static cop_err commit(cop_queue *q) {
  uint8_t b[COP_Q_HDR];
  q->gen++;
  hdr_put(q, b);
  if (q->st.write(q->st.ctx, slot_of(q->gen), b, COP_Q_HDR) < 0 || q->st.sync(q->st.ctx) < 0) {
    q->gen--;   /* the slot in force stays the one never written */
    return COP_E_STORAGE;
  }
  return COP_E_OK;
}

/* Ring I/O, wrapping at the end. */
static int ring_read(cop_queue *q, uint32_t at, void *p, uint32_t n) {
  uint8_t *d = p;
  uint32_t first = q->size - at < n ? q->size - at : n;
  if (first && q->st.read(q->st.ctx, COP_Q_DATA + at, d, first) < 0) return -1;
  if (n > first && q->st.read(q->st.ctx, COP_Q_DATA, d + first, n - first) < 0) return -1;
  return 0;
}
static int ring_write(cop_queue *q, uint32_t at, const void *p, uint32_t n) {
  const uint8_t *s = p;
  uint32_t first = q->size - at < n ? q->size - at : n;
  if (first && q->st.write(q->st.ctx, COP_Q_DATA + at, s, first) < 0) return -1;
  if (n > first && q->st.write(q->st.ctx, COP_Q_DATA, s + first, n - first) < 0) return -1;
  return 0;
}

cop_err cop_queue_open(cop_queue *q, const cop_storage *st, uint32_t blob_size) {
  __builtin_memset(q, 0, sizeof *q);
  if (!st || !st->read || !st->write || !st->sync) return COP_E_STORAGE;
  if (blob_size < COP_Q_DATA + COP_Q_REC + 1u) return COP_E_RANGE;
  q->st = *st;
  uint32_t size = blob_size - COP_Q_DATA;
  uint8_t b[2][COP_Q_HDR];
  cop_queue h[2];
  bool ok[2];
  for (uint32_t i = 0; i < 2; i++) {
    ok[i] = st->read(st->ctx, i * COP_Q_HDR, b[i], COP_Q_HDR) == 0 && hdr_get(&h[i], b[i], size);
    /* a header is only in force in the slot its generation names */
    if (ok[i] && slot_of(h[i].gen) != i * COP_Q_HDR) ok[i] = false;
  }
  int pick = -1;
  if (ok[0] && ok[1]) pick = (int32_t)(h[1].gen - h[0].gen) > 0 ? 1 : 0;
  else if (ok[0]) pick = 0;
  else if (ok[1]) pick = 1;
  if (pick < 0) {   /* new (or unreadable): an empty queue */
    q->size = size;
    q->gen = 0;
    return commit(q);
  }
  h[pick].st = *st;
  *q = h[pick];
  return COP_E_OK;
}

/* The header of the record at ring offset `at`, with `avail` bytes and
** `left` records (this one included) from there to the tail. */
static cop_err rec_at(cop_queue *q, uint32_t at, uint32_t avail, uint32_t left, uint8_t rh[COP_Q_REC]) {
  if (ring_read(q, at, rh, COP_Q_REC) < 0) return COP_E_STORAGE;
  uint32_t n = link_get16(rh);
  if (COP_Q_REC + n > avail) return COP_E_CORRUPT;
  /* what is left after it must hold the other records, and nothing more
  ** after the last (a damaged length would leave used and count apart) */
  uint32_t rest = avail - (COP_Q_REC + n);
  if ((left == 1) != (rest == 0) || (uint64_t)(left - 1u) * COP_Q_REC > rest) return COP_E_CORRUPT;
  return COP_E_OK;
}

/* Length of the record at the head (its header read from storage). */
static cop_err head_rec(cop_queue *q, uint8_t rh[COP_Q_REC]) {
  if (q->count == 0) return COP_E_EMPTY;
  return rec_at(q, q->head, q->used, q->count, rh);
}

static void drop_head(cop_queue *q, uint32_t len) {
  q->head = (q->head + COP_Q_REC + len) % q->size;
  q->used -= COP_Q_REC + len;
  q->count--;
}

/* A record that cannot be read whole: everything goes (counted dropped). */
static cop_err drop_all(cop_queue *q) {
  q->dropped += q->count;
  q->unreported += q->count;
  q->head = q->tail;
  q->count = 0;
  q->used = 0;
  cop_err e = commit(q);
  return e == COP_E_OK ? COP_E_CORRUPT : e;
}

cop_err cop_queue_push(cop_queue *q, uint8_t topic, const void *p, uint32_t n) {
  if (n > 0xFFFFu || COP_Q_REC + n > q->size) return COP_E_TOO_BIG;
  uint32_t need = COP_Q_REC + n;
  if (q->size - q->used < need) {
    /* make room first, and make it durable, so no header in force ever
    ** references the bytes the new record overwrites */
    while (q->size - q->used < need) {
      uint8_t rh[COP_Q_REC];
      cop_err e = head_rec(q, rh);
      if (e == COP_E_CORRUPT) { e = drop_all(q); if (e != COP_E_CORRUPT) return e; break; }
      if (e != COP_E_OK) return e;
      drop_head(q, link_get16(rh));
      q->dropped++;
      q->unreported++;
    }
    cop_err e = commit(q);
    if (e != COP_E_OK) return e;
  }
  uint8_t rh[COP_Q_REC];
  rh[0] = (uint8_t)n;
  rh[1] = (uint8_t)(n >> 8);
  rh[2] = topic;
  rh[3] = 0;
  put32(rh + 4, cop_crc32(cop_crc32(0, rh, 4), p, n));
  if (ring_write(q, q->tail, rh, COP_Q_REC) < 0 || (n && ring_write(q, (q->tail + COP_Q_REC) % q->size, p, n) < 0) ||
      q->st.sync(q->st.ctx) < 0)
    return COP_E_STORAGE;
  uint32_t tail = q->tail, used = q->used, count = q->count;
  q->tail = (q->tail + need) % q->size;
  q->used += need;
  q->count++;
  q->pushed++;
  cop_err e = commit(q);
  if (e != COP_E_OK) {   /* not visible: forget it in memory too */
    q->tail = tail;
    q->used = used;
    q->count = count;
    q->pushed--;
  }
  return e;
}

/* The record whose header rh was read at ring offset at, into buf. */
static cop_err rec_body(cop_queue *q, uint32_t at, const uint8_t rh[COP_Q_REC], uint8_t *topic, void *buf,
                        uint32_t cap, uint32_t *n) {
  uint32_t len = link_get16(rh);
  if (n) *n = len;
  if (len > cap) return COP_E_NO_SPACE;
  if (len && ring_read(q, (at + COP_Q_REC) % q->size, buf, len) < 0) return COP_E_STORAGE;
  if (cop_crc32(cop_crc32(0, rh, 4), buf, len) != link_get32(rh + 4)) return COP_E_CORRUPT;
  if (topic) *topic = rh[2];
  return COP_E_OK;
}

cop_err cop_queue_peek(cop_queue *q, uint8_t *topic, void *buf, uint32_t cap, uint32_t *n) {
  return cop_queue_peek_at(q, 0, topic, buf, cap, n);
}

cop_err cop_queue_peek_at(cop_queue *q, uint32_t k, uint8_t *topic, void *buf, uint32_t cap, uint32_t *n) {
  if (k >= q->count) return COP_E_EMPTY;
  uint32_t at = q->head, avail = q->used;
  uint8_t rh[COP_Q_REC];
  for (uint32_t i = 0;; i++) {
    cop_err e = rec_at(q, at, avail, q->count - i, rh);
    if (e == COP_E_CORRUPT) return drop_all(q);
    if (e != COP_E_OK) return e;
    if (i == k) break;
    uint32_t step = COP_Q_REC + link_get16(rh);
    at = (at + step) % q->size;
    avail -= step;
  }
  cop_err e = rec_body(q, at, rh, topic, buf, cap, n);
  return e == COP_E_CORRUPT ? drop_all(q) : e;
}

cop_err cop_queue_pop(cop_queue *q) {
  uint8_t rh[COP_Q_REC];
  cop_err e = head_rec(q, rh);
  if (e == COP_E_CORRUPT) return drop_all(q);
  if (e != COP_E_OK) return e;
  uint32_t head = q->head, used = q->used, count = q->count;
  drop_head(q, link_get16(rh));
  q->popped++;
  e = commit(q);
  if (e != COP_E_OK) {
    q->head = head;
    q->used = used;
    q->count = count;
    q->popped--;
  }
  return e;
}

uint32_t cop_queue_take_dropped(cop_queue *q) {
  uint32_t n = q->unreported;
  if (n == 0) return 0;
  q->unreported = 0;
  if (commit(q) != COP_E_OK) { q->unreported = n; return 0; }
  return n;
}

cop_err cop_queue_undrop(cop_queue *q) {
  if (q->dropped == 0) return COP_E_EMPTY;
  q->dropped--;
  q->popped++;
  uint32_t had = q->unreported;
  if (q->unreported) q->unreported--;
  cop_err e = commit(q);
  if (e != COP_E_OK) {
    q->dropped++;
    q->popped--;
    q->unreported = had;
  }
  return e;
}
