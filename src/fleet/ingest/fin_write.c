/*
** fin_write.c -- the batching writer: parsed messages become store rows,
** queued in memory and written in one transaction per batch.
**
**   telemetry   one fst_point per value: seq = the message's uptime_ms
**   log         fst_log: seq = the device's line number
**   event, refused, dropped, cmd_response
**               fst_event: kind, seq = uptime_ms (0 before the copilot
**               knew the device), dedup = the payload digest, detail = the
**               payload itself
**   blackbox    fst_crash: boot_id and seq the record's own (rec_boot_id,
**               seq); time the crash's wall clock when it happened in the
**               boot the stamp names, else when it was read
**   status, heartbeat
**               fst_report (newest wins, see fleet_store.h)
**
** A batch that fails stays queued and is tried again at the next due time;
** one the store refuses as invalid three times running is dropped (counted)
** so that one bad record cannot stop the ingest.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet_ingest.h"

typedef struct vec { void *v; size_t n, cap, elem; } vec;

struct fin_writer {
  fin_writer_cfg cfg;
  vec points, logs, events, crashes, reports;
  size_t queued;               /* records in the vectors */
  int64_t first_at;            /* monotonic ms of the first queued record */
  int64_t oldest_time;         /* wall clock of the oldest queued record */
  int invalid_runs;
  pthread_mutex_t mu;          /* the stats, read from other threads */
  fin_stats st;
};

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static int64_t now(fin_writer *w) { return w->cfg.now_ms ? w->cfg.now_ms() : mono_ms(); }

static void *push(vec *v) {
  if (v->n == v->cap) {
    size_t nc = v->cap ? v->cap * 2 : 64;
    void *nv = realloc(v->v, nc * v->elem);
    if (!nv) return NULL;
    v->v = nv;
    v->cap = nc;
  }
  void *e = (char *)v->v + v->n * v->elem;
  memset(e, 0, v->elem);
  v->n++;
  return e;
}

/* Strings of queued rows are malloc'd one by one; NULL on failure. */
static char *dup(const char *s, bool *ok) {
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) *ok = false;
  return d;
}
static char *dupn(const void *p, size_t n, bool *ok) {
  char *d = malloc(n + 1);
  if (!d) {
    *ok = false;
    return NULL;
  }
  memcpy(d, p, n);
  d[n] = 0;
  return d;
}

#define FREE_C(x) free((void *)(x))
static void clear(fin_writer *w) {
  for (size_t i = 0; i < w->points.n; i++) {
    fst_point *p = &((fst_point *)w->points.v)[i];
    FREE_C(p->device); FREE_C(p->boot_id); FREE_C(p->name);
  }
  for (size_t i = 0; i < w->logs.n; i++) {
    fst_log *l = &((fst_log *)w->logs.v)[i];
    FREE_C(l->device); FREE_C(l->boot_id); FREE_C(l->text);
  }
  for (size_t i = 0; i < w->events.n; i++) {
    fst_event *e = &((fst_event *)w->events.v)[i];
    FREE_C(e->device); FREE_C(e->boot_id); FREE_C(e->kind); FREE_C(e->detail); FREE_C(e->dedup);
  }
  for (size_t i = 0; i < w->crashes.n; i++) {
    fst_crash *c = &((fst_crash *)w->crashes.v)[i];
    FREE_C(c->device); FREE_C(c->boot_id); FREE_C(c->file); FREE_C(c->function); FREE_C(c->version);
    FREE_C(c->sha256); FREE_C(c->reason); FREE_C(c->detail);
  }
  for (size_t i = 0; i < w->reports.n; i++) {
    fst_report *r = &((fst_report *)w->reports.v)[i];
    FREE_C(r->id); FREE_C(r->running_sha); FREE_C(r->running_version); FREE_C(r->vm_state);
    FREE_C(r->banks); FREE_C(r->boot_id); FREE_C(r->reset_reason);
  }
  w->points.n = w->logs.n = w->events.n = w->crashes.n = w->reports.n = 0;
  w->queued = 0;
}

