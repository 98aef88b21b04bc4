/*
** fapi_handlers.c -- the handlers of fleet_routes.def.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cockpitc.h"
#include "cvm1.h"
#include <time.h>

#include "fapi_int.h"
#include "fleet_metrics.h"
#include "fleet_rollout.h"

#define LIST_DEFAULT 100

/* A number, or null when not finite (JSON has no NaN or infinity). */
static json_t *jnum(double v) {
  json_t *r = json_real(v);
  return r ? r : json_null();
}
#define LIST_MAX 1000

/* ---- health ------------------------------------------------------------ */

void fapi_h_health(fapi_ctx *c) {
  int v = fst_schema_version(c->s);
  if (v < 0) {
    fapi_fail(c, FAPI_ERR_UNAVAILABLE, "store: %s", fst_errmsg(c->s));
    return;
  }
  fapi_json(c, 200, json_pack("{s:s, s:s, s:i}", "status", "ok", "store", fst_backend(c->s), "schema", v));
}

/* ---- builds ------------------------------------------------------------ */

/* name.c: letters, digits, '.', '_', '-'; not starting with '.'. */
static bool good_filename(const char *f) {
  size_t n = strlen(f);
  if (n < 3 || n > 128 || f[0] == '.' || strcmp(f + n - 2, ".c")) return false;
  for (size_t i = 0; i < n; i++) {
    char ch = f[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
          ch == '_' || ch == '-'))
      return false;
  }
  return !strstr(f, "..");
}

/* The compiler's GCC-form diagnostics -> [{file, line, column, severity,
** message}]. Lines that are not "FILE:L:C: sev: msg" or "FILE: sev: msg"
** (source excerpts, carets) are skipped. */
static json_t *diagnostics(const char *file, const char *text) {
  json_t *arr = json_array();
  size_t fl = strlen(file);
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), p);
    p = nl ? nl + 1 : NULL;
    if (strncmp(line, file, fl) || line[fl] != ':') continue;
    char *q = line + fl + 1;
    long ln = 0, col = 0;
    char *end;
    if (*q >= '0' && *q <= '9') {
      ln = strtol(q, &end, 10);
      if (*end != ':') continue;
      col = strtol(end + 1, &end, 10);
      if (*end != ':') continue;
      q = end + 1;
    }
    while (*q == ' ') q++;
    char *colon = strstr(q, ": ");
    if (!colon) continue;
    *colon = 0;
    const char *sev = q;
    if (!strcmp(sev, "fatal error")) sev = "error";
    if (strcmp(sev, "error") && strcmp(sev, "warning") && strcmp(sev, "note")) continue;
    json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:s, s:s}", "file", file, "line", (int)ln, "column",
                                         (int)col, "severity", sev, "message", colon + 2));
  }
  return arr;
}

