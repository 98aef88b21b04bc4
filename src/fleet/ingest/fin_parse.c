/*
** fin_parse.c -- a device message (topic + payload) into a typed record.
** The JSON reader is the copilot core's (cop_json: strict RFC 8259, no
** duplicate keys, bounded depth), so the two ends of the protocol agree on
** what a valid payload is. Errors are fin_err with the field and position.
*/
#include <stdio.h>
#include <string.h>

#include "cop.h"
#include "fleet_ingest.h"
#include "sha256.h"

_Static_assert(FIN_PAYLOAD_MAX == COP_MSG_MAX, "the largest payload a copilot writes");

/* ---- tables ------------------------------------------------------------- */

static const char *const err_name[] = {
#define X(n, w, d) w,
  FIN_ERRORS(X)
#undef X
};
static const char *const err_desc[] = {
#define X(n, w, d) d,
  FIN_ERRORS(X)
#undef X
};
const char *fin_err_name(fin_err e) { return (unsigned)e < FIN_ERR__COUNT ? err_name[e] : "?"; }
const char *fin_err_str(fin_err e) { return (unsigned)e < FIN_ERR__COUNT ? err_desc[e] : "unknown error"; }

static const struct { const char *name, *suffix, *types; } kinds[] = {
#define X(n, suf, types) { #n, suf, types },
  FIN_KINDS(X)
#undef X
};
const char *fin_kind_suffix(fin_kind k) { return (unsigned)k < FIN_K__COUNT ? kinds[k].suffix : "?"; }
const char *fin_kind_name(fin_kind k) { return (unsigned)k < FIN_K__COUNT ? kinds[k].name : "?"; }

#define TOPIC_PREFIX "fleet/devices/"

size_t fin_filter(fin_kind k, const char *prefix, char *out, size_t cap) {
  if ((unsigned)k >= FIN_K__COUNT || !cap) return 0;
  char suf[64];
  const char *s = kinds[k].suffix, *j = strstr(s, "{job}");
  if (j) snprintf(suf, sizeof suf, "%.*s+%s", (int)(j - s), s, j + 5);
  else snprintf(suf, sizeof suf, "%s", s);
  int n = snprintf(out, cap, "%s" TOPIC_PREFIX "+/%s", prefix ? prefix : "", suf);
  if (n < 0 || (size_t)n >= cap) {
    out[0] = 0;
    return 0;
  }
  return (size_t)n;
}

/* ---- the parser's state -------------------------------------------------- */

#define NTOK 512u   /* 32 telemetry values of 7 tokens each, with room */

typedef struct P {
  cop_json j;
  cop_jtok tok[NTOK];
  fin_why *why;
} P;

enum { REQ = 1, NUL = 2 };   /* required; null allowed (reads as empty / -1) */

static fin_err fail(P *p, fin_err e, const char *field, int32_t t) {
  if (p->why) {
    p->why->err = e;
    p->why->field = field;
    p->why->pos = t >= 0 && (uint32_t)t < p->j.ntok ? p->tok[t].start : 0;
  }
  return e;
}

/* The token of key in obj; -1 (and *e set) when missing and required. */
static int32_t field(P *p, uint32_t obj, const char *key, int fl, fin_err *e, bool *null) {
  int32_t t = cop_json_get(&p->j, obj, key);
  *null = false;
  if (t < 0) {
    if (fl & REQ) *e = fail(p, FIN_ERR_MISSING, key, -1);
    return -1;
  }
  if (p->tok[t].type == COP_J_NULL) {
    if (!(fl & NUL)) {
      *e = fail(p, FIN_ERR_FIELD_TYPE, key, t);
      return -1;
    }
    *null = true;
    return -1;
  }
  return t;
}

