/* ed25519.c - Ed25519 verification (RFC 8032 5.1.7), written for size.
**
** GF(p), p = 2^255 - 19: eight little-endian 32-bit words holding any value
** below 2^256; carries past 2^256 fold back as 38 (2^256 = 2p + 38).
** Points use extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z,
** xy = T/Z on -x^2 + y^2 = 1 + d x^2 y^2, and one complete addition
** formula (Hisil-Wong-Carter-Dawson 2008, a = -1) that also doubles.
** Inversion and square root are square-and-multiply (RFC 8032 5.1.3).
** Everything here handles public data, so nothing is constant-time. */
#include "ed25519.h"
#include "sha512.h"

typedef uint32_t fe[8];                 /* also holds scalars (S, k, L) */
typedef struct { fe x, y, z, t; } pt;

static const fe P = { 0xffffffed, 0xffffffff, 0xffffffff, 0xffffffff,
                      0xffffffff, 0xffffffff, 0xffffffff, 0x7fffffff };
static const fe L = { 0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de,
                      0, 0, 0, 0x10000000 };  /* group order */
static const fe D = { 0x135978a3, 0x75eb4dca, 0x4141d8ab, 0x00700a4d,
                      0x7779e898, 0x8cc74079, 0x2b6ffe73, 0x52036cee };
static const fe SQRTM1 = { 0x4a0ea0b0, 0xc4ee1b27, 0xad2fe478, 0x2f431806,
                           0x3dfbd7a7, 0x2b4d0099, 0x4fc1df0b, 0x2b832480 };
static const fe BX = { 0x8f25d51a, 0xc9562d60, 0x9525a7b2, 0x692cc760,
                       0xfdd6dc5c, 0xc0a4e231, 0xcd6e53fe, 0x216936d3 };
static const fe BY = { 0x66666658, 0x66666666, 0x66666666, 0x66666666,
                       0x66666666, 0x66666666, 0x66666666, 0x66666666 };
static const fe ZERO = { 0 }, ONE = { 1 }, K38 = { 38 };

static void fe_copy(fe r, const fe a)
{
  for (int i = 0; i < 8; i++)
    r[i] = a[i];
}

/* r = a - b over 256 bits; returns the borrow. */
static uint32_t wsub(fe r, const fe a, const fe b)
{
  uint32_t c = 0;
  for (int i = 0; i < 8; i++) {
    uint64_t t = (uint64_t)a[i] - b[i] - c;
    r[i] = (uint32_t)t;
    c = (uint32_t)(t >> 32) & 1;
  }
  return c;
}

/* r -= m when r >= m. */
static void wreduce(fe r, const fe m)
{
  fe t;
  if (!wsub(t, r, m))
    fe_copy(r, t);
}

/* r += c * 2^256, i.e. 38c, until nothing carries out. */
static void fe_fold(fe r, uint32_t c)
{
  while (c) {
    uint64_t t = (uint64_t)c * 38;
    for (int i = 0; i < 8; i++) {
      t += r[i];
      r[i] = (uint32_t)t;
      t >>= 32;
    }
    c = (uint32_t)t;
  }
}

static void fe_add(fe r, const fe a, const fe b)
{
  uint64_t t = 0;
  for (int i = 0; i < 8; i++) {
    t += (uint64_t)a[i] + b[i];
    r[i] = (uint32_t)t;
    t >>= 32;
  }
  fe_fold(r, (uint32_t)t);
}

/* A borrow means r holds a - b + 2^256: take 38 off per borrow. */
static void fe_sub(fe r, const fe a, const fe b)
{
  uint32_t c = wsub(r, a, b);
  while (c)
    c = wsub(r, r, K38);
}

static void fe_mul(fe r, const fe a, const fe b)
{
  uint32_t w[16];
  fe_copy(w, ZERO);                     /* row i adds into w[i..i+7] */
  for (int i = 0; i < 8; i++) {
    uint64_t t = 0;
    for (int j = 0; j < 8; j++) {
      t += (uint64_t)a[i] * b[j] + w[i + j];
      w[i + j] = (uint32_t)t;
      t >>= 32;
    }
    w[i + 8] = (uint32_t)t;
  }
  uint64_t t = 0;                       /* low half + 38 * high half */
  for (int i = 0; i < 8; i++) {
    t += (uint64_t)w[i + 8] * 38 + w[i];
    r[i] = (uint32_t)t;
    t >>= 32;
  }
  fe_fold(r, (uint32_t)t);
}

