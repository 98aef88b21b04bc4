/* copl_dl.c - HTTPS downloads over libcurl's multi interface (see copl.h).
 *
 * The file is the download's state: what it holds is asked for again
 * with a Range request from its size (CURLOPT_RESUME_FROM_LARGE). A 206
 * must start exactly there; a server that ignores Range (200: libcurl says
 * CURLE_RANGE_ERROR before a byte is written) or answers 416 makes the
 * download start over from 0, at most twice. Bodies of error responses
 * never reach the file. */
#define _GNU_SOURCE
#include "copl.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPL_MAX_RESTARTS 2

struct copl_dl {
  copl_dl_cfg cfg;
  char *url, *ca, *path;
  int fd;
  CURLM *multi;
  CURL *easy;
  struct curl_slist *hdrs;
  bool checked;        /* the response's status and headers were judged */
  bool discard;        /* an error response: its body is not ours */
  bool have_cr;        /* a Content-Range header came */
  uint64_t cr_start, cr_total;
  copl_err abort_err;  /* why the write callback stopped the transfer */
  bool done;
  copl_err result;
  copl_dl_info info;
  char err[512];
  char cerr[CURL_ERROR_SIZE];
};

static void seterr(copl_dl *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->err, sizeof d->err, fmt, ap);
  va_end(ap);
}

static void progress(copl_dl *d)
{
  if (d->cfg.on_progress)
    d->cfg.on_progress(d->cfg.user, d->info.have, d->info.total);
}

/* "Content-Range: bytes A-B/T" (T may be "*"). */
static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
  copl_dl *d = ud;
  size_t len = size * n;
  if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
    d->have_cr = false;  /* a new response (e.g. after 100 Continue) */
    return len;
  }
  static const char k[] = "content-range:";
  if (len > sizeof k && strncasecmp(buf, k, sizeof k - 1) == 0) {
    char tmp[128];
    size_t l = len - (sizeof k - 1);
    if (l >= sizeof tmp)
      l = sizeof tmp - 1;
    memcpy(tmp, buf + sizeof k - 1, l);
    tmp[l] = 0;
    uint64_t a, b, t;
    if (sscanf(tmp, " bytes %" SCNu64 "-%" SCNu64 "/%" SCNu64, &a, &b, &t) == 3 && a <= b && b < t) {
      d->have_cr = true;
      d->cr_start = a;
      d->cr_total = t;
    }
  }
  return len;
}

static size_t stop(copl_dl *d, copl_err e)
{
  d->abort_err = e;
  return 0;  /* libcurl: CURLE_WRITE_ERROR */
}

/* The first body bytes of a response: may they go into the file? */
static size_t judge(copl_dl *d)
{
  long code = 0;
  curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &code);
  d->info.http_status = code;
  d->checked = true;
  uint64_t want = d->cfg.expected_size;
  if (code == 200) {
    if (d->info.have) {  /* a whole body after all: start the file over */
      if (ftruncate(d->fd, 0) != 0 || lseek(d->fd, 0, SEEK_SET) != 0) {
        seterr(d, "%s: cannot truncate: %s", d->path, strerror(errno));
        return stop(d, COPL_EFILE);
      }
      d->info.have = 0;
      d->info.restarts++;
    }
    curl_off_t cl = -1;
    curl_easy_getinfo(d->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
    if (want && cl > 0 && (uint64_t)cl > want) {
      seterr(d, "%s: the server announces %" PRId64 " bytes, %" PRIu64 " expected", d->url,
             (int64_t)cl, want);
      return stop(d, COPL_ETOOBIG);
    }
    d->info.total = want ? want : cl > 0 ? (uint64_t)cl : 0;
    return 1;
  }
  if (code == 206) {
    if (!d->have_cr || d->cr_start != d->info.have) {
      seterr(d, "%s: 206 without a Content-Range starting at byte %" PRIu64, d->url, d->info.have);
      return stop(d, COPL_ERANGE);
    }
    if (want && d->cr_total > want) {
      seterr(d, "%s: the resource has %" PRIu64 " bytes, %" PRIu64 " expected", d->url,
             d->cr_total, want);
      return stop(d, COPL_ETOOBIG);
    }
    d->info.total = d->cr_total;
    return 1;
  }
  d->discard = true;  /* the body of an error: judged when the transfer ends */
  return 1;
}

