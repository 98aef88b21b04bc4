/*
** fin_client.c -- fleetd's MQTT client: one thread that drives the
** connection (src/copilot's copl_mqtt over libmosquitto: mqtts:// with
** mutual TLS, MQTT 5, reconnects with exponential backoff and jitter,
** subscriptions renewed on every connection) and the batching writer.
**
** Subscriptions: one per device->backend topic of the protocol (fin_filter
** of every FIN_KINDS row), as MQTT 5 shared subscriptions
** `$share/GROUP/fleet/devices/+/...`, so several fleetd split the ingest
** between them; the backend's own jobs/notify and cmd never come back.
**
** Locking: copl_mqtt is not thread-safe, so one recursive mutex covers it.
** The thread holds it while it polls (10 ms slices, and it steps aside when
** a publisher waits); fin_publish takes it from any thread, the callbacks
** (on the thread, lock held) may publish too.
**
** What is acknowledged is not yet written: libmosquitto (2.0) sends PUBACK
** as a message arrives, before its batch commits, and has no manual
** acknowledgement. So every accepted message is also appended to the
** journal (cfg.journal, one write(2): it outlives a SIGKILL of the
** process, it lives in the page cache), which is emptied once a batch
** commits with nothing left queued; a fleetd started again on its data
** dir replays it first. What a SIGKILL can still lose is the message
** between its PUBACK and its journal write (microseconds, not a batch).
** A stop (SIGTERM, fin_client_stop) writes the last batch first.
**
** Journal records: u32 topic length, u32 payload length (little endian),
** the topic, the payload. A torn last record (killed inside the write) is
** ignored.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "copl.h"
#include "fleet_ingest.h"

struct fin_client {
  fin_client_cfg cfg;
  copl_mqtt *m;
  fin_writer *w;
  pthread_mutex_t mu;          /* recursive: m */
  pthread_t th;
  atomic_bool stop;
  atomic_int waiting;          /* publishers waiting for mu */
  atomic_bool connected;
  atomic_ulong published, acked, refused_pubs;   /* refused: a PUBACK reason >= 0x80 */
  uint64_t refusals;           /* on the thread only */
  int jfd;                     /* the journal, -1: none */
  uint64_t jbytes;             /* in it now */
  char err[512];
};

/* ---- the journal --------------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void journal_add(fin_client *c, const char *topic, const void *payload, size_t len) {
  if (c->jfd < 0) return;
  size_t tl = strlen(topic), n = 8 + tl + len;
  unsigned char stack[2048], *b = n <= sizeof stack ? stack : malloc(n);
  if (!b) return;
  put32(b, (uint32_t)tl);
  put32(b + 4, (uint32_t)len);
  memcpy(b + 8, topic, tl);
  if (len) memcpy(b + 8 + tl, payload, len);
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(c->jfd, b + off, n - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  c->jbytes += off;
  if (b != stack) free(b);
}

/* Empty the journal once everything in it is committed. */
static void journal_done(fin_client *c) {
  if (c->jfd < 0 || !c->jbytes) return;
  fin_stats st;
  fin_writer_stats(c->w, &st);
  if (st.queued) return;
  if (ftruncate(c->jfd, 0) == 0) c->jbytes = 0;
}

/* What a killed fleetd acknowledged but never committed, into the store
** now. Its count in *n; false when the store refused the batch (the
** journal stays for the next start). */
static bool journal_replay(fin_client *c, uint64_t *n) {
  *n = 0;
  off_t size = lseek(c->jfd, 0, SEEK_END);
  if (size <= 0) return true;
  unsigned char *b = malloc((size_t)size);
  if (!b) return false;
  ssize_t got = pread(c->jfd, b, (size_t)size, 0);
  size_t off = 0, end = got > 0 ? (size_t)got : 0;
  while (end - off >= 8) {
    uint32_t tl = get32(b + off), pl = get32(b + off + 4);
    if (tl == 0 || tl > 1024 || (uint64_t)tl + pl > end - off - 8) break;   /* torn */
    char topic[1025];
    memcpy(topic, b + off + 8, tl);
    topic[tl] = 0;
    fin_why why;
    if (fin_writer_ingest(c->w, topic, b + off + 8 + tl, pl, &why) == FIN_ERR_OK) (*n)++;
    off += 8 + (size_t)tl + pl;
    if (fin_writer_due_ms(c->w) == 0 && fin_writer_flush(c->w, false) != FST_ERR_OK) break;
  }
  free(b);
  if (fin_writer_flush(c->w, true) != FST_ERR_OK) return false;
  c->jbytes = (uint64_t)size;
  journal_done(c);
  return true;
}

