/*
** cmd_inspect.c -- `cockpit inspect ART [--json] [--pub NAME.pub]`: every
** header field, the sections, digest, key id and signature status.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
  "usage: cockpit inspect ART [--json] [--pub NAME.pub]\n\n"
  "Show an artifact: format, version, security counter, Host ABI and ISA,\n"
  "capabilities, entry points, memory, vendor/class/build ids, source digest,\n"
  "build time, sections with offsets and sizes, digest, key id and signature\n"
  "status. Exits 0 when the artifact is intact (and, with --pub, validly\n"
  "signed by that key), 1 otherwise.\n\n"
  "  --json       machine-readable output with plain field names\n"
  "  --pub FILE   also check the signature against this public key\n";

int cmd_inspect(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  const char *art = NULL, *pubpath = NULL;
  bool json = false;
  for (int i = 1; i < argc;) {
    int r;
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
      i++;
    } else if ((r = cli_opt(argc, argv, &i, "--pub", &pubpath)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error("inspect", "unknown option %s", argv[i]);
    } else {
      if (art) return cli_usage_error("inspect", "more than one artifact given");
      art = argv[i++];
    }
  }
  if (!art) return cli_usage_error("inspect", "missing ART");
  uint8_t pub[32];
  if (pubpath) {
    cvm1_err e = cvm1_load_pub(pubpath, pub);
    if (e == CVM1_ERR_IO) return cli_error("inspect", "%s: %s", pubpath, strerror(errno));
    if (e) return cli_error("inspect", "%s: %s", pubpath, cvm1_err_str(e));
  }
  uint8_t *buf;
  size_t len;
  if (cvm1_read_file(art, &buf, &len)) return cli_error("inspect", "%s: %s", art, strerror(errno));
  char *text = cvm1_inspect(buf, len, json, pubpath ? pub : NULL);
  if (!text) {
    free(buf);
    return cli_error("inspect", "out of memory");
  }
  if (!json) printf("artifact          %s\n", art);
  fputs(text, stdout);
  free(text);
  cvm1_err e = cvm1_check_auth(buf, len, pubpath ? pub : NULL, NULL);
  free(buf);
  return e ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
