/*
** cmd_asm.c -- `cockpit asm FILE.s -o OUT.cvm1`.
*/
#include <stdio.h>

#include "cli.h"

static const char usage[] =
  "usage: cockpit asm FILE.s [-o OUT.cvm1] [options]\n\n"
  "Assemble FILE.s (syntax: docs/assembly.md) into a CVM1 artifact, by default\n"
  "FILE.cvm1. Errors are reported as FILE:LINE: error: ...\n\n"
  "options:\n"
  "  -o FILE          output artifact\n";

int cmd_asm(int argc, char **argv) {
  char full[2048];
  snprintf(full, sizeof full, "%s%s", usage, cli_build_opts_help);
  return cli_source_to_artifact("asm", ".s", argc, argv, full);
}
