/*
** fuzz_printf.c -- libFuzzer target for the guest printf formatter.
**
** Input: byte 0 = number of argument slots (mod 17), then 4 bytes per slot,
** then the format. %s descriptors resolve into a 64-byte "memory" (base
** and count checked like the VM's). Checks: no crash; counting-only and
** real runs agree on result and count; the bytes produced equal the count;
** and, for formats without %s that format successfully, the output equals
** glibc's snprintf with the same arguments.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_printf.h"

static const char arena[64] = "hello\0world\0 padded text with spaces and 0123456789 digits!!";

typedef struct sink { char buf[1 << 16]; uint32_t n; uint32_t total; } sink;
static sink S;

static void out(void *ctx, const char *s, uint32_t n) {
  sink *k = ctx;
  if (n > 0 && !s) abort();
  if (k->n + n <= sizeof k->buf) {
    memcpy(k->buf + k->n, s, n);
    k->n += n;
  }
  k->total += n;
}

static const char *str(void *ctx, int32_t base, int32_t count, uint32_t *len) {
  (void)ctx;
  if (base < 0 || count < 0 || base > 64 || count > 64 - base) return NULL;
  uint32_t i = 0;
  while (i < (uint32_t)count && arena[base + i]) i++;
  *len = i;
  return arena + base;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint32_t na = data[0] % 17;
  if (size < 1 + 4 * (size_t)na) return 0;
  int32_t args[16] = {0};
  for (uint32_t i = 0; i < na; i++) memcpy(&args[i], data + 1 + 4 * i, 4);
  const char *fmt = (const char *)data + 1 + 4 * na;
  uint32_t flen = (uint32_t)(size - 1 - 4 * na);

  cvm_pfio dry = { NULL, str, NULL }, io = { out, str, &S };
  uint32_t w1 = 0, w2 = 0;
  cvm_pferr e1 = cvm_printf(&dry, fmt, flen, args, na, &w1);
  S.n = S.total = 0;
  cvm_pferr e2 = cvm_printf(&io, fmt, flen, args, na, &w2);
  if (e1 != e2 || w1 != w2 || S.total != w2) abort();
  if ((unsigned)e1 >= CVM_PF__COUNT || !cvm_pferr_str(e1)[0]) abort();

  if (e1 == CVM_PF_OK && S.total <= sizeof S.buf && flen < 4096) {
    char f[4097];
    memcpy(f, fmt, flen);
    f[flen] = '\0';
    if (!strchr(f, 's')) {
      static char want[1 << 16];
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat-nonliteral"
#pragma clang diagnostic ignored "-Wformat-security"
      int n = snprintf(want, sizeof want, f, args[0], args[1], args[2], args[3], args[4], args[5],
                       args[6], args[7], args[8], args[9], args[10], args[11], args[12], args[13],
                       args[14], args[15]);
#pragma clang diagnostic pop
      if (n < 0 || (uint32_t)n != S.n || memcmp(want, S.buf, S.n) != 0) abort();
    }
  }
  return 0;
}
