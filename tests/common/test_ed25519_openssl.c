/* test_ed25519_openssl.c - ed25519_verify against OpenSSL's EVP Ed25519
** verification, case by case: both must give the same verdict on every
** input. Cases: random keys and messages (valid signatures, every single-bit
** flip of signature, key and message), garbage, S >= L, non-canonical y of
** A and R, "negative zero" x, small-order and mixed-order points.
** Special points are built here with OpenSSL BIGNUM affine arithmetic.
** Usage: test_ed25519_openssl [keys [full-flip keys [tries [picks [seed]]]]]
** (defaults 1000 16 2 16; tries and picks size the special-point cases). */
#include <stdlib.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ed25519.h"
#include "rfc8032_vectors.h"
#include "tcheck.h"

/* ---- verdicts, counted per category ---------------------------------- */

enum { C_VALID, C_FLIP_SIG, C_FLIP_KEY, C_FLIP_MSG, C_GARBAGE, C_S_BIG,
       C_NONCANON_A, C_NONCANON_R, C_SMALL_A, C_SMALL_R, C_MIXED, C_NCAT };
static const char *cat_name[C_NCAT] = {
  "valid signatures", "sig bit flips", "key bit flips", "msg bit flips",
  "garbage sig/key/msg", "S >= L", "non-canonical A", "non-canonical R",
  "small-order A", "small-order R", "mixed-order A/R",
};
static long cat_cases[C_NCAT], cat_accepted[C_NCAT];

static int ossl_verify(const uint8_t *sig, const uint8_t *pub,
                       const uint8_t *msg, size_t n)
{
  static const uint8_t none[1];
  EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  int ok = k && c && EVP_DigestVerifyInit(c, NULL, NULL, NULL, k) == 1 &&
           EVP_DigestVerify(c, sig, 64, n ? msg : none, n) == 1;
  EVP_MD_CTX_free(c);
  EVP_PKEY_free(k);
  ERR_clear_error();
  return ok;
}

/* expect: 1 must verify, 0 must not, -1 whatever OpenSSL says. */
static int both(int cat, const uint8_t *sig, const uint8_t *pub,
                const uint8_t *msg, size_t n, int expect)
{
  int ours = ed25519_verify(sig, pub, msg, n);
  int ref = ossl_verify(sig, pub, msg, n);
  cat_cases[cat]++;
  cat_accepted[cat] += ref;
  CHECK(ours == ref, "%s: ours %d, OpenSSL %d (case %ld)", cat_name[cat], ours,
        ref, cat_cases[cat]);
  if (expect >= 0)
    CHECK(ref == expect, "%s: OpenSSL %d, expected %d", cat_name[cat], ref, expect);
  return ref;
}

/* ---- OpenSSL keys and signatures --------------------------------------- */

static void ossl_keypair(const uint8_t seed[32], uint8_t pub[32])
{
  EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
  size_t n = 32;
  if (!k || EVP_PKEY_get_raw_public_key(k, pub, &n) != 1 || n != 32)
    abort();
  EVP_PKEY_free(k);
}

static void ossl_sign(const uint8_t seed[32], const uint8_t *msg, size_t n,
                      uint8_t sig[64])
{
  static const uint8_t none[1];
  EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  size_t len = 64;
  if (!k || !c || EVP_DigestSignInit(c, NULL, NULL, NULL, k) != 1 ||
      EVP_DigestSign(c, sig, &len, n ? msg : none, n) != 1 || len != 64)
    abort();
  EVP_MD_CTX_free(c);
  EVP_PKEY_free(k);
}

/* ---- edwards25519 in BIGNUM affine coordinates (test side only) ---------- */

static BN_CTX *bx;
static BIGNUM *P, *D, *Lq;              /* field prime, curve d, group order */
typedef struct { BIGNUM *x, *y; } ept;

static void ept_new(ept *a)
{
  a->x = BN_new();
  a->y = BN_new();
  BN_zero(a->x);
  BN_one(a->y);
}

static void ept_free(ept *a)
{
  BN_free(a->x);
  BN_free(a->y);
}

static void ept_copy(ept *r, const ept *a)
{
  BN_copy(r->x, a->x);
  BN_copy(r->y, a->y);
}

