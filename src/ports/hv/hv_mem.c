/*
** hv_mem.c -- the four memory functions GCC may call on its own
** (__builtin_memcpy and friends, structure copies) in -nostdlib images.
** Byte loops: small and correct; the VM copies little at run time.
*/
#include <stddef.h>
#include <stdint.h>

#define HV_NOLIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

HV_NOLIBCALL void *memcpy(void *restrict d, const void *restrict s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}

HV_NOLIBCALL void *memmove(void *d, const void *s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  if (dp < sp) {
    while (n--) *dp++ = *sp++;
  } else {
    while (n--) dp[n] = sp[n];
  }
  return d;
}

HV_NOLIBCALL void *memset(void *d, int c, size_t n) {
  uint8_t *dp = d;
  while (n--) *dp++ = (uint8_t)c;
  return d;
}

HV_NOLIBCALL int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x < *y ? -1 : 1;
  return 0;
}
