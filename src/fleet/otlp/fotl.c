/*
** fotl.c -- OTLP/HTTP JSON export (fleet_otlp.h): a bounded queue of log
** lines and one worker thread that batches them, exports the metrics of
** fleet_metrics.def on a period, and retries with backoff.
*/
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fleet_metrics.h"
#include "fleet_otlp.h"

typedef struct line {
  int64_t t_ms, seq, at;      /* device time, device seq, when queued (monotonic ms) */
  int sev;
  char *device, *boot, *text;
} line;

struct fotl {
  fotl_cfg c;
  char *url_logs, *url_metrics, *ca, *service, *instance;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  line *q;
  size_t head, n;
  bool stopping;
  int64_t stop_at;            /* monotonic ms: fotl_stop's deadline */
  int64_t start_ns;           /* wall clock at start: the counters' startTimeUnixNano */
  fotl_stats st;
  CURL *curl;
  unsigned rnd;
};

static int64_t mono_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t wall_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static json_t *nanos(int64_t ns) {
  char b[24];
  snprintf(b, sizeof b, "%lld", (long long)ns);
  return json_string(b);
}

static json_t *u64s(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "%llu", (unsigned long long)v);
  return json_string(b);
}

static json_t *attr_s(const char *k, const char *v) {
  return json_pack("{s:s, s:{s:s}}", "key", k, "value", "stringValue", v ? v : "");
}

static json_t *resource(fotl *o) {
  return json_pack("{s:[o, o]}", "attributes", attr_s("service.name", o->service),
                   attr_s("service.instance.id", o->instance));
}

static void line_free(line *l) {
  free(l->device);
  free(l->boot);
  free(l->text);
}

static const char *sev_text(int s) {
  return s >= FOTL_ERROR ? "ERROR" : s >= FOTL_WARN ? "WARN" : s >= FOTL_INFO ? "INFO" : "DEBUG";
}

/* ExportLogsServiceRequest for lines b[0..n). */
static char *logs_body(fotl *o, const line *b, size_t n) {
  json_t *recs = json_array();
  int64_t now = wall_ns();
  for (size_t i = 0; i < n; i++) {
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", (long long)b[i].seq);
    json_array_append_new(
        recs, json_pack("{s:o, s:o, s:i, s:s, s:{s:s}, s:[o, o, {s:s, s:{s:s}}]}", "timeUnixNano",
                        nanos(b[i].t_ms * 1000000), "observedTimeUnixNano", nanos(now), "severityNumber", b[i].sev,
                        "severityText", sev_text(b[i].sev), "body", "stringValue", b[i].text, "attributes",
                        attr_s("device.id", b[i].device), attr_s("device.boot_id", b[i].boot), "key", "log.seq",
                        "value", "intValue", seq));
  }
  json_t *root = json_pack("{s:[{s:o, s:[{s:{s:s}, s:o}]}]}", "resourceLogs", "resource", resource(o), "scopeLogs",
                           "scope", "name", "cockpit.fleetd.devices", "logRecords", recs);
  char *s = root ? json_dumps(root, JSON_COMPACT) : NULL;
  json_decref(root);
  return s;
}

