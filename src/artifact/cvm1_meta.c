/*
** cvm1_meta.c -- release and provenance data for the header: versions,
** UUIDs, build time, host SHA-256.
*/
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "cvm1_int.h"

void cvm1_sha256(const void *p, size_t n, uint8_t out[32]) {
  unsigned olen = 32;
  if (!EVP_Digest(p, n, out, &olen, EVP_sha256(), NULL)) abort();
}

uint64_t cvm1_build_time(void) {
  const char *s = getenv("SOURCE_DATE_EPOCH");
  if (s && *s) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!errno && *end == 0 && isdigit((unsigned char)*s)) return v;
  }
  time_t t = time(NULL);
  return t > 0 ? (uint64_t)t : 0;
}

void cvm1_meta_init(cvm1_meta *m) {
  memset(m, 0, sizeof *m);
  m->build_time = cvm1_build_time();
}

cvm1_err cvm1_parse_version(const char *s, uint16_t v[3]) {
  for (int i = 0; i < 3; i++) {
    if (!isdigit((unsigned char)*s)) return CVM1_ERR_ARG;
    unsigned long n = 0;
    for (; isdigit((unsigned char)*s); s++) {
      n = n * 10 + (unsigned long)(*s - '0');
      if (n > 0xFFFF) return CVM1_ERR_ARG;
    }
    v[i] = (uint16_t)n;
    if (*s != (i < 2 ? '.' : 0)) return CVM1_ERR_ARG;
    s++;
  }
  return CVM1_ERR_OK;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 32 hex digits with optional dashes -> 16 bytes; false if not that form. */
static bool parse_uuid(const char *s, uint8_t out[16]) {
  int n = 0;
  for (; *s; s++) {
    if (*s == '-') continue;
    int d = hexval((unsigned char)*s);
    if (d < 0 || n >= 32) return false;
    out[n / 2] = (uint8_t)(n % 2 ? out[n / 2] | d : d << 4);
    n++;
  }
  return n == 32;
}

cvm1_err cvm1_uuid_from_name(const char *name, uint8_t out[16]) {
  if (!name || !*name) return CVM1_ERR_ARG;
  if (parse_uuid(name, out)) return CVM1_ERR_OK;
  uint8_t h[32];
  cvm1_sha256(name, strlen(name), h);
  memcpy(out, h, 16);
  out[6] = (uint8_t)((out[6] & 0x0F) | 0x80);   /* version 8 */
  out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);   /* RFC 9562 variant */
  return CVM1_ERR_OK;
}