fin_writer *fin_writer_new(const fin_writer_cfg *cfg) {
  fin_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->cfg = *cfg;
  if (!w->cfg.batch_max) w->cfg.batch_max = 5000;
  if (!w->cfg.flush_ms) w->cfg.flush_ms = 200;
  if (!w->cfg.queue_max) w->cfg.queue_max = 100000;
  w->points.elem = sizeof(fst_point);
  w->logs.elem = sizeof(fst_log);
  w->events.elem = sizeof(fst_event);
  w->crashes.elem = sizeof(fst_crash);
  w->reports.elem = sizeof(fst_report);
  pthread_mutex_init(&w->mu, NULL);
  return w;
}

void fin_writer_free(fin_writer *w) {
  if (!w) return;
  if (w->queued) fin_writer_flush(w, true);
  if (w->queued) {
    w->st.dropped += w->queued;   /* the store is gone: counted, not silent */
    clear(w);
  }
  free(w->points.v);
  free(w->logs.v);
  free(w->events.v);
  free(w->crashes.v);
  free(w->reports.v);
  pthread_mutex_destroy(&w->mu);
  free(w);
}

static void stat_add(fin_writer *w, uint64_t *field, uint64_t n) {
  pthread_mutex_lock(&w->mu);
  *field += n;
  pthread_mutex_unlock(&w->mu);
}

void fin_writer_stats(fin_writer *w, fin_stats *st) {
  pthread_mutex_lock(&w->mu);
  *st = w->st;
  st->queued = w->queued;
  pthread_mutex_unlock(&w->mu);
}

/* The running bank as the device's status says it: the API's "banks". */
static char *banks_json(const fin_status *s, bool *ok) {
  char b[512];
  char prog[2 * FIN_NAME_MAX + 8];
  size_t o = 0;
  for (const char *c = s->program; *c && o + 7 < sizeof prog; c++) {
    unsigned char u = (unsigned char)*c;
    if (u == '"' || u == '\\') {
      prog[o++] = '\\';
      prog[o++] = (char)u;
    } else if (u < 0x20) {
      o += (size_t)snprintf(prog + o, sizeof prog - o, "\\u%04x", u);
    } else {
      prog[o++] = (char)u;
    }
  }
  prog[o] = 0;
  /* every other string is a checked word (no quote, no backslash) */
  snprintf(b, sizeof b,
           "{\"running\":\"%s\",\"trial\":%s,\"program\":\"%s\",\"version\":\"%s\",\"counter\":%lld,"
           "\"digest\":\"%s\",\"host_state\":\"%s\",\"boots\":%lld,\"faults\":%lld}",
           s->bank, s->trial ? "true" : "false", prog, s->version, (long long)s->counter, s->digest,
           s->host_state, (long long)(s->boots < 0 ? 0 : s->boots), (long long)(s->faults < 0 ? 0 : s->faults));
  return dup(b, ok);
}

static bool add_report(fin_writer *w, const fin_msg *m) {
  fst_report *r = push(&w->reports);
  if (!r) return false;
  bool ok = true;
  r->id = dup(m->device, &ok);
  r->time = m->st.time_ms;
  r->uptime_ms = m->st.known ? m->st.uptime_ms : -1;
  if (m->st.known) r->boot_id = dup(m->st.boot_id, &ok);
  if (m->kind == FIN_K_STATUS) {
    const fin_status *s = &m->u.status;
    r->online = s->online;
    r->always = true;
    if (s->has_device) {
      r->running_sha = dup(s->digest, &ok);
      r->running_version = dup(s->version, &ok);
      r->vm_state = dup(s->vm_state, &ok);
      r->reset_reason = dup(s->reset_reason, &ok);
      r->banks = banks_json(s, &ok);
    }
  } else {
    r->online = 1;
    r->vm_state = dup(m->u.heartbeat.vm_state, &ok);
  }
  return ok;
}

