/* copl_state.c - what the copilot keeps under --state, and its identity:
 * records written atomically (temp file, fsync, rename, fsync of the
 * folder), read back whole; the queue's blob as a file (pread, pwrite,
 * fsync); the CN of the device certificate (OpenSSL). */
#define _GNU_SOURCE
#include "copl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
