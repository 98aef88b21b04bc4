/* sha256.c - SHA-256 (FIPS 180-4 section 6.2), written small: a rolling
** 16-word message schedule and the eight working variables in an array. */
#include "sha256.h"
#include "sha2_tab.h"

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block(uint32_t h[8], const uint8_t *p)
{
  uint32_t w[16], v[8];
  for (int i = 0; i < 16; i++, p += 4)
    w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
  for (int i = 0; i < 8; i++)
    v[i] = h[i];
  for (int i = 0; i < 64; i++) {
    if (i >= 16) {      /* w[i&15] holds W(t-16); add the rest of (6.2.2) */
      uint32_t a = w[(i - 15) & 15], b = w[(i - 2) & 15];
      w[i & 15] += (ROR(a, 7) ^ ROR(a, 18) ^ (a >> 3)) + w[(i - 7) & 15] +
                   (ROR(b, 17) ^ ROR(b, 19) ^ (b >> 10));
    }
    uint32_t e = v[4], a = v[0];
    uint32_t t1 = v[7] + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                  ((e & v[5]) ^ (~e & v[6])) +
                  (uint32_t)(sha2_k[i] >> 32) + w[i & 15];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                  ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
    for (int j = 7; j > 0; j--)
      v[j] = v[j - 1];
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; i++)
    h[i] += v[i];
}

void sha256_init(sha256_ctx *c)
{
  for (int i = 0; i < 8; i++)
    c->h[i] = (uint32_t)(sha2_iv[i] >> 32);
  c->len = 0;
}

void sha256_update(sha256_ctx *c, const void *data, size_t n)
{
  const uint8_t *p = data;
  while (n--) {
    c->buf[c->len++ & 63] = *p++;
    if ((c->len & 63) == 0)
      block(c->h, c->buf);
  }
}

void sha256_final(sha256_ctx *c, uint8_t out[32])
{
  uint64_t bits = c->len << 3;
  uint8_t b = 0x80;
  sha256_update(c, &b, 1);              /* padding (5.1.1) */
  b = 0;
  while ((c->len & 63) != 56)
    sha256_update(c, &b, 1);
  for (int i = 7; i >= 0; i--) {        /* 64-bit big-endian bit length */
    b = (uint8_t)(bits >> (8 * i));
    sha256_update(c, &b, 1);
  }
  for (int i = 0; i < 32; i++)
    out[i] = (uint8_t)(c->h[i >> 2] >> (24 - 8 * (i & 3)));
}

void sha256(const void *data, size_t len, uint8_t out[32])
{
  sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, data, len);
  sha256_final(&c, out);
}
