/*
** cmd_dis.c -- `cockpit dis ART|SRC.c|SRC.s`: assembly text that
** `cockpit asm` turns back into the same program.
*/
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "cli.h"

static const char usage[] =
  "usage: cockpit dis FILE [--pcs] [--no-source]\n\n"
  "Disassemble an artifact, or a .c or .s file built in memory, into assembly\n"
  "that `cockpit asm` accepts. When the program has a line table and its source\n"
  "file can be found (the name it records, as given or next to the artifact),\n"
  "source lines are shown as comments before the code they produced.\n\n"
  "options:\n"
  "  --pcs         show each instruction's word index and encoding\n"
  "  --no-source   do not interleave source lines\n";

/* The source file an artifact names: as recorded, or in the artifact's
** directory. NULL if neither can be read. */
static char *find_source(const char *art, const char *name, size_t *len) {
  uint8_t *buf;
  if (cvm1_read_file(name, &buf, len) == CVM1_ERR_OK) return (char *)buf;
  const char *slash = strrchr(art, '/');
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  if (!slash) return NULL;
  size_t n = (size_t)(slash - art) + 1;
  char *path = malloc(n + strlen(base) + 1);
  if (!path) return NULL;
  memcpy(path, art, n);
  strcpy(path + n, base);
  bool ok = cvm1_read_file(path, &buf, len) == CVM1_ERR_OK;
  free(path);
  return ok ? (char *)buf : NULL;
}

int cmd_dis(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  asm_dis_opts o = {0};
  bool source = true;
  const char *in = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--pcs") == 0) o.pcs = true;
    else if (strcmp(argv[i], "--no-source") == 0) source = false;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("dis", "unknown option '%s'", argv[i]);
    else if (in) return cli_usage_error("dis", "more than one input file");
    else in = argv[i];
  }
  if (!in) return cli_usage_error("dis", "no input file");
  cli_prog p;
  int rc = cli_load("dis", in, NULL, false, &p);
  if (rc) return rc;
  char *found = NULL;
  if (source && p.prog.nlines) {
    if (p.src && cli_has_suffix(in, ".c")) {
      o.source = p.src;
      o.source_len = p.srclen;
    } else if (!p.src && cvm_source_name(&p.prog)) {
      found = find_source(in, cvm_source_name(&p.prog), &o.source_len);
      o.source = found;
    }
  }
  rc = asm_disassemble(&p.prog, stdout, &o) == 0 && fflush(stdout) == 0
         ? CLI_EXIT_OK : cli_error("dis", "write error");
  free(found);
  cli_prog_free(&p);
  return rc;
}
