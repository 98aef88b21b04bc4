/* sha512.h - SHA-512 (FIPS 180-4), streaming and one-shot. */
#ifndef COCKPIT_SHA512_H
#define COCKPIT_SHA512_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha512_ctx {
  uint64_t h[8];      /* chaining value */
  uint64_t len;       /* bytes absorbed so far; len % 128 are in buf */
  uint8_t buf[128];   /* partial block */
} sha512_ctx;

void sha512_init(sha512_ctx *c);
void sha512_update(sha512_ctx *c, const void *data, size_t n);
void sha512_final(sha512_ctx *c, uint8_t out[64]);    /* c is spent after */
void sha512(const void *data, size_t len, uint8_t out[64]);

#endif
