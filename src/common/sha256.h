/* sha256.h - SHA-256 (FIPS 180-4), streaming and one-shot. */
#ifndef COCKPIT_SHA256_H
#define COCKPIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
  uint32_t h[8];      /* chaining value */
  uint64_t len;       /* bytes absorbed so far; len % 64 are in buf */
  uint8_t buf[64];    /* partial block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, uint8_t out[32]);    /* c is spent after */
void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
