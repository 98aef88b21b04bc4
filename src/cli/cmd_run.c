/*
** cmd_run.c -- `cockpit run ART|SRC.c|SRC.s`: verify, then run on the
** simulated board. stdout carries only the guest's output; the exit status
** is main's return value, BOARD_STATUS_FAULT (70) after a fault,
** BOARD_STATUS_LIMIT (75) at a step or time limit, 1 if the program cannot
** be loaded or verified, 2 for usage errors.
*/
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "cli_profile.h"

static const char usage_head[] =
  "usage: cockpit run FILE [--trust KEY.pub] [board options]\n\n"
  "Run an artifact, or a .c or .s file built in memory, on the simulated board.\n"
  "The program is checked (digest, Host ABI, ISA; with --trust also the\n"
  "signature) and verified before its first instruction. Only the guest's\n"
  "output goes to stdout. Exit status: main's return value; 70 after a fault\n"
  "(reported on stderr as FILE:LINE: fault: KIND); 75 when --max-steps or\n"
  "--max-ms stops it; 1 if it cannot be loaded or verified.\n\n"
  "options:\n"
  "  --trust FILE          refuse anything not signed by this public key\n"
  "  --profile[=N]         then report on stderr the instructions per function and\n"
  "                        line, the hottest opcodes and opcode pairs (N rows, 10)\n";

int cmd_run(int argc, char **argv) {
  char usage[4096];
  snprintf(usage, sizeof usage, "%s%s", usage_head, board_opts_help);
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  board_opts o;
  board_opts_init(&o);
  const char *in = NULL, *trust = NULL;
  unsigned prof_top = 0;
  for (int i = 1; i < argc;) {
    char msg[256];
    int r = board_parse_opt(&o, argc, argv, &i, msg, sizeof msg);
    if (r < 0) return cli_usage_error("run", "%s", msg);
    if (r > 0) continue;
    if ((r = cli_opt(argc, argv, &i, "--trust", &trust)) < 0) return CLI_EXIT_USAGE;
    if (r > 0) continue;
    if ((r = cli_profile_opt("run", argv[i], &prof_top)) < 0) return CLI_EXIT_USAGE;
    if (r > 0 && ++i) continue;
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("run", "unknown option '%s'", argv[i]);
    if (in) return cli_usage_error("run", "more than one program");
    in = argv[i++];
  }
  if (!in) return cli_usage_error("run", "no program to run");

  cli_prog p;
  int rc = cli_load("run", in, trust, true, &p);
  if (rc) return rc;

  /* Verify here, to say where a program is refused. */
  cvm_vinfo vi;
  uint32_t n = cvm_verify_scratch_size(&p.prog);
  void *scratch = malloc(n ? n : 4);
  cvm_verr ve = scratch ? cvm_verify(&p.prog, o.caps, scratch, n, &vi) : CVM_VERR_SCRATCH;
  free(scratch);
  if (ve != CVM_VERR_OK) {
    const char *fn = cvm_func_name(&p.prog, vi.func);
    rc = cli_error("run", "%s: verification failed: %s (%s) at pc %u in %s", in,
                   cvm_verr_str(ve), cvm_verr_name(ve), vi.pc, fn ? fn : "function");
    cli_prog_free(&p);
    return rc;
  }

  board_result r;
  cli_profile prof = {0};
  if (prof_top && !cli_profile_start(&prof, &p.prog, &o)) {
    cli_prog_free(&p);
    return cli_error("run", "out of memory for the profile");
  }
  rc = board_run(&p.prog, &vi, &o, &r);
  fflush(stdout);
  char line[512];
  if (r.stop == BOARD_STOP_ERROR) {
    cli_error("run", "%s: %s", in, board_err_str(r.err));
  } else if ((!o.trace || (o.trace_out && o.trace_out != stderr)) &&
             board_describe(line, sizeof line, &p.prog, &r) > 0) {
    /* (with --trace on stderr the board has already said it, timestamped) */
    fprintf(stderr, "%s\n", line);
  }
  if (prof_top) cli_profile_report(&prof, stderr, prof_top, in, p.src, p.srclen);
  cli_profile_free(&prof);
  cli_prog_free(&p);
  return rc;
}
