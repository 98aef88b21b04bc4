/*
** cmd_sign.c -- `cockpit sign ART --key NAME.key [-o OUT]`: add or replace
** the Ed25519 signature of an artifact.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
  "usage: cockpit sign ART --key NAME.key [-o OUT]\n\n"
  "Sign a CVM1 artifact: checks its structure and digest, then writes the\n"
  "digest, key id and Ed25519 signature records into its trailer (replacing\n"
  "an earlier signature). Writes ART in place unless -o OUT is given.\n\n"
  "  --key FILE   private key (PEM, from `cockpit keygen`)\n"
  "  -o OUT       write the signed artifact to OUT\n";

int cmd_sign(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  const char *art = NULL, *key = NULL, *out = NULL;
  for (int i = 1; i < argc;) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--key", &key)) != 0 ||
        (r = cli_opt(argc, argv, &i, "-o", &out)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("sign", "unknown option %s", argv[i]);
    if (art) return cli_usage_error("sign", "more than one artifact given");
    art = argv[i++];
  }
  if (!art) return cli_usage_error("sign", "missing ART");
  if (!key) return cli_usage_error("sign", "missing --key NAME.key");
  uint8_t *in, *signed_art;
  size_t len, slen;
  if (cvm1_read_file(art, &in, &len)) return cli_error("sign", "%s: %s", art, strerror(errno));
  cvm1_err e = cvm1_sign(in, len, key, &signed_art, &slen);
  free(in);
  if (e == CVM1_ERR_IO) return cli_error("sign", "%s: %s", key, strerror(errno));
  if (e == CVM1_ERR_KEY) return cli_error("sign", "%s: %s", key, cvm1_err_str(e));
  if (e) return cli_error("sign", "%s: refused: %s", art, cvm1_err_str(e));
  int rc = cli_write_file("sign", out ? out : art, signed_art, slen);
  free(signed_art);
  return rc;
}
