/*
** fapi_keys.c -- the fleet signing key in the data directory, and tokens.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cvm1.h"
#include "fapi_int.h"

fapi_key_err fapi_fleet_key(const char *dir, char *path, size_t cap, char *err, size_t errlen) {
  char base[4096];
  snprintf(base, sizeof base, "%s/fleet", dir);
  snprintf(path, cap, "%s.key", base);
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno != ENOENT) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      return FAPI_KEY_IO;
    }
    /* made under a name of this process's own, then linked into place:
    ** link() never overwrites, so of several fleetd starting at once on
    ** one folder exactly one key wins, and nobody reads a half-written one */
    char tmp[4200], tkey[4220], tpub[4220], pubp[4220];
    snprintf(tmp, sizeof tmp, "%s/.fleet-new-%ld", dir, (long)getpid());
    snprintf(tkey, sizeof tkey, "%s.key", tmp);
    snprintf(tpub, sizeof tpub, "%s.pub", tmp);
    snprintf(pubp, sizeof pubp, "%s.pub", base);
    unlink(tkey), unlink(tpub);
    cvm1_err e = cvm1_keygen(tmp);   /* writes TMP.key mode 0600 and TMP.pub */
    if (e) {
      snprintf(err, errlen, "generating %s: %s (%s)", path, cvm1_err_str(e), strerror(errno));
      unlink(tkey), unlink(tpub);
      return FAPI_KEY_IO;
    }
    if (link(tkey, path) == 0) {
      unlink(pubp);
      if (link(tpub, pubp) != 0) { /* the public half is a convenience copy */ }
    } else if (errno != EEXIST) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      unlink(tkey), unlink(tpub);
      return FAPI_KEY_IO;
    }
    unlink(tkey), unlink(tpub);
    if (stat(path, &st) != 0) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      return FAPI_KEY_IO;
    }
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s is not a regular file", path);
    return FAPI_KEY_BAD;
  }
  if (st.st_mode & 077) {
    snprintf(err, errlen, "%s has mode %03o: the fleet key must be readable by its owner only (chmod 600)", path,
             (unsigned)(st.st_mode & 0777));
    return FAPI_KEY_MODE;
  }
  uint8_t pub[32];
  cvm1_err e = cvm1_load_key_pub(path, pub);
  if (e) {
    snprintf(err, errlen, "%s: %s", path, cvm1_err_str(e));
    return FAPI_KEY_BAD;
  }
  return FAPI_KEY_OK;
}

fst_err fapi_token_create(fst_store *s, fst_role role, const char *name, char out[FAPI_TOKEN_LEN + 1],
                          int64_t *id) {
  uint8_t r[32];
  if (RAND_bytes(r, sizeof r) != 1) return FST_ERR_INVALID;
  memcpy(out, FAPI_TOKEN_PREFIX, 4);
  for (int i = 0; i < 32; i++) snprintf(out + 4 + 2 * i, 3, "%02x", r[i]);
  char hash[65];
  fapi_token_hash(out, hash);
  return fst_token_add(s, hash, role, name, id);
}