/* Fully reduce: a value below 2^256 = 2p + 38 needs at most two steps. */
static void fe_canon(fe r)
{
  wreduce(r, P);
  wreduce(r, P);
}

static int fe_eq(const fe a, const fe b)
{
  fe t;
  uint32_t z = 0;
  fe_sub(t, a, b);
  fe_canon(t);
  for (int i = 0; i < 8; i++)
    z |= t[i];
  return z == 0;
}

/* r = a^(2^n - c), c small: bit i of 2^n - c is clear where c - 1 has a 1. */
static void fe_pow(fe r, const fe a, int n, uint32_t c)
{
  fe t;
  fe_copy(t, ONE);
  for (int i = n - 1; i >= 0; i--) {
    fe_mul(t, t, t);
    if (i >= 32 || !((c - 1) >> i & 1))
      fe_mul(t, t, a);
  }
  fe_copy(r, t);
}

static void fe_load(fe r, const uint8_t *s)
{
  for (int i = 0; i < 8; i++, s += 4)
    r[i] = s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
           (uint32_t)s[3] << 24;
}

/* r = p + q, complete: any two points, doubling included. */
static void pt_add(pt *r, const pt *p, const pt *q)
{
  fe a, b, c, d, e;
  fe_sub(a, p->y, p->x);
  fe_sub(e, q->y, q->x);
  fe_mul(a, a, e);                      /* A = (Y1-X1)(Y2-X2) */
  fe_add(b, p->y, p->x);
  fe_add(e, q->y, q->x);
  fe_mul(b, b, e);                      /* B = (Y1+X1)(Y2+X2) */
  fe_mul(c, p->t, q->t);
  fe_mul(c, c, D);
  fe_add(c, c, c);                      /* C = 2d T1 T2 */
  fe_mul(d, p->z, q->z);
  fe_add(d, d, d);                      /* D = 2 Z1 Z2 */
  fe_sub(e, b, a);                      /* E = B - A */
  fe_add(b, b, a);                      /* H = B + A */
  fe_sub(a, d, c);                      /* F = D - C */
  fe_add(d, d, c);                      /* G = D + C */
  fe_mul(r->x, e, a);                   /* X3 = E F */
  fe_mul(r->y, d, b);                   /* Y3 = G H */
  fe_mul(r->t, e, b);                   /* T3 = E H */
  fe_mul(r->z, a, d);                   /* Z3 = F G */
}

/* Decode (RFC 8032 5.1.3) as OpenSSL 3.0 does: y is not checked against p,
** and x = 0 with the sign bit set stands for x = 0. 0 if not on the curve. */
static int pt_load(pt *r, const uint8_t s[32])
{
  fe u, v, w;
  fe_load(r->y, s);
  r->y[7] &= 0x7fffffff;
  fe_copy(r->z, ONE);
  fe_mul(u, r->y, r->y);
  fe_mul(v, u, D);
  fe_sub(u, u, ONE);                    /* u = y^2 - 1 */
  fe_add(v, v, ONE);                    /* v = d y^2 + 1 */
  fe_mul(w, v, v);
  fe_mul(w, w, v);                      /* v^3 */
  fe_mul(r->x, w, w);
  fe_mul(r->x, r->x, v);
  fe_mul(r->x, r->x, u);                /* u v^7 */
  fe_pow(r->x, r->x, 252, 3);           /* (u v^7)^((p-5)/8) */
  fe_mul(r->x, r->x, w);
  fe_mul(r->x, r->x, u);                /* candidate root x of u/v */
  fe_mul(w, r->x, r->x);
  fe_mul(w, w, v);                      /* v x^2 */
  if (!fe_eq(w, u)) {
    fe_sub(u, ZERO, u);
    if (!fe_eq(w, u))
      return 0;                         /* u/v is not a square */
    fe_mul(r->x, r->x, SQRTM1);
  }
  fe_canon(r->x);
  if ((r->x[0] & 1) != (uint32_t)(s[31] >> 7))
    fe_sub(r->x, ZERO, r->x);
  fe_mul(r->t, r->x, r->y);
  return 1;
}

