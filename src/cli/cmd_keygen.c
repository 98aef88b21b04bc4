/*
** cmd_keygen.c -- `cockpit keygen NAME`: a new Ed25519 key pair in
** NAME.key (PEM PKCS#8, mode 0600) and NAME.pub (PEM SubjectPublicKeyInfo).
*/
#include <errno.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
  "usage: cockpit keygen NAME\n\n"
  "Generate an Ed25519 signing key pair: NAME.key (private, mode 0600) and\n"
  "NAME.pub (public, for devices' trust stores and `cockpit verify`).\n"
  "Refuses to overwrite an existing NAME.key. Prints the key id.\n";

int cmd_keygen(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  if (argc != 2) return cli_usage_error("keygen", argc < 2 ? "missing NAME" : "too many arguments");
  const char *name = argv[1];
  if (!*name || name[0] == '-') return cli_usage_error("keygen", "invalid NAME '%s'", name);
  cvm1_err e = cvm1_keygen(name);
  if (e == CVM1_ERR_IO && errno == EEXIST)
    return cli_error("keygen", "%s.key already exists (not overwritten)", name);
  if (e == CVM1_ERR_IO) return cli_error("keygen", "%s: %s", name, strerror(errno));
  if (e) return cli_error("keygen", "%s", cvm1_err_str(e));
  uint8_t pub[32], id[CVM1_KEYID_SIZE];
  char path[4096];
  snprintf(path, sizeof path, "%s.pub", name);
  if ((e = cvm1_load_pub(path, pub))) return cli_error("keygen", "%s: %s", path, cvm1_err_str(e));
  cvm1_key_id(pub, id);
  printf("wrote %s.key (private, keep it secret) and %s.pub\nkey id ", name, name);
  for (unsigned i = 0; i < CVM1_KEYID_SIZE; i++) printf("%02x", id[i]);
  printf("\n");
  return CLI_EXIT_OK;
}