static bool add_event(fin_writer *w, const fin_msg *m, const char *kind, const void *payload, size_t len) {
  fst_event *e = push(&w->events);
  if (!e) return false;
  bool ok = true;
  e->device = dup(m->device, &ok);
  e->boot_id = dup(m->st.known ? m->st.boot_id : "", &ok);
  e->kind = dup(kind, &ok);
  e->detail = dupn(payload, len, &ok);
  e->dedup = dup(m->dedup, &ok);
  e->seq = m->st.known ? m->st.uptime_ms : 0;
  e->time = m->st.time_ms;
  return ok;
}

static bool add_crash(fin_writer *w, const fin_msg *m, const void *payload, size_t len) {
  const fin_blackbox *b = &m->u.blackbox;
  fst_crash *c = push(&w->crashes);
  if (!c) return false;
  bool ok = true;
  c->device = dup(m->device, &ok);
  c->boot_id = dup(b->rec_boot_id, &ok);
  c->seq = b->seq;
  c->time = m->st.time_ms;
  if (m->st.known && !strcmp(b->rec_boot_id, m->st.boot_id) && b->rec_uptime_ms <= m->st.uptime_ms)
    c->time = m->st.time_ms - (m->st.uptime_ms - b->rec_uptime_ms);
  c->file = dup(b->file, &ok);
  c->line = b->line;
  c->function = dup(b->func_name, &ok);
  c->version = dup(b->version, &ok);
  c->sha256 = dup(b->digest, &ok);
  c->reason = dup(b->kind, &ok);
  c->pc = b->pc;
  c->detail = dupn(payload, len, &ok);
  return ok;
}

/* Undo the last push of each vector a failed add touched (the strings it
** managed to copy are freed). */
static void drop_last(vec *v, size_t keep_n, void (*fr)(void *)) {
  while (v->n > keep_n) {
    v->n--;
    fr((char *)v->v + v->n * v->elem);
  }
}
static void fr_point(void *x) { fst_point *p = x; FREE_C(p->device); FREE_C(p->boot_id); FREE_C(p->name); }
static void fr_log(void *x) { fst_log *l = x; FREE_C(l->device); FREE_C(l->boot_id); FREE_C(l->text); }
static void fr_event(void *x) {
  fst_event *e = x;
  FREE_C(e->device); FREE_C(e->boot_id); FREE_C(e->kind); FREE_C(e->detail); FREE_C(e->dedup);
}
static void fr_crash(void *x) {
  fst_crash *c = x;
  FREE_C(c->device); FREE_C(c->boot_id); FREE_C(c->file); FREE_C(c->function); FREE_C(c->version);
  FREE_C(c->sha256); FREE_C(c->reason); FREE_C(c->detail);
}
static void fr_report(void *x) {
  fst_report *r = x;
  FREE_C(r->id); FREE_C(r->running_sha); FREE_C(r->running_version); FREE_C(r->vm_state);
  FREE_C(r->banks); FREE_C(r->boot_id); FREE_C(r->reset_reason);
}

