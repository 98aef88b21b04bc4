/*
** test_check.c -- cvm1_check: authenticity (digest, key id, signature) and
** device policy (ABI, ISA, caps, vendor, class, anti-rollback), each failure
** with its own error; every single-byte flip of a signed artifact refused.
*/
#include "art_test.h"
#include "ed25519.h"

static char *key1, *key2;
static cvm1_pubkey pub1, pub2;

static void keys(void) {
  if (key1) return;
  key1 = art_keygen("k1");
  key2 = art_keygen("k2");
  CHECK_ERR(cvm1_load_key_pub(key1, pub1), CVM1_ERR_OK);
  CHECK_ERR(cvm1_load_key_pub(key2, pub2), CVM1_ERR_OK);
  CHECK(memcmp(pub1, pub2, 32) != 0);
}

static void policy(cvm1_policy *pol, const cvm1_pubkey *k, uint32_t n) {
  cvm1_policy_init(pol);
  pol->keys = k;
  pol->nkeys = n;
}

static uint8_t *signed_sample(const char *key, size_t *len) {
  size_t n;
  uint8_t *a = art_sample_artifact(&n);
  uint8_t *s = art_sign(a, n, key, len);
  free(a);
  return s;
}

static void test_accept(void) {
  keys();
  size_t len;
  uint8_t *a = signed_sample(key1, &len);
  cvm1_policy pol;
  cvm1_info in;
  policy(&pol, &pub1, 1);
  CHECK_ERR(cvm1_check(a, len, &pol, &in), CVM1_ERR_OK);
  CHECK(in.signature && in.keyid && in.digest);
  uint8_t id[CVM1_KEYID_SIZE];
  cvm1_key_id(pub1, id);
  CHECK(memcmp(in.keyid, id, CVM1_KEYID_SIZE) == 0);
  /* the matching key may be anywhere in the trust store */
  cvm1_pubkey store[2];
  memcpy(store[0], pub2, 32);
  memcpy(store[1], pub1, 32);
  policy(&pol, store, 2);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  /* cvm1_load binds the program after checking */
  cvm_prog p;
  CHECK_ERR(cvm1_load(a, len, &pol, &p, &in), CVM1_ERR_OK);
  CHECK(p.ncode == 3 && p.nfuncs == 2);
  CHECK_ERR(cvm1_check(a, len, NULL, NULL), CVM1_ERR_ARG);
  free(a);
}

static void test_auth_errors(void) {
  keys();
  size_t len, ulen;
  uint8_t *a = signed_sample(key1, &len);
  uint8_t *u = art_sample_artifact(&ulen);
  uint32_t image = cvm_rd32(a + 0x0C);
  cvm1_policy pol;
  policy(&pol, &pub1, 1);

  /* unsigned: refused unless the policy allows it */
  CHECK_ERR(cvm1_check(u, ulen, &pol, NULL), CVM1_ERR_UNSIGNED);
  pol.flags = CVM1_POL_UNSIGNED_OK;
  CHECK_ERR(cvm1_check(u, ulen, &pol, NULL), CVM1_ERR_OK);
  u[240] ^= 1;   /* even then the digest must match */
  CHECK_ERR(cvm1_check(u, ulen, &pol, NULL), CVM1_ERR_DIGEST);
  u[240] ^= 1;
  pol.flags = 0;

  /* digest record renamed to an unknown type: no digest */
  uint8_t *b = malloc(len);
  memcpy(b, a, len);
  art_wr16(b + image + 8, 0x7F);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_NO_DIGEST);
  /* key id record renamed: signature without key id */
  memcpy(b, a, len);
  CHECK(cvm_rd16(b + image + 44) == CVM1_TLV_KEYID);
  art_wr16(b + image + 44, 0x7F);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_NO_KEYID);
  /* signature record renamed: unsigned */
  memcpy(b, a, len);
  CHECK(cvm_rd16(b + image + 56) == CVM1_TLV_ED25519);
  art_wr16(b + image + 56, 0x7F);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_UNSIGNED);
  /* content changed */
  memcpy(b, a, len);
  b[CVM1_HEADER_SIZE + 7 * CVM1_SECT_SIZE] ^= 0x40;
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_DIGEST);
  /* content changed and digest recomputed: the signature no longer fits */
  art_reseal(b);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_SIGNATURE);
  /* signature bit flipped */
  memcpy(b, a, len);
  b[len - 1] ^= 0x01;
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_SIGNATURE);
  /* key not in the trust store; empty trust store */
  policy(&pol, &pub2, 1);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_UNKNOWN_KEY);
  policy(&pol, NULL, 0);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_UNKNOWN_KEY);
  /* a key id that claims key 2 over key 1's signature */
  cvm1_pubkey both[2];
  memcpy(both[0], pub1, 32);
  memcpy(both[1], pub2, 32);
  policy(&pol, both, 2);
  memcpy(b, a, len);
  cvm1_key_id(pub2, b + image + 48);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_SIGNATURE);
  /* signed by key 2 */
  free(b);
  b = signed_sample(key2, &len);
  policy(&pol, &pub1, 1);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_UNKNOWN_KEY);
  policy(&pol, both, 2);
  CHECK_ERR(cvm1_check(b, len, &pol, NULL), CVM1_ERR_OK);
  free(b);
  free(u);
  free(a);
}

