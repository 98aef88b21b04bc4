/*
** test_printf.c -- cvm_printf against glibc's snprintf: random formats and
** values (the same format with the same arguments must give the same bytes
** and count), edge cases, and every error.
*/
#include <limits.h>
#include <stdint.h>

#include "tcheck.h"
#include "cvm_printf.h"

/* ---- harness: output collector and a %s resolver over a string table --- */

typedef struct sink { char buf[8192]; uint32_t n; } sink;
static const char *strs[8];
static int32_t strn[8];

static void out(void *ctx, const char *s, uint32_t n) {
  sink *k = ctx;
  if (k->n + n <= sizeof k->buf) memcpy(k->buf + k->n, s, n);
  k->n += n;
}
/* Descriptor base = index into strs; count bounds the string like memory. */
static const char *str(void *ctx, int32_t base, int32_t count, uint32_t *len) {
  (void)ctx;
  if (base < 0 || base >= 8 || !strs[base] || count < 0 || count > strn[base]) return NULL;
  uint32_t i = 0;
  while (i < (uint32_t)count && strs[base][i]) i++;
  *len = i;
  return strs[base];
}

static cvm_pferr fmt(sink *k, const char *f, const int32_t *args, uint32_t nargs, uint32_t *w) {
  cvm_pfio io = { out, str, k };
  k->n = 0;
  return cvm_printf(&io, f, (uint32_t)strlen(f), args, nargs, w);
}

/* ---- random values (tcheck.h's xorshift64*, its high half) -------------- */
static uint32_t rnd32(void) { return (uint32_t)(rnd() >> 32); }
static int32_t rnd_value(void) {
  static const int32_t edge[] = { 0, 1, -1, 9, 10, -10, 99, 255, 256, 0x7F, 0x80,
                                  INT32_MAX, INT32_MIN, INT32_MIN + 1, 65535, 1000000 };
  switch (rnd32() % 4) {
  case 0: return edge[rnd32() % (sizeof edge / sizeof edge[0])];
  case 1: return (int32_t)(rnd32() % 200) - 100;
  default: return (int32_t)rnd32();
  }
}

/* One random case: build our format and an equivalent glibc call, which is
** done conversion by conversion (each piece through snprintf) so any
** argument types can be mixed. */
static long ncases;
static void random_case(void) {
  char f[512], want[8192];
  int32_t args[40];
  uint32_t na = 0, fl = 0, wl = 0;
  char strbuf[8][24];
  int nstr = 0;
  int pieces = 1 + (int)(rnd32() % 8);
  for (int p = 0; p < pieces; p++) {
    if (rnd32() % 3 == 0) {                                 /* literal text */
      static const char lit[] = "ab c=:-0123456789xyz%\n\t";
      int n = (int)(rnd32() % 6);
      for (int i = 0; i < n; i++) {
        char c = lit[rnd32() % (sizeof lit - 1)];
        if (c == '%') { f[fl++] = '%'; f[fl++] = '%'; want[wl++] = '%'; }
        else { f[fl++] = c; want[wl++] = c; }
      }
      continue;
    }
    char spec[32];
    uint32_t sl = 0;
    spec[sl++] = '%';
    int nflags = (int)(rnd32() % 4);
    for (int i = 0; i < nflags; i++) spec[sl++] = rnd32() % 2 ? '-' : '0';
    if (rnd32() % 2) sl += (uint32_t)sprintf(spec + sl, "%u", rnd32() % 40);
    static const char convs[] = "diuxXcs%";
    char c = convs[rnd32() % (sizeof convs - 1)];
    spec[sl++] = c;
    spec[sl] = '\0';
    memcpy(f + fl, spec, sl);
    fl += sl;
    int n;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat"
    if (c == 's') {
      int len = (int)(rnd32() % 20), cnt;
      for (int i = 0; i < len; i++) strbuf[nstr][i] = (char)(' ' + rnd32() % 95);
      strbuf[nstr][len] = '\0';
      /* count: exactly the length (no NUL inside it), or more */
      cnt = rnd32() % 2 ? len : len + 1 + (int)(rnd32() % 3);
      strs[nstr] = strbuf[nstr];
      strn[nstr] = cnt > 23 ? 23 : cnt;
      args[na++] = nstr;
      args[na++] = strn[nstr];
      char gspec[40];                       /* same flags/width, then .*s */
      memcpy(gspec, spec, sl - 1);
      strcpy(gspec + sl - 1, ".*s");
      int shown = strn[nstr] < len ? strn[nstr] : len;
      n = snprintf(want + wl, sizeof want - wl, gspec, shown, strbuf[nstr]);
      nstr++;
    } else if (c == '%') {
      n = snprintf(want + wl, sizeof want - wl, spec);
    } else if (c == 'c') {
      int32_t v = rnd32() % 8 == 0 ? 0 : rnd_value();
      args[na++] = v;
      n = snprintf(want + wl, sizeof want - wl, spec, (int)(unsigned char)v);
    } else {
      int32_t v = rnd_value();
      args[na++] = v;
      n = (c == 'd' || c == 'i') ? snprintf(want + wl, sizeof want - wl, spec, (int)v)
                                 : snprintf(want + wl, sizeof want - wl, spec, (unsigned)v);
    }
#pragma GCC diagnostic pop
    wl += (uint32_t)n;
  }
  f[fl] = '\0';
  sink k;
  uint32_t w = 0;
  cvm_pferr e = fmt(&k, f, args, na, &w);
  ncases++;
  CHECK(e == CVM_PF_OK && w == wl && k.n == wl && memcmp(k.buf, want, wl) == 0,
        "format \"%s\": err %d, %u vs %u bytes", f, (int)e, (unsigned)k.n, (unsigned)wl);
  /* counting only: same count, nothing emitted */
  cvm_pfio io = { NULL, str, NULL };
  uint32_t w2 = 0;
  CHECK(cvm_printf(&io, f, fl, args, na, &w2) == CVM_PF_OK && w2 == wl, "dry run of \"%s\"", f);
}