fin_err fin_writer_add(fin_writer *w, const fin_msg *m, const void *payload, size_t len) {
  stat_add(w, &w->st.by_kind[m->kind < FIN_K__COUNT ? m->kind : 0], 1);
  if (w->cfg.on_msg) w->cfg.on_msg(w->cfg.user, m);
  if (m->kind == FIN_K_JOB_UPDATE) {
    stat_add(w, &w->st.job_updates, 1);
    if (w->cfg.on_job_update) w->cfg.on_job_update(w->cfg.user, &m->u.job);
    return FIN_ERR_OK;
  }
  if (m->kind == FIN_K_CMD_RESPONSE) {
    stat_add(w, &w->st.cmd_responses, 1);
    if (w->cfg.on_cmd_response) w->cfg.on_cmd_response(w->cfg.user, m->device, &m->u.cmd, &m->st);
  }
  size_t rows = m->kind == FIN_K_TELEMETRY ? m->u.telemetry.count : 1;
  if (w->queued + rows > w->cfg.queue_max) {
    stat_add(w, &w->st.dropped, rows);
    return FIN_ERR_OK;
  }
  size_t n0[5] = { w->points.n, w->logs.n, w->events.n, w->crashes.n, w->reports.n };
  bool ok = true;
  switch (m->kind) {
  case FIN_K_STATUS:
  case FIN_K_HEARTBEAT: ok = add_report(w, m); break;
  case FIN_K_TELEMETRY:
    for (uint32_t i = 0; ok && i < m->u.telemetry.count; i++) {
      fst_point *p = push(&w->points);
      if (!p) { ok = false; break; }
      p->device = dup(m->device, &ok);
      p->boot_id = dup(m->st.boot_id, &ok);
      p->name = dup(m->u.telemetry.v[i].name, &ok);
      p->seq = m->st.uptime_ms;
      p->time = m->st.time_ms;
      p->value = (double)m->u.telemetry.v[i].value;
    }
    break;
  case FIN_K_LOG: {
    fst_log *l = push(&w->logs);
    if (!l) { ok = false; break; }
    l->device = dup(m->device, &ok);
    l->boot_id = dup(m->st.boot_id, &ok);
    l->text = dup(m->u.log.text, &ok);
    l->seq = m->u.log.line;
    l->time = m->st.time_ms;
    break;
  }
  case FIN_K_EVENT: ok = add_event(w, m, m->u.event.kind, payload, len); break;
  case FIN_K_CMD_RESPONSE: ok = add_event(w, m, "cmd_response", payload, len); break;
  case FIN_K_BLACKBOX: ok = add_crash(w, m, payload, len); break;
  default: return FIN_ERR_TOPIC;
  }
  if (!ok) {
    drop_last(&w->points, n0[0], fr_point);
    drop_last(&w->logs, n0[1], fr_log);
    drop_last(&w->events, n0[2], fr_event);
    drop_last(&w->crashes, n0[3], fr_crash);
    drop_last(&w->reports, n0[4], fr_report);
    stat_add(w, &w->st.dropped, rows);
    return FIN_ERR_OK;
  }
  if (!w->queued) {
    w->first_at = now(w);
    w->oldest_time = m->st.time_ms;
  } else if (m->st.time_ms < w->oldest_time) {
    w->oldest_time = m->st.time_ms;
  }
  pthread_mutex_lock(&w->mu);
  w->queued += rows;
  pthread_mutex_unlock(&w->mu);
  return FIN_ERR_OK;
}

fin_err fin_writer_ingest(fin_writer *w, const char *topic, const void *payload, size_t len, fin_why *why) {
  fin_msg m;
  fin_why y;
  if (!why) why = &y;
  stat_add(w, &w->st.received, 1);
  fin_err e = fin_parse(topic, payload, len, &m, why);
  if (e) {
    pthread_mutex_lock(&w->mu);
    w->st.refused++;
    w->st.refused_by[e < FIN_ERR__COUNT ? e : 0]++;
    pthread_mutex_unlock(&w->mu);
    return e;
  }
  return fin_writer_add(w, &m, payload, len);
}

int fin_writer_due_ms(fin_writer *w) {
  if (!w->queued) return -1;
  if (w->queued >= w->cfg.batch_max) return 0;
  int64_t left = w->first_at + (int64_t)w->cfg.flush_ms - now(w);
  return left < 0 ? 0 : left > 1000000 ? 1000000 : (int)left;
}

/* The devices' updates of a batch: its status and heartbeat reports, and
** for last_seen from every message one time-only report per device (its
** newest record). They go in the order of the device ids (then as they
** came), so two fleetd writing batches about the same devices at once lock
** the rows in one order and never deadlock. */
typedef struct devop { const fst_report *r; size_t idx; } devop;
static int devop_cmp(const void *a, const void *b) {
  const devop *x = a, *y = b;
  int c = strcmp(x->r->id, y->r->id);
  return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}
