/* test_sha2_openssl.c - sha256/sha512 against OpenSSL's SHA256/SHA512 on
** every length 0..600 and on random inputs fed in random pieces.
** Usage: test_sha2_openssl [inputs, default 3000] */
#include <stdlib.h>

#include <openssl/sha.h>

#include "sha256.h"
#include "sha512.h"
#include "tcheck.h"

static uint8_t buf[1 << 13];

/* Hash buf[0..n) with ours, in random-sized pieces when `pieces`. */
static void ours(size_t n, int pieces, uint8_t o256[32], uint8_t o512[64])
{
  sha256_ctx a;
  sha512_ctx b;
  sha256_init(&a);
  sha512_init(&b);
  for (size_t at = 0; at < n;) {
    size_t step = pieces ? 1 + (size_t)(rnd() % 300) : n - at;
    if (step > n - at)
      step = n - at;
    sha256_update(&a, buf + at, step);
    sha512_update(&b, buf + at, step);
    at += step;
  }
  sha256_final(&a, o256);
  sha512_final(&b, o512);
}

int main(int argc, char **argv)
{
  int inputs = argc > 1 ? atoi(argv[1]) : 3000;
  uint8_t a[32], b[64], ra[32], rb[64];
  long cases = 0;
  for (int it = 0; it < inputs; it++) {
    size_t n = it <= 600 ? (size_t)it : (size_t)(rnd() % sizeof buf);
    rndbytes(buf, n);
    SHA256(buf, n, ra);
    SHA512(buf, n, rb);
    for (int pieces = 0; pieces < 2; pieces++, cases++) {
      ours(n, pieces, a, b);
      CHECK(!memcmp(a, ra, 32), "sha256 len %zu pieces %d", n, pieces);
      CHECK(!memcmp(b, rb, 64), "sha512 len %zu pieces %d", n, pieces);
    }
  }
  printf("%ld inputs hashed by both, compared with OpenSSL\n", cases);
  return t_done("common.sha2_openssl");
}