/* Edit a header field of the unsigned sample, reseal and sign it. */
static uint8_t *edited(void (*edit)(uint8_t *), size_t *len) {
  size_t n;
  uint8_t *a = art_sample_artifact(&n);
  edit(a);
  art_reseal(a);
  uint8_t *s = art_sign(a, n, key1, len);
  free(a);
  return s;
}
static void e_abi_version(uint8_t *a) { art_wr16(a + 0x12, CVM_ABI_VERSION + 1); }
static void e_abi_hash(uint8_t *a) { art_wr32(a + 0x14, cvm_abi_hash() ^ 1); }
static void e_isa_hash(uint8_t *a) { art_wr32(a + 0x18, cvm_isa_hash() + 1); }

static void test_policy_errors(void) {
  keys();
  static const struct { void (*edit)(uint8_t *); cvm1_err want; } eds[] = {
    { e_abi_version, CVM1_ERR_ABI_VERSION },
    { e_abi_hash, CVM1_ERR_ABI_HASH },
    { e_isa_hash, CVM1_ERR_ISA_HASH },
  };
  cvm1_policy pol;
  policy(&pol, &pub1, 1);
  for (unsigned i = 0; i < sizeof eds / sizeof eds[0]; i++) {
    size_t len;
    uint8_t *a = edited(eds[i].edit, &len);
    CHECK_ERR(cvm1_check(a, len, &pol, NULL), eds[i].want);
    free(a);
  }

  size_t len;
  uint8_t *a = signed_sample(key1, &len);   /* caps LOG|TIME, counter 7 */
  cvm1_info in;
  CHECK_ERR(cvm1_open(a, len, NULL, &in), CVM1_ERR_OK);
  /* capabilities */
  pol.granted_caps = CVM_CAPBIT(CVM_CAP_LOG);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_CAPS);
  pol.granted_caps = CVM_CAPBIT(CVM_CAP_LOG) | CVM_CAPBIT(CVM_CAP_TIME);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  /* vendor and class */
  uint8_t other[16];
  cvm1_uuid_from_name("other.example", other);
  pol.vendor_id = other;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_VENDOR);
  pol.vendor_id = in.vendor_id;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  pol.class_id = other;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_CLASS);
  pol.class_id = in.class_id;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  /* anti-rollback: counter 7 */
  pol.counter_floor = 8;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_ROLLBACK);
  pol.counter_floor = 7;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  pol.counter_floor = 0xFFFFFFFFu;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_ROLLBACK);
  free(a);
}

/* Authenticity is decided before policy: a tampered artifact reports the
** tampering, not the field that was tampered with. */
static void test_order(void) {
  keys();
  size_t len;
  uint8_t *a = signed_sample(key1, &len);
  art_wr32(a + 0x3C, 1000);     /* raise the counter without re-signing */
  cvm1_policy pol;
  policy(&pol, &pub1, 1);
  pol.counter_floor = 100;
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_DIGEST);
  art_reseal(a);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_SIGNATURE);
  free(a);
}

