/* fuzz_ed25519.c - libFuzzer target for ed25519_verify: never crashes or
** reads out of bounds, gives the same verdict twice, and - when libcrypto
** can be loaded at run time - the same verdict as OpenSSL's EVP Ed25519.
**
** Input: byte 0 picks the mode.
**   even: raw       sig[64] pub[32] msg[...]
**   odd:  mutated   seed[32] n mask[n % 97] msg[...]: OpenSSL signs msg
**         with the key from seed, then mask is xored over sig || pub, so
**         the fuzzer explores near-valid signatures (needs libcrypto).
** libcrypto is opened with dlopen so the fuzz build needs no extra link
** flags; without it only the first two properties are checked. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ed25519.h"

#if defined(__has_include)
#if __has_include(<openssl/evp.h>)
#include <openssl/evp.h>
#define HAVE_EVP 1
#endif
#endif

#ifdef HAVE_EVP
static struct {
  int tried, ok;
  __typeof__(EVP_PKEY_new_raw_public_key) *new_pub;
  __typeof__(EVP_PKEY_new_raw_private_key) *new_priv;
  __typeof__(EVP_PKEY_get_raw_public_key) *get_pub;
  __typeof__(EVP_PKEY_free) *pkey_free;
  __typeof__(EVP_MD_CTX_new) *ctx_new;
  __typeof__(EVP_MD_CTX_free) *ctx_free;
  __typeof__(EVP_DigestVerifyInit) *vinit;
  __typeof__(EVP_DigestVerify) *verify;
  __typeof__(EVP_DigestSignInit) *sinit;
  __typeof__(EVP_DigestSign) *sign;
} ossl;

static int ossl_load(void)
{
  if (ossl.tried)
    return ossl.ok;
  ossl.tried = 1;
  void *h = dlopen("libcrypto.so.3", RTLD_NOW);
  if (!h)
    return 0;
#define SYM(f, name) (*(void **)&ossl.f = dlsym(h, name)) != NULL
  ossl.ok = SYM(new_pub, "EVP_PKEY_new_raw_public_key") &&
            SYM(new_priv, "EVP_PKEY_new_raw_private_key") &&
            SYM(get_pub, "EVP_PKEY_get_raw_public_key") &&
            SYM(pkey_free, "EVP_PKEY_free") && SYM(ctx_new, "EVP_MD_CTX_new") &&
            SYM(ctx_free, "EVP_MD_CTX_free") &&
            SYM(vinit, "EVP_DigestVerifyInit") && SYM(verify, "EVP_DigestVerify") &&
            SYM(sinit, "EVP_DigestSignInit") && SYM(sign, "EVP_DigestSign");
  return ossl.ok;
}

static int ossl_verify(const uint8_t *sig, const uint8_t *pub,
                       const uint8_t *msg, size_t n)
{
  EVP_PKEY *k = ossl.new_pub(EVP_PKEY_ED25519, NULL, pub, 32);
  EVP_MD_CTX *c = ossl.ctx_new();
  int ok = k && c && ossl.vinit(c, NULL, NULL, NULL, k) == 1 &&
           ossl.verify(c, sig, 64, msg, n) == 1;
  ossl.ctx_free(c);
  ossl.pkey_free(k);
  return ok;
}

/* sig || pub for msg under the key from seed; 0 on failure. */
static int ossl_sign(uint8_t out[96], const uint8_t *seed, const uint8_t *msg,
                     size_t n)
{
  EVP_PKEY *k = ossl.new_priv(EVP_PKEY_ED25519, NULL, seed, 32);
  EVP_MD_CTX *c = ossl.ctx_new();
  size_t slen = 64, plen = 32;
  int ok = k && c && ossl.sinit(c, NULL, NULL, NULL, k) == 1 &&
           ossl.sign(c, out, &slen, msg, n) == 1 && slen == 64 &&
           ossl.get_pub(k, out + 64, &plen) == 1 && plen == 32;
  ossl.ctx_free(c);
  ossl.pkey_free(k);
  return ok;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t buf[96];                      /* sig || pub */
  static const uint8_t none[1];
  const uint8_t *msg;
  size_t n;
  int expect = -1;                      /* 1: must verify */

  if (size < 1)
    return 0;
#ifdef HAVE_EVP
  if ((data[0] & 1) && size >= 34 && ossl_load()) {
    size_t nmask = data[33] % 97;
    if (size < 34 + nmask)
      return 0;
    msg = data + 34 + nmask;
    n = size - 34 - nmask;
    if (!ossl_sign(buf, data + 1, n ? msg : none, n))
      abort();
    expect = 1;
    for (size_t i = 0; i < nmask; i++) {
      buf[i] ^= data[34 + i];
      if (data[34 + i])
        expect = -1;
    }
  } else
#endif
  {
    if (size < 97)
      return 0;
    memcpy(buf, data + 1, 96);
    msg = data + 97;
    n = size - 97;
  }

  int v = ed25519_verify(buf, buf + 64, msg, n);
  if (ed25519_verify(buf, buf + 64, msg, n) != v)
    abort();                            /* not deterministic */
  if (expect == 1 && !v)
    abort();                            /* a genuine signature refused */
#ifdef HAVE_EVP
  if (ossl_load() && ossl_verify(buf, buf + 64, n ? msg : none, n) != v)
    abort();                            /* disagrees with OpenSSL */
#endif
  return 0;
}