static void sha_hex(const uint8_t *p, size_t n, char out[65]) {
  uint8_t d[32];
  cvm1_sha256(p, n, d);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static json_t *artifact_json(const fst_artifact *a) {
  return json_pack("{s:s, s:I, s:s, s:I, s:s, s:I, s:s?}", "sha256", a->sha256, "size", (json_int_t)a->size, "version",
                   a->version, "counter", (json_int_t)a->counter, "filename", a->filename, "created",
                   (json_int_t)a->created, "image_sha256", a->image_sha256[0] ? a->image_sha256 : NULL);
}

static void build(fapi_ctx *c);

/* POST /builds, timed and counted (fleet_metrics.def). */
void fapi_h_build(fapi_ctx *c) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  build(c);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fmet_observe(FMET_BUILD_SECONDS, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  fmet_add(c->rs->status == 201 ? FMET_BUILDS_OK : FMET_BUILDS_FAILED, 1);
}

static void build(fapi_ctx *c) {
  static const fapi_field f[] = {
    { "source", JSON_STRING, true }, { "filename", JSON_STRING, true }, { "version", JSON_STRING, false } };
  json_t *o;
  if (!fapi_body(c, f, 3, &o)) return;
  const char *src = json_string_value(json_object_get(o, "source"));
  size_t srclen = json_string_length(json_object_get(o, "source"));
  const char *file = json_string_value(json_object_get(o, "filename"));
  json_t *jv = json_object_get(o, "version");
  const char *ver = jv ? json_string_value(jv) : "0.0.0";
  cvm1_meta meta;
  cvm1_meta_init(&meta);
  if (!good_filename(file)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "filename must be NAME.c (letters, digits, '.', '_', '-'; no path)");
    goto out;
  }
  if (strlen(ver) > 20 || cvm1_parse_version(ver, meta.version) != CVM1_ERR_OK) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "version must be X.Y.Z (each 0..65535)");
    goto out;
  }
  if (memchr(src, 0, srclen)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "source contains a NUL character");
    goto out;
  }
  char *diag = NULL;
  size_t dlen = 0;
  FILE *df = open_memstream(&diag, &dlen);
  if (!df) {
    fapi_fail(c, FAPI_ERR_INTERNAL, "out of memory");
    goto out;
  }
  int nerr = 0;
  cc_program *p = cc_compile(file, src, srclen, NULL, df, &nerr);
  fclose(df);
  json_t *diags = diagnostics(file, diag ? diag : "");
  free(diag);
  if (!p) {
    snprintf(c->detail, sizeof c->detail, "%s: %d error%s", file, nerr, nerr == 1 ? "" : "s");
    fapi_json(c, 422, json_pack("{s:s, s:s, s:o}", "error", fapi_err_code(FAPI_ERR_UNPROCESSABLE), "detail",
                                "the program does not compile", "diagnostics", diags));
    goto out;
  }
  int64_t counter;
  fst_err se = fst_counter_next(c->s, &counter);
  if (se) {
    cc_free(p);
    json_decref(diags);
    fapi_store_fail(c, se);
    goto out;
  }
  meta.security_counter = (uint32_t)counter;
  cvm1_sha256(src, srclen, meta.source_digest);
  uint8_t *art = NULL;
  size_t alen = 0;
  cvm1_err ce = cvm1_build(cc_image(p), &meta, c->a->key_path, &art, &alen);
  cc_free(p);
  if (ce) {
    json_decref(diags);
    fapi_fail(c, FAPI_ERR_INTERNAL, "packaging or signing failed: %s", cvm1_err_str(ce));
    goto out;
  }
  fst_artifact a = { .size = (int64_t)alen, .counter = counter, .created = fst_now_ms() };
  sha_hex(art, alen, a.sha256);
  snprintf(a.version, sizeof a.version, "%u.%u.%u", meta.version[0], meta.version[1], meta.version[2]);
  snprintf(a.filename, sizeof a.filename, "%s", file);
  /* the CVM1 digest: what a device reports running once it installed this */
  cvm1_info ci;
  if (cvm1_open(art, alen, NULL, &ci) == CVM1_ERR_OK && ci.digest)
    for (int i = 0; i < 32; i++) snprintf(a.image_sha256 + 2 * i, 3, "%02x", ci.digest[i]);
  se = fst_artifact_put(c->s, &a, art, alen);
  free(art);
  if (se) {
    json_decref(diags);
    fapi_store_fail(c, se);
    goto out;
  }
  snprintf(c->detail, sizeof c->detail, "artifact %s counter %lld", a.sha256, (long long)counter);
  json_t *r = artifact_json(&a);
  json_object_set_new(r, "diagnostics", diags);
  fapi_json(c, 201, r);
out:
  json_decref(o);
}

/* ---- restamp: a program run before, with a fresh counter --------------- */

/* For a rollback: the artifact `sha` again under the next security counter,
** signed with the fleet key and stored (same version and filename). A
** device's floor is the counter of the last program it confirmed, so the
** program it ran before, with its old counter, would be refused. */
int fapi_restamp(const fapi *a, fst_store *s, const char *sha, char out[65]) {
  fst_artifact old;
  fst_err se = fst_artifact_get(s, sha, &old);
  if (se == FST_ERR_NOTFOUND) return 1;
  if (se || !a->key_path[0]) return -1;
  uint8_t *buf = NULL, *art = NULL;
  size_t len = 0, alen = 0;
  int64_t counter;
  if (fst_artifact_content(s, sha, &buf, &len)) return -1;
  if ((se = fst_counter_next(s, &counter)) || counter > UINT32_MAX ||
      cvm1_restamp(buf, len, (uint32_t)counter, a->key_path, &art, &alen)) {
    free(buf);
    return -1;
  }
  free(buf);
  fst_artifact na = old;
  na.size = (int64_t)alen;
  na.counter = counter;
  na.created = fst_now_ms();
  sha_hex(art, alen, na.sha256);
  na.image_sha256[0] = 0;
  cvm1_info ci;
  if (cvm1_open(art, alen, NULL, &ci) == CVM1_ERR_OK && ci.digest)
    for (int i = 0; i < 32; i++) snprintf(na.image_sha256 + 2 * i, 3, "%02x", ci.digest[i]);
  se = fst_artifact_put(s, &na, art, alen);
  free(art);
  if (se && se != FST_ERR_CONFLICT) return -1;
  snprintf(out, 65, "%s", na.sha256);
  return 0;
}

