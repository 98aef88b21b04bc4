/* ed25519.h - Ed25519 signature verification (RFC 8032 section 5.1.7,
** "pure" Ed25519: no context, no prehash). Freestanding, no heap.
**
** Returns true exactly when OpenSSL 3.0's EVP Ed25519 verification would:
** S must be below the group order L; the public key A must decode to a
** curve point (its y is taken mod p, and x = 0 with the sign bit set is
** accepted, as OpenSSL does); R is checked by comparing its bytes with the
** canonical encoding of [S]B - [k]A, so a non-canonical R never verifies;
** small-order points are not rejected. See docs/crypto.md. */
#ifndef COCKPIT_ED25519_H
#define COCKPIT_ED25519_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool ed25519_verify(const uint8_t sig[64], const uint8_t pub[32],
                    const uint8_t *msg, size_t len);

/* May this public key enter a trust store? Verification above is lenient
** about keys (as OpenSSL is), and a small-order key accepts forgeries, so
** every place that trusts a key asks this first. Strict RFC 8032 5.1.3
** decoding, then the cofactor: [8]A must not be the identity. Mixed-order
** keys (a small-order component added to a proper key) pass, as RFC 8032
** allows; no honest key generator makes one. */
typedef enum ed25519_key_err {
  ED25519_KEY_OK = 0,
  ED25519_KEY_NONCANONICAL,   /* y >= p, or x = 0 with the sign bit set */
  ED25519_KEY_NOT_ON_CURVE,   /* no x satisfies the curve equation for y */
  ED25519_KEY_SMALL_ORDER     /* one of the 8 points of order 1, 2, 4, 8 */
} ed25519_key_err;

ed25519_key_err ed25519_key_check(const uint8_t pub[32]);

#endif
