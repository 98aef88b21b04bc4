/*
** cop_msg.c -- the payloads of docs/fleet-protocol.md: encoders of every
** device->backend message from the link's structs, decoders of the
** backend's job notify and cmd with full validation, the replay table.
*/
#include "cop.h"

/* ---- encoders ------------------------------------------------------------ */

static void head(cop_jw *w, const char *type, const cop_stamp *s) {
  char t[COP_TIME_LEN + 1];
  cop_jw_obj(w);
  cop_jw_key(w, "v");
  cop_jw_uint(w, COP_SCHEMA);
  cop_jw_key(w, "type");
  cop_jw_str(w, type);
  cop_time_fmt(s->time_ms, t);
  cop_jw_key(w, "time");
  cop_jw_str(w, t);
  cop_jw_key(w, "boot_id");
  if (s->known) {
    uint8_t b[4] = { (uint8_t)(s->boot_id >> 24), (uint8_t)(s->boot_id >> 16),
                     (uint8_t)(s->boot_id >> 8), (uint8_t)s->boot_id };
    cop_jw_hex(w, b, 4);
  } else {
    cop_jw_null(w);
  }
  cop_jw_key(w, "uptime_ms");
  if (s->known) cop_jw_uint(w, s->uptime_ms);
  else cop_jw_null(w);
}

static void bank(cop_jw *w, uint32_t b) {
  cop_jw_str(w, b == 0 ? "A" : b == 1 ? "B" : "");
}

void cop_jw_version(cop_jw *w, const uint16_t v[3]) {
  char b[18];
  size_t o = 0;
  for (int i = 0; i < 3; i++) {
    char d[5];
    int k = 0;
    uint32_t x = v[i];
    do { d[k++] = (char)('0' + x % 10u); x /= 10u; } while (x);
    while (k) b[o++] = d[--k];
    if (i < 2) b[o++] = '.';
  }
  cop_jw_strn(w, b, o);
}

static size_t fin(cop_jw *w) {
  cop_jw_obj_end(w);
  return cop_jw_end(w);
}

size_t cop_enc_heartbeat(char *out, size_t cap, const cop_stamp *s, const link_heartbeat *h,
                         const cop_linkstat *l) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "heartbeat", s);
  cop_jw_key(&w, "vm_state"); cop_jw_str(&w, link_vm_state_name(h->vm_state));
  cop_jw_key(&w, "host_state"); cop_jw_str(&w, link_host_state_name(h->host_state));
  cop_jw_key(&w, "bank"); bank(&w, h->running);
  cop_jw_key(&w, "trial"); cop_jw_bool(&w, h->trial != 0);
  cop_jw_key(&w, "steps"); cop_jw_uint(&w, h->steps);
  cop_jw_key(&w, "log_next"); cop_jw_uint(&w, h->log_next);
  cop_jw_key(&w, "log_lost"); cop_jw_uint(&w, h->log_lost);
  cop_jw_key(&w, "notes_lost"); cop_jw_uint(&w, h->notes_lost);
  cop_jw_key(&w, "bbox_next"); cop_jw_uint(&w, h->bbox_next);
  cop_jw_key(&w, "copilot");
  cop_jw_obj(&w);
  cop_jw_key(&w, "notes_missed"); cop_jw_uint(&w, l ? l->notes_missed : 0);
  cop_jw_key(&w, "frames_bad"); cop_jw_uint(&w, l ? l->frames_bad : 0);
  cop_jw_obj_end(&w);
  return fin(&w);
}

size_t cop_enc_log(char *out, size_t cap, const cop_stamp *s, const link_log_note *l) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "log", s);
  cop_jw_key(&w, "line"); cop_jw_uint(&w, l->seq);
  cop_jw_key(&w, "lost"); cop_jw_uint(&w, l->lost);
  cop_jw_key(&w, "level"); cop_jw_uint(&w, l->level);
  cop_jw_key(&w, "text");
  cop_jw_strn(&w, l->text, l->len > LINK_LOG_LINE_MAX ? LINK_LOG_LINE_MAX : l->len);
  return fin(&w);
}

