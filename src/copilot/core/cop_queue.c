/*
** cop_queue.c -- the copilot's bounded on-disk FIFO (cop.h, "the queue";
** docs/fleet-protocol.md, "The offline queue").
**
** One blob behind cop_storage:
**
**   0    header slot 0 (64 bytes)      the header of an even generation
**   64   header slot 1 (64 bytes)      the header of an odd generation
**   128  ring (size = blob - 128)      records, wrapping byte by byte
**
** Header (little-endian): magic "COPQ", version 1, gen, size, head, tail,
** count, used, dropped u64, pushed u64, popped u64, unreported, crc (CRC-32
** of bytes 0..59). Valid: CRC, magic, version, in the slot of its
** generation's parity, and consistent (head/tail/used inside the ring,
** head + used == tail mod size, pushed == popped + dropped + count). The
** valid slot with the later generation (serial arithmetic) wins.
**
** Record: len u16, topic u8, flags u8 (0), crc u32 over those 4 bytes and
** the payload, then the payload.
**
** Power loss: every change is a new header in the OTHER slot, written and
** synced after the data it makes visible. A push writes its record into
** free space (free by the header in force), syncs, then commits; when the
** oldest records must go for room, a header that drops them is committed
** first, so a record is never overwritten while a header on disk still
** holds it. A torn or lost write leaves the previous header in force.
** After a storage error the queue re-reads the blob before its next call,
** so memory never runs ahead of what the disk may hold.
**
** Open walks every record (bounds and CRC). At the first bad one (media
** corruption; power loss cannot make one) the queue is cut there and the
** records from it on are counted as dropped: reported, never silently lost.
*/
#include "cop.h"

#define Q_MAGIC   0x51504F43u   /* "COPQ" */
#define Q_VERSION 1u
#define Q_CRC_AT  60u

/* (off + n) mod size for off < size, n <= size, without a 64-bit division. */
static uint32_t wrap_add(uint32_t size, uint32_t off, uint32_t n) {
  return off >= size - n ? off - (size - n) : off + n;
}

typedef struct qhdr {
  uint32_t gen, size, head, tail, count, used;
  uint64_t dropped, pushed, popped;
  uint32_t unreported;
} qhdr;

static void hdr_from(qhdr *h, const cop_queue *q) {
  h->gen = q->gen; h->size = q->size; h->head = q->head; h->tail = q->tail;
  h->count = q->count; h->used = q->used; h->dropped = q->dropped;
  h->pushed = q->pushed; h->popped = q->popped; h->unreported = q->unreported;
}

static void hdr_to(cop_queue *q, const qhdr *h) {
  q->gen = h->gen; q->size = h->size; q->head = h->head; q->tail = h->tail;
  q->count = h->count; q->used = h->used; q->dropped = h->dropped;
  q->pushed = h->pushed; q->popped = h->popped; q->unreported = h->unreported;
}

static void hdr_put(uint8_t b[COP_Q_HDR], const qhdr *h) {
  for (uint32_t i = 0; i < COP_Q_HDR; i++) b[i] = 0;
  link_put32(b + 0, Q_MAGIC);
  link_put32(b + 4, Q_VERSION);
  link_put32(b + 8, h->gen);
  link_put32(b + 12, h->size);
  link_put32(b + 16, h->head);
  link_put32(b + 20, h->tail);
  link_put32(b + 24, h->count);
  link_put32(b + 28, h->used);
  link_put64(b + 32, h->dropped);
  link_put64(b + 40, h->pushed);
  link_put64(b + 48, h->popped);
  link_put32(b + 56, h->unreported);
  link_put32(b + Q_CRC_AT, cop_crc32(0, b, Q_CRC_AT));
}

