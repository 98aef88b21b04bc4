/*
** cm_semi.c -- Arm semihosting (BKPT 0xAB): console streams and exit with
** a status, for images that run under QEMU or a debugger.
*/
#include "cm.h"

enum { SEMI_OPEN = 0x01, SEMI_WRITE = 0x05, SEMI_EXIT_EXTENDED = 0x20 };
#define SEMI_APP_EXIT 0x20026u   /* ADP_Stopped_ApplicationExit */

static uint32_t semi_call(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* ":tt" opened for writing is stdout, opened for appending stderr. */
static int32_t semi_handle[3] = { -1, -1, -1 };

void cm_semi_write(int stream, const char *s, uint32_t n) {
  if (stream != CM_SEMI_STDOUT && stream != CM_SEMI_STDERR) return;
  if (semi_handle[stream] < 0) {
    static const char tt[] = ":tt";
    uint32_t a[3] = { (uint32_t)(uintptr_t)tt, stream == CM_SEMI_STDOUT ? 4u : 8u, 3u };
    semi_handle[stream] = (int32_t)semi_call(SEMI_OPEN, a);
    if (semi_handle[stream] < 0) return;
  }
  uint32_t a[3] = { (uint32_t)semi_handle[stream], (uint32_t)(uintptr_t)s, n };
  semi_call(SEMI_WRITE, a);
}

void cm_semi_exit(int status) {
  uint32_t a[2] = { SEMI_APP_EXIT, (uint32_t)status };
  for (;;) semi_call(SEMI_EXIT_EXTENDED, a);
}