/* ---- artifacts --------------------------------------------------------- */

void fapi_h_artifacts(fapi_ctx *c) {
  int64_t limit;
  if (!fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit)) return;
  fst_artifact *v;
  size_t n;
  fst_err e = fst_artifact_list(c->s, limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, artifact_json(&v[i]));
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "artifacts", arr));
}

void fapi_h_artifact(fapi_ctx *c) {
  if (!fapi_check_sha(c, c->params[0])) return;
  fst_artifact a;
  fst_err e = fst_artifact_get(c->s, c->params[0], &a);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  fapi_json(c, 200, artifact_json(&a));
}

/* One "bytes=A-B" range (A-, -N). 1: a range in [*lo, *hi]; 0: no usable
** Range header (serve everything); -1: not satisfiable. */
static int parse_range(const char *h, uint64_t size, uint64_t *lo, uint64_t *hi) {
  if (!h || strncmp(h, "bytes=", 6) || strchr(h, ',')) return 0;
  const char *p = h + 6;
  char *end;
  if (*p == '-') {
    if (p[1] < '0' || p[1] > '9') return 0;
    errno = 0;
    unsigned long long k = strtoull(p + 1, &end, 10);
    if (*end || errno) return 0;
    if (k == 0 || size == 0) return -1;
    *lo = k >= size ? 0 : size - k;
    *hi = size - 1;
    return 1;
  }
  if (*p < '0' || *p > '9') return 0;
  errno = 0;
  unsigned long long a = strtoull(p, &end, 10);
  if (*end != '-' || errno) return 0;
  p = end + 1;
  unsigned long long b = size ? size - 1 : 0;
  if (*p) {
    if (*p < '0' || *p > '9') return 0;
    b = strtoull(p, &end, 10);
    if (*end || errno) return 0;
    if (b < a) return 0;
    if (b >= size) b = size - 1;
  }
  if (a >= size) return -1;
  *lo = a;
  *hi = b;
  return 1;
}

void fapi_h_artifact_content(fapi_ctx *c) {
  if (!fapi_check_sha(c, c->params[0])) return;
  uint8_t *buf;
  size_t len;
  fst_err e = fst_artifact_content(c->s, c->params[0], &buf, &len);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  uint64_t lo = 0, hi = 0;
  int r = parse_range(fapi_header_get(c->rq, "Range"), len, &lo, &hi);
  c->rs->accept_ranges = true;
  if (r < 0) {
    fapi_fail(c, FAPI_ERR_RANGE, "the artifact is %zu bytes", len);
    snprintf(c->rs->content_range, sizeof c->rs->content_range, "bytes */%zu", len);
  } else if (r > 0) {
    fapi_bytes(c, 206, "application/octet-stream", buf + lo, (size_t)(hi - lo + 1));
    snprintf(c->rs->content_range, sizeof c->rs->content_range, "bytes %llu-%llu/%zu", (unsigned long long)lo,
             (unsigned long long)hi, len);
  } else {
    fapi_bytes(c, 200, "application/octet-stream", buf, len);
  }
  free(buf);
}

/* ---- devices ----------------------------------------------------------- */

static json_t *device_json(const fst_device *d) {
  json_t *tags = json_array();
  for (int i = 0; i < d->ntags; i++) json_array_append_new(tags, json_string(d->tags[i]));
  json_t *banks = NULL;
  if (d->banks) banks = json_loads(d->banks, 0, NULL);
  if (!banks) banks = json_null();
  bool drift = d->desired_sha[0] && strcmp(d->desired_sha, d->running_sha);
  return json_pack("{s:s, s:b, s:I, s:{s:s?, s:s?}, s:s?, s:o, s:s?, s:I, s:s?, s:o, s:s?, s:b}", "id", d->id,
                   "online", d->online, "last_seen", (json_int_t)d->last_seen, "running", "sha256",
                   d->running_sha[0] ? d->running_sha : NULL, "version",
                   d->running_version[0] ? d->running_version : NULL, "vm_state",
                   d->vm_state[0] ? d->vm_state : NULL, "banks", banks, "boot_id",
                   d->boot_id[0] ? d->boot_id : NULL, "uptime_ms", (json_int_t)d->uptime_ms, "reset_reason",
                   d->reset_reason[0] ? d->reset_reason : NULL, "tags", tags, "desired_sha256",
                   d->desired_sha[0] ? d->desired_sha : NULL, "drift", drift);
}