static int ept_is_id(const ept *a)
{
  return BN_is_zero(a->x) && BN_is_one(a->y);
}

/* r = a + b: x3 = (x1y2 + y1x2)/(1 + t), y3 = (y1y2 + x1x2)/(1 - t),
** t = d x1x2y1y2 (RFC 8032 section 5.1.4, affine form, a = -1). */
static void ept_add(ept *r, const ept *a, const ept *b)
{
  BN_CTX_start(bx);
  BIGNUM *xx = BN_CTX_get(bx), *yy = BN_CTX_get(bx), *xy = BN_CTX_get(bx),
         *yx = BN_CTX_get(bx), *t = BN_CTX_get(bx), *u = BN_CTX_get(bx),
         *one = BN_CTX_get(bx);
  BN_one(one);
  BN_mod_mul(xx, a->x, b->x, P, bx);
  BN_mod_mul(yy, a->y, b->y, P, bx);
  BN_mod_mul(xy, a->x, b->y, P, bx);
  BN_mod_mul(yx, a->y, b->x, P, bx);
  BN_mod_mul(t, xx, yy, P, bx);
  BN_mod_mul(t, t, D, P, bx);
  BN_mod_add(u, one, t, P, bx);
  BN_mod_inverse(u, u, P, bx);
  BN_mod_add(xy, xy, yx, P, bx);
  BN_mod_sub(t, one, t, P, bx);
  BN_mod_inverse(t, t, P, bx);
  BN_mod_add(yy, yy, xx, P, bx);
  BN_mod_mul(r->x, xy, u, P, bx);
  BN_mod_mul(r->y, yy, t, P, bx);
  BN_CTX_end(bx);
}

static void ept_mul(ept *r, const BIGNUM *k, const ept *a)
{
  ept acc;
  ept_new(&acc);
  for (int i = BN_num_bits(k) - 1; i >= 0; i--) {
    ept_add(&acc, &acc, &acc);
    if (BN_is_bit_set(k, i))
      ept_add(&acc, &acc, a);
  }
  ept_copy(r, &acc);
  ept_free(&acc);
}

static void ept_enc(uint8_t out[32], const ept *a)
{
  BN_bn2lebinpad(a->y, out, 32);
  out[31] |= (uint8_t)(BN_is_odd(a->x) << 7);
}

/* The point with y = yv (taken mod p) and the given sign of x, if any.
** Lax on purpose: y >= p and x = 0 with sign 1 give the point they name. */
static int ept_from_y(ept *r, const BIGNUM *yv, int sign)
{
  BN_CTX_start(bx);
  BIGNUM *y = BN_CTX_get(bx), *u = BN_CTX_get(bx), *v = BN_CTX_get(bx),
         *x2 = BN_CTX_get(bx), *chk = BN_CTX_get(bx);
  int ok = 0;
  BN_nnmod(y, yv, P, bx);
  BN_mod_sqr(u, y, P, bx);
  BN_mod_mul(v, u, D, P, bx);
  BN_sub_word(u, 1);
  BN_nnmod(u, u, P, bx);
  BN_add_word(v, 1);
  BN_mod_inverse(v, v, P, bx);
  BN_mod_mul(x2, u, v, P, bx);          /* x^2 = (y^2 - 1)/(d y^2 + 1) */
  if (BN_is_zero(x2)) {
    BN_zero(r->x);
    ok = 1;
  } else if (BN_mod_sqrt(r->x, x2, P, bx)) {
    BN_mod_sqr(chk, r->x, P, bx);
    ok = !BN_cmp(chk, x2);
    if (ok && BN_is_odd(r->x) != sign)
      BN_sub(r->x, P, r->x);
  }
  ERR_clear_error();
  if (ok)
    BN_copy(r->y, y);
  BN_CTX_end(bx);
  return ok;
}

static int ept_dec(ept *r, const uint8_t in[32])
{
  uint8_t b[32];
  memcpy(b, in, 32);
  b[31] &= 0x7f;
  BIGNUM *y = BN_lebin2bn(b, 32, NULL);
  int ok = ept_from_y(r, y, in[31] >> 7);
  BN_free(y);
  return ok;
}

