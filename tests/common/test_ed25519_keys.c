/* test_ed25519_keys.c - ed25519_key_check, the gate of every trust store.
**
** The vectors are derived here from the curve, not copied from a list:
**   p = 2^255 - 19, d = -121665/121666 (RFC 8032 5.1),
**   -x^2 + y^2 = 1 + d x^2 y^2, a point encoded as y little-endian with
**   the low bit of x in bit 255 (RFC 8032 5.1.2).
** The curve group is Z_8 x Z_L; its 8-torsion (the small-order points):
**   order 1: (0, 1), the identity.
**   order 2: (0, -1).
**   order 4: (+-sqrt(-1), 0): y = 0 gives x^2 = -1.
**   order 8: doubling gives y3 = (x^2 + y^2)/(2 + x^2 - y^2), so [2]P has
**            y = 0 (order 4) exactly when x^2 = -y^2; put into the curve
**            equation: d y^4 + 2 y^2 - 1 = 0, y^2 = (-1 +- sqrt(1 + d))/d.
**            One root is a square; its two y and the two signs of x are the
**            four points of order 8.
** Non-canonical encodings (RFC 8032 5.1.3 step 1 says decoding fails):
**   y + p for y in 0..18 still fits in 255 bits, with either sign bit; and
**   "-0", x = 0 with the sign bit set (only y = 1 and y = -1 have x = 0).
** Which small y lie on the curve (y^2 - 1)/(d y^2 + 1) a square): 0, 1, 3,
** 4, 5, 6, 9, 10, 14, 15, 16, 18; not 2, 7, 8, 11, 12, 13, 17.
** The values below were computed with a few lines of Python big-integer
** arithmetic following these formulas (and each small-order point checked
** to satisfy [k]P = identity for its order k). */
#include "ed25519.h"
#include "rfc8032_vectors.h"
#include "tcheck.h"

static const struct {
  const char *what, *hex;
  ed25519_key_err want;
} cases[] = {
  /* the 8-torsion */
  { "identity (0, 1), order 1",
    "0100000000000000000000000000000000000000000000000000000000000000", ED25519_KEY_SMALL_ORDER },
  { "(0, -1), order 2: y = p - 1",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", ED25519_KEY_SMALL_ORDER },
  { "(sqrt(-1), 0), order 4, x even",
    "0000000000000000000000000000000000000000000000000000000000000000", ED25519_KEY_SMALL_ORDER },
  { "(-sqrt(-1), 0), order 4, x odd",
    "0000000000000000000000000000000000000000000000000000000000000080", ED25519_KEY_SMALL_ORDER },
  { "order 8, y^2 = (-1 + sqrt(1 + d))/d, first y, x odd",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", ED25519_KEY_SMALL_ORDER },
  { "order 8, first y, x even",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", ED25519_KEY_SMALL_ORDER },
  { "order 8, second y (p - first), x odd",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", ED25519_KEY_SMALL_ORDER },
  { "order 8, second y, x even",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", ED25519_KEY_SMALL_ORDER },
  /* "-0": canonical y, but x = 0 with the sign bit set */
  { "-0 with y = 1 (the identity's alias)",
    "0100000000000000000000000000000000000000000000000000000000000080", ED25519_KEY_NONCANONICAL },
  { "-0 with y = -1",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", ED25519_KEY_NONCANONICAL },
  /* y >= p: aliases of a proper point (y = 3, 18 are on the curve and not
  ** small-order), of small-order points (y = 0, 1) and of no point (y = 2) */
  { "y = p + 3 (alias of the proper point y = 3)",
    "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", ED25519_KEY_NONCANONICAL },
  { "y = p + 18 = 2^255 - 1, sign bit set",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", ED25519_KEY_NONCANONICAL },
  { "y = p (alias of the order-4 point)",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", ED25519_KEY_NONCANONICAL },
  { "y = p + 1 (alias of the identity)",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", ED25519_KEY_NONCANONICAL },
  { "y = p + 2 (no point)",
    "efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", ED25519_KEY_NONCANONICAL },
  /* canonical y with no x */
  { "y = 2: (y^2 - 1)/(d y^2 + 1) is not a square",
    "0200000000000000000000000000000000000000000000000000000000000000", ED25519_KEY_NOT_ON_CURVE },
  { "y = 7, sign bit set",
    "0700000000000000000000000000000000000000000000000000000000000080", ED25519_KEY_NOT_ON_CURVE },
  /* proper keys */
  { "the base point B (y = 4/5)",
    "5866666666666666666666666666666666666666666666666666666666666666", ED25519_KEY_OK },
  { "y = 3, canonical: a point of large order",
    "0300000000000000000000000000000000000000000000000000000000000000", ED25519_KEY_OK },
  /* RFC 8032 TEST 1's key plus an order-8 point: [8]A is not the
  ** identity, so it passes (mixed order, documented in ed25519.h) */
  { "mixed order: TEST 1 key + an order-8 point",
    "5ca7ced5657291c4cb376e2929ebbb0747dee3aee81452ea424f42974f81fdba", ED25519_KEY_OK },
};

int main(void)
{
  uint8_t pub[32];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    unhex(pub, cases[i].hex);
    ed25519_key_err got = ed25519_key_check(pub);
    CHECK(got == cases[i].want, "%s: got %d, want %d", cases[i].what, (int)got, (int)cases[i].want);
  }
  /* Every y + p alias (y = 0..18, both signs) is refused as non-canonical,
  ** whatever point it would stand for. */
  for (int y = 0; y <= 18; y++)
    for (int sign = 0; sign < 2; sign++) {
      memset(pub, 0xff, 32);
      pub[0] = (uint8_t)(0xed + y);
      pub[31] = sign ? 0xff : 0x7f;
      CHECK(ed25519_key_check(pub) == ED25519_KEY_NONCANONICAL, "y = p + %d, sign %d", y, sign);
    }
  /* Every RFC 8032 section 7.1 key is proper. */
  for (size_t v = 0; v < sizeof rfc8032 / sizeof rfc8032[0]; v++) {
    unhex(pub, rfc8032[v].pub);
    CHECK(ed25519_key_check(pub) == ED25519_KEY_OK, "%s key", rfc8032[v].name);
  }
  /* Why the gate exists: under the identity key, R = B, S = 1 verifies for
  ** any message ([S]B - [k]A = B whatever k is). */
  uint8_t sig[64] = { 0 };
  unhex(pub, cases[0].hex);
  unhex(sig, cases[17].hex);
  sig[32] = 1;
  static const uint8_t m1[] = "install me", m2[] = "and me too";
  CHECK(ed25519_verify(sig, pub, m1, sizeof m1 - 1), "the forgery verifies under the identity");
  CHECK(ed25519_verify(sig, pub, m2, sizeof m2 - 1), "for any message");
  CHECK(ed25519_key_check(pub) == ED25519_KEY_SMALL_ORDER, "and the key is refused");
  printf("%ld checks, %d failed\n", t_checks, t_failures);
  return t_failures != 0;
}