/* true if b holds a valid header for slot `slot` of a blob with ring bytes
** ring. */
static bool hdr_get(const uint8_t b[COP_Q_HDR], uint32_t slot, uint32_t ring, qhdr *h) {
  if (link_get32(b + Q_CRC_AT) != cop_crc32(0, b, Q_CRC_AT)) return false;
  if (link_get32(b + 0) != Q_MAGIC || link_get32(b + 4) != Q_VERSION) return false;
  h->gen = link_get32(b + 8);
  h->size = link_get32(b + 12);
  h->head = link_get32(b + 16);
  h->tail = link_get32(b + 20);
  h->count = link_get32(b + 24);
  h->used = link_get32(b + 28);
  h->dropped = link_get64(b + 32);
  h->pushed = link_get64(b + 40);
  h->popped = link_get64(b + 48);
  h->unreported = link_get32(b + 56);
  if ((h->gen & 1u) != slot) return false;
  if (h->size != ring) return false;
  if (h->head >= h->size || h->tail >= h->size || h->used > h->size) return false;
  if (wrap_add(h->size, h->head, h->used) != h->tail) return false;
  if ((uint64_t)h->count * COP_Q_REC > h->used) return false;
  if (h->count == 0 && h->used != 0) return false;
  if (h->pushed != h->popped + h->dropped + h->count) return false;
  if (h->unreported > h->dropped) return false;
  return true;
}

/* ---- ring I/O (wrapping) ------------------------------------------------ */

static cop_err fail(cop_queue *q) {
  q->reload = true;
  return COP_E_STORAGE;
}

static cop_err ring_read(cop_queue *q, uint32_t off, void *p, uint32_t n) {
  uint8_t *b = p;
  uint32_t first = q->size - off;
  if (first > n) first = n;
  if (first && q->st.read(q->st.ctx, COP_Q_DATA + off, b, first) < 0) return fail(q);
  if (n > first && q->st.read(q->st.ctx, COP_Q_DATA, b + first, n - first) < 0) return fail(q);
  return COP_E_OK;
}

static cop_err ring_write(cop_queue *q, uint32_t off, const void *p, uint32_t n) {
  const uint8_t *b = p;
  uint32_t first = q->size - off;
  if (first > n) first = n;
  if (first && q->st.write(q->st.ctx, COP_Q_DATA + off, b, first) < 0) return fail(q);
  if (n > first && q->st.write(q->st.ctx, COP_Q_DATA, b + first, n - first) < 0) return fail(q);
  return COP_E_OK;
}

static uint32_t ring_add(const cop_queue *q, uint32_t off, uint32_t n) {
  return wrap_add(q->size, off, n);
}

/* Write h (gen already advanced) into its slot and sync; on success it is
** the queue's state. */
static cop_err commit(cop_queue *q, const qhdr *h) {
  uint8_t b[COP_Q_HDR];
  hdr_put(b, h);
  if (q->st.write(q->st.ctx, (h->gen & 1u) * COP_Q_HDR, b, COP_Q_HDR) < 0) return fail(q);
  if (q->st.sync(q->st.ctx) < 0) return fail(q);
  hdr_to(q, h);
  return COP_E_OK;
}

/* The record header at ring offset off; its length checked against the
** bytes held from off on (left). */
static cop_err rec_head(cop_queue *q, uint32_t off, uint32_t left, uint8_t rh[COP_Q_REC], uint32_t *len) {
  cop_err e = ring_read(q, off, rh, COP_Q_REC);
  if (e) return e;
  *len = link_get16(rh);
  if (left < COP_Q_REC || *len > left - COP_Q_REC || rh[3] != 0) return COP_E_CORRUPT;
  return COP_E_OK;
}