static bool good_tag(const char *t) {
  size_t n = strlen(t);
  if (n == 0 || n >= FST_TAG_MAX) return false;
  for (size_t i = 0; i < n; i++) {
    char ch = t[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
          ch == '_' || ch == '-' || ch == ':'))
      return false;
  }
  return true;
}

void fapi_h_devices(fapi_ctx *c) {
  const char *tag = fapi_q(c, "tag");
  if (tag && !good_tag(tag)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "tag must be 1..%d of letters, digits, '.', '_', '-', ':'", FST_TAG_MAX - 1);
    return;
  }
  fst_device *v;
  size_t n;
  fst_err e = fst_device_list(c->s, tag, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, device_json(&v[i]));
  fst_device_list_free(v, n);
  fapi_json(c, 200, json_pack("{s:o}", "devices", arr));
}

static bool get_device(fapi_ctx *c, fst_device *d) {
  if (!fapi_check_device_id(c, c->params[0])) return false;
  fst_err e = fst_device_get(c->s, c->params[0], d);
  if (e) return fapi_store_fail(c, e);
  return true;
}

void fapi_h_device(fapi_ctx *c) {
  fst_device d;
  if (!get_device(c, &d)) return;
  fapi_json(c, 200, device_json(&d));
  fst_device_free(&d);
}

void fapi_h_device_tags(fapi_ctx *c) {
  static const fapi_field f[] = { { "tags", JSON_ARRAY, true } };
  if (!fapi_check_device_id(c, c->params[0])) return;
  json_t *o;
  if (!fapi_body(c, f, 1, &o)) return;
  json_t *arr = json_object_get(o, "tags");
  char tags[FST_MAX_TAGS][FST_TAG_MAX];
  size_t n = json_array_size(arr);
  if (n > FST_MAX_TAGS) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "at most %d tags", FST_MAX_TAGS);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *t = json_array_get(arr, i);
    if (!json_is_string(t)) {
      fapi_fail(c, FAPI_ERR_MALFORMED, "tags[%zu] must be a string", i);
      goto out;
    }
    if (!good_tag(json_string_value(t))) {
      fapi_fail(c, FAPI_ERR_MALFORMED, "tags[%zu]: 1..%d of letters, digits, '.', '_', '-', ':'", i, FST_TAG_MAX - 1);
      goto out;
    }
    snprintf(tags[i], FST_TAG_MAX, "%s", json_string_value(t));
  }
  fst_err e = fst_device_set_tags(c->s, c->params[0], (const char (*)[FST_TAG_MAX])tags, (int)n);
  if (e) {
    fapi_store_fail(c, e);
    goto out;
  }
  fst_device d;
  if (get_device(c, &d)) {
    snprintf(c->detail, sizeof c->detail, "%zu tag%s", n, n == 1 ? "" : "s");
    fapi_json(c, 200, device_json(&d));
    fst_device_free(&d);
  }
out:
  json_decref(o);
}

void fapi_h_device_logs(fapi_ctx *c) {
  int64_t since, limit;
  if (!fapi_check_device_id(c, c->params[0]) || !fapi_q_int(c, "since", 0, 0, INT64_MAX, &since) ||
      !fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit))
    return;
  fst_log_row *v;
  size_t n;
  fst_err e = fst_logs_list(c->s, c->params[0], since, limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  int64_t next = since;
  for (size_t i = 0; i < n; i++) {
    json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:I, s:s}", "id", (json_int_t)v[i].id, "boot_id",
                                         v[i].boot_id, "seq", (json_int_t)v[i].seq, "time", (json_int_t)v[i].time,
                                         "text", v[i].text));
    next = v[i].id;
  }
  free(v);
  fapi_json(c, 200, json_pack("{s:o, s:I}", "logs", arr, "next", (json_int_t)next));
}

