/*
** test_cc_errors.c -- the compiler's diagnostics, from a table of wrong
** programs (errors.txt) plus a few generated ones (limits).
**
** Table format: a case starts with "### name"; each "!! L:C: kind: text"
** line is a diagnostic that must appear, in order, as
** "case.c:L:C: kind: text" in the output; the program text follows.
** A case expecting an error must fail to compile (and report at least as
** many errors as it lists); a case expecting only warnings must compile.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cockpitc.h"

static int failures, cases;

typedef struct tcase {
  char name[1024];
  char *expect[16];
  int nexpect;
  char *src;
  size_t len;
} tcase;

/* Compile src; return diagnostics (malloc'd) and whether it compiled. */
static char *compile(const char *src, size_t len, const cc_options *opt, int *ok, int *nerr) {
  char *buf = NULL;
  size_t blen = 0;
  FILE *f = open_memstream(&buf, &blen);
  cc_program *p = cc_compile("case.c", src, len, opt, f, nerr);
  fclose(f);
  *ok = p != NULL;
  if (p) {
    const cvm1_image *img = cc_image(p);
    if (!img || img->ncode == 0 || img->nfuncs == 0) {
      printf("  compiled program has no code\n");
      *ok = 0;
    }
  }
  cc_free(p);
  return buf;
}

static void fail(const char *name, const char *fmt, ...) {
  va_list ap;
  printf("FAIL %s: ", name);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  failures++;
}

static void run_case(tcase *t) {
  cases++;
  int ok, nerr = 0, want_errors = 0;
  for (int i = 0; i < t->nexpect; i++)
    if (strstr(t->expect[i], ": error: ") || strncmp(t->expect[i], "error: ", 7) == 0)
      want_errors++;
  char *out = compile(t->src, t->len, NULL, &ok, &nerr);
  const char *at = out;
  for (int i = 0; i < t->nexpect; i++) {
    char line[600];
    bool located = t->expect[i][0] >= '0' && t->expect[i][0] <= '9';
    snprintf(line, sizeof line, "case.c:%s%s\n", located ? "" : " ", t->expect[i]);
    const char *hit = strstr(at, line);
    if (!hit) {
      fail(t->name, "missing diagnostic:\n  %sgot:\n%s", line, out);
      free(out);
      return;
    }
    at = hit + strlen(line);
  }
  if (want_errors && ok) fail(t->name, "compiled, but errors were expected");
  else if (want_errors && nerr < want_errors) fail(t->name, "%d errors counted, %d expected", nerr, want_errors);
  else if (!want_errors && !ok) fail(t->name, "did not compile:\n%s", out);
  free(out);
}

static void run_table(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  char line[1024];
  tcase t;
  memset(&t, 0, sizeof t);
  size_t cap = 0;
  int have = 0;
  for (;;) {
    char *l = fgets(line, sizeof line, f);
    if (!l || strncmp(line, "### ", 4) == 0) {
      if (have) {
        run_case(&t);
        for (int i = 0; i < t.nexpect; i++) free(t.expect[i]);
        free(t.src);
      }
      if (!l) break;
      memset(&t, 0, sizeof t);
      cap = 0;
      have = 1;
      line[strcspn(line, "\n")] = 0;
      snprintf(t.name, sizeof t.name, "%s", line + 4);
      continue;
    }
    if (!have) continue;
    if (strncmp(line, "!! ", 3) == 0) {
      line[strcspn(line, "\n")] = 0;
      if (t.nexpect < 16) t.expect[t.nexpect++] = strdup(line + 3);
      continue;
    }
    size_t n = strlen(line);
    if (t.len + n + 1 > cap) {
      cap = (t.len + n + 1) * 2;
      t.src = realloc(t.src, cap);
    }
    memcpy(t.src + t.len, line, n);
    t.len += n;
    t.src[t.len] = 0;
  }
  fclose(f);
}

/* ---- generated cases ---------------------------------------------------- */

typedef struct sbuf { char *p; size_t n, cap; } sbuf;