size_t cop_enc_telemetry(char *out, size_t cap, const cop_stamp *s, const link_telemetry *t) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "telemetry", s);
  cop_jw_key(&w, "values");
  cop_jw_arr(&w);
  uint32_t n = t->count > LINK_TV_MAX ? LINK_TV_MAX : t->count;
  for (uint32_t i = 0; i < n; i++) {
    const link_tvalue *v = &t->v[i];
    cop_jw_obj(&w);
    cop_jw_key(&w, "name");
    cop_jw_strn(&w, v->name, v->name_len > LINK_NAME_MAX ? LINK_NAME_MAX : v->name_len);
    cop_jw_key(&w, "value"); cop_jw_int(&w, v->value);
    cop_jw_key(&w, "guest"); cop_jw_bool(&w, (v->flags & LINK_TV_GUEST) != 0);
    cop_jw_obj_end(&w);
  }
  cop_jw_arr_end(&w);
  return fin(&w);
}

size_t cop_enc_event(char *out, size_t cap, const cop_stamp *s, const link_event_note *e) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "event", s);
  cop_jw_key(&w, "event"); cop_jw_str(&w, link_event_name(e->event));
  cop_jw_key(&w, "bank"); bank(&w, e->bank);
  cop_jw_key(&w, "value"); cop_jw_int(&w, e->value);
  cop_jw_key(&w, "pc"); cop_jw_uint(&w, e->pc);
  cop_jw_key(&w, "version"); cop_jw_version(&w, e->version);
  cop_jw_key(&w, "name");
  cop_jw_strn(&w, e->name, e->name_len > LINK_NAME_MAX ? LINK_NAME_MAX : e->name_len);
  return fin(&w);
}

static size_t cstrlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

size_t cop_enc_bbox(char *out, size_t cap, const cop_stamp *s, const bbox_rec *r) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "blackbox", s);
  cop_jw_key(&w, "seq"); cop_jw_uint(&w, r->seq);
  cop_jw_key(&w, "kind"); cop_jw_str(&w, bbox_kind_name(r->kind));
  cop_jw_key(&w, "fault"); cop_jw_uint(&w, r->fault);
  cop_jw_key(&w, "reset_reason"); cop_jw_str(&w, bbox_reset_name(r->reset_reason));
  cop_jw_key(&w, "bank"); bank(&w, r->bank);
  cop_jw_key(&w, "pc"); cop_jw_uint(&w, r->pc);
  cop_jw_key(&w, "line"); cop_jw_uint(&w, r->line);
  cop_jw_key(&w, "func");
  if (r->func == BBOX_NO_FUNC) cop_jw_null(&w); else cop_jw_uint(&w, r->func);
  cop_jw_key(&w, "func_name"); cop_jw_strn(&w, r->func_name, cstrlen(r->func_name, BBOX_NAME_LEN));
  cop_jw_key(&w, "file"); cop_jw_strn(&w, r->file, cstrlen(r->file, BBOX_NAME_LEN));
  cop_jw_key(&w, "version"); cop_jw_version(&w, r->version);
  cop_jw_key(&w, "counter"); cop_jw_uint(&w, r->counter);
  cop_jw_key(&w, "digest"); cop_jw_hex(&w, r->digest, BBOX_DIGEST_LEN);
  /* the record's own boot and uptime (the stamp is when it was read) */
  {
    uint8_t b[4] = { (uint8_t)(r->boot_id >> 24), (uint8_t)(r->boot_id >> 16),
                     (uint8_t)(r->boot_id >> 8), (uint8_t)r->boot_id };
    cop_jw_key(&w, "rec_boot_id"); cop_jw_hex(&w, b, 4);
  }
  cop_jw_key(&w, "rec_uptime_ms"); cop_jw_uint(&w, r->uptime_ms);
  return fin(&w);
}