void fapi_h_device_telemetry(fapi_ctx *c) {
  int64_t from, to, step, limit;
  int64_t now = fst_now_ms();
  if (!fapi_check_device_id(c, c->params[0]) || !fapi_q_int(c, "from", 0, 0, INT64_MAX / 2, &from) ||
      !fapi_q_int(c, "to", now, 0, INT64_MAX / 2, &to) || !fapi_q_int(c, "step", 0, 1, INT64_MAX / 4, &step) ||
      !fapi_q_int(c, "limit", LIST_MAX, 1, 100000, &limit))
    return;
  const char *name = fapi_q(c, "name");
  if (from > to) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "from is after to");
    return;
  }
  if (step && !name) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "step= needs name=");
    return;
  }
  fst_point_row *v;
  size_t n;
  fst_err e = fst_telemetry_list(c->s, c->params[0], name, from, to, step ? 0 : limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  if (!step) {
    for (size_t i = 0; i < n; i++)
      json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:s, s:I}", "name", v[i].name, "time",
                                           (json_int_t)v[i].time, "value", jnum(v[i].value), "boot_id", v[i].boot_id,
                                           "seq", (json_int_t)v[i].seq));
  } else {
    /* averages per bucket [from + k*step, from + (k+1)*step), oldest first */
    for (size_t i = 0; i < n && json_array_size(arr) < (size_t)limit;) {
      int64_t k = (v[i].time - from) / step;
      double sum = 0, mn = v[i].value, mx = v[i].value;
      size_t cnt = 0;
      for (; i < n && (v[i].time - from) / step == k; i++, cnt++) {
        sum += v[i].value;
        if (v[i].value < mn) mn = v[i].value;
        if (v[i].value > mx) mx = v[i].value;
      }
      json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:o, s:o, s:I}", "name", name, "time",
                                           (json_int_t)(from + k * step), "value", jnum(sum / (double)cnt),
                                           "min", jnum(mn), "max", jnum(mx), "count", (json_int_t)cnt));
    }
  }
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "points", arr));
}

static json_t *maybe_json(const char *text) {
  json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  if (!v && text) v = json_string(text);
  return v ? v : json_null();
}

void fapi_h_device_events(fapi_ctx *c) {
  int64_t limit;
  if (!fapi_check_device_id(c, c->params[0]) || !fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit)) return;
  fst_event_row *v;
  size_t n;
  fst_err e = fst_events_list(c->s, c->params[0], limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:I, s:s, s:o}", "id", (json_int_t)v[i].id, "boot_id",
                                         v[i].boot_id, "seq", (json_int_t)v[i].seq, "time", (json_int_t)v[i].time,
                                         "kind", v[i].kind, "detail", maybe_json(v[i].detail)));
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "events", arr));
}

void fapi_h_device_crashes(fapi_ctx *c) {
  int64_t limit;
  if (!fapi_check_device_id(c, c->params[0]) || !fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit)) return;
  fst_crash_row *v;
  size_t n;
  fst_err e = fst_crashes_list(c->s, c->params[0], limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(
        arr, json_pack("{s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)v[i].id,
                       "boot_id", v[i].boot_id, "seq", (json_int_t)v[i].seq, "time", (json_int_t)v[i].time, "file",
                       v[i].file, "line", (json_int_t)v[i].line, "function", v[i].function, "version", v[i].version,
                       "sha256", v[i].sha256, "reason", v[i].reason, "pc", (json_int_t)v[i].pc, "detail",
                       maybe_json(v[i].detail)));
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "crashes", arr));
}

/* ---- deployments ------------------------------------------------------- */

static const char *nul(const char *s) { return s && *s ? s : NULL; }

static json_t *job_json(const fst_job *j) {
  char id[FRL_JOB_ID_MAX + 1];
  frl_job_id(id, j->deployment, j->id);
  return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:i, s:o}", "job", id, "sha256", j->artifact, "state",
                   fst_job_state_name(j->state), "reason", nul(j->reason), "phase", nul(j->phase), "progress",
                   j->progress, "sent", j->sent ? json_integer(j->sent) : json_null());
}

static json_t *state_counts(const fst_job *v, size_t n, int stage, bool rollback) {
  int64_t c[FST_JOB__COUNT] = { 0 };
  for (size_t i = 0; i < n; i++)
    if (v[i].rollback == rollback && (stage < 0 || v[i].stage == stage)) c[v[i].state]++;
  json_t *o = json_object();
  for (int k = 0; k < FST_JOB__COUNT; k++) json_object_set_new(o, fst_job_state_name((fst_job_state)k), json_integer(c[k]));
  return o;
}

/* A stage: "pending" (not started), "running", "done" (every job ended). */
static const char *stage_state(const fst_deployment *d, const fst_job *v, size_t n, int k) {
  if (k > d->current_stage) return "pending";
  for (size_t i = 0; i < n; i++)
    if (!v[i].rollback && v[i].stage == k && !fst_job_state_terminal(v[i].state)) return "running";
  return "done";
}

static int cmp_job_device(const void *a, const void *b) {
  return strcmp((*(const fst_job *const *)a)->device, (*(const fst_job *const *)b)->device);
}

