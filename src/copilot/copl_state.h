/* copl_state.h - the copilot's files under --state (copl_state.c). */
#ifndef COPL_STATE_H
#define COPL_STATE_H

#include "cop.h"
#include "copl.h"

/* dir/name replaced atomically by p[0..n): temp file, fsync, rename. 0, or
 * -1 with why. */
int copl_save(const char *dir, const char *name, const void *p, size_t n, char *why, size_t cap);
/* dir/name into p (exactly n bytes): 1 read, 0 no such file, -1 with why
 * (unreadable, or not n bytes). */
int copl_load(const char *dir, const char *name, void *p, size_t n, char *why, size_t cap);

/* The queue's blob: one file of `size` bytes, as a cop_storage. */
typedef struct copl_blob {
  int fd;
  cop_storage st;
} copl_blob;
int copl_blob_open(copl_blob *b, const char *dir, const char *name, uint32_t size, char *why,
                   size_t cap);
void copl_blob_close(copl_blob *b);

#endif