size_t cop_enc_status(char *out, size_t cap, const cop_stamp *s, bool online,
                      const link_rt_status *st, const char *reason) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "status", s);
  cop_jw_key(&w, "state"); cop_jw_str(&w, online ? "online" : "offline");
  if (!online) {
    cop_jw_key(&w, "reason"); cop_jw_str(&w, reason ? reason : "lost");
  }
  cop_jw_key(&w, "device");
  if (!online || !st) {
    cop_jw_null(&w);
  } else {
    cop_jw_obj(&w);
    cop_jw_key(&w, "vm_state"); cop_jw_str(&w, link_vm_state_name(st->vm_state));
    cop_jw_key(&w, "host_state"); cop_jw_str(&w, link_host_state_name(st->host_state));
    cop_jw_key(&w, "reset_reason"); cop_jw_str(&w, link_reset_name(st->reset_reason));
    cop_jw_key(&w, "bank"); bank(&w, st->running);
    cop_jw_key(&w, "trial"); cop_jw_bool(&w, st->trial != 0);
    cop_jw_key(&w, "program");
    cop_jw_strn(&w, st->name, st->name_len > LINK_NAME_MAX ? LINK_NAME_MAX : st->name_len);
    cop_jw_key(&w, "version"); cop_jw_version(&w, st->version);
    cop_jw_key(&w, "counter"); cop_jw_uint(&w, st->counter);
    cop_jw_key(&w, "digest"); cop_jw_hex(&w, st->digest, LINK_DIGEST);
    cop_jw_key(&w, "boots"); cop_jw_uint(&w, st->boots);
    cop_jw_key(&w, "faults"); cop_jw_uint(&w, st->faults);
    cop_jw_key(&w, "telemetry_ms"); cop_jw_uint(&w, st->telemetry_ms);
    cop_jw_obj_end(&w);
  }
  return fin(&w);
}

size_t cop_enc_refusal(char *out, size_t cap, const cop_stamp *s, const char *topic,
                       const char *id, cop_err e, const char *field, uint32_t pos) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "refused", s);
  cop_jw_key(&w, "topic"); cop_jw_str(&w, topic ? topic : "");
  cop_jw_key(&w, "id");
  if (id && id[0]) cop_jw_str(&w, id); else cop_jw_null(&w);
  cop_jw_key(&w, "reason"); cop_jw_str(&w, cop_err_name(e));
  cop_jw_key(&w, "field");
  if (field) cop_jw_str(&w, field); else cop_jw_null(&w);
  cop_jw_key(&w, "pos"); cop_jw_uint(&w, pos);
  return fin(&w);
}

size_t cop_enc_dropped(char *out, size_t cap, const cop_stamp *s, uint32_t count, uint64_t total) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "dropped", s);
  cop_jw_key(&w, "count"); cop_jw_uint(&w, count);
  cop_jw_key(&w, "total"); cop_jw_uint(&w, total);
  return fin(&w);
}

size_t cop_enc_cmd_response(char *out, size_t cap, const cop_stamp *s, const char *id,
                            uint32_t op, bool ok, const char *reason, int64_t value) {
  cop_jw w;
  cop_jw_init(&w, out, cap);
  head(&w, "cmd_response", s);
  cop_jw_key(&w, "id");
  if (id && id[0]) cop_jw_str(&w, id); else cop_jw_null(&w);
  cop_jw_key(&w, "op");
  if (op < COP_CMD__COUNT) cop_jw_str(&w, cop_cmd_name(op)); else cop_jw_null(&w);
  cop_jw_key(&w, "ok"); cop_jw_bool(&w, ok);
  cop_jw_key(&w, "reason");
  if (ok || !reason) cop_jw_null(&w); else cop_jw_str(&w, reason);
  cop_jw_key(&w, "value"); cop_jw_int(&w, value);
  return fin(&w);
}

/* ---- decoders ------------------------------------------------------------ */

#define NTOK 64u