static size_t on_write(char *buf, size_t size, size_t n, void *ud)
{
  copl_dl *d = ud;
  size_t len = size * n;
  if (!d->checked && !judge(d))
    return 0;
  if (d->discard)
    return len;
  if (d->cfg.expected_size && d->info.have + len > d->cfg.expected_size) {
    seterr(d, "%s: the body goes past the expected %" PRIu64 " bytes", d->url, d->cfg.expected_size);
    return stop(d, COPL_ETOOBIG);
  }
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(d->fd, buf + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      seterr(d, "%s: write: %s", d->path, w < 0 ? strerror(errno) : "no progress");
      return stop(d, COPL_EFILE);
    }
    off += (size_t)w;
  }
  d->info.have += len;
  progress(d);
  return len;
}

static void drop_easy(copl_dl *d)
{
  if (d->easy) {
    curl_multi_remove_handle(d->multi, d->easy);
    curl_easy_cleanup(d->easy);
    d->easy = NULL;
  }
}

static void finish(copl_dl *d, copl_err e)
{
  drop_easy(d);
  if (e == COPL_OK && fsync(d->fd) != 0) {
    seterr(d, "%s: fsync: %s", d->path, strerror(errno));
    e = COPL_EFILE;
  }
  d->done = true;
  d->result = e;
}

/* Start a request for what the file lacks (or finish: it is complete). */
static copl_err request(copl_dl *d)
{
  struct stat sb;
  if (fstat(d->fd, &sb) != 0) {
    seterr(d, "%s: %s", d->path, strerror(errno));
    return COPL_EFILE;
  }
  uint64_t have = (uint64_t)sb.st_size, want = d->cfg.expected_size;
  if (want && have > want) {  /* not a prefix of what we want */
    if (ftruncate(d->fd, 0) != 0) {
      seterr(d, "%s: cannot truncate: %s", d->path, strerror(errno));
      return COPL_EFILE;
    }
    have = 0;
    d->info.restarts++;
  }
  if (lseek(d->fd, (off_t)have, SEEK_SET) < 0) {
    seterr(d, "%s: seek: %s", d->path, strerror(errno));
    return COPL_EFILE;
  }
  d->info.have = d->info.resumed_from = have;
  d->info.total = want;
  d->checked = d->discard = d->have_cr = false;
  d->abort_err = COPL_OK;
  d->cerr[0] = 0;
  if (want && have == want) {
    progress(d);
    finish(d, COPL_OK);
    return COPL_OK;
  }
  CURL *e = curl_easy_init();
  if (!e) {
    seterr(d, "libcurl: cannot make a handle");
    return COPL_ENOMEM;
  }
  d->easy = e;
  CURLcode c = CURLE_OK;
#define OPT(o, v) (c = c ? c : curl_easy_setopt(e, o, v))
  OPT(CURLOPT_URL, d->url);
  OPT(CURLOPT_PROTOCOLS_STR, "https");
  OPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  OPT(CURLOPT_FOLLOWLOCATION, 0L);
  OPT(CURLOPT_CAINFO, d->ca);
  OPT(CURLOPT_CAPATH, NULL);  /* the fleet CA only, not the system's store */
  OPT(CURLOPT_SSL_VERIFYPEER, 1L);
  OPT(CURLOPT_SSL_VERIFYHOST, 2L);
  OPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  OPT(CURLOPT_NOSIGNAL, 1L);
  OPT(CURLOPT_ERRORBUFFER, d->cerr);
  OPT(CURLOPT_WRITEFUNCTION, on_write);
  OPT(CURLOPT_WRITEDATA, d);
  OPT(CURLOPT_HEADERFUNCTION, on_header);
  OPT(CURLOPT_HEADERDATA, d);
  OPT(CURLOPT_LOW_SPEED_LIMIT, d->cfg.low_speed_bps);
  OPT(CURLOPT_LOW_SPEED_TIME, d->cfg.low_speed_s);
  OPT(CURLOPT_CONNECTTIMEOUT_MS, d->cfg.connect_timeout_ms);
  if (d->hdrs)
    OPT(CURLOPT_HTTPHEADER, d->hdrs);
  if (have)
    OPT(CURLOPT_RESUME_FROM_LARGE, (curl_off_t)have);
#undef OPT
  if (c != CURLE_OK) {
    seterr(d, "libcurl option: %s", curl_easy_strerror(c));
    drop_easy(d);
    return COPL_ECURL;
  }
  CURLMcode mc = curl_multi_add_handle(d->multi, e);
  if (mc != CURLM_OK) {
    seterr(d, "libcurl: %s", curl_multi_strerror(mc));
    drop_easy(d);
    return COPL_ECURL;
  }
  d->info.requests++;
  return COPL_OK;
}