static fin_err g_str(P *p, uint32_t obj, const char *key, int fl, char *out, size_t cap) {
  fin_err e = FIN_ERR_OK;
  bool null;
  out[0] = 0;
  int32_t t = field(p, obj, key, fl, &e, &null);
  if (t < 0) return e;
  size_t n;
  cop_err c = cop_json_str(&p->j, (uint32_t)t, out, cap, &n);
  if (c == COP_E_OK) return FIN_ERR_OK;
  out[0] = 0;
  return fail(p, c == COP_E_TYPE ? FIN_ERR_FIELD_TYPE : FIN_ERR_RANGE, key, t);
}

static fin_err g_int(P *p, uint32_t obj, const char *key, int fl, int64_t min, int64_t max, int64_t *v) {
  fin_err e = FIN_ERR_OK;
  bool null;
  *v = -1;
  int32_t t = field(p, obj, key, fl, &e, &null);
  if (t < 0) return e;
  cop_err c = cop_json_int(&p->j, (uint32_t)t, min, max, v);
  if (c == COP_E_OK) return FIN_ERR_OK;
  *v = -1;
  return fail(p, c == COP_E_TYPE ? FIN_ERR_FIELD_TYPE : FIN_ERR_RANGE, key, t);
}

static fin_err g_bool(P *p, uint32_t obj, const char *key, int fl, bool *v) {
  fin_err e = FIN_ERR_OK;
  bool null;
  *v = false;
  int32_t t = field(p, obj, key, fl, &e, &null);
  if (t < 0) return e;
  if (p->tok[t].type == COP_J_TRUE) *v = true;
  else if (p->tok[t].type != COP_J_FALSE) return fail(p, FIN_ERR_FIELD_TYPE, key, t);
  return FIN_ERR_OK;
}

static int32_t tok_of(P *p, uint32_t obj, const char *key) { return cop_json_get(&p->j, obj, key); }

static bool is_hex(const char *s, size_t n) {
  if (strlen(s) != n) return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return true;
}

static bool ok_word(const char *s);
/* A string that must pass a check: BAD_VALUE (or `bad`) otherwise. */
static fin_err g_checked(P *p, uint32_t obj, const char *key, int fl, char *out, size_t cap,
                         bool (*ok)(const char *), fin_err bad) {
  fin_err e = g_str(p, obj, key, fl, out, cap);
  int32_t t = tok_of(p, obj, key);
  if (e == FIN_ERR_RANGE && ok != ok_word) return fail(p, bad, key, t);   /* too long for its format */
  if (e) return e;
  if (t >= 0 && p->tok[t].type == COP_J_STRING && !ok(out)) return fail(p, bad, key, t);
  return FIN_ERR_OK;
}

static bool ok_bank(const char *s) { return !strcmp(s, "A") || !strcmp(s, "B") || !s[0]; }
static bool ok_digest(const char *s) { return is_hex(s, 64); }
static bool ok_boot(const char *s) { return is_hex(s, 8); }
static bool ok_version(const char *s) {
  for (int k = 0; k < 3; k++) {
    unsigned x = 0, nd = 0;
    while (*s >= '0' && *s <= '9') {
      x = x * 10u + (unsigned)(*s++ - '0');
      if (++nd > 5 || x > 65535u) return false;
    }
    if (!nd) return false;
    if (k < 2 && *s++ != '.') return false;
  }
  return !*s;
}
/* Words (states, reasons, kinds): printable ASCII, no space; too long is
** RANGE, not a bad value. */
static bool ok_word(const char *s) {
  for (; *s; s++)
    if (*s <= ' ' || *s > '~') return false;
  return true;
}
static bool ok_id(const char *s) { return cop_id_ok(s, strlen(s)); }
static bool ok_phase(const char *s) {
  static const char *const ph[] = { "", "downloading", "verifying", "programming", "activating", "trial" };
  for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++)
    if (!strcmp(s, ph[i])) return true;
  return false;
}

#define TRY(x) do { fin_err e_ = (x); if (e_) return e_; } while (0)
#define WORD(obj, key, fl, out) g_checked(p, obj, key, fl, out, sizeof(out), ok_word, FIN_ERR_BAD_VALUE)
#define U32 4294967295LL
#define I53 9007199254740991LL   /* integers a JSON reader anywhere keeps exactly */

