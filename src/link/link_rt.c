/*
** link_rt.c -- the sideband's bodies (docs/sideband.md): runtime request
** sizes, notification framing, and the codecs of RT_STATUS, TELEMETRY,
** HEARTBEAT, EVENT, LOG, LOGS and BLACKBOX READ.
**
** Fixed layouts are field lists (struct member -> wire width, in wire
** order) walked by one writer and one reader, so a layout is written once.
** Every get is strict: a body of the wrong length, a count or a name that
** runs past the body, a name over LINK_NAME_MAX or an unknown state is
** refused, never read half.
*/
#include "link.h"

static const struct { uint8_t code, body; } rt_bodies[] = {
#define X(name, code, size, desc) { code, size },
  LINK_RT_CMDS(X)
#undef X
};

int link_rt_cmd_body(uint32_t cmd) {
  for (unsigned i = 0; i < sizeof rt_bodies / sizeof rt_bodies[0]; i++)
    if (rt_bodies[i].code == cmd) return rt_bodies[i].body;
  return -1;
}

bool link_is_note(const uint8_t *msg, uint32_t len) {
  return len >= LINK_RESP_HDR && (msg[0] & (LINK_RESP_BIT | LINK_NOTE_BIT)) == (LINK_RESP_BIT | LINK_NOTE_BIT);
}

uint32_t link_note_encode(uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n,
                          uint8_t *out, uint32_t cap) {
  if (kind > 0x3Fu || n > LINK_MAX_BODY) return 0;
  uint8_t h[LINK_RESP_HDR] = { (uint8_t)(LINK_RESP_BIT | LINK_NOTE_BIT | kind), 0, 0, LINK_ST_OK };
  link_put16(h + 1, seq);
  return link_frame_encode2(h, LINK_RESP_HDR, body ? body : h, body ? n : 0, out, cap);
}

/* ---- field lists ------------------------------------------------------- */

typedef struct fld {
  uint16_t off;     /* in the struct */
  uint8_t size;     /* bytes on the wire (and in the struct) */
  uint8_t raw;      /* bytes as they are, not an integer */
} fld;
#define F(T, m)   { (uint16_t)offsetof(T, m), (uint8_t)sizeof(((T *)0)->m), 0 }
#define RAW(T, m) { (uint16_t)offsetof(T, m), (uint8_t)sizeof(((T *)0)->m), 1 }
#define NF(a) ((uint32_t)(sizeof a / sizeof a[0]))

static uint32_t fields_size(const fld *f, uint32_t n) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += f[i].size;
  return s;
}

static void fields_put(uint8_t *p, const void *s, const fld *f, uint32_t n) {
  const uint8_t *b = s;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *m = b + f[i].off;
    if (f[i].raw) __builtin_memcpy(p, m, f[i].size);
    else if (f[i].size == 1) p[0] = m[0];
    else if (f[i].size == 2) { uint16_t v; __builtin_memcpy(&v, m, 2); link_put16(p, v); }
    else if (f[i].size == 4) { uint32_t v; __builtin_memcpy(&v, m, 4); link_put32(p, v); }
    else { uint64_t v; __builtin_memcpy(&v, m, 8); link_put64(p, v); }
    p += f[i].size;
  }
}

static void fields_get(const uint8_t *p, void *s, const fld *f, uint32_t n) {
  uint8_t *b = s;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *m = b + f[i].off;
    if (f[i].raw) __builtin_memcpy(m, p, f[i].size);
    else if (f[i].size == 1) m[0] = p[0];
    else if (f[i].size == 2) { uint16_t v = (uint16_t)link_get16(p); __builtin_memcpy(m, &v, 2); }
    else if (f[i].size == 4) { uint32_t v = link_get32(p); __builtin_memcpy(m, &v, 4); }
    else { uint64_t v = link_get64(p); __builtin_memcpy(m, &v, 8); }
    p += f[i].size;
  }
}

static bool bank_ok(uint32_t b) { return b < LINK_NBANKS || b == LINK_NO_BANK; }

static void zero(uint8_t *p, uint32_t n) { __builtin_memset(p, 0, n); }

/* ---- RT_STATUS ------------------------------------------------------------- */

#define S link_rt_status
static const fld rt_fields[] = {
  F(S, vm_state), F(S, host_state), F(S, reset_reason), F(S, running), F(S, trial), F(S, flags),
  F(S, version[0]), F(S, version[1]), F(S, version[2]), F(S, counter), RAW(S, digest),
  F(S, boot_id), F(S, boots), F(S, uptime_ms), F(S, steps), F(S, exit_code), F(S, fault),
  F(S, fault_pc), F(S, faults), F(S, link_frames), F(S, link_errors), F(S, naks),
  F(S, log_next), F(S, log_lost), F(S, notes_lost), F(S, telem_dropped), F(S, bbox_next),
  F(S, bbox_count), F(S, stack_free), F(S, gap_max_us), F(S, telemetry_ms), F(S, log_level),
  F(S, name_len), RAW(S, name),
};
#undef S

