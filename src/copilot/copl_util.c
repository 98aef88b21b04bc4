/* copl_util.c - error texts, the mqtts:// URL parser, the backoff rule and
 * the file digest shared by the copilot's Linux transports. */
#define _GNU_SOURCE
#include "copl.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *copl_strerror(copl_err e)
{
  switch (e) {
  case COPL_OK: return "ok";
  case COPL_INPROGRESS: return "in progress";
  case COPL_EARG: return "bad argument";
  case COPL_EURL: return "malformed URL";
  case COPL_ESCHEME: return "URL scheme not allowed";
  case COPL_ENOMEM: return "out of memory";
  case COPL_EFILE: return "file error";
  case COPL_ETLS: return "TLS failure";
  case COPL_EPEER: return "server certificate not trusted";
  case COPL_ECONNECT: return "cannot connect";
  case COPL_EREFUSED: return "connection refused by the broker";
  case COPL_ENOCONN: return "not connected";
  case COPL_EPROTO: return "protocol error";
  case COPL_EMQTT: return "MQTT library error";
  case COPL_EHTTP: return "unexpected HTTP status";
  case COPL_ENOTFOUND: return "not found (HTTP 404)";
  case COPL_ERANGE: return "range not satisfiable";
  case COPL_ETOOBIG: return "body larger than expected";
  case COPL_ESHORT: return "transfer cut; partial file kept";
  case COPL_ETIMEOUT: return "timed out";
  case COPL_ECERT: return "our certificate refused";
  case COPL_ECURL: return "HTTP library error";
  }
  return "unknown error";
}

copl_err copl_fail(copl_err *err, char *why, size_t cap, copl_err e, const char *fmt, ...)
{
  if (err)
    *err = e;
  if (why && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
  }
  return e;
}

static int is_dns_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

copl_err copl_parse_mqtts(const char *url, char *host, size_t hostcap, int *port, char *why,
                          size_t whycap)
{
  if (!url || !host || !hostcap || !port)
    return copl_fail(NULL, why, whycap, COPL_EARG, "no URL");
  const char *sep = strstr(url, "://");
  if (!sep)
    return copl_fail(NULL, why, whycap, COPL_EURL, "'%s' is not a URL (want mqtts://HOST:PORT)", url);
  size_t sl = (size_t)(sep - url);
  if (!(sl == 5 && strncasecmp(url, "mqtts", 5) == 0)) {
    if (sl == 4 && strncasecmp(url, "mqtt", 4) == 0)
      return copl_fail(NULL, why, whycap, COPL_ESCHEME,
                  "'%s': plain mqtt:// is refused, the copilot speaks TLS only (use mqtts://)", url);
    return copl_fail(NULL, why, whycap, COPL_ESCHEME, "'%s': scheme '%.*s' not allowed (want mqtts://HOST:PORT)",
                url, (int)sl, url);
  }
  const char *p = sep + 3, *h0, *h1;
  if (*p == '[') {
    h0 = p + 1;
    h1 = strchr(h0, ']');
    if (!h1 || h1 == h0)
      return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': unterminated or empty [IPv6] host", url);
    for (const char *q = h0; q < h1; q++)
      if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F') ||
            *q == ':' || *q == '.'))
        return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': bad character '%c' in IPv6 address", url, *q);
    p = h1 + 1;
  } else {
    h0 = p;
    while (*p && is_dns_char(*p))
      p++;
    h1 = p;
    if (h1 == h0)
      return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': no host", url);
    if (*p && *p != ':' && *p != '/') {
      if (*p == '@')
        return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': user information is not allowed", url);
      return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': bad character '%c' in host", url, *p);
    }
    int bad = *h0 == '.' || *h0 == '-' || h1[-1] == '-';
    for (const char *q = h0; q + 1 < h1; q++)
      bad |= q[0] == '.' && q[1] == '.';
    if (bad)
      return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': malformed host name", url);
  }
  size_t hl = (size_t)(h1 - h0);
  if (hl >= hostcap || hl > 253)
    return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': host name too long", url);
  long pn = 8883;
  if (*p == ':') {
    p++;
    if (!(*p >= '0' && *p <= '9'))
      return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': port missing after ':'", url);
    pn = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
      pn = pn * 10 + (*p++ - '0');
      if (++digits > 5)
        break;
    }
    if (digits > 5 || pn < 1 || pn > 65535)
      return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': port out of range (1..65535)", url);
  }
  if (*p == '/')
    p++;
  if (*p)
    return copl_fail(NULL, why, whycap, COPL_EURL, "'%s': unexpected '%s' after the host and port", url, p);
  memcpy(host, h0, hl);
  host[hl] = 0;
  *port = (int)pn;
  if (why && whycap)
    why[0] = 0;
  return COPL_OK;
}

copl_err copl_sha256_file(const char *path, uint8_t out[32], char hex[65])
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return COPL_EFILE;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  copl_err e = COPL_OK;
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
    e = COPL_ENOMEM;
    goto done;
  }
  unsigned char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      e = COPL_EFILE;
      goto done;
    }
    if (n == 0)
      break;
    if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
      e = COPL_ENOMEM;
      goto done;
    }
  }
  unsigned char md[32];
  unsigned int mdl = 0;
  if (EVP_DigestFinal_ex(ctx, md, &mdl) != 1 || mdl != 32) {
    e = COPL_ENOMEM;
    goto done;
  }
  if (out)
    memcpy(out, md, 32);
  if (hex) {
    for (int i = 0; i < 32; i++)
      snprintf(hex + 2 * i, 3, "%02x", md[i]);
  }
done:
  EVP_MD_CTX_free(ctx);
  close(fd);
  return e;
}