/* ExportMetricsServiceRequest with every metric of fleet_metrics.def. */
static char *metrics_body(fotl *o) {
  json_t *ms = json_array();
  int64_t now = wall_ns();
  for (int m = 0; m < FMET__COUNT; m++) {
    fmet_value v;
    fmet_read((fmet_id)m, &v);
    json_t *j = json_pack("{s:s, s:s}", "name", fmet_name((fmet_id)m), "description", fmet_help((fmet_id)m));
    if (v.type == FMET_COUNTER) {
      json_object_set_new(j, "unit", json_string("1"));
      json_object_set_new(j, "sum", json_pack("{s:i, s:b, s:[{s:o, s:o, s:o}]}", "aggregationTemporality", 2,
                                              "isMonotonic", 1, "dataPoints", "startTimeUnixNano", nanos(o->start_ns),
                                              "timeUnixNano", nanos(now), "asInt", u64s(v.count)));
    } else if (v.type == FMET_GAUGE) {
      json_object_set_new(j, "unit", json_string("s"));
      json_object_set_new(j, "gauge", json_pack("{s:[{s:o, s:f}]}", "dataPoints", "timeUnixNano", nanos(now),
                                                "asDouble", v.value));
    } else {
      json_t *bc = json_array(), *eb = json_array();
      for (int i = 0; i <= FMET_NBUCKETS; i++) json_array_append_new(bc, u64s(v.buckets[i]));
      for (int i = 0; i < FMET_NBUCKETS; i++) json_array_append_new(eb, json_real(fmet_bounds[i]));
      json_object_set_new(j, "unit", json_string("s"));
      json_object_set_new(j, "histogram",
                          json_pack("{s:i, s:[{s:o, s:o, s:o, s:f, s:o, s:o}]}", "aggregationTemporality", 2,
                                    "dataPoints", "startTimeUnixNano", nanos(o->start_ns), "timeUnixNano", nanos(now),
                                    "count", u64s(v.count), "sum", v.sum, "bucketCounts", bc, "explicitBounds", eb));
    }
    json_array_append_new(ms, j);
  }
  json_t *root = json_pack("{s:[{s:o, s:[{s:{s:s}, s:o}]}]}", "resourceMetrics", "resource", resource(o),
                           "scopeMetrics", "scope", "name", "cockpit.fleetd", "metrics", ms);
  char *s = root ? json_dumps(root, JSON_COMPACT) : NULL;
  json_decref(root);
  return s;
}

static size_t sink(char *p, size_t sz, size_t n, void *u) {
  (void)p;
  (void)u;
  return sz * n;
}

typedef enum { SENT, RETRY, REFUSED } outcome;

/* One POST; *retry_ms gets the collector's Retry-After, if any. */
static outcome post(fotl *o, const char *url, const char *body, long *retry_ms) {
  CURL *c = o->curl;
  curl_easy_reset(c);
  struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)o->c.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)o->c.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (o->ca) curl_easy_setopt(c, CURLOPT_CAINFO, o->ca);
  CURLcode rc = curl_easy_perform(c);
  long st = 0;
  curl_off_t ra = 0;
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra);
  }
  curl_slist_free_all(h);
  pthread_mutex_lock(&o->mu);
  o->st.requests++;
  o->st.last_status = (int)st;
  pthread_mutex_unlock(&o->mu);
  *retry_ms = ra > 0 ? (long)(ra > 3600 ? 3600000 : ra * 1000) : 0;
  if (rc != CURLE_OK) return RETRY;   /* not reached: the collector may come back */
  if (st >= 200 && st < 300) return SENT;
  if (st == 429 || st == 502 || st == 503 || st == 504) return RETRY;
  return REFUSED;
}

/* Wait up to ms, or until stopping; true if the stop deadline passed. Called locked. */
static bool nap_locked(fotl *o, int64_t ms) {
  int64_t until = mono_ms() + ms;
  if (o->stopping && until > o->stop_at) until = o->stop_at;
  while (mono_ms() < until) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t left = until - mono_ms();
    ts.tv_sec += left / 1000;
    ts.tv_nsec += (left % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
    bool was = o->stopping;
    pthread_cond_timedwait(&o->cv, &o->mu, &ts);
    if (o->stopping && !was && until > o->stop_at) until = o->stop_at;
  }
  return o->stopping && mono_ms() >= o->stop_at;
}

/* Send body to url until it is taken, refused, or the stop deadline passes. */
static outcome deliver(fotl *o, const char *url, const char *body) {
  int64_t wait = 250;
  for (;;) {
    long ra;
    outcome r = post(o, url, body, &ra);
    if (r != RETRY) return r;
    pthread_mutex_lock(&o->mu);
    o->st.retries++;
    int64_t w = ra ? ra : wait / 2 + (int64_t)(rand_r(&o->rnd) % (unsigned)(wait / 2 + 1));
    if (w > o->c.backoff_max_ms) w = o->c.backoff_max_ms;
    bool late = nap_locked(o, w);
    pthread_mutex_unlock(&o->mu);
    if (late) return RETRY;
    wait = wait * 2 > o->c.backoff_max_ms ? o->c.backoff_max_ms : wait * 2;
  }
}

