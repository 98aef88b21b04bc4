/*
** cmd_version.c -- `cockpit version`.
*/
#include "cli.h"

#ifndef COCKPIT_VERSION
#define COCKPIT_VERSION "0.0.0"
#endif

static const char usage[] =
  "usage: cockpit version\n\n"
  "Print the version of cockpit, the Host ABI version and table hash, the\n"
  "instruction set hash and the CVM1 format version this build speaks.\n";

int cmd_version(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  if (argc > 1) return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
  printf("cockpit %s\n", COCKPIT_VERSION);
  printf("Host ABI %u.%u (hash 0x%08x, %u calls)\n", CVM_ABI_VERSION >> 8,
         CVM_ABI_VERSION & 0xFFu, cvm_abi_hash(), cvm_hc_count);
  printf("ISA hash 0x%08x (%u opcodes)\n", cvm_isa_hash(), (unsigned)CVM_OP__COUNT);
  printf("CVM1 format %u\n", CVM1_FORMAT_VERSION);
  return CLI_EXIT_OK;
}
