/*
** cvm1_sign.c -- signing an artifact (OpenSSL Ed25519), and the host entry
** points that verify with the device-side checker.
*/
#include <stdlib.h>
#include <string.h>

#include "cvm1_host_int.h"

static uint8_t *put_tlv(uint8_t *p, uint32_t type, const uint8_t *v, uint32_t n) {
  cvm1_wr16(p, type);
  cvm1_wr16(p + 2, n);
  memcpy(p + CVM1_TLV_HDR, v, n);
  return p + CVM1_TLV_HDR + n;
}

static cvm1_err ed25519_sign(EVP_PKEY *k, const uint8_t *msg, size_t n,
                             uint8_t sig[64]) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  size_t slen = 64;
  bool ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
            EVP_DigestSign(ctx, sig, &slen, msg, n) == 1 && slen == 64;
  EVP_MD_CTX_free(ctx);
  return ok ? CVM1_ERR_OK : CVM1_ERR_CRYPTO;
}

cvm1_err cvm1_sign(const uint8_t *in, size_t len, const char *keypath,
                   uint8_t **out, size_t *outlen) {
  cvm1_info info;
  if (!in || !keypath || !out || !outlen) return CVM1_ERR_ARG;
  *out = NULL; *outlen = 0;
  cvm1_err e = cvm1_open(in, len, NULL, &info);
  if (e) return e;
  if (!info.digest) return CVM1_ERR_NO_DIGEST;
  uint8_t digest[32];
  cvm1_sha256(in, info.image_size, digest);
  if (memcmp(digest, info.digest, 32) != 0) return CVM1_ERR_DIGEST;

  EVP_PKEY *k;
  if ((e = cvm1_key_load(keypath, &k))) return e;
  uint8_t pub[32], id[CVM1_KEYID_SIZE], msg[CVM1_SIGMSG_SIZE], sig[64];
  cvm1_sig_message(digest, msg);
  if (!(e = cvm1_key_raw_pub(k, pub))) e = ed25519_sign(k, msg, sizeof msg, sig);
  EVP_PKEY_free(k);
  if (e) return e;
  cvm1_key_id(pub, id);

  /* New trailer: digest, key id, signature, then the unknown records. */
  size_t tpos = info.image_size;
  size_t keep = 0;
  for (size_t p = tpos + CVM1_TRAILER_HDR; p < len;) {
    uint32_t t = cvm_rd16(in + p), n = cvm_rd16(in + p + 2);
    if (t != CVM1_TLV_SHA256 && t != CVM1_TLV_KEYID && t != CVM1_TLV_ED25519)
      keep += CVM1_TLV_HDR + n;
    p += CVM1_TLV_HDR + n;
  }
  size_t tsize = CVM1_TRAILER_HDR + 3 * CVM1_TLV_HDR + 32 + CVM1_KEYID_SIZE + 64 + keep;
  uint8_t *b = malloc(tpos + tsize);
  if (!b) return CVM1_ERR_NOMEM;
  memcpy(b, in, tpos);
  uint8_t *t = b + tpos;
  cvm1_wr32(t, CVM1_TRAILER_MAGIC);
  cvm1_wr32(t + 4, (uint32_t)tsize);
  t = put_tlv(t + CVM1_TRAILER_HDR, CVM1_TLV_SHA256, digest, 32);
  t = put_tlv(t, CVM1_TLV_KEYID, id, CVM1_KEYID_SIZE);
  t = put_tlv(t, CVM1_TLV_ED25519, sig, 64);
  for (size_t p = tpos + CVM1_TRAILER_HDR; p < len;) {
    uint32_t ty = cvm_rd16(in + p), n = cvm_rd16(in + p + 2);
    if (ty != CVM1_TLV_SHA256 && ty != CVM1_TLV_KEYID && ty != CVM1_TLV_ED25519) {
      memcpy(t, in + p, CVM1_TLV_HDR + n);
      t += CVM1_TLV_HDR + n;
    }
    p += CVM1_TLV_HDR + n;
  }
  *out = b;
  *outlen = tpos + tsize;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_restamp(const uint8_t *in, size_t len, uint32_t counter, const char *keypath,
                      uint8_t **out, size_t *outlen) {
  cvm1_info info;
  if (!in || !keypath || !out || !outlen) return CVM1_ERR_ARG;
  *out = NULL; *outlen = 0;
  cvm1_err e = cvm1_open(in, len, NULL, &info);
  if (e) return e;
  if (!info.digest) return CVM1_ERR_NO_DIGEST;
  uint8_t digest[32];
  cvm1_sha256(in, info.image_size, digest);
  if (memcmp(digest, info.digest, 32) != 0) return CVM1_ERR_DIGEST;
  uint8_t *b = malloc(len);
  if (!b) return CVM1_ERR_NOMEM;
  memcpy(b, in, len);
  /* the counter is in the header, so the image digest changes with it; the
  ** build id does not (docs/cvm1-format.md, Provenance) */
  cvm1_wr32(b + H_COUNTER, counter);
  cvm1_sha256(b, info.image_size, b + (info.digest - in));
  e = cvm1_sign(b, len, keypath, out, outlen);
  free(b);
  return e;
}

cvm1_err cvm1_build(const cvm1_image *img, const cvm1_meta *meta,
                    const char *keypath, uint8_t **out, size_t *len) {
  cvm1_err e = cvm1_write(img, meta, out, len);
  if (e || !keypath) return e;
  uint8_t *signed_buf;
  size_t slen;
  e = cvm1_sign(*out, *len, keypath, &signed_buf, &slen);
  free(*out);
  *out = NULL; *len = 0;
  if (e) return e;
  *out = signed_buf;
  *len = slen;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_verify_pub(const uint8_t *buf, size_t len, const char *pubpath,
                         uint32_t counter_floor, cvm1_info *info) {
  cvm1_pubkey pub;
  cvm1_err e = cvm1_load_pub(pubpath, pub);
  if (e) return e;
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.keys = (const cvm1_pubkey *)&pub;
  pol.nkeys = 1;
  pol.counter_floor = counter_floor;
  return cvm1_check(buf, len, &pol, info);
}

cvm1_err cvm1_load_trusted(const uint8_t *buf, size_t len, const char *pubpath,
                           uint32_t granted_caps, cvm_prog *prog, cvm1_info *info) {
  cvm1_pubkey pub;
  cvm1_err e = cvm1_load_pub(pubpath, pub);
  if (e) return e;
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.keys = (const cvm1_pubkey *)&pub;
  pol.nkeys = 1;
  pol.granted_caps = granted_caps;
  return cvm1_load(buf, len, &pol, prog, info);
}