/* ---- the topic ------------------------------------------------------------ */

static fin_err parse_topic(P *p, const char *topic, fin_msg *m, char job[FIN_ID_MAX + 1]) {
  size_t pl = sizeof TOPIC_PREFIX - 1;
  job[0] = 0;
  if (!topic || strncmp(topic, TOPIC_PREFIX, pl)) return fail(p, FIN_ERR_TOPIC, NULL, -1);
  const char *id = topic + pl, *slash = strchr(id, '/');
  if (!slash) return fail(p, FIN_ERR_TOPIC, NULL, -1);
  size_t idn = (size_t)(slash - id);
  if (!cop_id_ok(id, idn) || idn > FIN_ID_MAX) return fail(p, FIN_ERR_DEVICE_ID, NULL, -1);
  memcpy(m->device, id, idn);
  m->device[idn] = 0;
  const char *suf = slash + 1;
  for (int k = 0; k < FIN_K__COUNT; k++) {
    const char *s = kinds[k].suffix, *jp = strstr(s, "{job}");
    if (!jp) {
      if (!strcmp(suf, s)) {
        m->kind = (fin_kind)k;
        return FIN_ERR_OK;
      }
      continue;
    }
    size_t before = (size_t)(jp - s);
    const char *after = jp + 5;
    if (strncmp(suf, s, before)) continue;
    const char *jid = suf + before, *end = strchr(jid, '/');
    if (!end || strcmp(end, after)) continue;
    size_t jn = (size_t)(end - jid);
    if (!cop_id_ok(jid, jn) || jn > FIN_ID_MAX) return fail(p, FIN_ERR_JOB_ID, NULL, -1);
    memcpy(job, jid, jn);
    job[jn] = 0;
    m->kind = (fin_kind)k;
    return FIN_ERR_OK;
  }
  return fail(p, FIN_ERR_TOPIC, NULL, -1);
}

/* ---- the envelope ------------------------------------------------------- */

static bool type_ok(fin_kind k, const char *type) {
  const char *s = kinds[k].types;
  size_t n = strlen(type);
  while (*s) {
    const char *e = strchr(s, ' ');
    size_t l = e ? (size_t)(e - s) : strlen(s);
    if (l == n && !strncmp(s, type, n)) return true;
    s += l;
    while (*s == ' ') s++;
  }
  return false;
}

static fin_err envelope(P *p, fin_msg *m, bool need_boot) {
  int32_t t = tok_of(p, 0, "v");
  int64_t v;
  if (t < 0) return fail(p, FIN_ERR_SCHEMA, "v", -1);
  if (cop_json_int(&p->j, (uint32_t)t, 0, I53, &v) != COP_E_OK || v != FIN_SCHEMA)
    return fail(p, FIN_ERR_SCHEMA, "v", t);
  TRY(g_str(p, 0, "type", REQ, m->type, sizeof m->type));
  if (!type_ok(m->kind, m->type)) return fail(p, FIN_ERR_WRONG_TYPE, "type", tok_of(p, 0, "type"));
  char tm[48];
  TRY(g_str(p, 0, "time", REQ, tm, sizeof tm));
  uint64_t ms;
  t = tok_of(p, 0, "time");
  if (cop_time_parse(tm, strlen(tm), &ms) != COP_E_OK || ms > (uint64_t)I53) return fail(p, FIN_ERR_BAD_TIME, "time", t);
  m->st.time_ms = (int64_t)ms;
  TRY(g_checked(p, 0, "boot_id", REQ | NUL, m->st.boot_id, sizeof m->st.boot_id, ok_boot, FIN_ERR_BAD_BOOT));
  TRY(g_int(p, 0, "uptime_ms", REQ | NUL, 0, I53, &m->st.uptime_ms));
  bool bnull = !m->st.boot_id[0], unull = m->st.uptime_ms < 0;
  if (bnull != unull) return fail(p, FIN_ERR_BAD_BOOT, bnull ? "boot_id" : "uptime_ms", tok_of(p, 0, bnull ? "boot_id" : "uptime_ms"));
  m->st.known = !bnull;
  if (need_boot && !m->st.known) return fail(p, FIN_ERR_BAD_BOOT, "boot_id", tok_of(p, 0, "boot_id"));
  return FIN_ERR_OK;
}