static void restart_from_zero(copl_dl *d, const char *why)
{
  drop_easy(d);
  if (d->info.restarts >= COPL_MAX_RESTARTS) {
    seterr(d, "%s: %s, and starting over did not help", d->url, why);
    finish(d, COPL_ERANGE);
    return;
  }
  if (ftruncate(d->fd, 0) != 0) {
    seterr(d, "%s: cannot truncate: %s", d->path, strerror(errno));
    finish(d, COPL_EFILE);
    return;
  }
  d->info.restarts++;
  copl_err e = request(d);
  if (e)
    finish(d, e);
}

/* The transfer ended with libcurl's code c: what it means for us. */
static void ended(copl_dl *d, CURLcode c)
{
  long code = 0;
  curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &code);
  d->info.http_status = code;
  const char *cm = d->cerr[0] ? d->cerr : curl_easy_strerror(c);
  if (d->abort_err) {
    finish(d, d->abort_err);
    return;
  }
  switch (c) {
  case CURLE_OK: break;
  case CURLE_RANGE_ERROR:
    restart_from_zero(d, "the server ignored the Range request");
    return;
  case CURLE_PEER_FAILED_VERIFICATION:
    seterr(d, "%s: the server's certificate does not check against %s: %s", d->url, d->ca, cm);
    finish(d, COPL_EPEER);
    return;
  case CURLE_SSL_CACERT_BADFILE:
    seterr(d, "%s: CA file unusable: %s", d->ca, cm);
    finish(d, COPL_EFILE);
    return;
  case CURLE_SSL_CONNECT_ERROR:
    seterr(d, "%s: TLS handshake: %s", d->url, cm);
    finish(d, COPL_ETLS);
    return;
  case CURLE_OPERATION_TIMEDOUT:
    seterr(d, "%s: too slow or no answer (%s); %" PRIu64 " bytes kept", d->url, cm, d->info.have);
    finish(d, COPL_ETIMEOUT);
    return;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
    seterr(d, "%s: %s", d->url, cm);
    finish(d, COPL_ECONNECT);
    return;
  case CURLE_PARTIAL_FILE:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_SEND_ERROR:
    seterr(d, "%s: cut after %" PRIu64 " of %" PRIu64 " bytes (%s); the file keeps them", d->url,
           d->info.have, d->info.total, cm);
    finish(d, COPL_ESHORT);
    return;
  default:
    seterr(d, "%s: %s", d->url, cm);
    finish(d, COPL_ECURL);
    return;
  }
  if (code == 416) {
    restart_from_zero(d, "HTTP 416 for the file's size");
    return;
  }
  if (code == 404) {
    seterr(d, "%s: HTTP 404 not found", d->url);
    finish(d, COPL_ENOTFOUND);
    return;
  }
  if (code != 200 && code != 206) {
    seterr(d, "%s: HTTP %ld", d->url, code);
    finish(d, COPL_EHTTP);
    return;
  }
  uint64_t want = d->cfg.expected_size ? d->cfg.expected_size : d->info.total;
  if (want && d->info.have != want) {
    seterr(d, "%s: %" PRIu64 " bytes, %" PRIu64 " expected", d->url, d->info.have, want);
    finish(d, d->info.have < want ? COPL_ESHORT : COPL_ETOOBIG);
    return;
  }
  finish(d, COPL_OK);
}

