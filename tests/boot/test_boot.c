/*
** test_boot.c -- the bootloader: records, floor log, flash HAL, boot
** selection, every protocol command and error, security, power cuts.
** Usage: test_boot NAME (one subtest per CTest entry, boot.NAME).
*/
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <string.h>
#include <unistd.h>

#include "board_flash.h"
#include "bsim.h"
#include "tcheck.h"

static cvm1_pubkey trust[2];
static cvm1_policy pol_dev;     /* trusts key "dev" */

static void setup_policy(void) {
  REQUIRE(tart_keys());
  REQUIRE(cvm1_load_pub(tart_key("dev", "pub"), trust[0]) == CVM1_ERR_OK);
  cvm1_policy_init(&pol_dev);
  pol_dev.keys = (const cvm1_pubkey *)trust;
  pol_dev.nkeys = 1;
}

static uint8_t *art_v(const char *tag, uint32_t size, const char *ver, uint32_t ctr, size_t *len) {
  uint8_t *a = tart_build(tag, size, ver, ctr, tart_key("dev", "key"), false, len);
  REQUIRE(a);
  return a;
}

/* The program the device would run now: its bank's bytes equal art? */
static bool runs(bsim *s, const uint8_t *art, size_t len) {
  if (s->dev.running < 0) return false;
  uint32_t size;
  const uint8_t *p = boot_image(&s->dev, (uint32_t)s->dev.running, &size);
  return p && size == len && memcmp(p, art, len) == 0 &&
         cvm1_check(p, size, &s->dev.pol, NULL) == CVM1_ERR_OK;
}

/* ---- end to end ------------------------------------------------------------- */

static void t_e2e(void) {
  bsim s;
  size_t la, lb;
  uint8_t *a = art_v("A", 3000, "1.0.0", 1, &la), *b = art_v("B", 9000, "1.1.0", 2, &lb);
  REQUIRE(board_flash_open(NULL) == 0);
  bsim_init(&s, &pol_dev, 0, 0, 1);
  CHECK(s.dev.running == -1);
  const char *why = "";
  CHECKF(bsim_flash(&s, a, (uint32_t)la, true, &why) == LINK_C_OK, "%s", why);
  CHECK(runs(&s, a, la));
  CHECK(s.dev.floor == 1);
  CHECKF(bsim_flash(&s, b, (uint32_t)lb, true, &why) == LINK_C_OK, "%s", why);
  CHECK(runs(&s, b, lb));
  CHECK(s.dev.floor == 2);
  CHECK(s.dev.running == 1);
  bsim_power_cycle(&s);
  CHECK(runs(&s, b, lb) && !s.dev.trial);
  bsim_free(&s);
  board_flash_close();
  free(a);
  free(b);
}

typedef struct test { const char *name; void (*fn)(void); } test;
static const test tests[] = {
  { "e2e", t_e2e },
};

int main(int argc, char **argv) {
  setup_policy();
  int ran = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
      tests[i].fn();
      ran++;
    }
  if (!ran) { fprintf(stderr, "no test named %s\n", argv[1]); return 2; }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures ? 1 : 0;
}