/* k = SHA-512(R || A || M) mod L, as a BIGNUM. */
static void hram(BIGNUM *k, const uint8_t *r, const uint8_t *a,
                 const uint8_t *m, size_t n)
{
  static uint8_t buf[64 + 4096];
  uint8_t h[64];
  if (n > 4096)
    abort();
  memcpy(buf, r, 32);
  memcpy(buf + 32, a, 32);
  memcpy(buf + 64, m, n);
  SHA512(buf, 64 + n, h);
  BN_lebin2bn(h, 64, k);
  BN_nnmod(k, k, Lq, bx);
}

/* A random scalar s (mod L) and [s]B, via OpenSSL's key derivation:
** s = clamp(SHA-512(seed)[0..31]) (RFC 8032 5.1.5). */
static void keypair(uint8_t seed[32], BIGNUM *s, uint8_t pub[32])
{
  uint8_t h[64];
  rndbytes(seed, 32);
  ossl_keypair(seed, pub);
  SHA512(seed, 32, h);
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  BN_lebin2bn(h, 32, s);
  BN_nnmod(s, s, Lq, bx);
}

static void put_scalar(uint8_t out[32], const BIGNUM *s)
{
  BN_bn2lebinpad(s, out, 32);
}

/* ---- the cases ----------------------------------------------------------- */

static ept T[8];                        /* the small-order points, T[j] = [j]T[1] */
static uint8_t Tenc[8][32];

static void find_torsion(void)
{
  ept q, q4;
  ept_new(&q);
  ept_new(&q4);
  BIGNUM *y = BN_new(), *four = BN_new();
  BN_set_word(four, 4);
  for (;;) {                            /* [L]P for random P has order 8 or less */
    BN_rand_range(y, P);
    if (!ept_from_y(&q, y, 0))
      continue;
    ept_mul(&q, Lq, &q);
    ept_mul(&q4, four, &q);
    if (!ept_is_id(&q4))
      break;
  }
  for (int j = 0; j < 8; j++) {
    ept_new(&T[j]);
    if (j)
      ept_add(&T[j], &T[j - 1], &q);
    ept_enc(Tenc[j], &T[j]);
  }
  CHECK(ept_is_id(&T[0]), "T0 is the identity");
  ept_add(&q4, &T[7], &q);
  CHECK(ept_is_id(&q4), "8 T1 = identity");
  BN_free(y);
  BN_free(four);
  ept_free(&q);
  ept_free(&q4);
}

static void rfc_vectors(void)
{
  uint8_t seed[32], pub[32], sig[64], want[64], msg[1024];
  for (size_t v = 0; v < sizeof rfc8032 / sizeof rfc8032[0]; v++) {
    unhex(seed, rfc8032[v].secret);
    size_t n = unhex(msg, rfc8032[v].msg);
    ossl_keypair(seed, pub);
    CHECK(hexeq(pub, 32, rfc8032[v].pub), "%s: OpenSSL derives the vector's key",
          rfc8032[v].name);
    ossl_sign(seed, msg, n, sig);
    unhex(want, rfc8032[v].sig);
    CHECK(!memcmp(sig, want, 64), "%s: OpenSSL makes the vector's signature",
          rfc8032[v].name);
    both(C_VALID, sig, pub, msg, n, 1);
  }
}

static void flip(uint8_t *p, size_t bit)
{
  p[bit >> 3] ^= (uint8_t)(1 << (bit & 7));
}

