/*
** cmd_verify.c -- `cockpit verify ART --pub NAME.pub`: the device's
** acceptance check (cvm1_check), run on the host.
*/
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_KEYS 8

static const char usage[] =
  "usage: cockpit verify ART --pub NAME.pub [options]\n\n"
  "Check an artifact exactly as a device does before installing or running\n"
  "it: structure, SHA-256 digest, Ed25519 signature by a trusted key, Host\n"
  "ABI and ISA of this build, capabilities, vendor/class, security counter.\n"
  "Exits 0 when it would be accepted, 1 with the reason otherwise.\n\n"
  "  --pub FILE      trusted public key (repeat for a trust store of several)\n"
  "  --floor N       lowest security counter accepted (default 0)\n"
  "  --vendor NAME   required vendor id (a name or a UUID)\n"
  "  --class NAME    required device class id (a name or a UUID)\n"
  "  --caps LIST     granted capability groups, comma separated (default all)\n";

static bool same_name(const char *a, const char *b, size_t n) {
  if (strlen(b) != n) return false;
  for (size_t i = 0; i < n; i++)
    if (toupper((unsigned char)a[i]) != (unsigned char)b[i]) return false;
  return true;
}

static bool parse_caps(const char *s, uint32_t *caps) {
  *caps = 0;
  while (*s) {
    size_t n = strcspn(s, ",");
    unsigned c;
    for (c = 0; c < CVM_CAP__COUNT; c++)
      if (same_name(s, cvm_cap_names[c], n)) break;
    if (c == CVM_CAP__COUNT) return false;
    *caps |= CVM_CAPBIT(c);
    s += n + (s[n] == ',');
  }
  return true;
}

int cmd_verify(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  const char *art = NULL, *v;
  cvm1_pubkey keys[MAX_KEYS];
  uint8_t vendor[16], class_id[16];
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.keys = keys;
  for (int i = 1; i < argc;) {
    int r;
    if ((r = cli_opt(argc, argv, &i, "--pub", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (pol.nkeys == MAX_KEYS) return cli_usage_error("verify", "at most %d --pub keys", MAX_KEYS);
      cvm1_err e = cvm1_load_pub(v, keys[pol.nkeys]);
      if (e == CVM1_ERR_IO) return cli_error("verify", "%s: %s", v, strerror(errno));
      if (e) return cli_error("verify", "%s: %s", v, cvm1_err_str(e));
      pol.nkeys++;
    } else if ((r = cli_opt(argc, argv, &i, "--floor", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_u32(v, &pol.counter_floor))
        return cli_usage_error("verify", "--floor needs a number, not '%s'", v);
    } else if ((r = cli_opt(argc, argv, &i, "--vendor", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (cvm1_uuid_from_name(v, vendor)) return cli_usage_error("verify", "bad --vendor");
      pol.vendor_id = vendor;
    } else if ((r = cli_opt(argc, argv, &i, "--class", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (cvm1_uuid_from_name(v, class_id)) return cli_usage_error("verify", "bad --class");
      pol.class_id = class_id;
    } else if ((r = cli_opt(argc, argv, &i, "--caps", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!parse_caps(v, &pol.granted_caps))
        return cli_usage_error("verify", "unknown capability group in '%s'", v);
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error("verify", "unknown option %s", argv[i]);
    } else {
      if (art) return cli_usage_error("verify", "more than one artifact given");
      art = argv[i++];
    }
  }
  if (!art) return cli_usage_error("verify", "missing ART");
  if (!pol.nkeys) return cli_usage_error("verify", "missing --pub NAME.pub");
  uint8_t *buf;
  size_t len;
  if (cvm1_read_file(art, &buf, &len)) return cli_error("verify", "%s: %s", art, strerror(errno));
  cvm1_info in;
  cvm1_err e = cvm1_check(buf, len, &pol, &in);
  if (e) {
    free(buf);
    return cli_error("verify", "%s: refused: %s", art, cvm1_err_str(e));
  }
  printf("%s: ok: version %u.%u.%u, security counter %u, key id ", art,
         in.version[0], in.version[1], in.version[2], in.security_counter);
  for (unsigned i = 0; i < CVM1_KEYID_SIZE; i++) printf("%02x", in.keyid[i]);
  printf("\n");
  free(buf);
  return CLI_EXIT_OK;
}