copl_dl *copl_dl_start(const copl_dl_cfg *cfg, copl_err *err, char *why, size_t whycap)
{
  static bool curl_ready;
  if (!cfg || !cfg->url || !cfg->path || !cfg->ca_file) {
    copl_fail(err, why, whycap, COPL_EARG, "a URL, a CA file and a file path are required");
    return NULL;
  }
  if (strncasecmp(cfg->url, "https://", 8) != 0) {
    const char *s = strstr(cfg->url, "://");
    copl_fail(err, why, whycap, s ? COPL_ESCHEME : COPL_EURL,
              s ? "'%s': only https:// downloads are allowed" : "'%s' is not a URL", cfg->url);
    return NULL;
  }
  if (!cfg->url[8] || cfg->url[8] == '/' || strpbrk(cfg->url, " \t\r\n")) {
    copl_fail(err, why, whycap, COPL_EURL, "'%s': no host, or white space in the URL", cfg->url);
    return NULL;
  }
  if (access(cfg->ca_file, R_OK) != 0) {
    copl_fail(err, why, whycap, COPL_EFILE, "CA file '%s': %s", cfg->ca_file, strerror(errno));
    return NULL;
  }
  if (cfg->bearer && (!cfg->bearer[0] || strpbrk(cfg->bearer, "\r\n"))) {
    copl_fail(err, why, whycap, COPL_EARG, "the bearer token is empty or holds a line break");
    return NULL;
  }
  if (!curl_ready) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      copl_fail(err, why, whycap, COPL_ECURL, "libcurl does not initialise");
      return NULL;
    }
    curl_ready = true;
  }
  copl_dl *d = calloc(1, sizeof *d);
  if (!d) {
    copl_fail(err, why, whycap, COPL_ENOMEM, "out of memory");
    return NULL;
  }
  d->fd = -1;
  d->cfg = *cfg;
  if (!d->cfg.low_speed_bps)
    d->cfg.low_speed_bps = 1;
  if (!d->cfg.low_speed_s)
    d->cfg.low_speed_s = 30;
  if (!d->cfg.connect_timeout_ms)
    d->cfg.connect_timeout_ms = 15000;
  d->url = strdup(cfg->url);
  d->ca = strdup(cfg->ca_file);
  d->path = strdup(cfg->path);
  d->cfg.bearer = NULL;
  bool oom = !d->url || !d->ca || !d->path;
  if (!oom && cfg->bearer) {
    size_t l = strlen(cfg->bearer) + 32;
    char *h = malloc(l);
    if (h) {
      snprintf(h, l, "Authorization: Bearer %s", cfg->bearer);
      d->hdrs = curl_slist_append(NULL, h);
      free(h);
    }
    oom = !d->hdrs;
  }
  d->cfg.url = d->url, d->cfg.ca_file = d->ca, d->cfg.path = d->path;
  if (!oom)
    d->multi = curl_multi_init();
  if (oom || !d->multi) {
    copl_dl_free(d);
    copl_fail(err, why, whycap, COPL_ENOMEM, "out of memory");
    return NULL;
  }
  d->fd = open(d->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (d->fd < 0) {
    copl_fail(err, why, whycap, COPL_EFILE, "%s: %s", d->path, strerror(errno));
    copl_dl_free(d);
    return NULL;
  }
  copl_err e = request(d);
  if (e) {
    copl_fail(err, why, whycap, e, "%s", d->err);
    copl_dl_free(d);
    return NULL;
  }
  if (err)
    *err = COPL_OK;
  return d;
}

copl_err copl_dl_poll(copl_dl *d, int timeout_ms)
{
  if (!d)
    return COPL_EARG;
  if (d->done)
    return d->result;
  int running = 0;
  CURLMcode mc = curl_multi_perform(d->multi, &running);
  if (mc == CURLM_OK && running)
    mc = curl_multi_poll(d->multi, NULL, 0, timeout_ms < 0 ? 0 : timeout_ms, NULL);
  if (mc == CURLM_OK)
    mc = curl_multi_perform(d->multi, &running);
  if (mc != CURLM_OK) {
    seterr(d, "libcurl: %s", curl_multi_strerror(mc));
    finish(d, COPL_ECURL);
    return d->result;
  }
  CURLMsg *msg;
  int left;
  while (!d->done && (msg = curl_multi_info_read(d->multi, &left)))
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == d->easy)
      ended(d, msg->data.result);  /* may start another request */
  return d->done ? d->result : COPL_INPROGRESS;
}

void copl_dl_get_info(const copl_dl *d, copl_dl_info *info)
{
  if (d && info)
    *info = d->info;
}

const char *copl_dl_errmsg(const copl_dl *d) { return d ? d->err : "no download"; }

void copl_dl_free(copl_dl *d)
{
  if (!d)
    return;
  if (d->multi)
    drop_easy(d);
  if (d->multi)
    curl_multi_cleanup(d->multi);
  curl_slist_free_all(d->hdrs);
  if (d->fd >= 0)
    close(d->fd);
  free(d->url), free(d->ca), free(d->path);
  free(d);
}