/* Flip every byte of a signed artifact, one at a time, with two patterns:
** the device verifier refuses each one. Also every truncation. */
static void test_flip_every_byte(void) {
  keys();
  size_t len;
  uint8_t *a = signed_sample(key1, &len);
  cvm1_policy pol;
  policy(&pol, &pub1, 1);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  static const uint8_t pats[] = { 0x01, 0x80, 0xFF };
  unsigned accepted = 0;
  for (size_t i = 0; i < len; i++)
    for (unsigned k = 0; k < sizeof pats; k++) {
      a[i] ^= pats[k];
      cvm1_err e = cvm1_check(a, len, &pol, NULL);
      if (e == CVM1_ERR_OK) {
        accepted++;
        fprintf(stderr, "flip of byte %zu by 0x%02x accepted\n", i, pats[k]);
      }
      a[i] ^= pats[k];
    }
  CHECK(accepted == 0);
  for (size_t n = 0; n < len; n++) {
    uint8_t *b = malloc(n ? n : 1);
    memcpy(b, a, n);
    CHECK_ERR(cvm1_check(b, n, &pol, NULL), CVM1_ERR_TRUNCATED);
    free(b);
  }
  free(a);
}

/* A small-order key in a trust store: the identity (01 00..00) accepts the
** forgery R = B, S = 1 for any message ([S]B - [k]A = B). Verification
** alone takes it (as OpenSSL does); cvm1_check refuses the key. */
static void test_weak_key(void) {
  keys();
  size_t len;
  uint8_t *a = signed_sample(key1, &len);
  cvm1_info in;
  cvm1_policy pol;
  policy(&pol, &pub1, 1);
  CHECK_ERR(cvm1_check(a, len, &pol, &in), CVM1_ERR_OK);
  cvm1_pubkey weak[2] = { { 1 } };
  uint8_t *kid = a + (in.keyid - a), *sig = a + (in.signature - a);
  cvm1_key_id(weak[0], kid);
  static const uint8_t B[32] = {   /* the base point's encoding, y = 4/5 */
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66 };
  memcpy(sig, B, 32);
  memset(sig + 32, 0, 32);
  sig[32] = 1;
  uint8_t msg[CVM1_SIGMSG_SIZE];
  cvm1_sig_message(in.digest, msg);
  CHECK(ed25519_verify(sig, weak[0], msg, sizeof msg));   /* the forgery */
  policy(&pol, (const cvm1_pubkey *)weak, 1);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_KEY_SMALL_ORDER);
  CHECK_ERR(cvm1_key_check(weak[0]), CVM1_ERR_KEY_SMALL_ORDER);
  /* beside a good key, the good key still works and the bad one not */
  memcpy(weak[1], pub1, 32);
  policy(&pol, (const cvm1_pubkey *)weak, 2);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_KEY_SMALL_ORDER);
  free(a);
  a = signed_sample(key1, &len);
  CHECK_ERR(cvm1_check(a, len, &pol, NULL), CVM1_ERR_OK);
  /* the other refusals map one to one */
  weak[0][0] = 2;                       /* y = 2: no point */
  CHECK_ERR(cvm1_key_check(weak[0]), CVM1_ERR_KEY_NOT_ON_CURVE);
  memset(weak[0], 0xff, 32);            /* y = 2^255 - 1 >= p */
  CHECK_ERR(cvm1_key_check(weak[0]), CVM1_ERR_KEY_NONCANONICAL);
  CHECK_ERR(cvm1_key_check(pub1), CVM1_ERR_OK);
  free(a);
}

static const art_case tests[] = {
  { "weak_key", test_weak_key },
  { "accept", test_accept }, { "auth_errors", test_auth_errors },
  { "policy_errors", test_policy_errors }, { "order", test_order },
  { "flip_every_byte", test_flip_every_byte },
  { NULL, NULL }
};
int main(int argc, char **argv) { return art_main(argc, argv, tests); }