static cop_err why_set(cop_why *why, cop_err e, const char *field, uint32_t pos) {
  if (why) { why->err = e; why->field = field; why->pos = pos; }
  return e;
}

/* Parse and check the envelope: an object with "v": 1. */
static cop_err envelope(cop_json *j, cop_jtok *tok, const char *p, size_t n, cop_why *why) {
  if (why) { why->err = COP_E_OK; why->field = 0; why->pos = 0; why->id[0] = 0; }
  cop_err e = cop_json_parse(j, p, n, tok, NTOK);
  if (e != COP_E_OK) return why_set(why, e, 0, j->err_pos);
  if (tok[0].type != COP_J_OBJECT) return why_set(why, COP_E_NOT_OBJECT, 0, 0);
  int32_t v = cop_json_get(j, 0, "v");
  int64_t x;
  if (v < 0) return why_set(why, COP_E_SCHEMA, "v", 0);
  if (cop_json_int(j, (uint32_t)v, 0, 1000000, &x) != COP_E_OK || x != COP_SCHEMA)
    return why_set(why, COP_E_SCHEMA, "v", tok[v].start);
  return COP_E_OK;
}

static cop_err get_id(cop_json *j, cop_why *why, char id[COP_ID_MAX + 1]) {
  int32_t t = cop_json_get(j, 0, "id");
  size_t n;
  if (t < 0) return why_set(why, COP_E_MISSING, "id", 0);
  cop_err e = cop_json_str(j, (uint32_t)t, id, COP_ID_MAX + 1, &n);
  if (e == COP_E_TYPE) return why_set(why, e, "id", j->tok[t].start);
  if (e != COP_E_OK || !cop_id_ok(id, n)) { id[0] = 0; return why_set(why, COP_E_BAD_ID, "id", j->tok[t].start); }
  if (why) __builtin_memcpy(why->id, id, n + 1);
  return COP_E_OK;
}

static cop_err get_uint(cop_json *j, cop_why *why, const char *key, bool need, uint64_t max,
                        uint64_t dflt, uint64_t *v) {
  int32_t t = cop_json_get(j, 0, key);
  if (t < 0) {
    if (need) return why_set(why, COP_E_MISSING, key, 0);
    *v = dflt;
    return COP_E_OK;
  }
  int64_t x;
  cop_err e = cop_json_int(j, (uint32_t)t, 0, (int64_t)max, &x);
  if (e != COP_E_OK) return why_set(why, e, key, j->tok[t].start);
  *v = (uint64_t)x;
  return COP_E_OK;
}

static cop_err get_hex32(cop_json *j, cop_why *why, const char *key, uint8_t out[32]) {
  int32_t t = cop_json_get(j, 0, key);
  char h[65];
  size_t n;
  if (t < 0) return why_set(why, COP_E_MISSING, key, 0);
  cop_err e = cop_json_str(j, (uint32_t)t, h, sizeof h, &n);
  if (e == COP_E_TYPE) return why_set(why, e, key, j->tok[t].start);
  if (e != COP_E_OK || n != 64) return why_set(why, COP_E_BAD_DIGEST, key, j->tok[t].start);
  for (size_t i = 0; i < 64; i++) {
    char c = h[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
            c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) return why_set(why, COP_E_BAD_DIGEST, key, j->tok[t].start);
    if (i & 1) out[i / 2] = (uint8_t)(out[i / 2] | v);
    else out[i / 2] = (uint8_t)(v << 4);
  }
  return COP_E_OK;
}

static bool parse_version(const char *s, size_t n, uint16_t v[3]) {
  size_t i = 0;
  for (int k = 0; k < 3; k++) {
    uint32_t x = 0;
    size_t st = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      x = x * 10u + (uint32_t)(s[i] - '0');
      if (x > 65535u) return false;
      i++;
    }
    if (i == st || (i - st > 1 && s[st] == '0')) return false;
    v[k] = (uint16_t)x;
    if (k < 2) {
      if (i >= n || s[i] != '.') return false;
      i++;
    }
  }
  return i == n;
}

