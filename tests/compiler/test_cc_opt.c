/*
** test_cc_opt.c -- every tests/lang program at -O0 and at -O1: both must
** pass the verifier, run on the simulated board to the output and exit
** status the program expects, and -O1 must not be larger than -O0.
**
** usage: test_cc_opt PROG.c... (each with PROG.expected beside it; the
** `// run:` and `// exit:` lines are honoured as by run_lang.sh).
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cockpitc.h"
#include "cvm1.h"

static int failures;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
  if (b) b[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return b;
}

/* Run one image on the board; returns the exit status, output in *out. */
static int run(const char *name, const cvm1_image *img, int argc, char **argv, char **out,
               size_t *outlen, uint32_t *ncode) {
  uint8_t *art = NULL;
  size_t alen = 0;
  cvm1_err e = cvm1_write(img, NULL, &art, &alen);
  if (e) { printf("%s: cvm1_write: %s\n", name, cvm1_err_str(e)); return -1; }
  cvm_prog prog;
  e = cvm1_open(art, alen, &prog, NULL);
  if (e) { printf("%s: cvm1_open: %s\n", name, cvm1_err_str(e)); free(art); return -1; }
  uint32_t ssz = cvm_verify_scratch_size(&prog);
  void *scratch = malloc(ssz + 4);
  cvm_vinfo vi;
  cvm_verr ve = cvm_verify(&prog, CVM_CAPS_ALL, scratch, ssz, &vi);
  free(scratch);
  if (ve) {
    printf("%s: verifier: %s at pc %u\n", name, cvm_verr_str(ve), (unsigned)vi.pc);
    free(art);
    return -1;
  }
  *ncode = prog.ncode;
  board_opts o;
  board_opts_init(&o);
  for (int i = 0; i < argc;) {
    char msg[200];
    if (board_parse_opt(&o, argc, argv, &i, msg, sizeof msg) != 1) {
      printf("%s: bad option %s: %s\n", name, argv[i], msg);
      free(art);
      return -1;
    }
  }
  FILE *con = open_memstream(out, outlen);
  o.console = con;
  o.caps = CVM_CAPS_ALL;
  FILE *devnull = fopen("/dev/null", "w");
  o.trace_out = devnull;
  board_result r;
  int st = board_run(&prog, &vi, &o, &r);
  fclose(con);
  fclose(devnull);
  free(art);
  return st & 0xFF;
}

static void one(const char *path) {
  size_t len, elen;
  char *src = slurp(path, &len);
  char exp_path[1024];
  snprintf(exp_path, sizeof exp_path, "%.*s.expected", (int)(strlen(path) - 2), path);
  char *expected = slurp(exp_path, &elen);
  if (!src || !expected) {
    printf("%s: cannot read the program or %s\n", path, exp_path);
    failures++;
    free(src);
    free(expected);
    return;
  }
  int want = 0;
  const char *x = strstr(src, "\n// exit:");
  if (x) want = atoi(x + 9);
  /* `// run:` options, with --uart-in relative to the program */
  char *argv[16];
  int argc = 0;
  char runbuf[512] = "", dir[1024];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) slash[1] = 0; else dir[0] = 0;
  const char *r = strstr(src, "\n// run:");
  if (r) {
    r += 8;
    size_t n = strcspn(r, "\n");
    snprintf(runbuf, sizeof runbuf, "%.*s", (int)n, r);
    for (char *t = strtok(runbuf, " "); t && argc < 15; t = strtok(NULL, " ")) argv[argc++] = t;
  }
  char uart[1200];
  for (int i = 0; i + 1 < argc; i++)
    if (strcmp(argv[i], "--uart-in") == 0) {
      snprintf(uart, sizeof uart, "%s%s", dir, argv[i + 1]);
      argv[i + 1] = uart;
    }
  uint32_t words[2] = { 0, 0 };
  for (int opt = 0; opt < 2; opt++) {
    cc_options o = { opt, 0 };
    int nerr;
    cc_program *p = cc_compile(path, src, len, &o, NULL, &nerr);
    if (!p) {
      printf("%s -O%d: %d errors\n", path, opt, nerr);
      failures++;
      continue;
    }
    char *out = NULL;
    size_t olen = 0;
    int st = run(path, cc_image(p), argc, argv, &out, &olen, &words[opt]);
    if (st != want || olen != elen || memcmp(out, expected, elen) != 0) {
      printf("FAIL %s -O%d: status %d (want %d), output %s\n", path, opt, st, want,
             olen == elen && memcmp(out, expected, elen) == 0 ? "ok" : "differs");
      failures++;
    }
    free(out);
    cc_free(p);
  }
  if (words[1] > words[0]) {
    printf("FAIL %s: -O1 code (%u words) larger than -O0 (%u)\n", path, (unsigned)words[1],
           (unsigned)words[0]);
    failures++;
  } else {
    printf("ok %s: %u words at -O0, %u at -O1\n", path, (unsigned)words[0], (unsigned)words[1]);
  }
  free(src);
  free(expected);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) one(argv[i]);
  printf("%d programs, %d failures\n", argc - 1, failures);
  return failures != 0;
}