/* CRC of the record at off (header rh, len payload bytes) read back in
** chunks; into buf as well when buf is not NULL. */
static cop_err rec_check(cop_queue *q, uint32_t off, const uint8_t rh[COP_Q_REC], uint32_t len, uint8_t *buf) {
  uint32_t crc = cop_crc32(0, rh, 4);
  uint32_t p = ring_add(q, off, COP_Q_REC);
  uint8_t chunk[128];
  for (uint32_t done = 0; done < len;) {
    uint32_t k = len - done < sizeof chunk ? len - done : (uint32_t)sizeof chunk;
    uint8_t *dst = buf ? buf + done : chunk;
    cop_err e = ring_read(q, p, dst, k);
    if (e) return e;
    crc = cop_crc32(crc, dst, k);
    p = ring_add(q, p, k);
    done += k;
  }
  return crc == link_get32(rh + 4) ? COP_E_OK : COP_E_CORRUPT;
}

/* Cut the queue before its record number `keep` (at ring offset off, with
** `bytes` held before it): the records from there on count as dropped. */
static cop_err cut(cop_queue *q, uint32_t keep, uint32_t off, uint32_t bytes) {
  qhdr h;
  hdr_from(&h, q);
  uint32_t lost = h.count - keep;
  h.gen++;
  h.count = keep;
  h.used = bytes;
  h.tail = off;
  h.dropped += lost;
  h.unreported += lost;
  return commit(q, &h);
}

/* Walk every record; cut at the first bad one. */
static cop_err walk(cop_queue *q) {
  uint32_t off = q->head, bytes = 0;
  for (uint32_t i = 0; i < q->count; i++) {
    uint8_t rh[COP_Q_REC];
    uint32_t len;
    cop_err e = rec_head(q, off, q->used - bytes, rh, &len);
    if (e == COP_E_OK) e = rec_check(q, off, rh, len, 0);
    if (e == COP_E_STORAGE) return e;
    if (e) return cut(q, i, off, bytes);
    off = ring_add(q, off, COP_Q_REC + len);
    bytes += COP_Q_REC + len;
  }
  if (bytes != q->used) return cut(q, q->count, off, bytes);   /* not reached: hdr_get */
  return COP_E_OK;
}

static cop_err load(cop_queue *q) {
  uint32_t ring = q->size;
  uint8_t b[2][COP_Q_HDR];
  qhdr h[2];
  bool ok[2];
  q->reload = true;
  for (uint32_t s = 0; s < 2; s++) {
    if (q->st.read(q->st.ctx, s * COP_Q_HDR, b[s], COP_Q_HDR) < 0) return COP_E_STORAGE;
    ok[s] = hdr_get(b[s], s, ring, &h[s]);
  }
  int win = -1;
  if (ok[0] && ok[1]) win = (int32_t)(h[1].gen - h[0].gen) > 0 ? 1 : 0;
  else if (ok[0]) win = 0;
  else if (ok[1]) win = 1;
  if (win < 0) {
    /* No valid header. Both slots marked "COPQ" means a queue once held
    ** data there (the first commit after creation fills the second slot):
    ** refuse rather than lose it silently. Otherwise (a blank blob, a torn
    ** creation) make an empty queue. */
    if (link_get32(b[0]) == Q_MAGIC && link_get32(b[1]) == Q_MAGIC) return COP_E_CORRUPT;
    qhdr n = { .gen = 1, .size = ring };
    q->reload = false;
    return commit(q, &n);
  }
  hdr_to(q, &h[win]);
  q->reload = false;
  return walk(q);
}

static cop_err ready(cop_queue *q) {
  if (!q->size) return COP_E_STORAGE;   /* never opened */
  return q->reload ? load(q) : COP_E_OK;
}

/* ---- API ---------------------------------------------------------------- */

cop_err cop_queue_open(cop_queue *q, const cop_storage *st, uint32_t blob_size) {
  cop_queue z = {0};
  *q = z;
  if (!st || !st->read || !st->write || !st->sync) return COP_E_STORAGE;
  if (blob_size < COP_Q_DATA + COP_Q_REC + 1u) return COP_E_RANGE;
  q->st = *st;
  q->size = blob_size - COP_Q_DATA;
  return load(q);
}