cop_err cop_dec_job(const char *p, size_t n, cop_job_msg *m, cop_why *why) {
  cop_jtok tok[NTOK];
  cop_json j;
  cop_err e = envelope(&j, tok, p, n, why);
  if (e != COP_E_OK) return e;
  __builtin_memset(m, 0, sizeof *m);
  if ((e = get_id(&j, why, m->id)) != COP_E_OK) return e;
  int32_t t = cop_json_get(&j, 0, "cancel");
  if (t >= 0) {
    if (tok[t].type != COP_J_TRUE && tok[t].type != COP_J_FALSE)
      return why_set(why, COP_E_TYPE, "cancel", tok[t].start);
    m->cancel = tok[t].type == COP_J_TRUE;
    if (m->cancel) return COP_E_OK;
  }
  if ((e = get_hex32(&j, why, "sha256", m->sha256)) != COP_E_OK) return e;
  if (cop_json_get(&j, 0, "image_sha256") >= 0) {
    if ((e = get_hex32(&j, why, "image_sha256", m->image)) != COP_E_OK) return e;
    m->has_image = true;
  }
  uint64_t v;
  if ((e = get_uint(&j, why, "size", true, 0x7FFFFFFFu, 0, &v)) != COP_E_OK) return e;
  if (v == 0) return why_set(why, COP_E_RANGE, "size", 0);
  m->size = (uint32_t)v;
  if ((e = get_uint(&j, why, "timeout_s", false, 30u * 86400u, 3600u, &v)) != COP_E_OK) return e;
  m->timeout_s = (uint32_t)v;
  if ((e = get_uint(&j, why, "trial_s", false, 86400u, 300u, &v)) != COP_E_OK) return e;
  m->trial_s = (uint32_t)v;
  if (m->timeout_s == 0 || m->trial_s == 0) return why_set(why, COP_E_RANGE, m->timeout_s ? "trial_s" : "timeout_s", 0);
  t = cop_json_get(&j, 0, "url");
  size_t un;
  if (t < 0) return why_set(why, COP_E_MISSING, "url", 0);
  e = cop_json_str(&j, (uint32_t)t, m->url, sizeof m->url, &un);
  if (e == COP_E_TYPE) return why_set(why, e, "url", tok[t].start);
  if (e != COP_E_OK) return why_set(why, COP_E_BAD_URL, "url", tok[t].start);
  {
    static const char pre[] = "https://";
    bool ok = un > sizeof pre - 1;
    for (size_t i = 0; ok && i < sizeof pre - 1; i++) ok = m->url[i] == pre[i];
    for (size_t i = 0; ok && i < un; i++) ok = m->url[i] > 0x20 && m->url[i] < 0x7F;
    if (!ok) return why_set(why, COP_E_BAD_URL, "url", tok[t].start);
  }
  t = cop_json_get(&j, 0, "version");
  char vs[24];
  size_t vn;
  if (t < 0) return why_set(why, COP_E_MISSING, "version", 0);
  e = cop_json_str(&j, (uint32_t)t, vs, sizeof vs, &vn);
  if (e == COP_E_TYPE) return why_set(why, e, "version", tok[t].start);
  if (e != COP_E_OK || !parse_version(vs, vn, m->version))
    return why_set(why, COP_E_BAD_VERSION, "version", tok[t].start);
  return COP_E_OK;
}

static const char *const cmd_ops[] = {
#define X(name, op, desc) op,
#include "cop_cmds.def"
#undef X
};