/* Encode (RFC 8032 5.1.2): canonical y, sign of x in the top bit. */
static void pt_store(uint8_t s[32], const pt *p)
{
  fe zi, x, y;
  fe_pow(zi, p->z, 255, 21);            /* 1/Z = Z^(p-2) */
  fe_mul(x, p->x, zi);
  fe_mul(y, p->y, zi);
  fe_canon(x);
  fe_canon(y);
  for (int i = 0; i < 32; i++)
    s[i] = (uint8_t)(y[i >> 2] >> 8 * (i & 3));
  s[31] |= (uint8_t)(x[0] << 7);
}

ed25519_key_err ed25519_key_check(const uint8_t pub[32])
{
  pt a;
  fe y;
  fe_load(y, pub);
  y[7] &= 0x7fffffff;
  if (!wsub(y, y, P))
    return ED25519_KEY_NONCANONICAL;    /* y >= p */
  if (!pt_load(&a, pub))
    return ED25519_KEY_NOT_ON_CURVE;
  if (fe_eq(a.x, ZERO) && pub[31] >> 7)
    return ED25519_KEY_NONCANONICAL;    /* "-0" */
  for (int i = 0; i < 3; i++)
    pt_add(&a, &a, &a);                 /* [8]A */
  if (fe_eq(a.x, ZERO) && fe_eq(a.y, a.z))
    return ED25519_KEY_SMALL_ORDER;
  return ED25519_KEY_OK;
}

bool ed25519_verify(const uint8_t sig[64], const uint8_t pub[32],
                    const uint8_t *msg, size_t len)
{
  fe s, k;
  pt tab[3], r;                         /* B, -A, B - A */
  uint8_t h[64];
  sha512_ctx c;

  fe_load(s, sig + 32);
  if (!wsub(k, s, L))
    return false;                       /* S >= L */
  if (!pt_load(&tab[1], pub))
    return false;
  fe_sub(tab[1].x, ZERO, tab[1].x);
  fe_sub(tab[1].t, ZERO, tab[1].t);
  fe_copy(tab[0].x, BX);
  fe_copy(tab[0].y, BY);
  fe_copy(tab[0].z, ONE);
  fe_mul(tab[0].t, BX, BY);
  pt_add(&tab[2], &tab[0], &tab[1]);

  sha512_init(&c);                      /* k = SHA-512(R || A || M) mod L */
  sha512_update(&c, sig, 32);
  sha512_update(&c, pub, 32);
  sha512_update(&c, msg, len);
  sha512_final(&c, h);
  fe_copy(k, ZERO);
  for (int i = 511; i >= 0; i--) {      /* k = 2k + bit, less L if >= L */
    for (int j = 7; j > 0; j--)
      k[j] = k[j] << 1 | k[j - 1] >> 31;
    k[0] = k[0] << 1 | (h[i >> 3] >> (i & 7) & 1);
    wreduce(k, L);
  }

  fe_copy(r.x, ZERO);                   /* r = [S]B - [k]A, bits of both */
  fe_copy(r.y, ONE);                    /* scalars (< L < 2^253) at once */
  fe_copy(r.z, ONE);
  fe_copy(r.t, ZERO);
  for (int i = 252; i >= 0; i--) {
    uint32_t sb = s[i >> 5] >> (i & 31) & 1, kb = k[i >> 5] >> (i & 31) & 1;
    int j = (int)(sb | kb << 1);
    pt_add(&r, &r, &r);
    if (j)
      pt_add(&r, &r, &tab[j - 1]);
  }
  pt_store(h, &r);
  uint8_t diff = 0;
  for (int i = 0; i < 32; i++)
    diff |= h[i] ^ sig[i];
  return diff == 0;
}