/* Random keys and messages; every bit flip for the first `full` keys,
** eight random flips of each kind for the others. */
static void random_keys(int keys, int full)
{
  static uint8_t msg[4096];
  uint8_t seed[32], pub[32], sig[64];
  for (int i = 0; i < keys; i++) {
    size_t n = rnd() % 8 ? rnd() % 200 : rnd() % sizeof msg;
    if (i < full)
      n = rnd() % 40;
    rndbytes(seed, 32);
    rndbytes(msg, n);
    ossl_keypair(seed, pub);
    ossl_sign(seed, msg, n, sig);
    both(C_VALID, sig, pub, msg, n, 1);
    int all = i < full;
    for (size_t b = 0, e = all ? 512 : 8; b < e; b++) {
      size_t bit = all ? b : rnd() % 512;
      flip(sig, bit);
      both(C_FLIP_SIG, sig, pub, msg, n, 0);
      flip(sig, bit);
    }
    for (size_t b = 0, e = all ? 256 : 8; b < e; b++) {
      size_t bit = all ? b : rnd() % 256;
      flip(pub, bit);
      both(C_FLIP_KEY, sig, pub, msg, n, 0);
      flip(pub, bit);
    }
    for (size_t b = 0, e = all ? 8 * n : 8; n && b < e; b++) {
      size_t bit = all ? b : rnd() % (8 * n);
      flip(msg, bit);
      both(C_FLIP_MSG, sig, pub, msg, n, 0);
      flip(msg, bit);
    }
    /* S + jL for every j that fits in 256 bits, and S = L - 1 + 2^k noise */
    BIGNUM *s = BN_lebin2bn(sig + 32, 32, NULL);
    uint8_t t[64];
    memcpy(t, sig, 32);
    for (int j = 1; j < 16; j++) {
      BN_add(s, s, Lq);
      if (BN_num_bits(s) > 256)
        break;
      put_scalar(t + 32, s);
      both(C_S_BIG, t, pub, msg, n, 0);
    }
    BN_free(s);
  }
}

static void garbage(int count)
{
  uint8_t sig[64], pub[32], msg[64], seed[32];
  BIGNUM *s = BN_new();
  for (int i = 0; i < count; i++) {
    size_t n = rnd() % sizeof msg;
    rndbytes(sig, 64);
    rndbytes(msg, n);
    if (i & 1)
      rndbytes(pub, 32);                /* mostly not curve points */
    else
      keypair(seed, s, pub);            /* a real key */
    if (i & 2)
      sig[63] &= 0x0f;                  /* S < 2^252 < L: reach the curve math */
    both(C_GARBAGE, sig, pub, msg, n, -1);
  }
  /* S at and around L, and far above it, with a real key. */
  keypair(seed, s, pub);
  uint8_t lb[32];
  put_scalar(lb, Lq);
  for (int d = -2; d <= 2; d++) {
    rndbytes(sig, 32);
    BN_copy(s, Lq);
    if (d < 0)
      BN_sub_word(s, (BN_ULONG)-d);
    else
      BN_add_word(s, (BN_ULONG)d);
    put_scalar(sig + 32, s);
    both(d < 0 ? C_GARBAGE : C_S_BIG, sig, pub, msg, 3, d < 0 ? -1 : 0);
  }
  for (int b = 253; b <= 256; b++) {
    memset(sig + 32, 0, 32);
    for (int k = 0; k < b; k++)
      sig[32 + k / 8] |= (uint8_t)(1 << (k % 8));   /* S = 2^b - 1 */
    both(C_S_BIG, sig, pub, msg, 3, 0);
  }
  BN_free(s);
}

static void mksig(uint8_t sig[64], const uint8_t r[32], const BIGNUM *s)
{
  memcpy(sig, r, 32);
  put_scalar(sig + 32, s);
}

/* Encodings that stress decoding: the eight small-order points; y + p for
** y = 0..18 with either sign (all y >= p that fit in 255 bits); and the
** canonical y = 1 and y = -1 (x = 0) with the sign bit set ("-0").
** noncanon[i] tells which are not canonical encodings. */
static int special(uint8_t out[][32], int noncanon[])
{
  int n = 0;
  for (int j = 0; j < 8; j++, n++) {
    memcpy(out[n], Tenc[j], 32);
    noncanon[n] = 0;
  }
  BIGNUM *y = BN_new();
  for (int v = 0; v <= 18; v++)
    for (int sign = 0; sign < 2; sign++, n++) {
      BN_copy(y, P);
      BN_add_word(y, (BN_ULONG)v);
      BN_bn2lebinpad(y, out[n], 32);
      out[n][31] |= (uint8_t)(sign << 7);
      noncanon[n] = 1;
    }
  BN_free(y);
  for (int j = 0; j < 8; j++)
    if (BN_is_zero(T[j].x)) {           /* identity and the order-2 point */
      memcpy(out[n], Tenc[j], 32);
      out[n][31] |= 0x80;
      noncanon[n++] = 1;
    }
  return n;
}