static void seen_add(fst_report *v, size_t *n, const char *dev, int64_t t) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(v[i].id, dev)) {
      if (t > v[i].time) v[i].time = t;
      return;
    }
  v[(*n)++] = (fst_report){ .id = dev, .time = t, .online = -1, .uptime_ms = -1 };
}
static fst_err device_updates(fin_writer *w) {
  size_t cap = w->points.n + w->logs.n + w->events.n + w->crashes.n, ns = 0;
  fst_report *seen = cap ? malloc(cap * sizeof *seen) : NULL;
  devop *ops = malloc((cap + w->reports.n + 1) * sizeof *ops);
  if ((cap && !seen) || !ops) {
    free(seen);
    free(ops);
    return FST_ERR_NOMEM;
  }
  for (size_t i = 0; i < w->points.n; i++) seen_add(seen, &ns, ((fst_point *)w->points.v)[i].device, ((fst_point *)w->points.v)[i].time);
  for (size_t i = 0; i < w->logs.n; i++) seen_add(seen, &ns, ((fst_log *)w->logs.v)[i].device, ((fst_log *)w->logs.v)[i].time);
  for (size_t i = 0; i < w->events.n; i++) seen_add(seen, &ns, ((fst_event *)w->events.v)[i].device, ((fst_event *)w->events.v)[i].time);
  for (size_t i = 0; i < w->crashes.n; i++) seen_add(seen, &ns, ((fst_crash *)w->crashes.v)[i].device, ((fst_crash *)w->crashes.v)[i].time);
  size_t n = 0;
  for (size_t i = 0; i < w->reports.n; i++, n++) ops[n] = (devop){ &((fst_report *)w->reports.v)[i], n };
  for (size_t i = 0; i < ns; i++, n++) ops[n] = (devop){ &seen[i], n };
  qsort(ops, n, sizeof *ops, devop_cmp);
  fst_err e = FST_ERR_OK;
  for (size_t i = 0; i < n && !e; i++) e = fst_device_report(w->cfg.store, ops[i].r);
  free(ops);
  free(seen);
  return e;
}

fst_err fin_writer_flush(fin_writer *w, bool force) {
  if (!w->queued || (!force && fin_writer_due_ms(w) != 0)) return FST_ERR_OK;
  fst_store *s = w->cfg.store;
  size_t a = 0, b = 0, c = 0, d = 0, total = 0;
  fst_err e = fst_begin(s), b0 = e;
  if (!e) e = fst_telemetry_insert(s, w->points.v, w->points.n, &a);
  if (!e) e = fst_logs_insert(s, w->logs.v, w->logs.n, &b);
  if (!e) e = fst_events_insert(s, w->events.v, w->events.n, &c);
  if (!e) e = fst_crashes_insert(s, w->crashes.v, w->crashes.n, &d);
  if (!e) e = device_updates(w);
  if (!e) e = fst_commit(s);
  else if (!b0) fst_rollback(s);   /* ours only */
  size_t rows = w->points.n + w->logs.n + w->events.n + w->crashes.n;
  total = a + b + c + d;
  pthread_mutex_lock(&w->mu);
  if (e) {
    w->st.batch_errors++;
    if (e == FST_ERR_INVALID && ++w->invalid_runs >= 3) {
      w->st.dropped += w->queued;
      clear(w);
      w->invalid_runs = 0;
    } else {
      w->first_at = now(w);   /* the next try after flush_ms */
    }
  } else {
    w->invalid_runs = 0;
    w->st.batches++;
    w->st.rows_written += total;
    w->st.duplicates += rows - total;
    w->st.device_reports += w->reports.n;
    int64_t lag = fst_now_ms() - w->oldest_time;
    w->st.lag_ms = lag < 0 ? 0 : lag;
    clear(w);
  }
  pthread_mutex_unlock(&w->mu);
  return e;
}