/* ---- per kind ----------------------------------------------------------- */

static fin_err k_status(P *p, fin_msg *m) {
  fin_status *s = &m->u.status;
  char st[16];
  TRY(g_str(p, 0, "state", REQ, st, sizeof st));
  if (!strcmp(st, "online")) s->online = true;
  else if (!strcmp(st, "offline")) s->online = false;
  else return fail(p, FIN_ERR_BAD_VALUE, "state", tok_of(p, 0, "state"));
  TRY(WORD(0, "reason", s->online ? 0 : REQ, s->reason));
  int32_t d = tok_of(p, 0, "device");
  if (d < 0) return fail(p, FIN_ERR_MISSING, "device", -1);
  if (p->tok[d].type == COP_J_NULL) return FIN_ERR_OK;
  if (p->tok[d].type != COP_J_OBJECT) return fail(p, FIN_ERR_FIELD_TYPE, "device", d);
  uint32_t o = (uint32_t)d;
  s->has_device = true;
  TRY(WORD(o, "vm_state", REQ, s->vm_state));
  TRY(WORD(o, "host_state", REQ, s->host_state));
  TRY(WORD(o, "reset_reason", REQ, s->reset_reason));
  TRY(g_checked(p, o, "bank", REQ, s->bank, sizeof s->bank, ok_bank, FIN_ERR_BAD_VALUE));
  TRY(g_bool(p, o, "trial", REQ, &s->trial));
  TRY(g_str(p, o, "program", REQ, s->program, sizeof s->program));
  TRY(g_checked(p, o, "version", REQ, s->version, sizeof s->version, ok_version, FIN_ERR_BAD_VALUE));
  TRY(g_int(p, o, "counter", REQ, 0, U32, &s->counter));
  TRY(g_checked(p, o, "digest", REQ, s->digest, sizeof s->digest, ok_digest, FIN_ERR_BAD_VALUE));
  TRY(g_int(p, o, "boots", 0, 0, U32, &s->boots));
  TRY(g_int(p, o, "faults", 0, 0, U32, &s->faults));
  TRY(g_int(p, o, "telemetry_ms", 0, 0, U32, &s->telemetry_ms));
  return FIN_ERR_OK;
}

static fin_err k_heartbeat(P *p, fin_msg *m) {
  fin_heartbeat *h = &m->u.heartbeat;
  TRY(WORD(0, "vm_state", REQ, h->vm_state));
  TRY(WORD(0, "host_state", REQ, h->host_state));
  TRY(g_checked(p, 0, "bank", REQ, h->bank, sizeof h->bank, ok_bank, FIN_ERR_BAD_VALUE));
  TRY(g_bool(p, 0, "trial", REQ, &h->trial));
  TRY(g_int(p, 0, "steps", 0, 0, INT64_MAX, &h->steps));
  TRY(g_int(p, 0, "log_next", 0, 0, U32, &h->log_next));
  TRY(g_int(p, 0, "log_lost", 0, 0, U32, &h->log_lost));
  TRY(g_int(p, 0, "notes_lost", 0, 0, U32, &h->notes_lost));
  TRY(g_int(p, 0, "bbox_next", 0, 0, U32, &h->bbox_next));
  return FIN_ERR_OK;
}