/* Non-canonical and small-order encodings as A, as R, and both. */
static void special_points(int tries, int picks)
{
  uint8_t enc[64][32], sig[64], seed[32], rb[32], pub[32], msg[64];
  int nc[64];
  int n = special(enc, nc);
  BIGNUM *r = BN_new(), *a = BN_new(), *k = BN_new(), *s = BN_new(),
         *zero = BN_new();
  BN_zero(zero);
  for (int e = 0; e < n; e++) {
    int ca = nc[e] ? C_NONCANON_A : C_SMALL_A;
    int cr = nc[e] ? C_NONCANON_R : C_SMALL_R;
    for (int t = 0; t < tries; t++) {
      size_t len = rnd() % sizeof msg;
      rndbytes(msg, len);
      /* A = E, R = [r]B, S = r: valid exactly when [k]A = 0 (no cofactor). */
      keypair(seed, r, rb);
      mksig(sig, rb, r);
      both(ca, sig, enc[e], msg, len, -1);
      /* A = E, R = each small-order point, S = 0. */
      for (int i = 0; i < 8; i++) {
        mksig(sig, Tenc[i], zero);
        both(ca, sig, enc[e], msg, len, -1);
      }
      /* A = E and R = `picks` random special encodings, S = 0. */
      for (int p = 0; p < picks; p++) {
        mksig(sig, enc[rnd() % (unsigned)n], zero);
        both(ca, sig, enc[e], msg, len, -1);
      }
      /* R = E with a real key: S = k a makes [S]B - [k]A the identity. */
      keypair(seed, a, pub);
      hram(k, enc[e], pub, msg, len);
      BN_mod_mul(s, k, a, Lq, bx);
      mksig(sig, enc[e], s);
      both(cr, sig, pub, msg, len, e == 0 ? 1 : 0);
      /* R = E, S random below L. */
      BN_rand_range(s, Lq);
      mksig(sig, enc[e], s);
      both(cr, sig, pub, msg, len, 0);
    }
  }
  BN_free(r);
  BN_free(a);
  BN_free(k);
  BN_free(s);
  BN_free(zero);
}

/* A = [a]B + T[j] and R = [r]B + T[i]: valid without the cofactor exactly
** when the torsion parts cancel, [S]B - [k]A = [r]B - [k]T[j] = R. */
static void mixed_order(int tries)
{
  uint8_t seed[32], pub[32], rb[32], sig[64], msg[64];
  BIGNUM *r = BN_new(), *a = BN_new(), *k = BN_new(), *s = BN_new();
  ept A, R;
  ept_new(&A);
  ept_new(&R);
  for (int t = 0; t < tries; t++) {
    int j = (int)(rnd() % 8), i = t % 3 ? 0 : (int)(rnd() % 8);
    size_t len = rnd() % sizeof msg;
    rndbytes(msg, len);
    keypair(seed, a, pub);
    keypair(seed, r, rb);
    if (!ept_dec(&A, pub) || !ept_dec(&R, rb))
      abort();
    ept_add(&A, &A, &T[j]);
    ept_add(&R, &R, &T[i]);
    ept_enc(pub, &A);
    ept_enc(rb, &R);
    hram(k, rb, pub, msg, len);
    BN_mod_mul(s, k, a, Lq, bx);
    BN_mod_add(s, s, r, Lq, bx);
    mksig(sig, rb, s);
    /* expected: [k]T[j] == -T[i], i.e. [k mod 8]T[j] + T[i] = 0 */
    ept q;
    ept_new(&q);
    BN_ULONG km = BN_mod_word(k, 8);
    ept_copy(&q, &T[(j * km) % 8]);
    ept_add(&q, &q, &T[i]);
    both(C_MIXED, sig, pub, msg, len, ept_is_id(&q));
    ept_free(&q);
  }
  ept_free(&A);
  ept_free(&R);
  BN_free(r);
  BN_free(a);
  BN_free(k);
  BN_free(s);
}

/* Time per verification of a valid signature, ours and OpenSSL's. */
static void speed(void)
{
  uint8_t seed[32], pub[32], sig[64], msg[100];
  rndbytes(seed, 32);
  rndbytes(msg, sizeof msg);
  ossl_keypair(seed, pub);
  ossl_sign(seed, msg, sizeof msg, sig);
  int ok = 1, runs = 50;
  clock_t t0 = clock();
  for (int i = 0; i < runs; i++)
    ok &= ed25519_verify(sig, pub, msg, sizeof msg);
  clock_t t1 = clock();
  for (int i = 0; i < runs; i++)
    ok &= ossl_verify(sig, pub, msg, sizeof msg);
  clock_t t2 = clock();
  CHECK(ok, "timed signatures verify");
  printf("verify: ours %.0f us, OpenSSL %.0f us (this host)\n",
         1e6 * (double)(t1 - t0) / CLOCKS_PER_SEC / runs,
         1e6 * (double)(t2 - t1) / CLOCKS_PER_SEC / runs);
}

