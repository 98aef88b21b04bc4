/* sha512.c - SHA-512 (FIPS 180-4 section 6.4), same small shape as
** sha256.c with 64-bit words, 80 rounds and 128-byte blocks. */
#include "sha512.h"
#include "sha2_tab.h"

#define ROR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

static void block(uint64_t h[8], const uint8_t *p)
{
  uint64_t w[16], v[8];
  for (int i = 0; i < 16; i++) {
    w[i] = 0;
    for (int j = 0; j < 8; j++)
      w[i] = w[i] << 8 | *p++;
  }
  for (int i = 0; i < 8; i++)
    v[i] = h[i];
  for (int i = 0; i < 80; i++) {
    if (i >= 16) {      /* w[i&15] holds W(t-16); add the rest of (6.4.2) */
      uint64_t a = w[(i - 15) & 15], b = w[(i - 2) & 15];
      w[i & 15] += (ROR(a, 1) ^ ROR(a, 8) ^ (a >> 7)) + w[(i - 7) & 15] +
                   (ROR(b, 19) ^ ROR(b, 61) ^ (b >> 6));
    }
    uint64_t e = v[4], a = v[0];
    uint64_t t1 = v[7] + (ROR(e, 14) ^ ROR(e, 18) ^ ROR(e, 41)) +
                  ((e & v[5]) ^ (~e & v[6])) + sha2_k[i] + w[i & 15];
    uint64_t t2 = (ROR(a, 28) ^ ROR(a, 34) ^ ROR(a, 39)) +
                  ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
    for (int j = 7; j > 0; j--)
      v[j] = v[j - 1];
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; i++)
    h[i] += v[i];
}

void sha512_init(sha512_ctx *c)
{
  for (int i = 0; i < 8; i++)
    c->h[i] = sha2_iv[i];
  c->len = 0;
}

void sha512_update(sha512_ctx *c, const void *data, size_t n)
{
  const uint8_t *p = data;
  while (n--) {
    c->buf[c->len++ & 127] = *p++;
    if ((c->len & 127) == 0)
      block(c->h, c->buf);
  }
}

void sha512_final(sha512_ctx *c, uint8_t out[64])
{
  uint64_t hi = c->len >> 61, lo = c->len << 3;
  uint8_t b = 0x80;
  sha512_update(c, &b, 1);              /* padding (5.1.2) */
  b = 0;
  while ((c->len & 127) != 112)
    sha512_update(c, &b, 1);
  for (int i = 15; i >= 0; i--) {       /* 128-bit big-endian bit length */
    b = (uint8_t)((i >= 8 ? hi : lo) >> (8 * (i & 7)));
    sha512_update(c, &b, 1);
  }
  for (int i = 0; i < 64; i++)
    out[i] = (uint8_t)(c->h[i >> 3] >> (56 - 8 * (i & 7)));
}

void sha512(const void *data, size_t len, uint8_t out[64])
{
  sha512_ctx c;
  sha512_init(&c);
  sha512_update(&c, data, len);
  sha512_final(&c, out);
}
