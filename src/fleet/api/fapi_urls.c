/*
** fapi_urls.c -- signed artifact URLs: what a job notify hands a copilot so
** it can download the artifact without a token of its own.
**
**   BASE/api/v1/artifacts/SHA/content?device=ID&exp=UNIX_S&sig=HEX
**
** sig = HMAC-SHA256(secret, "SHA\nID\nEXP"), its first 16 bytes in
** lowercase hex (128 bits; the URL must fit the protocol's 256), where the
** secret is SHA-256 of a fixed label and the fleet signing key file: every
** fleetd holding the fleet key (the one data directory, or copies of it
** beside one PostgreSQL) makes and accepts the same URLs, and nobody
** without it can. A URL is good for one artifact until exp; the notify
** travels only on the device's own topic, which the broker's ACL lets no
** other device read.
*/
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fapi_int.h"

#define LABEL "cockpit-fleetd artifact URL v1"

bool fapi_url_secret_load(fapi *a) {
  a->url_ok = false;
  FILE *f = a->key_path[0] ? fopen(a->key_path, "rb") : NULL;
  if (!f) return false;
  uint8_t buf[8192];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (n == 0) return false;
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  unsigned len = 0;
  bool ok = m && EVP_DigestInit_ex(m, EVP_sha256(), NULL) && EVP_DigestUpdate(m, LABEL, sizeof LABEL) &&
            EVP_DigestUpdate(m, buf, n) && EVP_DigestFinal_ex(m, a->url_secret, &len) && len == 32;
  EVP_MD_CTX_free(m);
  OPENSSL_cleanse(buf, sizeof buf);
  a->url_ok = ok;
  return ok;
}

#define SIG_BYTES 16

static void sig_hex(const fapi *a, const char *sha, const char *device, long long exp, char out[2 * SIG_BYTES + 1]) {
  char msg[256];
  int n = snprintf(msg, sizeof msg, "%s\n%s\n%lld", sha, device, exp);
  uint8_t mac[32];
  unsigned len = 0;
  HMAC(EVP_sha256(), a->url_secret, 32, (const uint8_t *)msg, (size_t)(n < 0 ? 0 : n), mac, &len);
  for (int i = 0; i < SIG_BYTES; i++) snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

int fapi_content_url(const fapi *a, const char *base, const char *sha, const char *device, long long exp_s,
                     char *out, size_t cap) {
  if (!a->url_ok) return -1;
  char sig[2 * SIG_BYTES + 1];
  sig_hex(a, sha, device, exp_s, sig);
  int n = snprintf(out, cap, "%s/api/v1/artifacts/%s/content?device=%s&exp=%lld&sig=%s", base, sha, device, exp_s, sig);
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The value of key in a query string "a=1&b=2" (no decoding: the values
** signed here are never percent-encoded), copied into out. */
static bool qget(const char *q, const char *key, char *out, size_t cap) {
  size_t kl = strlen(key);
  for (const char *p = q; p && *p;) {
    const char *amp = strchr(p, '&');
    size_t seg = amp ? (size_t)(amp - p) : strlen(p);
    if (seg > kl && !strncmp(p, key, kl) && p[kl] == '=') {
      size_t vl = seg - kl - 1;
      if (vl >= cap) return false;
      memcpy(out, p + kl + 1, vl);
      out[vl] = 0;
      return true;
    }
    p = amp ? amp + 1 : NULL;
  }
  return false;
}

bool fapi_content_sig_ok(const fapi *a, const char *sha, const char *query) {
  char dev[128], exps[24], sig[80], want[2 * SIG_BYTES + 1];
  if (!a->url_ok || !query || !qget(query, "device", dev, sizeof dev) || !qget(query, "exp", exps, sizeof exps) ||
      !qget(query, "sig", sig, sizeof sig) || strlen(sig) != 2 * SIG_BYTES)
    return false;
  char *end;
  long long exp = strtoll(exps, &end, 10);
  if (!exps[0] || *end || exp < (long long)time(NULL)) return false;
  sig_hex(a, sha, dev, exp, want);
  return CRYPTO_memcmp(want, sig, 2 * SIG_BYTES) == 0;
}
