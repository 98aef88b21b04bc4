/*
** cvm1_check.c -- may this device run this artifact? Digest, signature by a
** trusted key, ABI/ISA match, capability grant, vendor/class, anti-rollback.
** Uses the project's own SHA-256 and Ed25519 (cockpit_common).
*/
#include "cvm1_int.h"
#include "ed25519.h"
#include "sha256.h"

void cvm1_policy_init(cvm1_policy *pol) {
  __builtin_memset(pol, 0, sizeof *pol);
  pol->abi_version = CVM_ABI_VERSION;
  pol->abi_hash = cvm_abi_hash();
  pol->isa_hash = cvm_isa_hash();
  pol->granted_caps = CVM_CAPS_ALL;
}

void cvm1_sig_message(const uint8_t digest[32], uint8_t msg[CVM1_SIGMSG_SIZE]) {
  __builtin_memcpy(msg, CVM1_SIG_CONTEXT, CVM1_SIG_CONTEXT_SIZE);
  __builtin_memcpy(msg + CVM1_SIG_CONTEXT_SIZE, digest, 32);
}

void cvm1_key_id(const uint8_t pub[32], uint8_t id[CVM1_KEYID_SIZE]) {
  uint8_t h[32];
  sha256(pub, 32, h);
  __builtin_memcpy(id, h, CVM1_KEYID_SIZE);
}

cvm1_err cvm1_key_check(const uint8_t pub[32]) {
  switch (ed25519_key_check(pub)) {
  case ED25519_KEY_OK: return CVM1_ERR_OK;
  case ED25519_KEY_NONCANONICAL: return CVM1_ERR_KEY_NONCANONICAL;
  case ED25519_KEY_NOT_ON_CURVE: return CVM1_ERR_KEY_NOT_ON_CURVE;
  default: return CVM1_ERR_KEY_SMALL_ORDER;
  }
}

static cvm1_err check_signature(const cvm1_info *in, const uint8_t digest[32],
                                const cvm1_policy *pol) {
  if (!in->signature) return CVM1_ERR_UNSIGNED;
  if (!in->keyid) return CVM1_ERR_NO_KEYID;
  for (uint32_t k = 0; k < pol->nkeys; k++) {
    uint8_t id[CVM1_KEYID_SIZE], msg[CVM1_SIGMSG_SIZE];
    cvm1_key_id(pol->keys[k], id);
    if (!cvm1_eq(id, in->keyid, CVM1_KEYID_SIZE)) continue;
    cvm1_err e = cvm1_key_check(pol->keys[k]);
    if (e) return e;                    /* a bad key trusts nothing */
    cvm1_sig_message(digest, msg);
    return ed25519_verify(in->signature, pol->keys[k], msg, sizeof msg)
               ? CVM1_ERR_OK : CVM1_ERR_SIGNATURE;
  }
  return CVM1_ERR_UNKNOWN_KEY;
}

cvm1_err cvm1_check(const uint8_t *buf, size_t len, const cvm1_policy *pol,
                    cvm1_info *info) {
  cvm1_info local;
  cvm1_info *in = info ? info : &local;
  if (!pol) return CVM1_ERR_ARG;
  cvm1_err e = cvm1_open(buf, len, NULL, in);
  if (e) return e;
  /* Authenticity first: nothing else in the header is trusted before. */
  if (!in->digest) return CVM1_ERR_NO_DIGEST;
  uint8_t digest[32];
  sha256(buf, in->image_size, digest);
  if (!cvm1_eq(digest, in->digest, 32)) return CVM1_ERR_DIGEST;
  if (!(pol->flags & CVM1_POL_UNSIGNED_OK)) {
    e = check_signature(in, digest, pol);
    if (e) return e;
  }
  /* Then the device's policy. */
  if (in->abi_version != pol->abi_version) return CVM1_ERR_ABI_VERSION;
  if (in->abi_hash != pol->abi_hash) return CVM1_ERR_ABI_HASH;
  if (in->isa_hash != pol->isa_hash) return CVM1_ERR_ISA_HASH;
  if (in->caps & ~pol->granted_caps) return CVM1_ERR_CAPS;
  if (pol->vendor_id && !cvm1_eq(pol->vendor_id, in->vendor_id, 16))
    return CVM1_ERR_VENDOR;
  if (pol->class_id && !cvm1_eq(pol->class_id, in->class_id, 16))
    return CVM1_ERR_CLASS;
  if (in->security_counter < pol->counter_floor) return CVM1_ERR_ROLLBACK;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_load(const uint8_t *buf, size_t len, const cvm1_policy *pol,
                   cvm_prog *prog, cvm1_info *info) {
  cvm1_err e = cvm1_check(buf, len, pol, info);
  return e ? e : cvm1_open(buf, len, prog, info);
}