/* ---- fixed cases ------------------------------------------------------- */
static void expect(const char *f, const int32_t *args, uint32_t na, const char *want, uint32_t wn) {
  sink k;
  uint32_t w;
  cvm_pferr e = fmt(&k, f, args, na, &w);
  CHECK(e == CVM_PF_OK && w == wn && k.n == wn && memcmp(k.buf, want, wn) == 0,
        "\"%s\" gave err %d, %u bytes '%.*s'", f, (int)e, (unsigned)k.n, (int)k.n, k.buf);
}
#define EXPECT(f, want, ...) do { const int32_t a_[] = { 0, __VA_ARGS__ }; \
    expect(f, a_ + 1, sizeof a_ / sizeof a_[0] - 1, want, sizeof want - 1); } while (0)

static void expect_err(const char *f, const int32_t *args, uint32_t na, cvm_pferr want) {
  sink k;
  uint32_t w;
  CHECK(fmt(&k, f, args, na, &w) == want, "\"%s\" should fail with %s", f, cvm_pferr_str(want));
}

static void fixed_cases(void) {
  strs[0] = "hello"; strn[0] = 6;
  strs[1] = "ab\0cd"; strn[1] = 6;
  EXPECT("%d", "-2147483648", INT32_MIN);
  EXPECT("%12d|", " -2147483648|", INT32_MIN);
  EXPECT("%012d|", "-02147483648|", INT32_MIN);
  EXPECT("%u %x %X", "4294967295 ffffffff FFFFFFFF", -1, -1, -1);
  EXPECT("%05d|%-05d|%0-5d|%-5x|", "-0042|-42  |-42  |1f   |", -42, -42, -42, 31);
  EXPECT("%i|%3i|%03i", "0|  7|007", 0, 7, 7);
  EXPECT("[%5s][%-5s][%05s]", "[hello][hello][hello]", 0, 6, 0, 6, 0, 6);
  EXPECT("[%7s][%-7s][%07s]", "[  hello][hello  ][  hello]", 0, 6, 0, 6, 0, 6);
  EXPECT("[%s]", "[hel]", 0, 3);
  EXPECT("[%s]", "[ab]", 1, 6);
  EXPECT("[%c][%3c][%-3c][%03c]", "[\0][  x][y  ][  z]", 0, 'x', 'y', 'z');
  EXPECT("%c", "A", 0x141);
  EXPECT("100%%", "100%");
  EXPECT("%5%|%-05%", "%|%");
  EXPECT("", "");
  EXPECT("no conversions", "no conversions");
  EXPECT("%d", "5", 5, 6, 7);                  /* extra slots ignored */
  EXPECT("%255d|", "                                                                "
         "                                                                "
         "                                                                "
         "                                                              1|", 1);
  const int32_t a[] = { 1, 2, 3 };
  expect("%d%d", a, 3, "12", 2);
  /* the format's own count bounds it */
  {
    sink k;
    uint32_t w;
    cvm_pfio io = { out, str, &k };
    k.n = 0;
    CHECK(cvm_printf(&io, "ab%dcd", 4, a, 1, &w) == CVM_PF_OK && w == 3 && !memcmp(k.buf, "ab1", 3),
          "format bounded by fmtlen");
    k.n = 0;
    CHECK(cvm_printf(&io, "ab\0%q", 6, a, 1, &w) == CVM_PF_OK && w == 2, "format ends at NUL");
    CHECK(cvm_printf(&io, "ab%", 3, a, 1, &w) == CVM_PF_END, "format count ends in a conversion");
    CHECK(cvm_printf(&io, NULL, 0, NULL, 0, &w) == CVM_PF_OK && w == 0, "empty format, no pointers");
  }
  /* errors */
  expect_err("%q", a, 3, CVM_PF_CONV);
  expect_err("%ld", a, 3, CVM_PF_CONV);
  expect_err("%.3d", a, 3, CVM_PF_CONV);
  expect_err("%+d", a, 3, CVM_PF_CONV);
  expect_err("% d", a, 3, CVM_PF_CONV);
  expect_err("%#x", a, 3, CVM_PF_CONV);
  expect_err("%*d", a, 3, CVM_PF_CONV);
  expect_err("%f", a, 3, CVM_PF_CONV);
  expect_err("%p", a, 3, CVM_PF_CONV);
  expect_err("%n", a, 3, CVM_PF_CONV);
  expect_err("abc%", a, 3, CVM_PF_END);
  expect_err("%-05", a, 3, CVM_PF_END);
  expect_err("%256d", a, 3, CVM_PF_WIDTH);
  expect_err("%99999999999999999999d", a, 3, CVM_PF_WIDTH);
  expect_err("%d%d%d%d", a, 3, CVM_PF_ARGS);
  expect_err("%c", a, 0, CVM_PF_ARGS);
  expect_err("%s", a, 1, CVM_PF_ARGS);
  const int32_t bad[] = { 0, 7, 9, 1, -1, 0, 0, -3 };
  expect_err("%s", bad, 2, CVM_PF_STR);        /* count 7 > 6 */
  expect_err("%s", bad + 2, 2, CVM_PF_STR);    /* no string 9 */
  expect_err("%s", bad + 4, 2, CVM_PF_STR);    /* base -1 */
  expect_err("%s", bad + 6, 2, CVM_PF_STR);    /* count -3 */
  {
    cvm_pfio io = { out, NULL, NULL };
    uint32_t w;
    CHECK(cvm_printf(&io, "%s", 2, a, 2, &w) == CVM_PF_STR, "no resolver");
  }
  /* output before the error stays; the count says how much */
  {
    sink k;
    uint32_t w;
    CHECK(fmt(&k, "abc%d%q", a, 1, &w) == CVM_PF_CONV && w == 4 && k.n == 4, "partial output counted");
  }
  for (int e = 0; e <= CVM_PF__COUNT; e++) CHECK(cvm_pferr_str((cvm_pferr)e)[0] != '\0', "message %d", e);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  fixed_cases();
  for (long i = 0; i < n; i++) random_case();
  printf("hostcall.printf: %ld random formats compared with glibc snprintf\n", ncases);
  return t_done("hostcall.printf");
}