static fin_err k_telemetry(P *p, fin_msg *m) {
  fin_telemetry *t = &m->u.telemetry;
  int32_t a = tok_of(p, 0, "values");
  if (a < 0) return fail(p, FIN_ERR_MISSING, "values", -1);
  if (p->tok[a].type != COP_J_ARRAY) return fail(p, FIN_ERR_FIELD_TYPE, "values", a);
  if (p->tok[a].count > FIN_TV_MAX) return fail(p, FIN_ERR_RANGE, "values", a);
  t->count = 0;
  uint32_t e = (uint32_t)a + 1;
  for (uint32_t i = 0; i < p->tok[a].count; i++, e = p->tok[e].next) {
    if (p->tok[e].type != COP_J_OBJECT) return fail(p, FIN_ERR_FIELD_TYPE, "values", (int32_t)e);
    fin_tvalue *v = &t->v[t->count];
    TRY(g_str(p, e, "name", REQ, v->name, sizeof v->name));
    if (!v->name[0]) return fail(p, FIN_ERR_RANGE, "name", tok_of(p, e, "name"));
    TRY(g_int(p, e, "value", REQ, INT64_MIN, INT64_MAX, &v->value));
    TRY(g_bool(p, e, "guest", 0, &v->guest));
    t->count++;
  }
  return FIN_ERR_OK;
}

static fin_err k_log(P *p, fin_msg *m) {
  fin_log *l = &m->u.log;
  TRY(g_int(p, 0, "line", REQ, 0, U32, &l->line));
  TRY(g_int(p, 0, "lost", 0, 0, U32, &l->lost));
  if (l->lost < 0) l->lost = 0;
  TRY(g_int(p, 0, "level", 0, 0, 255, &l->level));
  if (l->level < 0) l->level = 0;
  return g_str(p, 0, "text", REQ, l->text, sizeof l->text);
}

static fin_err k_event(P *p, fin_msg *m) {
  fin_event *ev = &m->u.event;
  if (!strcmp(m->type, "event")) {
    if (!m->st.known) return fail(p, FIN_ERR_BAD_BOOT, "boot_id", tok_of(p, 0, "boot_id"));
    TRY(g_checked(p, 0, "event", REQ, ev->kind, sizeof ev->kind, ok_word, FIN_ERR_BAD_VALUE));
    if (!ev->kind[0]) return fail(p, FIN_ERR_BAD_VALUE, "event", tok_of(p, 0, "event"));
    TRY(g_str(p, 0, "name", 0, ev->name, sizeof ev->name));
    TRY(g_int(p, 0, "value", 0, INT64_MIN, INT64_MAX, &ev->value));
    char b[2];
    TRY(g_checked(p, 0, "bank", 0, b, sizeof b, ok_bank, FIN_ERR_BAD_VALUE));
    char ver[24];
    TRY(g_checked(p, 0, "version", 0, ver, sizeof ver, ok_version, FIN_ERR_BAD_VALUE));
    int64_t pc;
    return g_int(p, 0, "pc", 0, 0, U32, &pc);
  }
  snprintf(ev->kind, sizeof ev->kind, "%s", m->type);
  if (!strcmp(m->type, "refused")) {
    TRY(WORD(0, "reason", REQ, ev->name));
    char topic[128];
    return g_str(p, 0, "topic", 0, topic, sizeof topic);
  }
  /* dropped */
  TRY(g_int(p, 0, "count", REQ, 0, U32, &ev->value));
  int64_t total;
  TRY(g_int(p, 0, "total", REQ, 0, INT64_MAX, &total));
  if (total < ev->value) return fail(p, FIN_ERR_RANGE, "total", tok_of(p, 0, "total"));
  return FIN_ERR_OK;
}