static json_t *deployment_json(const fst_deployment *d, const fst_job *v, size_t n, bool full) {
  /* the rollback jobs sorted by device, to find a device's one quickly */
  const fst_job **rbs = NULL;
  size_t nrb = 0;
  for (size_t i = 0; full && i < n; i++) nrb += v[i].rollback;
  if (nrb && (rbs = malloc(nrb * sizeof *rbs))) {
    nrb = 0;
    for (size_t i = 0; i < n; i++)
      if (v[i].rollback) rbs[nrb++] = &v[i];
    qsort(rbs, nrb, sizeof *rbs, cmp_job_device);
  } else {
    nrb = 0;
  }
  json_t *target = d->target ? json_loads(d->target, 0, NULL) : NULL;
  size_t ndev = 0;
  for (size_t i = 0; i < n; i++) ndev += !v[i].rollback;
  json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:i, s:I, s:I, s:b, s:I, s:I, s:s, s:I, s:I, s:b, s:o, s:o}", "id",
                        (json_int_t)d->id, "artifact", d->artifact, "target", target ? target : json_null(), "state",
                        fst_deploy_state_name(d->state), "current_stage", d->current_stage, "max_failures",
                        (json_int_t)d->max_failures, "job_timeout_s", (json_int_t)d->job_timeout_s, "rollback",
                        d->rollback, "devices", (json_int_t)ndev, "failures", (json_int_t)frl_failures(v, n),
                        "created_by", d->created_by, "created", (json_int_t)d->created, "updated",
                        (json_int_t)d->updated, "settled", d->settled, "jobs", state_counts(v, n, -1, false),
                        "rollback_jobs", state_counts(v, n, -1, true));
  json_t *stages = json_array();
  for (int k = 0; k < d->nstages; k++) {
    json_t *st = json_pack("{s:i, s:i, s:s, s:o}", "index", k, "percent", d->stages[k], "state",
                           stage_state(d, v, n, k), "jobs", state_counts(v, n, k, false));
    if (full) {
      json_t *devs = json_array();
      for (size_t i = 0; i < n; i++) {
        if (v[i].rollback || v[i].stage != k) continue;
        json_t *dj = job_json(&v[i]);
        json_object_set_new(dj, "device", json_string(v[i].device));
        json_object_set_new(dj, "previous_sha256", nul(v[i].previous_sha) ? json_string(v[i].previous_sha) : json_null());
        const fst_job *key = &v[i], *const *hit = nrb ? bsearch(&key, rbs, nrb, sizeof *rbs, cmp_job_device) : NULL;
        json_object_set_new(dj, "rollback", hit ? job_json(*hit) : json_null());
        json_array_append_new(devs, dj);
      }
      json_object_set_new(st, "devices", devs);
    }
    json_array_append_new(stages, st);
  }
  json_object_set_new(o, "stages", stages);
  free(rbs);
  return o;
}

static bool deployment_id(fapi_ctx *c, int64_t *id) {
  const char *p = c->params[0];
  char *end;
  errno = 0;
  long long v = strtoll(p, &end, 10);
  if (!*p || *end || errno || v < 1 || *p < '1' || *p > '9')
    return fapi_fail(c, FAPI_ERR_MALFORMED, "a deployment id is a positive integer");
  *id = v;
  return true;
}

/* Answer with one deployment as stored now. */
static void respond_deployment(fapi_ctx *c, int status, int64_t id) {
  fst_deployment d;
  fst_err e = fst_deployment_get(c->s, id, &d);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  fst_job *v;
  size_t n;
  if ((e = fst_jobs_list(c->s, id, &v, &n))) {
    fst_deployment_free(&d);
    fapi_store_fail(c, e);
    return;
  }
  fapi_json(c, status, deployment_json(&d, v, n, true));
  free(v);
  fst_deployment_free(&d);
}

static bool rollout_fail(fapi_ctx *c, frl_err e, const char *what) {
  switch (e) {
  case FRL_ERR_NOTFOUND: return fapi_fail(c, FAPI_ERR_NOT_FOUND, "%s", fst_errmsg(c->s));
  case FRL_ERR_CONFLICT: return fapi_fail(c, FAPI_ERR_CONFLICT, "%s", fst_errmsg(c->s));
  case FRL_ERR_INVALID: return fapi_fail(c, FAPI_ERR_MALFORMED, "%s", what ? what : frl_err_str(e));
  default: return fapi_fail(c, FAPI_ERR_INTERNAL, "rollout: %s: %s", frl_err_str(e), fst_errmsg(c->s));
  }
}