static void on_state(void *user, copl_mqtt_state s, copl_err why, const char *detail) {
  fin_client *c = user;
  atomic_store(&c->connected, s == COPL_MQTT_CONNECTED);
  if (why != COPL_OK && detail) snprintf(c->err, sizeof c->err, "%s", detail);
  if (c->cfg.on_state) c->cfg.on_state(c->cfg.user, copl_mqtt_state_name(s), why == COPL_OK ? "" : detail);
}

static void on_message(void *user, const copl_msg *msg) {
  fin_client *c = user;
  fin_why why;
  fin_err e = fin_writer_ingest(c->w, msg->topic, msg->payload, msg->len, &why);
  if (e == FIN_ERR_OK) journal_add(c, msg->topic, msg->payload, msg->len);
  /* every refusal is counted; the first 100 are told, then every 1000th,
  ** so a device sending garbage cannot flood the log */
  uint64_t k = e ? ++c->refusals : 0;
  if (e && c->cfg.on_state && (k <= 100 || k % 1000 == 0)) {
    char d[320];
    snprintf(d, sizeof d, "%.200s: refused %s (%s) at byte %u%s", msg->topic, fin_err_name(e),
             e == FIN_ERR_JSON ? why.json_reason : why.field ? why.field : "-", why.pos,
             k == 100 ? "; from now on only every 1000th refusal is logged" : "");
    c->cfg.on_state(c->cfg.user, "refused", d);
  }
}

static void on_published(void *user, int mid, int reason) {
  (void)mid;
  fin_client *c = user;
  atomic_fetch_add(&c->acked, 1);
  if (reason >= 0x80) atomic_fetch_add(&c->refused_pubs, 1);   /* the broker's ACL said no */
}

static void lock(fin_client *c) { pthread_mutex_lock(&c->mu); }
static void unlock(fin_client *c) { pthread_mutex_unlock(&c->mu); }

static void *run(void *arg) {
  fin_client *c = arg;
  while (!atomic_load(&c->stop)) {
    int t = fin_writer_due_ms(c->w);
    if (t < 0 || t > 10) t = 10;
    lock(c);
    copl_err e = copl_mqtt_poll(c->m, t);
    if (e != COPL_OK) snprintf(c->err, sizeof c->err, "%s", copl_mqtt_errmsg(c->m));
    unlock(c);
    if (fin_writer_due_ms(c->w) == 0 && fin_writer_flush(c->w, false) == FST_ERR_OK)   /* only this thread writes */
      journal_done(c);
    while (atomic_load(&c->waiting) > 0) sched_yield();
  }
  lock(c);
  copl_mqtt_stop(c->m);
  unlock(c);
  if (fin_writer_flush(c->w, true) == FST_ERR_OK) journal_done(c);
  return NULL;
}

