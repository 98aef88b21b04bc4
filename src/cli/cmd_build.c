/*
** cmd_build.c -- `cockpit build SRC.c -o OUT.cvm1`.
*/
#include <stdio.h>

#include "cli.h"

static const char usage[] =
  "usage: cockpit build SRC.c [-o OUT.cvm1] [options]\n\n"
  "Compile a Cockpit C program (docs/language.md) into a CVM1 artifact, by\n"
  "default SRC.cvm1, signed when a key is given. Diagnostics are reported as\n"
  "FILE:LINE:COL: error: ... (exit status 1). An assembly file (.s) is\n"
  "assembled instead.\n\n"
  "options:\n"
  "  -o FILE          output artifact\n";

int cmd_build(int argc, char **argv) {
  char full[2048];
  snprintf(full, sizeof full, "%s%s", usage, cli_build_opts_help);
  return cli_source_to_artifact("build", NULL, argc, argv, full);
}