static void *worker(void *arg) {
  fotl *o = arg;
  int64_t next_metrics = o->c.metrics_ms > 0 ? mono_ms() + o->c.metrics_ms : INT64_MAX;
  line *b = calloc((size_t)o->c.batch_max, sizeof *b);
  pthread_mutex_lock(&o->mu);
  while (b) {
    /* wait for a full batch, an old enough partial one, the metrics, or stop */
    for (;;) {
      int64_t now = mono_ms();
      if (o->stopping || o->n >= (size_t)o->c.batch_max || now >= next_metrics) break;
      if (o->n && now >= o->q[o->head].at + o->c.flush_ms) break;
      int64_t until = o->n ? o->q[o->head].at + o->c.flush_ms : next_metrics;
      if (until - now > 1000) until = now + 1000;
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      int64_t left = until - now;
      ts.tv_sec += left / 1000;
      ts.tv_nsec += (left % 1000) * 1000000;
      if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
      pthread_cond_timedwait(&o->cv, &o->mu, &ts);
    }
    bool late = o->stopping && mono_ms() >= o->stop_at;
    if (o->stopping && (o->n == 0 || late)) break;
    size_t k = 0;
    while (o->n && k < (size_t)o->c.batch_max) {
      b[k++] = o->q[o->head];
      o->head = (o->head + 1) % o->c.queue_max;
      o->n--;
    }
    bool do_metrics = mono_ms() >= next_metrics;
    pthread_mutex_unlock(&o->mu);
    if (k) {
      char *body = logs_body(o, b, k);
      outcome r = body ? deliver(o, o->url_logs, body) : REFUSED;
      free(body);
      pthread_mutex_lock(&o->mu);
      if (r == SENT) {
        o->st.sent += k;
        fmet_add(FMET_OTLP_SENT, k);
      } else if (r == REFUSED) {
        o->st.failed += k;
        fmet_add(FMET_OTLP_FAILED, k);
      } else {
        o->st.dropped += k;
        fmet_add(FMET_OTLP_DROPPED, k);
      }
      pthread_mutex_unlock(&o->mu);
      for (size_t i = 0; i < k; i++) line_free(&b[i]);
    }
    if (do_metrics) {
      next_metrics = mono_ms() + o->c.metrics_ms;
      char *body = metrics_body(o);
      long ra;
      outcome r = body ? post(o, o->url_metrics, body, &ra) : REFUSED;   /* cumulative: the next one catches up */
      free(body);
      pthread_mutex_lock(&o->mu);
      if (r == SENT) o->st.metric_exports++;
      pthread_mutex_unlock(&o->mu);
    }
    pthread_mutex_lock(&o->mu);
  }
  /* the last counts go out with the last lines, if the deadline allows */
  if (o->c.metrics_ms > 0 && mono_ms() < o->stop_at) {
    pthread_mutex_unlock(&o->mu);
    char *body = metrics_body(o);
    long ra;
    outcome r = body ? post(o, o->url_metrics, body, &ra) : REFUSED;
    free(body);
    pthread_mutex_lock(&o->mu);
    if (r == SENT) o->st.metric_exports++;
  }
  /* what is left at the deadline is dropped, and counted */
  while (o->n) {
    line_free(&o->q[o->head]);
    o->head = (o->head + 1) % o->c.queue_max;
    o->n--;
    o->st.dropped++;
    fmet_add(FMET_OTLP_DROPPED, 1);
  }
  pthread_mutex_unlock(&o->mu);
  free(b);
  return NULL;
}

static char *dup_or(const char *s, const char *d) { return strdup(s && *s ? s : d); }