cop_err cop_queue_push(cop_queue *q, uint8_t topic, const void *p, uint32_t n) {
  cop_err e = ready(q);
  if (e) return e;
  if (n > 0xFFFFu || n > q->size - COP_Q_REC) return COP_E_TOO_BIG;
  uint32_t need = COP_Q_REC + n;

  /* Room first: a header without the oldest records, committed before a
  ** byte of theirs is overwritten. */
  if (q->size - q->used < need) {
    qhdr h;
    hdr_from(&h, q);
    while (h.size - h.used < need) {
      uint8_t rh[COP_Q_REC];
      uint32_t len;
      e = rec_head(q, h.head, h.used, rh, &len);
      if (e == COP_E_STORAGE) return e;
      if (e) {   /* a bad length: no way to the next record; drop them all */
        h.dropped += h.count;
        h.unreported += h.count;
        h.count = 0;
        h.used = 0;
        h.head = h.tail;
        break;
      }
      h.head = ring_add(q, h.head, COP_Q_REC + len);
      h.used -= COP_Q_REC + len;
      h.count--;
      h.dropped++;
      h.unreported++;
    }
    if (h.count == 0) h.head = h.tail;
    h.gen++;
    e = commit(q, &h);
    if (e) return e;
  }

  uint8_t rh[COP_Q_REC];
  link_put16(rh, n);
  rh[2] = topic;
  rh[3] = 0;
  link_put32(rh + 4, cop_crc32(cop_crc32(0, rh, 4), p, n));
  e = ring_write(q, q->tail, rh, COP_Q_REC);
  if (e == COP_E_OK && n) e = ring_write(q, ring_add(q, q->tail, COP_Q_REC), p, n);
  if (e) return e;
  if (q->st.sync(q->st.ctx) < 0) return fail(q);

  qhdr h;
  hdr_from(&h, q);
  h.gen++;
  h.tail = ring_add(q, h.tail, need);
  h.used += need;
  h.count++;
  h.pushed++;
  return commit(q, &h);
}

cop_err cop_queue_peek(cop_queue *q, uint8_t *topic, void *buf, uint32_t cap, uint32_t *n) {
  cop_err e = ready(q);
  if (e) return e;
  if (!q->count) return COP_E_EMPTY;
  uint8_t rh[COP_Q_REC];
  uint32_t len;
  e = rec_head(q, q->head, q->used, rh, &len);
  if (e == COP_E_OK) {
    if (n) *n = len;
    if (topic) *topic = rh[2];
    if (len > cap) return COP_E_NO_SPACE;
    e = rec_check(q, q->head, rh, len, buf);
  }
  if (e == COP_E_CORRUPT) {   /* gone bad since open: cut here, counted */
    cop_err c = cut(q, 0, q->head, 0);
    return c ? c : COP_E_CORRUPT;
  }
  return e;
}

cop_err cop_queue_pop(cop_queue *q) {
  cop_err e = ready(q);
  if (e) return e;
  if (!q->count) return COP_E_EMPTY;
  uint8_t rh[COP_Q_REC];
  uint32_t len;
  e = rec_head(q, q->head, q->used, rh, &len);
  if (e == COP_E_CORRUPT) {
    cop_err c = cut(q, 0, q->head, 0);
    return c ? c : COP_E_CORRUPT;
  }
  if (e) return e;
  qhdr h;
  hdr_from(&h, q);
  h.gen++;
  h.head = ring_add(q, h.head, COP_Q_REC + len);
  h.used -= COP_Q_REC + len;
  h.count--;
  h.popped++;
  if (h.count == 0) h.head = h.tail;
  return commit(q, &h);
}

uint32_t cop_queue_take_dropped(cop_queue *q) {
  /* Cleared in memory; the header keeps it until the next commit, so a
  ** copilot that stops before then reports it again rather than never.
  ** Push the report right after: its commit records both at once. */
  if (ready(q)) return 0;   /* the storage failed: still counted, reported later */
  uint32_t n = q->unreported;
  q->unreported = 0;
  return n;
}
