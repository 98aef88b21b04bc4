/* copl_state.c - what the copilot keeps under --state, and its identity:
 * records written atomically (temp file, fsync, rename, fsync of the
 * folder), read back whole; the queue's blob as a file (pread, pwrite,
 * fsync); the CN of the device certificate (OpenSSL). */
#define _GNU_SOURCE
#include "copl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int copl_save(const char *dir, const char *name, const void *p, size_t n, char *why, size_t cap)
{
  char path[1024], tmp[1040];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(why, cap, "%s: %s", tmp, strerror(errno));
    return -1;
  }
  const char *c = p;
  size_t left = n;
  while (left) {
    ssize_t w = write(fd, c, left);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      snprintf(why, cap, "write %s: %s", tmp, w < 0 ? strerror(errno) : "short write");
      close(fd);
      unlink(tmp);
      return -1;
    }
    c += w, left -= (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    snprintf(why, cap, "fsync %s: %s", tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    snprintf(why, cap, "rename %s: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return 0;
}

int copl_load(const char *dir, const char *name, void *p, size_t n, char *why, size_t cap)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0;
    snprintf(why, cap, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || (size_t)st.st_size != n) {
    snprintf(why, cap, "%s: %lld bytes, a record is %zu", path, (long long)st.st_size, n);
    close(fd);
    return -1;
  }
  ssize_t r = pread(fd, p, n, 0);
  close(fd);
  if (r != (ssize_t)n) {
    snprintf(why, cap, "read %s: %s", path, r < 0 ? strerror(errno) : "short read");
    return -1;
  }
  return 1;
}

/* ---- the queue's blob ------------------------------------------------------ */

static int blob_read(void *ctx, uint32_t off, void *p, uint32_t n)
{
  copl_blob *b = ctx;
  ssize_t r = pread(b->fd, p, n, off);
  if (r == (ssize_t)n)
    return 0;
  if (r >= 0) {  /* past the end of a short file: erased */
    memset((char *)p + r, 0, n - (size_t)r);
    return 0;
  }
  return -1;
}

static int blob_write(void *ctx, uint32_t off, const void *p, uint32_t n)
{
  copl_blob *b = ctx;
  return pwrite(b->fd, p, n, off) == (ssize_t)n ? 0 : -1;
}

static int blob_sync(void *ctx)
{
  copl_blob *b = ctx;
  return fdatasync(b->fd) == 0 ? 0 : -1;
}

int copl_blob_open(copl_blob *b, const char *dir, const char *name, uint32_t size, char *why,
                   size_t cap)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  b->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (b->fd < 0) {
    snprintf(why, cap, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(b->fd, &st) == 0 && st.st_size != (off_t)size && ftruncate(b->fd, size) != 0) {
    snprintf(why, cap, "%s: cannot size it to %u bytes: %s", path, (unsigned)size, strerror(errno));
    close(b->fd);
    b->fd = -1;
    return -1;
  }
  b->st.ctx = b;
  b->st.read = blob_read;
  b->st.write = blob_write;
  b->st.sync = blob_sync;
  return 0;
}

void copl_blob_close(copl_blob *b)
{
  if (b->fd >= 0)
    close(b->fd);
  b->fd = -1;
}

/* ---- identity --------------------------------------------------------------- */

copl_err copl_cert_cn(const char *cert_file, char *out, size_t cap, char *why, size_t whycap)
{
  FILE *f = fopen(cert_file, "r");
  if (!f) {
    snprintf(why, whycap, "certificate '%s': %s", cert_file, strerror(errno));
    return COPL_EFILE;
  }
  X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!x) {
    snprintf(why, whycap, "certificate '%s': not a PEM X.509 certificate", cert_file);
    return COPL_EFILE;
  }
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, out, (int)cap);
  X509_free(x);
  if (n <= 0 || (size_t)n >= cap) {
    snprintf(why, whycap, "certificate '%s': no common name (CN) to take as the device id; give --id",
             cert_file);
    return COPL_EARG;
  }
  if (strlen(out) != (size_t)n) {
    snprintf(why, whycap, "certificate '%s': its CN holds a NUL byte", cert_file);
    return COPL_EARG;
  }
  return COPL_OK;
}

static X509 *read_pem_cert(const char *path, char *why, size_t whycap, copl_err *e)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(why, whycap, "'%s': %s", path, strerror(errno));
    *e = COPL_EFILE;
    return NULL;
  }
  X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!x) {
    snprintf(why, whycap, "'%s': not a PEM X.509 certificate", path);
    *e = COPL_EFILE;
  }
  return x;
}

static void asn1_text(const ASN1_TIME *t, char *out, size_t cap)
{
  struct tm tm;
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1 || !strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(out, cap, "?");
}

copl_err copl_cert_check(const char *cert_file, const char *key_file, const char *ca_file,
                         int64_t now_s, char *why, size_t whycap)
{
  copl_err e = COPL_OK;
  X509 *x = read_pem_cert(cert_file, why, whycap, &e);
  if (!x)
    return e;
  EVP_PKEY *k = NULL;
  FILE *f = fopen(key_file, "r");
  if (f) {
    k = PEM_read_PrivateKey(f, NULL, NULL, (void *)"");   /* never prompts */
    fclose(f);
  }
  time_t now = (time_t)now_s;
  char t[32];
  why[0] = 0;
  if (!k) {
    snprintf(why, whycap, "the key '%s' is unreadable (or not an unencrypted PEM key)", key_file);
    e = f ? COPL_ECERT : COPL_EFILE;
  } else if (X509_check_private_key(x, k) != 1) {
    snprintf(why, whycap, "the key '%s' is not the certificate's", key_file);
    e = COPL_ECERT;
  } else if (X509_cmp_time(X509_get0_notAfter(x), &now) <= 0) {
    asn1_text(X509_get0_notAfter(x), t, sizeof t);
    snprintf(why, whycap, "the certificate expired at %s", t);
    e = COPL_ECERT;
  } else if (X509_cmp_time(X509_get0_notBefore(x), &now) > 0) {
    asn1_text(X509_get0_notBefore(x), t, sizeof t);
    snprintf(why, whycap, "the certificate is not valid before %s (is the clock right?)", t);
    e = COPL_ECERT;
  } else {
    /* its chain to the CA(s) of --ca, for a TLS client, at now */
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!st || !ctx) {
      snprintf(why, whycap, "out of memory");
      e = COPL_ENOMEM;
    } else if (X509_STORE_load_locations(st, ca_file, NULL) != 1) {
      snprintf(why, whycap, "the CA file '%s' holds no readable PEM certificate", ca_file);
      e = COPL_EFILE;
    } else if (X509_STORE_CTX_init(ctx, st, x, NULL) != 1) {
      snprintf(why, whycap, "out of memory");
      e = COPL_ENOMEM;
    } else {
      X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
      X509_STORE_CTX_set_time(ctx, 0, now);
      if (X509_verify_cert(ctx) != 1) {
        int v = X509_STORE_CTX_get_error(ctx);
        char issuer[128] = "?";
        X509_NAME_oneline(X509_get_issuer_name(x), issuer, sizeof issuer);
        snprintf(why, whycap, "the certificate does not verify against the CA in '%s' (%s; issuer %s)",
                 ca_file, X509_verify_cert_error_string(v), issuer);
        e = COPL_ECERT;
      }
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
  }
  EVP_PKEY_free(k);
  X509_free(x);
  return e;
}