fotl *fotl_start(const fotl_cfg *cfg, char *err, size_t errlen) {
  const char *u = cfg->url ? cfg->url : "";
  if (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) {
    snprintf(err, errlen, "--otlp '%s': expected http://HOST:PORT or https://HOST:PORT", u);
    return NULL;
  }
  fotl *o = calloc(1, sizeof *o);
  if (!o) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  o->c = *cfg;
  if (!o->c.queue_max) o->c.queue_max = 10000;
  if (o->c.batch_max <= 0) o->c.batch_max = 512;
  if (o->c.flush_ms <= 0) o->c.flush_ms = 1000;
  if (o->c.metrics_ms < 0) o->c.metrics_ms = 0;
  else if (!cfg->metrics_ms) o->c.metrics_ms = 10000;
  if (o->c.backoff_max_ms <= 0) o->c.backoff_max_ms = 30000;
  if (o->c.stop_ms <= 0) o->c.stop_ms = 5000;
  if (o->c.timeout_ms <= 0) o->c.timeout_ms = 10000;
  size_t ul = strlen(u);
  while (ul && u[ul - 1] == '/') ul--;
  o->url_logs = malloc(ul + 16);
  o->url_metrics = malloc(ul + 16);
  char host[256] = "fleetd", inst[300];
  gethostname(host, sizeof host - 1);
  snprintf(inst, sizeof inst, "%s:%d", host, (int)getpid());
  o->service = dup_or(cfg->service, "cockpit-fleetd");
  o->instance = dup_or(cfg->instance, inst);
  o->ca = cfg->ca ? strdup(cfg->ca) : NULL;
  o->q = calloc(o->c.queue_max, sizeof *o->q);
  o->curl = curl_easy_init();
  o->rnd = (unsigned)getpid() ^ (unsigned)mono_ms();
  o->start_ns = wall_ns();
  if (!o->url_logs || !o->url_metrics || !o->service || !o->instance || (cfg->ca && !o->ca) || !o->q || !o->curl) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  snprintf(o->url_logs, ul + 16, "%.*s/v1/logs", (int)ul, u);
  snprintf(o->url_metrics, ul + 16, "%.*s/v1/metrics", (int)ul, u);
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->cv, NULL);
  if (pthread_create(&o->th, NULL, worker, o)) {
    snprintf(err, errlen, "cannot start the export thread");
    pthread_mutex_destroy(&o->mu);
    pthread_cond_destroy(&o->cv);
    goto fail;
  }
  return o;
fail:
  if (o->curl) curl_easy_cleanup(o->curl);
  free(o->q), free(o->url_logs), free(o->url_metrics), free(o->service), free(o->instance), free(o->ca);
  free(o);
  return NULL;
}

bool fotl_log(fotl *o, int64_t time_ms, fotl_severity sev, const char *device, const char *boot_id, int64_t seq,
              const char *text) {
  if (!o) return false;
  line l = { time_ms, seq, mono_ms(), (int)sev, strdup(device ? device : ""), strdup(boot_id ? boot_id : ""),
             strdup(text ? text : "") };
  pthread_mutex_lock(&o->mu);
  bool ok = !o->stopping && o->n < o->c.queue_max && l.device && l.boot && l.text;
  if (ok) {
    o->q[(o->head + o->n) % o->c.queue_max] = l;
    o->n++;
    o->st.queued++;
    if (o->n >= (size_t)o->c.batch_max) pthread_cond_signal(&o->cv);
  } else {
    o->st.dropped++;
  }
  pthread_mutex_unlock(&o->mu);
  if (!ok) {
    line_free(&l);
    fmet_add(FMET_OTLP_DROPPED, 1);
  }
  return ok;
}

void fotl_get_stats(fotl *o, fotl_stats *st) {
  memset(st, 0, sizeof *st);
  if (!o) return;
  pthread_mutex_lock(&o->mu);
  *st = o->st;
  pthread_mutex_unlock(&o->mu);
}

void fotl_stop(fotl *o, fotl_stats *last) {
  if (last) memset(last, 0, sizeof *last);
  if (!o) return;
  pthread_mutex_lock(&o->mu);
  o->stopping = true;
  o->stop_at = mono_ms() + o->c.stop_ms;
  pthread_cond_broadcast(&o->cv);
  pthread_mutex_unlock(&o->mu);
  pthread_join(o->th, NULL);
  if (last) *last = o->st;
  pthread_mutex_destroy(&o->mu);
  pthread_cond_destroy(&o->cv);
  curl_easy_cleanup(o->curl);
  free(o->q), free(o->url_logs), free(o->url_metrics), free(o->service), free(o->instance), free(o->ca);
  free(o);
}