fin_client *fin_client_start(const fin_client_cfg *cfg, fin_client_err *err, char *why, size_t whycap) {
  fin_client_err dummy;
  if (!err) err = &dummy;
  *err = FIN_CLIENT_ARG;
  if (why && whycap) why[0] = 0;
  if (!cfg->client_id || !cfg->client_id[0]) {
    if (why) snprintf(why, whycap, "no MQTT client id");
    return NULL;
  }
  if (!cfg->writer.store) {
    if (why) snprintf(why, whycap, "no store for the ingest");
    return NULL;
  }
  fin_client *c = calloc(1, sizeof *c);
  if (!c) {
    *err = FIN_CLIENT_MQTT;
    if (why) snprintf(why, whycap, "out of memory");
    return NULL;
  }
  c->cfg = *cfg;
  c->jfd = -1;
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&c->mu, &a);
  pthread_mutexattr_destroy(&a);
  const char *group = cfg->share_group ? cfg->share_group : "fleetd";
  char prefix[128] = "";
  if (group[0]) snprintf(prefix, sizeof prefix, "$share/%s/", group);
  c->w = fin_writer_new(&cfg->writer);
  copl_mqtt_cfg mc = {
    .url = cfg->url, .client_id = cfg->client_id, .ca_file = cfg->ca_file, .cert_file = cfg->cert_file,
    .key_file = cfg->key_file, .keepalive_s = 30,
    /* plain subscriptions (one fleetd): the broker keeps the session and
    ** the QoS 1 messages for it for an hour while this fleetd is away.
    ** Shared ones: the session ends with the connection. mosquitto counts
    ** a kept session of an absent member in the group and queues its share
    ** of the devices' messages there, so a fleetd that died would take
    ** half the telemetry and job updates with it (fleet.scale.pg); without
    ** a session the group is the fleetd connected now. */
    .keep_session = !group[0], .session_expiry_s = group[0] ? 0 : 3600,
    /* the backend is one client: back within 5 s of the broker, whatever
    ** the devices' longer schedule */
    .backoff_max_ms = 5000,
    .on_state = on_state, .on_message = on_message, .on_published = on_published, .user = c,
  };
  if (c->w && cfg->journal) {
    c->jfd = open(cfg->journal, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    uint64_t n = 0;
    if (c->jfd < 0 || !journal_replay(c, &n)) {
      if (why) snprintf(why, whycap, "journal %s: %s", cfg->journal, c->jfd < 0 ? "cannot open" : "the store refused its replay");
      if (c->jfd >= 0) close(c->jfd);
      fin_writer_free(c->w);
      pthread_mutex_destroy(&c->mu);
      free(c);
      return NULL;
    }
    if (n && cfg->on_state) {
      char d[128];
      snprintf(d, sizeof d, "%llu messages acknowledged before a stop, stored now", (unsigned long long)n);
      cfg->on_state(cfg->user, "journal replayed", d);
    }
  }
  copl_err ce;
  char w[512];
  if (c->w) c->m = copl_mqtt_new(&mc, &ce, w, sizeof w);
  if (!c->w || !c->m) {
    if (why) snprintf(why, whycap, "%s", c->w ? w : "out of memory");
    fin_writer_free(c->w);
    if (c->jfd >= 0) close(c->jfd);
    pthread_mutex_destroy(&c->mu);
    free(c);
    return NULL;
  }
  for (int k = 0; k < FIN_K__COUNT; k++) {
    char f[256];
    if (!fin_filter((fin_kind)k, prefix, f, sizeof f) || copl_mqtt_subscribe(c->m, f, 1) != COPL_OK) {
      if (why) snprintf(why, whycap, "cannot subscribe to %s: %s", f, copl_mqtt_errmsg(c->m));
      goto fail;
    }
  }
  if (copl_mqtt_start(c->m) != COPL_OK) {
    if (why) snprintf(why, whycap, "%s", copl_mqtt_errmsg(c->m));
    goto fail;
  }
  if (pthread_create(&c->th, NULL, run, c)) {
    *err = FIN_CLIENT_THREAD;
    if (why) snprintf(why, whycap, "cannot start the MQTT thread");
    goto fail;
  }
  *err = FIN_CLIENT_OK;
  return c;
fail:
  copl_mqtt_free(c->m);
  fin_writer_free(c->w);
  if (c->jfd >= 0) close(c->jfd);
  pthread_mutex_destroy(&c->mu);
  free(c);
  return NULL;
}

void fin_client_stop(fin_client *c) {
  if (!c) return;
  atomic_store(&c->stop, true);
  pthread_join(c->th, NULL);
  copl_mqtt_free(c->m);
  fin_writer_free(c->w);
  if (c->jfd >= 0) close(c->jfd);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

fin_client_err fin_publish(fin_client *c, const char *topic, const void *payload, size_t len, bool retain,
                           uint32_t expiry_s) {
  if (!topic || !topic[0] || strpbrk(topic, "+#")) return FIN_CLIENT_ARG;   /* a topic, not a filter */
  atomic_fetch_add(&c->waiting, 1);
  lock(c);
  atomic_fetch_sub(&c->waiting, 1);
  copl_err e = copl_mqtt_publish(c->m, topic, payload, len, 1, retain, expiry_s, NULL);
  if (e == COPL_OK) atomic_fetch_add(&c->published, 1);
  if (e != COPL_OK && e != COPL_ENOCONN) snprintf(c->err, sizeof c->err, "%s", copl_mqtt_errmsg(c->m));
  unlock(c);
  return e == COPL_OK ? FIN_CLIENT_OK : e == COPL_ENOCONN ? FIN_CLIENT_NOCONN : e == COPL_EARG ? FIN_CLIENT_ARG
                                                                                               : FIN_CLIENT_MQTT;
}

bool fin_client_connected(fin_client *c) { return atomic_load(&c->connected); }
void fin_client_stats(fin_client *c, fin_stats *st) {
  fin_writer_stats(c->w, st);
  st->published = atomic_load(&c->published);
  st->acked = atomic_load(&c->acked);
}
const char *fin_client_errmsg(fin_client *c) { return c->err; }