static fin_err k_blackbox(P *p, fin_msg *m) {
  fin_blackbox *b = &m->u.blackbox;
  TRY(g_int(p, 0, "seq", REQ, 0, U32, &b->seq));
  TRY(WORD(0, "kind", REQ, b->kind));
  TRY(g_int(p, 0, "fault", 0, 0, U32, &b->fault));
  TRY(WORD(0, "reset_reason", 0, b->reset_reason));
  TRY(g_checked(p, 0, "bank", 0, b->bank, sizeof b->bank, ok_bank, FIN_ERR_BAD_VALUE));
  TRY(g_int(p, 0, "pc", 0, 0, U32, &b->pc));
  TRY(g_int(p, 0, "line", 0, 0, U32, &b->line));
  TRY(g_int(p, 0, "func", NUL, 0, U32, &b->func));
  TRY(g_str(p, 0, "func_name", 0, b->func_name, sizeof b->func_name));
  TRY(g_str(p, 0, "file", 0, b->file, sizeof b->file));
  TRY(g_checked(p, 0, "version", REQ, b->version, sizeof b->version, ok_version, FIN_ERR_BAD_VALUE));
  TRY(g_int(p, 0, "counter", 0, 0, U32, &b->counter));
  TRY(g_checked(p, 0, "digest", 0, b->digest, sizeof b->digest, ok_digest, FIN_ERR_BAD_VALUE));
  TRY(g_checked(p, 0, "rec_boot_id", REQ, b->rec_boot_id, sizeof b->rec_boot_id, ok_boot, FIN_ERR_BAD_BOOT));
  TRY(g_int(p, 0, "rec_uptime_ms", REQ, 0, I53, &b->rec_uptime_ms));
  if (b->pc < 0) b->pc = 0;
  if (b->line < 0) b->line = 0;
  return FIN_ERR_OK;
}

static fin_err k_job(P *p, fin_msg *m, const char *topic_job) {
  fin_job_update *u = &m->u.job;
  snprintf(u->device, sizeof u->device, "%s", m->device);
  TRY(g_checked(p, 0, "job", REQ, u->job, sizeof u->job, ok_id, FIN_ERR_BAD_VALUE));
  if (strcmp(u->job, topic_job)) return fail(p, FIN_ERR_MISMATCH, "job", tok_of(p, 0, "job"));
  TRY(g_int(p, 0, "seq", REQ, 1, U32, &u->seq));
  char st[24];
  TRY(g_str(p, 0, "state", REQ, st, sizeof st));
  int s = fst_job_state_parse(st);
  if (s < 0) return fail(p, FIN_ERR_BAD_VALUE, "state", tok_of(p, 0, "state"));
  u->state = (fst_job_state)s;
  TRY(g_checked(p, 0, "phase", NUL, u->phase, sizeof u->phase, ok_phase, FIN_ERR_BAD_VALUE));
  if (u->state == FST_JOB_IN_PROGRESS ? !u->phase[0] : u->phase[0] != 0)
    return fail(p, FIN_ERR_BAD_VALUE, "phase", tok_of(p, 0, "phase"));
  int64_t pc;
  TRY(g_int(p, 0, "percent", NUL, 0, 100, &pc));
  u->percent = (int)pc;
  TRY(WORD(0, "reason", NUL, u->reason));
  if (fst_job_state_terminal(u->state) && !u->reason[0])
    return fail(p, FIN_ERR_MISSING, "reason", tok_of(p, 0, "reason"));
  int32_t d = tok_of(p, 0, "device");
  if (d >= 0 && p->tok[d].type == COP_J_OBJECT) {
    u->has_device = true;
    TRY(WORD((uint32_t)d, "status", REQ, u->dev_status));
    int32_t dt = tok_of(p, (uint32_t)d, "detail");
    if (dt >= 0 && p->tok[dt].type == COP_J_NUMBER) {
      int64_t x;
      TRY(g_int(p, (uint32_t)d, "detail", 0, 0, U32, &x));
      snprintf(u->dev_detail, sizeof u->dev_detail, "%lld", (long long)x);
    } else {
      TRY(WORD((uint32_t)d, "detail", NUL, u->dev_detail));
    }
  } else if (d >= 0 && p->tok[d].type != COP_J_NULL) {
    return fail(p, FIN_ERR_FIELD_TYPE, "device", d);
  }
  TRY(g_checked(p, 0, "version", REQ, u->version, sizeof u->version, ok_version, FIN_ERR_BAD_VALUE));
  TRY(g_checked(p, 0, "sha256", REQ, u->sha256, sizeof u->sha256, ok_digest, FIN_ERR_BAD_VALUE));
  u->st = m->st;
  return FIN_ERR_OK;
}