static void sadd(sbuf *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (s->n + (size_t)k + 1 > s->cap) {
    s->cap = (s->n + (size_t)k + 1) * 2;
    s->p = realloc(s->p, s->cap);
  }
  va_start(ap, fmt);
  vsnprintf(s->p + s->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  s->n += (size_t)k;
}

static void expect_in(const char *name, const char *src, size_t len, int want_ok,
                      const char *needle) {
  int ok, nerr;
  cases++;
  char *out = compile(src, len, NULL, &ok, &nerr);
  if (ok != want_ok) fail(name, "compile %s, expected %s:\n%.2000s", ok ? "succeeded" : "failed",
                          want_ok ? "success" : "failure", out);
  else if (needle && !strstr(out, needle)) fail(name, "missing '%s' in:\n%.2000s", needle, out);
  free(out);
}

static void generated(void) {
  sbuf s = { 0 };
  /* 300 live locals: more than a frame's 255 slots */
  sadd(&s, "int main(void) {\n");
  for (int i = 0; i < 300; i++) sadd(&s, "  int v%d = %d;\n", i, i);
  sadd(&s, "  return v0");
  for (int i = 1; i < 300; i++) sadd(&s, " + v%d", i);
  sadd(&s, ";\n}\n");
  expect_in("too many slots", s.p, s.n, 0,
            "error: function 'main' is too complex: it needs more than 255 register slots");
  s.n = 0;
  /* 250 locals still fit */
  sadd(&s, "int main(void) {\n");
  for (int i = 0; i < 250; i++) sadd(&s, "  int v%d = %d;\n", i, i);
  sadd(&s, "  return v0 + v249;\n}\n");
  expect_in("250 locals", s.p, s.n, 1, NULL);
  s.n = 0;
  /* deep parentheses */
  sadd(&s, "int main(void) { return ");
  for (int i = 0; i < 5000; i++) sadd(&s, "(");
  sadd(&s, "1");
  for (int i = 0; i < 5000; i++) sadd(&s, ")");
  sadd(&s, "; }\n");
  expect_in("deep nesting", s.p, s.n, 0, "error: expression nested too deeply");
  s.n = 0;
  /* deep blocks */
  sadd(&s, "int main(void) ");
  for (int i = 0; i < 3000; i++) sadd(&s, "{");
  for (int i = 0; i < 3000; i++) sadd(&s, "}");
  sadd(&s, "\n");
  expect_in("deep blocks", s.p, s.n, 0, "error: statements nested too deeply");
  s.n = 0;
  /* 300 different global arrays indexed */
  for (int i = 0; i < 300; i++) sadd(&s, "int a%d[2];\n", i);
  sadd(&s, "int main(void) {\n  int s = 0;\n");
  for (int i = 0; i < 300; i++) sadd(&s, "  s += a%d[1];\n", i);
  sadd(&s, "  return s;\n}\n");
  expect_in("too many arrays", s.p, s.n, 0, "at most 256 are supported");
  s.n = 0;
  /* local arrays beyond 64 KB */
  sadd(&s, "int main(void) {\n  int big[20000];\n  big[1] = 2;\n  return big[1];\n}\n");
  expect_in("frame arrays too large", s.p, s.n, 0, "error: local arrays of function 'main' are too large");
  s.n = 0;
  /* many errors: the compiler stops after 20 */
  sadd(&s, "int main(void) {\n");
  for (int i = 0; i < 50; i++) sadd(&s, "  x%d = 1;\n", i);
  sadd(&s, "  return 0;\n}\n");
  expect_in("too many errors", s.p, s.n, 0, "fatal error: too many errors, stopping");
  s.n = 0;
  /* macro expansion bomb */
  sadd(&s, "#define A0 1\n");
  for (int i = 1; i < 30; i++) sadd(&s, "#define A%d A%d A%d\n", i, i - 1, i - 1);
  sadd(&s, "int x = A29;\nint main(void) { return 0; }\n");
  expect_in("macro bomb", s.p, s.n, 0, "fatal error: too many tokens");
  s.n = 0;
  /* a left-leaning chain of 100000 operators: no deep recursion */
  sadd(&s, "int main(void) {\n  int x = 1;\n  return x");
  for (int i = 0; i < 100000; i++) sadd(&s, " + x");
  sadd(&s, ";\n}\n");
  expect_in("long operator chain", s.p, s.n, 0, "error: expression nested too deeply");
  s.n = 0;
  sadd(&s, "int main(void) {\n  int x = 1;\n  return x");
  for (int i = 0; i < 800; i++) sadd(&s, " + x");
  sadd(&s, ";\n}\n");
  expect_in("800-term sum", s.p, s.n, 1, NULL);
  s.n = 0;
  /* many literals, cases and functions: no quadratic work */
  sadd(&s, "#include <stdio.h>\nint main(void) {\n");
  for (int i = 0; i < 30000; i++) sadd(&s, "  printf(\"s%d\\n\");\n", i);
  sadd(&s, "  return 0;\n}\n");
  expect_in("30000 strings", s.p, s.n, 1, NULL);
  s.n = 0;
  sadd(&s, "int main(void) {\n  int x = 0;\n  switch (x) {\n");
  for (int i = 0; i < 20000; i++) sadd(&s, "    case %d: x++; break;\n", i * 3);
  sadd(&s, "  }\n  return x;\n}\n");
  expect_in("20000 cases", s.p, s.n, 1, NULL);
  s.n = 0;
  for (int i = 0; i < 20000; i++) sadd(&s, "int f%d(int x);\n", i);
  for (int i = 0; i < 19999; i++) sadd(&s, "int f%d(int x) { return f%d(x) + 1; }\n", i, i + 1);
  sadd(&s, "int f19999(int x) { return x; }\nint main(void) { return f0(1); }\n");
  expect_in("20000-deep call chain", s.p, s.n, 1, NULL);
  s.n = 0;
  /* NUL bytes and binary junk */
  static const char junk[] = "int main(void) { return 0; }\0\x01\xff";
  expect_in("binary junk", junk, sizeof junk - 1, 0, "error: stray");
  expect_in("empty input", "", 0, 0, "no entry point");
  free(s.p);

  /* API: NULL diagnostics stream, NULL error count, NULL source */
  cases++;
  int n = -1;
  cc_program *q = cc_compile("x.c", "int main(void) { return 0; }", 28, NULL, NULL, NULL);
  if (!q) fail("api", "NULL diag/nerrors: compile failed");
  cc_free(q);
  cc_program *p = cc_compile("x.c", NULL, 0, NULL, NULL, &n);
  if (p || n < 1) fail("api", "NULL source: expected failure with errors, got %d", n);
  cc_free(NULL);
  cc_options o = { 0, 0 };
  p = cc_compile("x.c", "int main(void) { return 0; }", 28, &o, NULL, &n);
  if (!p || n != 0) fail("api", "-O0 compile failed");
  if (p && cc_image(p)->mem_size == 0) fail("api", "no memory size");
  cc_free(p);
  /* memory: exact for a call chain, a reservation for recursion */
  static const char chain[] =
      "int f(int x) { int a[10]; a[x] = x; return a[x]; }\n"
      "int main(void) { return f(1); }\n";
  p = cc_compile("x.c", chain, sizeof chain - 1, NULL, NULL, &n);
  if (!p) fail("api", "chain did not compile");
  else {
    const cvm1_image *im = cc_image(p);
    /* main's frame (window at slot A) + f's slots and 40 bytes of arrays */
    if (im->max_depth != 1 || im->mem_size < 40 + 12 || im->mem_size > 40 + 12 + 64)
      fail("api", "chain: depth %u, memory %u", (unsigned)im->max_depth, (unsigned)im->mem_size);
    cc_free(p);
  }
  static const char rec[] = "int f(int x) { return x ? f(x - 1) : 0; }\n"
                            "int main(void) { return f(3); }\n";
  cc_options so = { 1, 1024 };
  p = cc_compile("x.c", rec, sizeof rec - 1, &so, NULL, &n);
  if (!p) fail("api", "recursive program did not compile");
  else {
    const cvm1_image *im = cc_image(p);
    if (im->max_depth != 64 || im->mem_size != 1024 + 64 * 12)
      fail("api", "recursion with 1024 bytes: depth %u, memory %u", (unsigned)im->max_depth,
           (unsigned)im->mem_size);
    cc_free(p);
  }
  p = cc_compile("x.c", rec, sizeof rec - 1, NULL, NULL, &n);
  if (!p || cc_image(p)->max_depth != 256 || cc_image(p)->mem_size != 8192 + 256 * 12)
    fail("api", "recursion default reservation");
  cc_free(p);
  /* leak check across a failed compile */
  p = cc_compile("x.c", "int main(void) { return y; }", 28, NULL, NULL, &n);
  if (p || n != 1) fail("api", "undeclared: %d errors", n);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_cc_errors errors.txt\n");
    return 2;
  }
  run_table(argv[1]);
  generated();
  printf("%d cases, %d failures\n", cases, failures);
  return failures != 0;
}
