/*
** test_profile.c -- cli_profile built with tiny slices and folds
** (CLI_PROFILE_SLICE, CLI_PROFILE_FOLD from CMake): the 64-bit totals it
** reports must equal the counts of one uninterrupted cvm_run_profile, and
** the dynamic pairs must number one fewer than the instructions. Also the
** --profile option forms.
*/
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "cli_profile.h"
#include "tcheck.h"

/* Reference counts: the whole main() in one cvm_run_profile call. */
static void reference(const cvm_prog *p, uint32_t *pcs, uint32_t *pairs) {
  cvm_vinfo vi;
  uint32_t n = cvm_verify_scratch_size(p);
  void *scratch = malloc(n ? n : 4), *mem = calloc(1, p->mem_size + 4);
  CHECK(cvm_verify(p, CVM_CAPS_ALL, scratch, n, &vi) == CVM_VERR_OK);
  cvm_vm vm;
  CHECK(cvm_init(&vm, p, &vi, mem, (p->mem_size + 3) & ~3u, CVM_CAPS_ALL) == CVM_VERR_OK);
  CHECK(cvm_call(&vm, p->entry_main));
  cvm_profile prof = { pcs, pairs, 0 };
  FILE *devnull = fopen("/dev/null", "w");
  board_opts o;
  board_opts_init(&o);
  o.console = devnull;
  CHECK(board_open(&o) == BOARD_EOK);
  cvm_host_reset();
  CHECK(cvm_run_profile(&vm, 0x7FFFFFFFu, &prof) == CVM_DONE);
  board_close();
  fclose(devnull);
  /* the VM pairs the first instruction with opcode 0 */
  pairs[CVM_I_OP(p->code[CVM_FUNC_ENTRY(p, p->entry_main)])]--;
  free(scratch);
  free(mem);
}

static void check_program(const char *path) {
  cli_prog lp;
  CHECK(cli_load("test", path, NULL, true, &lp) == CLI_EXIT_OK);
  const cvm_prog *p = &lp.prog;
  size_t npairs = (size_t)CVM_OP__COUNT * CVM_OP__COUNT;
  uint32_t *pcs = calloc(p->ncode, sizeof *pcs), *pairs = calloc(npairs, sizeof *pairs);
  reference(p, pcs, pairs);

  cli_profile cp;
  board_opts o;
  board_opts_init(&o);
  FILE *devnull = fopen("/dev/null", "w");
  o.console = devnull;
  CHECK(cli_profile_start(&cp, p, &o));
  CHECK(o.run == cli_profile_run && o.run_ctx == &cp);
  board_result r;
  CHECK(board_run(p, NULL, &o, &r) == 0 && r.stop == BOARD_STOP_EXIT);

  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  cli_profile_report(&cp, f, 5, NULL, NULL, 0);
  fclose(f);
  uint64_t total = 0, ptotal = 0;
  for (uint32_t k = 0; k < p->ncode; k++) {
    CHECK(cp.pc_total[k] == pcs[k]);
    total += cp.pc_total[k];
  }
  for (size_t k = 0; k < npairs; k++) {
    CHECK(cp.pair_total[k] == pairs[k]);
    ptotal += cp.pair_total[k];
  }
  CHECK(total > 50 && ptotal == total - 1);
  char head[64];
  snprintf(head, sizeof head, "profile: %llu instructions executed\n", (unsigned long long)total);
  CHECK(text && strncmp(text, head, strlen(head)) == 0);
  CHECK(strstr(text, "opcodes (top 5 of ") != NULL);
  cli_profile_free(&cp);
  CHECK(cp.pc_total == NULL);
  cli_profile_free(&cp);   /* twice is harmless */
  fclose(devnull);
  free(text);
  free(pcs);
  free(pairs);
  cli_prog_free(&lp);
}

static void check_opts(void) {
  static const struct { const char *arg; int r; unsigned top; } cases[] = {
    { "--profile", 1, CLI_PROFILE_TOP }, { "--profile=1", 1, 1 }, { "--profile=1000", 1, 1000 },
    { "--profile=0x10", 1, 16 }, { "--profile=0", -1, 0 }, { "--profile=1001", -1, 0 },
    { "--profile=", -1, 0 }, { "--profile=-1", -1, 0 }, { "--profile=x", -1, 0 },
    { "--profiles", 0, 0 }, { "--prof", 0, 0 }, { "prog.c", 0, 0 },
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    unsigned top = 0;
    int r = cli_profile_opt("test", cases[k].arg, &top);
    if (r != cases[k].r || (r > 0 && top != cases[k].top)) {
      fprintf(stderr, "cli_profile_opt(%s) = %d, top %u\n", cases[k].arg, r, top);
      t_failures++;
    }
  }
}

int main(int argc, char **argv) {
  check_opts();
  for (int i = 1; i < argc; i++) check_program(argv[i]);
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures != 0;
}