uint32_t link_rt_status_put(uint8_t *p, uint32_t cap, const link_rt_status *s) {
  uint32_t n = fields_size(rt_fields, NF(rt_fields));
  if (n != LINK_RT_STATUS_SIZE || cap < n || s->name_len > LINK_NAME_MAX) return 0;
  fields_put(p, s, rt_fields, NF(rt_fields));
  zero(p + n - LINK_NAME_MAX + s->name_len, LINK_NAME_MAX - s->name_len);  /* unused name bytes */
  return n;
}

bool link_rt_status_get(const uint8_t *p, uint32_t len, link_rt_status *s) {
  if (len != LINK_RT_STATUS_SIZE || fields_size(rt_fields, NF(rt_fields)) != len) return false;
  fields_get(p, s, rt_fields, NF(rt_fields));
  return s->vm_state < LINK_VM__COUNT && s->host_state < LINK_HOST__COUNT &&
         s->reset_reason < LINK_RESET__COUNT && bank_ok(s->running) && s->trial <= 1 &&
         s->name_len <= LINK_NAME_MAX;
}

/* ---- HEARTBEAT ------------------------------------------------------------ */

#define H link_heartbeat
static const fld hb_fields[] = {
  F(H, uptime_ms), F(H, boot_id), F(H, vm_state), F(H, host_state), F(H, running), F(H, trial),
  F(H, steps), F(H, log_next), F(H, log_lost), F(H, notes_lost), F(H, bbox_next),
};
#undef H

uint32_t link_heartbeat_put(uint8_t *p, uint32_t cap, const link_heartbeat *h) {
  uint32_t n = fields_size(hb_fields, NF(hb_fields));
  if (n != LINK_HEARTBEAT_SIZE || cap < n) return 0;
  fields_put(p, h, hb_fields, NF(hb_fields));
  return n;
}

bool link_heartbeat_get(const uint8_t *p, uint32_t len, link_heartbeat *h) {
  if (len != LINK_HEARTBEAT_SIZE || fields_size(hb_fields, NF(hb_fields)) != len) return false;
  fields_get(p, h, hb_fields, NF(hb_fields));
  return h->vm_state < LINK_VM__COUNT && h->host_state < LINK_HOST__COUNT && bank_ok(h->running) &&
         h->trial <= 1;
}

/* ---- EVENT: fixed fields, then the name (the rest of the body) ------------ */

#define E link_event_note
static const fld ev_fields[] = {
  F(E, uptime_ms), F(E, event), F(E, bank), F(E, value), F(E, pc),
  F(E, version[0]), F(E, version[1]), F(E, version[2]), F(E, name_len),
};
#undef E

uint32_t link_event_put(uint8_t *p, uint32_t cap, const link_event_note *e) {
  uint32_t n = fields_size(ev_fields, NF(ev_fields));
  if (n != LINK_EVENT_FIXED || e->name_len > LINK_NAME_MAX || cap < n + e->name_len) return 0;
  fields_put(p, e, ev_fields, NF(ev_fields));
  __builtin_memcpy(p + n, e->name, e->name_len);
  return n + e->name_len;
}

bool link_event_get(const uint8_t *p, uint32_t len, link_event_note *e) {
  uint32_t n = fields_size(ev_fields, NF(ev_fields));
  if (len < n || n != LINK_EVENT_FIXED) return false;
  fields_get(p, e, ev_fields, NF(ev_fields));
  if (e->name_len > LINK_NAME_MAX || len != n + e->name_len) return false;
  if (e->event >= LINK_EV__COUNT || !bank_ok(e->bank)) return false;
  __builtin_memcpy(e->name, p + n, e->name_len);
  return true;
}

/* ---- LOG notification: fixed fields, then the text ---------------------- */

#define L link_log_note
static const fld log_fields[] = { F(L, seq), F(L, lost), F(L, level), F(L, uptime_ms) };
#undef L

uint32_t link_log_note_put(uint8_t *p, uint32_t cap, const link_log_note *l) {
  uint32_t n = fields_size(log_fields, NF(log_fields));
  if (n != LINK_LOG_NOTE_FIXED || l->len > LINK_LOG_LINE_MAX || cap < n + l->len) return 0;
  fields_put(p, l, log_fields, NF(log_fields));
  __builtin_memcpy(p + n, l->text, l->len);
  return n + l->len;
}

