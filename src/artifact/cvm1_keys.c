/*
** cvm1_keys.c -- Ed25519 key files (PEM) through OpenSSL's EVP interface:
** generation, loading, raw public key extraction.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cvm1_host_int.h"

static bool is_ed25519(EVP_PKEY *k) {
  return k && EVP_PKEY_get_id(k) == EVP_PKEY_ED25519;
}

cvm1_err cvm1_key_load(const char *path, EVP_PKEY **key) {
  FILE *f = fopen(path, "r");
  if (!f) return CVM1_ERR_IO;
  EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (!is_ed25519(k)) { EVP_PKEY_free(k); return CVM1_ERR_KEY; }
  *key = k;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_key_raw_pub(EVP_PKEY *k, uint8_t pub[32]) {
  size_t n = 32;
  if (!EVP_PKEY_get_raw_public_key(k, pub, &n) || n != 32) return CVM1_ERR_CRYPTO;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_load_pub(const char *path, uint8_t pub[32]) {
  FILE *f = fopen(path, "r");
  if (!f) return CVM1_ERR_IO;
  EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
  fclose(f);
  cvm1_err e = is_ed25519(k) ? cvm1_key_raw_pub(k, pub) : CVM1_ERR_KEY;
  EVP_PKEY_free(k);
  return e ? e : cvm1_key_check(pub);
}

cvm1_err cvm1_load_key_pub(const char *keypath, uint8_t pub[32]) {
  EVP_PKEY *k;
  cvm1_err e = cvm1_key_load(keypath, &k);
  if (e) return e;
  e = cvm1_key_raw_pub(k, pub);
  EVP_PKEY_free(k);
  return e;
}

/* PEM text of a key (private or public) into a malloc'd buffer. */
static cvm1_err pem(EVP_PKEY *k, bool priv, char **out, size_t *len) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (!bio) return CVM1_ERR_NOMEM;
  int ok = priv ? PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)
                : PEM_write_bio_PUBKEY(bio, k);
  char *p;
  long n = BIO_get_mem_data(bio, &p);
  cvm1_err e = CVM1_ERR_CRYPTO;
  if (ok && n > 0 && (*out = malloc((size_t)n)) != NULL) {
    memcpy(*out, p, (size_t)n);
    *len = (size_t)n;
    e = CVM1_ERR_OK;
  }
  BIO_free(bio);
  return e;
}

static char *join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s%s", a, b);
  return s;
}

/* The private key file is created exclusively with mode 0600. */
static cvm1_err write_private(const char *path, const char *txt, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return CVM1_ERR_IO;
  bool ok = fchmod(fd, 0600) == 0;
  for (size_t w = 0; ok && w < len;) {
    ssize_t r = write(fd, txt + w, len - w);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) ok = false; else w += (size_t)r;
  }
  int saved = errno;
  if (close(fd) != 0 && ok) { ok = false; saved = errno; }
  if (!ok) { unlink(path); errno = saved; return CVM1_ERR_IO; }
  return CVM1_ERR_OK;
}

cvm1_err cvm1_keygen(const char *name) {
  if (!name || !*name) return CVM1_ERR_ARG;
  char *kpath = join(name, ".key"), *ppath = join(name, ".pub");
  char *ktxt = NULL, *ptxt = NULL;
  size_t klen = 0, plen = 0;
  cvm1_err e = CVM1_ERR_NOMEM;
  EVP_PKEY *k = NULL;
  if (!kpath || !ppath) goto done;
  e = CVM1_ERR_CRYPTO;
  if (!(k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"))) goto done;
  /* Never write a key no trust store would take (cvm1_key_check). */
  uint8_t pub[32];
  if ((e = cvm1_key_raw_pub(k, pub)) || (e = cvm1_key_check(pub))) goto done;
  if ((e = pem(k, true, &ktxt, &klen)) || (e = pem(k, false, &ptxt, &plen))) goto done;
  if ((e = write_private(kpath, ktxt, klen))) goto done;
  if ((e = cvm1_write_file(ppath, (const uint8_t *)ptxt, plen, 0644))) {
    int saved = errno;
    unlink(kpath);
    errno = saved;
  }
done:
  if (ktxt) OPENSSL_cleanse(ktxt, klen);
  free(ktxt); free(ptxt); free(kpath); free(ppath);
  EVP_PKEY_free(k);
  return e;
}