/* The target as devices: {"devices": [...]}, {"tag": T} or {"all": true}.
** *names point into the JSON or into *list (free both). */
static bool resolve_target(fapi_ctx *c, json_t *tg, const char ***names, size_t *n, fst_device **list, size_t *nl) {
  *names = NULL;
  *n = 0;
  *list = NULL;
  *nl = 0;
  const char *key = json_object_size(tg) == 1 ? json_object_iter_key(json_object_iter(tg)) : NULL;
  json_t *v = key ? json_object_get(tg, key) : NULL;
  if (!key || (strcmp(key, "devices") && strcmp(key, "tag") && strcmp(key, "all")))
    return fapi_fail(c, FAPI_ERR_MALFORMED, "target is one of {\"devices\": [...]}, {\"tag\": T}, {\"all\": true}");
  if (!strcmp(key, "devices")) {
    size_t k = json_array_size(v);
    if (!json_is_array(v) || k == 0) return fapi_fail(c, FAPI_ERR_MALFORMED, "target.devices must be a non-empty array");
    if (k > FRL_MAX_DEVICES) return fapi_fail(c, FAPI_ERR_MALFORMED, "target.devices: at most %d", FRL_MAX_DEVICES);
    if (!(*names = calloc(k, sizeof **names))) return fapi_fail(c, FAPI_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < k; i++) {
      json_t *s = json_array_get(v, i);
      if (!json_is_string(s)) return fapi_fail(c, FAPI_ERR_MALFORMED, "target.devices[%zu] must be a string", i);
      if (!frl_good_device_id(json_string_value(s)))
        return fapi_fail(c, FAPI_ERR_MALFORMED, "target.devices[%zu]: 1..64 of letters, digits, '.', '_', '-'", i);
      (*names)[i] = json_string_value(s);
    }
    *n = k;
    return true;
  }
  const char *tag = NULL;
  if (!strcmp(key, "tag")) {
    if (!json_is_string(v) || !good_tag(json_string_value(v)))
      return fapi_fail(c, FAPI_ERR_MALFORMED, "target.tag must be 1..%d of letters, digits, '.', '_', '-', ':'",
                       FST_TAG_MAX - 1);
    tag = json_string_value(v);
  } else if (!json_is_true(v)) {
    return fapi_fail(c, FAPI_ERR_MALFORMED, "target.all must be true");
  }
  fst_err e = fst_device_list(c->s, tag, list, nl);
  if (e) return fapi_store_fail(c, e);
  if (*nl == 0)
    return fapi_fail(c, FAPI_ERR_UNPROCESSABLE, "the target names no device%s%s", tag ? " with tag " : "", tag ? tag : "");
  if (*nl > FRL_MAX_DEVICES) return fapi_fail(c, FAPI_ERR_UNPROCESSABLE, "the target has more than %d devices", FRL_MAX_DEVICES);
  if (!(*names = calloc(*nl, sizeof **names))) return fapi_fail(c, FAPI_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < *nl; i++) (*names)[i] = (*list)[i].id;
  *n = *nl;
  return true;
}

