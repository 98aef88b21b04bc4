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

#endif
