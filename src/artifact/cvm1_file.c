/*
** cvm1_file.c -- whole-file read and atomic write for the host tools.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm1_int.h"

cvm1_err cvm1_read_file(const char *path, uint8_t **buf, size_t *len) {
  *buf = NULL; *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return CVM1_ERR_IO;
  size_t cap = 4096, n = 0;
  uint8_t *b = malloc(cap);
  while (b) {
    n += fread(b + n, 1, cap - n, f);
    if (n < cap) break;
    uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
    if (!nb) { free(b); b = NULL; break; }
    b = nb; cap *= 2;
  }
  int err = ferror(f);
  int saved = errno;
  fclose(f);
  if (!b) { errno = ENOMEM; return CVM1_ERR_NOMEM; }
  if (err) { free(b); errno = saved ? saved : EIO; return CVM1_ERR_IO; }
  *buf = b; *len = n;
  return CVM1_ERR_OK;
}

cvm1_err cvm1_write_file(const char *path, const uint8_t *buf, size_t len,
                         unsigned mode) {
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (!tmp) return CVM1_ERR_NOMEM;
  snprintf(tmp, n + 16, "%s.tmp%ld", path, (long)getpid() % 100000);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
  if (fd < 0) { free(tmp); return CVM1_ERR_IO; }
  bool ok = fchmod(fd, (mode_t)mode) == 0;
  for (size_t w = 0; ok && w < len;) {
    ssize_t r = write(fd, buf + w, len - w);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) ok = false; else w += (size_t)r;
  }
  int saved = errno;
  if (close(fd) != 0 && ok) { ok = false; saved = errno; }
  if (ok && rename(tmp, path) != 0) { ok = false; saved = errno; }
  if (!ok) unlink(tmp);
  free(tmp);
  errno = saved;
  return ok ? CVM1_ERR_OK : CVM1_ERR_IO;
}
