/* test_ed25519.c - ed25519_verify against RFC 8032 section 7.1, plus
** rejections that need no reference implementation: every single-bit flip
** of signature, key and message, S >= L, points off the curve. The
** OpenSSL differential test covers the rest (test_ed25519_openssl.c).
** Usage: test_ed25519 [step]: flip every step-th bit (default 1, all). */
#include <stdlib.h>

#include "ed25519.h"
#include "rfc8032_vectors.h"
#include "tcheck.h"

/* L, the group order, little-endian (RFC 8032 section 5.1). */
static const char *L_HEX =
  "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

/* out = a + b over 256 bits, little-endian. */
static void add256(uint8_t *out, const uint8_t *a, const uint8_t *b)
{
  unsigned c = 0;
  for (int i = 0; i < 32; i++) {
    c += (unsigned)a[i] + b[i];
    out[i] = (uint8_t)c;
    c >>= 8;
  }
}

int main(int argc, char **argv)
{
  int step = argc > 1 ? atoi(argv[1]) : 1;
  uint8_t pub[32], sig[64], msg[1024], L[32], t[64];
  unhex(L, L_HEX);
  for (size_t v = 0; v < sizeof rfc8032 / sizeof rfc8032[0]; v++) {
    const char *name = rfc8032[v].name;
    unhex(pub, rfc8032[v].pub);
    unhex(sig, rfc8032[v].sig);
    size_t n = unhex(msg, rfc8032[v].msg);
    CHECK(ed25519_verify(sig, pub, msg, n), "%s verifies", name);

    for (int b = 0; b < 512; b += step) {     /* every bit of the signature */
      sig[b >> 3] ^= (uint8_t)(1 << (b & 7));
      CHECK(!ed25519_verify(sig, pub, msg, n), "%s sig bit %d", name, b);
      sig[b >> 3] ^= (uint8_t)(1 << (b & 7));
    }
    for (int b = 0; b < 256; b += step) {     /* every bit of the key */
      pub[b >> 3] ^= (uint8_t)(1 << (b & 7));
      CHECK(!ed25519_verify(sig, pub, msg, n), "%s key bit %d", name, b);
      pub[b >> 3] ^= (uint8_t)(1 << (b & 7));
    }
    for (size_t b = 0; b < 8 * n && b < 8 * 64; b += (size_t)step) {  /* message bits */
      msg[b >> 3] ^= (uint8_t)(1 << (b & 7));
      CHECK(!ed25519_verify(sig, pub, msg, n), "%s msg bit %zu", name, b);
      msg[b >> 3] ^= (uint8_t)(1 << (b & 7));
    }
    msg[n] = 0;
    CHECK(!ed25519_verify(sig, pub, msg, n + 1), "%s msg + 1 byte", name);
    if (n)
      CHECK(!ed25519_verify(sig, pub, msg, n - 1), "%s msg - 1 byte", name);

    /* S + L: same point equation, non-canonical S (malleability). */
    memcpy(t, sig, 64);
    add256(t + 32, sig + 32, L);
    CHECK(!ed25519_verify(t, pub, msg, n), "%s S + L", name);
    memcpy(t + 32, L, 32);
    CHECK(!ed25519_verify(t, pub, msg, n), "%s S = L", name);
    memset(t + 32, 0xff, 32);
    CHECK(!ed25519_verify(t, pub, msg, n), "%s S = 2^256 - 1", name);
  }

  /* Keys that are not curve points: y = 2 has no x (2 is not on
  ** edwards25519), with and without the sign bit; also as y >= p. */
  unhex(sig, rfc8032[0].sig);
  memset(pub, 0, 32);
  pub[0] = 2;
  CHECK(!ed25519_verify(sig, pub, msg, 0), "y = 2 is off the curve");
  pub[31] = 0x80;
  CHECK(!ed25519_verify(sig, pub, msg, 0), "y = 2, x negative");
  memset(pub, 0xff, 32);                /* y = 2^255 - 1 = p + 18 */
  pub[31] = 0x7f;
  CHECK(!ed25519_verify(sig, pub, msg, 0), "y = p + 18");
  return t_done("common.ed25519_rfc8032");
}