static fin_err k_cmd(P *p, fin_msg *m) {
  fin_cmd_response *c = &m->u.cmd;
  TRY(g_checked(p, 0, "id", REQ | NUL, c->id, sizeof c->id, ok_id, FIN_ERR_BAD_VALUE));
  TRY(WORD(0, "op", REQ | NUL, c->op));
  TRY(g_bool(p, 0, "ok", REQ, &c->ok));
  TRY(WORD(0, "reason", NUL, c->reason));
  if (!c->ok && !c->reason[0]) return fail(p, FIN_ERR_MISSING, "reason", tok_of(p, 0, "reason"));
  int64_t v;
  TRY(g_int(p, 0, "value", 0, INT64_MIN, INT64_MAX, &v));
  c->value = tok_of(p, 0, "value") >= 0 ? v : 0;
  return FIN_ERR_OK;
}

/* ---- fin_parse ---------------------------------------------------------- */

fin_err fin_parse(const char *topic, const void *payload, size_t len, fin_msg *out, fin_why *why) {
  P p;
  p.why = why;
  p.j.ntok = 0;
  if (why) {
    why->err = FIN_ERR_OK;
    why->field = NULL;
    why->pos = 0;
    why->json_err = 0;
    why->json_reason = "";
  }
  memset(out, 0, sizeof *out);
  out->st.uptime_ms = -1;
  char job[FIN_ID_MAX + 1];
  TRY(parse_topic(&p, topic, out, job));
  if (!payload || !len) return fail(&p, FIN_ERR_EMPTY, NULL, -1);
  if (len > FIN_PAYLOAD_MAX) return fail(&p, FIN_ERR_TOO_BIG, NULL, -1);
  cop_err c = cop_json_parse_max(&p.j, payload, len, p.tok, NTOK, FIN_PAYLOAD_MAX);
  if (c != COP_E_OK) {
    if (why) {
      why->err = FIN_ERR_JSON;
      why->pos = p.j.err_pos;
      why->json_err = (int)c;
      why->json_reason = cop_err_name(c);
    }
    return FIN_ERR_JSON;
  }
  if (p.tok[0].type != COP_J_OBJECT) return fail(&p, FIN_ERR_NOT_OBJECT, NULL, 0);
  fin_kind k = out->kind;
  bool need_boot = k == FIN_K_HEARTBEAT || k == FIN_K_TELEMETRY || k == FIN_K_LOG || k == FIN_K_BLACKBOX;
  TRY(envelope(&p, out, need_boot));
  switch (k) {
  case FIN_K_STATUS: TRY(k_status(&p, out)); break;
  case FIN_K_HEARTBEAT: TRY(k_heartbeat(&p, out)); break;
  case FIN_K_TELEMETRY: TRY(k_telemetry(&p, out)); break;
  case FIN_K_LOG: TRY(k_log(&p, out)); break;
  case FIN_K_EVENT: TRY(k_event(&p, out)); break;
  case FIN_K_BLACKBOX: TRY(k_blackbox(&p, out)); break;
  case FIN_K_JOB_UPDATE: TRY(k_job(&p, out, job)); break;
  case FIN_K_CMD_RESPONSE: TRY(k_cmd(&p, out)); break;
  default: return fail(&p, FIN_ERR_TOPIC, NULL, -1);
  }
  uint8_t d[32];
  sha256(payload, len, d);
  for (int i = 0; i < 8; i++) snprintf(out->dedup + 2 * i, 3, "%02x", d[i]);
  return FIN_ERR_OK;
}