cop_err cop_dec_cmd(const char *p, size_t n, uint64_t now_ms, uint32_t expiry_left_s,
                    cop_cmd *c, cop_why *why) {
  cop_jtok tok[NTOK];
  cop_json j;
  cop_err e = envelope(&j, tok, p, n, why);
  if (e != COP_E_OK) return e;
  __builtin_memset(c, 0, sizeof *c);
  if ((e = get_id(&j, why, c->id)) != COP_E_OK) return e;
  int32_t t = cop_json_get(&j, 0, "expires");
  char ts[40];
  size_t tn;
  if (t < 0) return why_set(why, COP_E_MISSING, "expires", 0);
  e = cop_json_str(&j, (uint32_t)t, ts, sizeof ts, &tn);
  if (e == COP_E_TYPE) return why_set(why, e, "expires", tok[t].start);
  if (e != COP_E_OK || cop_time_parse(ts, tn, &c->expires_ms) != COP_E_OK)
    return why_set(why, COP_E_BAD_TIME, "expires", tok[t].start);
  if (expiry_left_s == 0 || now_ms >= c->expires_ms) return why_set(why, COP_E_EXPIRED, "expires", tok[t].start);
  t = cop_json_get(&j, 0, "op");
  char op[24];
  size_t on;
  if (t < 0) return why_set(why, COP_E_MISSING, "op", 0);
  e = cop_json_str(&j, (uint32_t)t, op, sizeof op, &on);
  if (e == COP_E_TYPE) return why_set(why, e, "op", tok[t].start);
  c->op = COP_CMD__COUNT;
  for (uint32_t k = 0; e == COP_E_OK && k < COP_CMD__COUNT; k++) {
    size_t q = 0;
    while (cmd_ops[k][q] && q < on && cmd_ops[k][q] == op[q]) q++;
    if (q == on && !cmd_ops[k][q]) c->op = (uint8_t)k;
  }
  if (c->op == COP_CMD__COUNT) return why_set(why, COP_E_UNKNOWN_OP, "op", tok[t].start);
  uint64_t v;
  switch (c->op) {
  case COP_CMD_BLACKBOX_READ:
  case COP_CMD_BLACKBOX_CLEAR:
    if ((e = get_uint(&j, why, "from", c->op == COP_CMD_BLACKBOX_CLEAR, 0xFFFFFFFFu, 0, &v)) != COP_E_OK)
      return e;
    c->from = (uint32_t)v;
    break;
  case COP_CMD_TELEMETRY_INTERVAL:
    if ((e = get_uint(&j, why, "interval_ms", true, 86400000u, 0, &v)) != COP_E_OK) return e;
    c->interval_ms = (uint32_t)v;
    break;
  default:
    break;
  }
  return COP_E_OK;
}

/* ---- replay table -------------------------------------------------------- */

#define REPLAY_MAGIC 0x52504F43u   /* "COPR" */

void cop_replay_init(cop_replay *r) {
  __builtin_memset(r, 0, sizeof *r);
  r->magic = REPLAY_MAGIC;
}

bool cop_replay_take(cop_replay *r, uint8_t kind, const char *id, uint64_t until_ms) {
  for (uint32_t i = 0; i < COP_REPLAY_N; i++) {
    if (r->e[i].id[0] && r->e[i].kind == kind) {
      size_t q = 0;
      while (q <= COP_ID_MAX && r->e[i].id[q] && r->e[i].id[q] == id[q]) q++;
      if (q <= COP_ID_MAX && r->e[i].id[q] == id[q]) return false;
    }
  }
  /* the oldest entry goes: ring order */
  uint32_t k = r->next % COP_REPLAY_N;
  size_t q = 0;
  for (; q < COP_ID_MAX && id[q]; q++) r->e[k].id[q] = id[q];
  r->e[k].id[q] = 0;
  r->e[k].kind = kind;
  r->e[k].until_ms = until_ms;
  r->next = (k + 1) % COP_REPLAY_N;
  return true;
}

static uint32_t replay_crc(const cop_replay *r) {
  return cop_crc32(0, r, offsetof(cop_replay, crc));
}
void cop_replay_seal(cop_replay *r) { r->crc = replay_crc(r); }
bool cop_replay_check(const cop_replay *r) {
  return r->magic == REPLAY_MAGIC && r->next < COP_REPLAY_N && r->crc == replay_crc(r);
}
