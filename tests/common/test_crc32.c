/* test_crc32.c - CRC-32 check values, chaining, and a table-driven
** reference built here from the polynomial (no zlib). */
#include "crc32.h"
#include "tcheck.h"

static uint32_t ref_tab[256];

static void ref_init(void)
{
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    ref_tab[i] = c;
  }
}

static uint32_t ref_crc(const uint8_t *p, size_t n)
{
  uint32_t c = 0xFFFFFFFFu;
  while (n--)
    c = ref_tab[(c ^ *p++) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

int main(void)
{
  static const struct { const char *s; size_t n; uint32_t crc; } known[] = {
    { "123456789", 9, 0xCBF43926u },            /* the standard check value */
    { "", 0, 0 },
    { "a", 1, 0xE8B7BE43u },
    { "The quick brown fox jumps over the lazy dog", 43, 0x414FA339u },
    { "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32,
      0x190A55ADu },
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    CHECK(crc32_of(known[i].s, known[i].n) == known[i].crc, "known[%zu] = %08x",
          i, crc32_of(known[i].s, known[i].n));
  uint8_t ff[32];
  memset(ff, 0xFF, sizeof ff);
  CHECK(crc32_of(ff, 32) == 0xFF6CAB0Bu, "32 x 0xFF");

  /* Chaining at every split point. */
  const char *m = "The quick brown fox jumps over the lazy dog";
  for (size_t cut = 0; cut <= 43; cut++)
    CHECK(crc32_update(crc32_update(0, m, cut), m + cut, 43 - cut) == 0x414FA339u,
          "split at %zu", cut);
  CHECK(crc32_update(0x12345678u, "", 0) == 0x12345678u, "empty update keeps crc");

  /* Differential against the table-driven reference on random data. */
  ref_init();
  uint8_t buf[4096];
  for (int it = 0; it < 2000; it++) {
    size_t n = (size_t)(rnd() % sizeof buf), cut = n ? (size_t)(rnd() % n) : 0;
    rndbytes(buf, n);
    uint32_t want = ref_crc(buf, n);
    CHECK(crc32_of(buf, n) == want, "random len %zu", n);
    CHECK(crc32_update(crc32_of(buf, cut), buf + cut, n - cut) == want,
          "random len %zu split %zu", n, cut);
  }
  return t_done("common.crc32");
}