/* The verdicts that make up the policy (docs/crypto.md), spelled out:
** OpenSSL 3.0 takes A's y mod p and accepts x = "-0", does not refuse
** small-order points, and compares R byte for byte. */
static void policy(void)
{
  uint8_t seed[32], rb[32], pub[32], sig[64], msg[8] = "policy", idn[32], nid[32];
  BIGNUM *r = BN_new(), *a = BN_new(), *k = BN_new(), *s = BN_new(), *y = BN_new();
  memcpy(idn, Tenc[0], 32);             /* identity, canonical: y = 1 */
  BN_copy(y, P);
  BN_add_word(y, 1);
  BN_bn2lebinpad(y, nid, 32);           /* identity as y = p + 1 */
  keypair(seed, r, rb);
  mksig(sig, rb, r);                    /* R = [r]B, S = r: [S]B - [k]A = R */
  both(C_NONCANON_A, sig, nid, msg, 6, 1);      /* A: y >= p accepted */
  idn[31] |= 0x80;
  both(C_NONCANON_A, sig, idn, msg, 6, 1);      /* A: x = -0 accepted */
  idn[31] &= 0x7f;
  both(C_SMALL_A, sig, idn, msg, 6, 1);         /* A: identity accepted */
  BN_zero(s);
  mksig(sig, idn, s);
  both(C_SMALL_A, sig, idn, msg, 6, 1);         /* A = R = identity, S = 0 */
  keypair(seed, a, pub);                /* R = identity, S = k a */
  for (int v = 0; v < 3; v++) {
    uint8_t *re = v == 1 ? nid : idn;
    if (v == 2)
      idn[31] |= 0x80;
    hram(k, re, pub, msg, 6);
    BN_mod_mul(s, k, a, Lq, bx);
    mksig(sig, re, s);
    both(v ? C_NONCANON_R : C_SMALL_R, sig, pub, msg, 6, v == 0);
  }
  BN_free(r);
  BN_free(a);
  BN_free(k);
  BN_free(s);
  BN_free(y);
}

int main(int argc, char **argv)
{
  int keys = argc > 1 ? atoi(argv[1]) : 1000;
  int full = argc > 2 ? atoi(argv[2]) : 16;
  int tries = argc > 3 ? atoi(argv[3]) : 2;
  int picks = argc > 4 ? atoi(argv[4]) : 16;
  if (argc > 5)
    t_rng = strtoull(argv[5], NULL, 0) | 1;

  bx = BN_CTX_new();
  P = BN_new();
  D = BN_new();
  Lq = BN_new();
  BN_set_bit(P, 255);
  BN_sub_word(P, 19);
  BN_set_bit(Lq, 252);
  BIGNUM *l0 = NULL;
  BN_dec2bn(&l0, "27742317777372353535851937790883648493");
  BN_add(Lq, Lq, l0);
  BN_set_word(D, 121666);               /* d = -121665 / 121666 */
  BN_mod_inverse(D, D, P, bx);
  BN_set_word(l0, 121665);
  BN_mod_mul(D, D, l0, P, bx);
  BN_mod_sub(D, P, D, P, bx);
  BN_free(l0);

  speed();
  find_torsion();
  rfc_vectors();
  policy();
  random_keys(keys, full);
  garbage(keys);
  special_points(tries, picks);
  mixed_order(keys / 2);

  long total = 0;
  for (int c = 0; c < C_NCAT; c++) {
    printf("  %-22s %7ld cases, %6ld accepted by both\n", cat_name[c],
           cat_cases[c], cat_accepted[c]);
    total += cat_cases[c];
  }
  printf("%ld cases checked against OpenSSL %s\n", total,
         OpenSSL_version(OPENSSL_VERSION));
  return t_done("common.ed25519_openssl");
}