void fapi_h_deploy(fapi_ctx *c) {
  static const fapi_field f[] = {
    { "artifact", JSON_STRING, true }, { "target", JSON_OBJECT, true }, { "stages", JSON_ARRAY, false },
    { "max_failures", JSON_INTEGER, false }, { "job_timeout_s", JSON_INTEGER, false }, { "rollback", JSON_TRUE, false } };
  json_t *o;
  if (!fapi_body(c, f, sizeof f / sizeof f[0], &o)) return;
  const char **names = NULL;
  fst_device *list = NULL;
  size_t n = 0, nl = 0;
  char *target = NULL;
  int stages[FST_MAX_STAGES] = { 100 };
  int nstages = 1;
  const char *art = json_string_value(json_object_get(o, "artifact"));
  json_t *js = json_object_get(o, "stages"), *jm = json_object_get(o, "max_failures"),
         *jt = json_object_get(o, "job_timeout_s"), *jr = json_object_get(o, "rollback");
  if (!fapi_check_sha(c, art)) goto out;
  if (js) {
    size_t k = json_array_size(js);
    if (k < 1 || k > FST_MAX_STAGES) {
      fapi_fail(c, FAPI_ERR_MALFORMED, "stages: 1 to %d percentages", FST_MAX_STAGES);
      goto out;
    }
    for (size_t i = 0; i < k; i++) {
      json_t *x = json_array_get(js, i);
      if (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > 100) {
        fapi_fail(c, FAPI_ERR_MALFORMED, "stages[%zu] must be an integer percentage 1..100", i);
        goto out;
      }
      stages[i] = (int)json_integer_value(x);
    }
    nstages = (int)k;
  }
  frl_spec sp = { art, NULL, stages, nstages, jm ? (int64_t)json_integer_value(jm) : 0,
                  jt ? (int64_t)json_integer_value(jt) : 3600, jr && json_is_true(jr), c->tok.name, NULL, 1 };
  if (jm && (json_integer_value(jm) < 0 || json_integer_value(jm) > FRL_MAX_DEVICES)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "max_failures must be an integer 0..%d", FRL_MAX_DEVICES);
    goto out;
  }
  if (jt && (json_integer_value(jt) < 1 || json_integer_value(jt) > FRL_TIMEOUT_MAX_S)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "job_timeout_s must be an integer 1..%d", FRL_TIMEOUT_MAX_S);
    goto out;
  }
  static const char *const probe[] = { "x" };
  sp.devices = probe;   /* the target is checked on its own below */
  const char *bad = frl_check_spec(&sp);
  if (bad) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "%s", bad);
    goto out;
  }
  fst_artifact a;
  fst_err se = fst_artifact_get(c->s, art, &a);
  if (se) {
    fapi_store_fail(c, se);
    goto out;
  }
  if (!resolve_target(c, json_object_get(o, "target"), &names, &n, &list, &nl)) goto out;
  sp.devices = names;
  sp.ndevices = n;
  if ((bad = frl_check_spec(&sp))) {   /* what is left: the devices (a name twice) */
    fapi_fail(c, list ? FAPI_ERR_UNPROCESSABLE : FAPI_ERR_MALFORMED, "target: %s", bad);
    goto out;
  }
  target = json_dumps(json_object_get(o, "target"), JSON_COMPACT);
  sp.target = target;
  int64_t id = 0;
  frl_err e = frl_create(c->s, &sp, &id);
  if (e) {
    rollout_fail(c, e, NULL);
    goto out;
  }
  snprintf(c->detail, sizeof c->detail, "deployment %lld of %s to %zu device%s", (long long)id, art, n,
           n == 1 ? "" : "s");
  char keep[sizeof c->detail];
  memcpy(keep, c->detail, sizeof keep);
  respond_deployment(c, 201, id);
  if (c->rs->status == 201) memcpy(c->detail, keep, sizeof keep);
out:
  free(target);
  free(names);
  fst_device_list_free(list, nl);
  json_decref(o);
}

void fapi_h_deployments(fapi_ctx *c) {
  int64_t limit;
  if (!fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit)) return;
  fst_deployment *v;
  size_t n;
  fst_err e = fst_deployment_list(c->s, limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n && !e; i++) {
    fst_job *jv;
    size_t nj;
    if ((e = fst_jobs_list(c->s, v[i].id, &jv, &nj))) break;
    json_array_append_new(arr, deployment_json(&v[i], jv, nj, false));
    free(jv);
  }
  fst_deployment_list_free(v, n);
  if (e) {
    json_decref(arr);
    fapi_store_fail(c, e);
    return;
  }
  fapi_json(c, 200, json_pack("{s:o}", "deployments", arr));
}

void fapi_h_deployment(fapi_ctx *c) {
  int64_t id;
  if (deployment_id(c, &id)) respond_deployment(c, 200, id);
}

void fapi_h_deployment_cancel(fapi_ctx *c) {
  int64_t id;
  if (!deployment_id(c, &id)) return;
  if (c->rq->len) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "cancel takes no body");
    return;
  }
  frl_err e = frl_cancel(c->s, id, fst_now_ms());
  if (e == FRL_ERR_NOT_RUNNING) {
    fst_deployment d;
    const char *st = "not running";
    if (!fst_deployment_get(c->s, id, &d)) {
      st = fst_deploy_state_name(d.state);
      fst_deployment_free(&d);
    }
    fapi_fail(c, FAPI_ERR_CONFLICT, "deployment %lld is %s, not running", (long long)id, st);
    return;
  }
  if (e) {
    rollout_fail(c, e, NULL);
    return;
  }
  respond_deployment(c, 200, id);
  if (c->rs->status == 200) snprintf(c->detail, sizeof c->detail, "deployment %lld canceled", (long long)id);
}

/* ---- audit ------------------------------------------------------------- */

void fapi_h_audit(fapi_ctx *c) {
  int64_t limit;
  if (!fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit)) return;
  fst_audit *v;
  size_t n;
  fst_err e = fst_audit_list(c->s, limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)v[i].id, "time",
                                         (json_int_t)v[i].time, "token", v[i].token, "method", v[i].method, "path",
                                         v[i].path, "status", v[i].status, "detail", v[i].detail));
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "audit", arr));
}