bool link_log_note_get(const uint8_t *p, uint32_t len, link_log_note *l) {
  uint32_t n = fields_size(log_fields, NF(log_fields));
  if (n != LINK_LOG_NOTE_FIXED || len < n || len - n > LINK_LOG_LINE_MAX) return false;
  fields_get(p, l, log_fields, NF(log_fields));
  l->len = (uint8_t)(len - n);
  __builtin_memcpy(l->text, p + n, l->len);
  return true;
}

/* ---- TELEMETRY: uptime_ms u64, count u8, then the entries ----------------- */

#define TV_FIXED 10u   /* flags u8, value i64, name_len u8 */

uint32_t link_tvalue_put(uint8_t *p, uint32_t cap, uint8_t flags, int64_t value,
                         const char *name, uint32_t len) {
  if (!len || len > LINK_NAME_MAX || cap < TV_FIXED + len) return 0;
  p[0] = flags;
  link_put64(p + 1, (uint64_t)value);
  p[9] = (uint8_t)len;
  __builtin_memcpy(p + TV_FIXED, name, len);
  return TV_FIXED + len;
}

uint32_t link_telemetry_put(uint8_t *p, uint32_t cap, const link_telemetry *t) {
  if (t->count > LINK_TV_MAX || cap < 9) return 0;
  link_put64(p, t->uptime_ms);
  p[8] = (uint8_t)t->count;
  uint32_t at = 9;
  for (uint32_t i = 0; i < t->count; i++) {
    const link_tvalue *v = &t->v[i];
    uint32_t n = link_tvalue_put(p + at, cap - at, v->flags, v->value, v->name, v->name_len);
    if (!n) return 0;
    at += n;
  }
  return at;
}

bool link_telemetry_get(const uint8_t *p, uint32_t len, link_telemetry *t) {
  if (len < 9) return false;
  t->uptime_ms = link_get64(p);
  t->count = p[8];
  if (t->count > LINK_TV_MAX) return false;
  uint32_t at = 9;
  for (uint32_t i = 0; i < t->count; i++) {
    link_tvalue *v = &t->v[i];
    if (len - at < TV_FIXED) return false;
    v->flags = p[at];
    v->value = (int64_t)link_get64(p + at + 1);
    v->name_len = p[at + 9];
    if (!v->name_len || v->name_len > LINK_NAME_MAX || len - at - TV_FIXED < v->name_len) return false;
    __builtin_memcpy(v->name, p + at + TV_FIXED, v->name_len);
    at += TV_FIXED + v->name_len;
  }
  return at == len;
}

/* ---- LOGS response: first, next, lost u32, count u8, lines --------------- */

bool link_logs_get(const uint8_t *p, uint32_t len, link_logs *out) {
  if (len < LINK_LOGS_FIXED) return false;
  out->first = link_get32(p);
  out->next = link_get32(p + 4);
  out->lost = link_get32(p + 8);
  out->count = p[12];
  out->p = p + LINK_LOGS_FIXED;
  out->len = len - LINK_LOGS_FIXED;
  out->at = 0;
  if (out->next != out->first + out->count) return false;
  uint32_t at = 0;
  for (uint32_t i = 0; i < out->count; i++) {   /* level u8, len u8, text */
    if (out->len - at < 2 || out->p[at + 1] > LINK_LOG_LINE_MAX) return false;
    if (out->len - at - 2 < out->p[at + 1]) return false;
    at += 2u + out->p[at + 1];
  }
  return at == out->len;
}

bool link_logs_line(link_logs *it, uint8_t *level, const uint8_t **text, uint32_t *n) {
  if (it->len - it->at < 2) return false;     /* checked whole by link_logs_get */
  *level = it->p[it->at];
  *n = it->p[it->at + 1];
  *text = it->p + it->at + 2;
  it->at += 2u + *n;
  return true;
}

/* ---- BLACKBOX READ response: next, held u32, rec_size u16, count u8, records */

bool link_bb_read_get(const uint8_t *p, uint32_t len, link_bb_read *out) {
  if (len < LINK_BB_READ_FIXED) return false;
  out->next = link_get32(p);
  out->held = link_get32(p + 4);
  out->rec_size = (uint16_t)link_get16(p + 8);
  out->count = p[10];
  out->recs = p + LINK_BB_READ_FIXED;
  if (out->count && !out->rec_size) return false;
  if (out->count > out->held) return false;
  return len - LINK_BB_READ_FIXED == (uint32_t)out->count * out->rec_size;
}
