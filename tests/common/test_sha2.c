/* test_sha2.c - SHA-256 / SHA-512 against the FIPS 180 / RFC 6234 test
** vectors, and streaming at every split point. Usage: test_sha2 256|512 */
#include <stdlib.h>

#include "sha256.h"
#include "sha512.h"
#include "tcheck.h"

/* One interface over both algorithms: hash m in up to three calls. */
typedef struct {
  const char *name;
  size_t outlen;
  void (*hash3)(const uint8_t *m, size_t n, size_t c1, size_t c2, uint8_t *out);
} algo;

static void h256(const uint8_t *m, size_t n, size_t c1, size_t c2, uint8_t *out)
{
  sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, m, c1);
  sha256_update(&c, m + c1, c2 - c1);
  sha256_update(&c, m + c2, n - c2);
  sha256_final(&c, out);
}

static void h512(const uint8_t *m, size_t n, size_t c1, size_t c2, uint8_t *out)
{
  sha512_ctx c;
  sha512_init(&c);
  sha512_update(&c, m, c1);
  sha512_update(&c, m + c1, c2 - c1);
  sha512_update(&c, m + c2, n - c2);
  sha512_final(&c, out);
}

static const algo algos[] = {
  { "sha256", 32, h256 },
  { "sha512", 64, h512 },
};

#define M448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define M896 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
             "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

/* FIPS 180-2 appendix B/C examples, also RFC 6234 section 8.5 TEST1-TEST3. */
static const struct { const char *m; long repeat; const char *d256, *d512; } vec[] = {
  { "abc", 1,
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
  { "", 1,
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
  { M448, 1,
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
    "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
  { M896, 1,
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
    "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
  { "a", 1000000,
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
    "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
};

int main(int argc, char **argv)
{
  const algo *a = argc > 1 && !strcmp(argv[1], "512") ? &algos[1] : &algos[0];
  uint8_t out[64], ref[64];
  static uint8_t big[1000000];

  for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
    size_t len = strlen(vec[i].m), n = len * (size_t)vec[i].repeat;
    for (size_t j = 0; j < n; j++)
      big[j] = (uint8_t)vec[i].m[j % len];
    const char *want = a->outlen == 32 ? vec[i].d256 : vec[i].d512;
    a->hash3(big, n, 0, 0, out);
    CHECK(hexeq(out, a->outlen, want), "%s vector %zu", a->name, i);
    a->hash3(big, n, n / 3, n / 2, out);
    CHECK(hexeq(out, a->outlen, want), "%s vector %zu in three calls", a->name, i);
  }
  /* The one-shot functions agree with the streaming ones. */
  uint8_t one[64];
  if (a->outlen == 32)
    sha256((const uint8_t *)"abc", 3, one);
  else
    sha512((const uint8_t *)"abc", 3, one);
  CHECK(hexeq(one, a->outlen, a->outlen == 32 ? vec[0].d256 : vec[0].d512),
        "%s one-shot abc", a->name);

  /* Every split point of a few messages, two and three calls; every byte
  ** alone. Lengths straddle the padding boundaries (55/56, 111/112). */
  static const size_t lens[] = { 3, 56, 112, 129, 300 };
  for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
    size_t n = lens[li];
    rndbytes(big, n);
    a->hash3(big, n, 0, 0, ref);
    for (size_t c1 = 0; c1 <= n; c1++) {
      a->hash3(big, n, c1, c1, out);
      CHECK(!memcmp(out, ref, a->outlen), "%s len %zu split %zu", a->name, n, c1);
      if (n <= 129)
        for (size_t c2 = c1; c2 <= n; c2 += 7) {
          a->hash3(big, n, c1, c2, out);
          CHECK(!memcmp(out, ref, a->outlen), "%s len %zu splits %zu,%zu",
                a->name, n, c1, c2);
        }
    }
    if (a->outlen == 32) {
      sha256_ctx c;
      sha256_init(&c);
      for (size_t j = 0; j < n; j++)
        sha256_update(&c, big + j, 1);
      sha256_final(&c, out);
    } else {
      sha512_ctx c;
      sha512_init(&c);
      for (size_t j = 0; j < n; j++)
        sha512_update(&c, big + j, 1);
      sha512_final(&c, out);
    }
    CHECK(!memcmp(out, ref, a->outlen), "%s len %zu byte by byte", a->name, n);
  }
  return t_done(a->outlen == 32 ? "common.sha256" : "common.sha512");
}
