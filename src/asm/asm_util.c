/*
** asm_util.c -- memory helpers, growable byte buffers, and a string map.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm_int.h"

void *asm_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("cockpit: out of memory\n", stderr);
    abort();
  }
  return q;
}

char *asm_xstrndup(const char *s, size_t n) {
  char *d = asm_xrealloc(NULL, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* Write the low `size` bytes of v little-endian at off, growing as needed.
** Callers keep off + size <= ASM_MAX_BYTES. */
void asm_bytes_put(asm_bytes *s, uint32_t off, uint32_t v, uint32_t size) {
  uint32_t end = off + size;
  if (end > s->cap) {
    uint32_t cap = s->cap ? s->cap : 64;
    while (cap < end) cap *= 2;
    s->b = asm_xrealloc(s->b, cap);
    memset(s->b + s->cap, 0, cap - s->cap);
    s->cap = cap;
  }
  for (uint32_t i = 0; i < size; i++) s->b[off + i] = (uint8_t)(v >> (8 * i));
  if (end > s->n) s->n = end;
}

/* ---- map: FNV-1a hashed, linear probing, grows at 1/2 load ------------ */

static uint32_t hash(const char *s, size_t len) {
  uint32_t h = 0x811C9DC5u;
  for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 0x01000193u;
  return h;
}

static uint32_t slot(const asm_map *m, const char *s, size_t len) {
  uint32_t i = hash(s, len) & (m->cap - 1);
  while (m->keys[i] && (strlen(m->keys[i]) != len || memcmp(m->keys[i], s, len) != 0))
    i = (i + 1) & (m->cap - 1);
  return i;
}

bool asm_map_get(const asm_map *m, const char *s, size_t len, uint32_t *val) {
  if (m->cap == 0) return false;
  uint32_t i = slot(m, s, len);
  if (!m->keys[i]) return false;
  if (val) *val = m->vals[i];
  return true;
}

bool asm_map_put(asm_map *m, const char *s, size_t len, uint32_t val) {
  if (2 * (m->n + 1) > m->cap) {
    asm_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->keys = asm_xrealloc(NULL, m->cap * sizeof *m->keys);
    m->vals = asm_xrealloc(NULL, m->cap * sizeof *m->vals);
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    for (uint32_t i = 0; i < old.cap; i++) {
      if (!old.keys[i]) continue;
      uint32_t j = slot(m, old.keys[i], strlen(old.keys[i]));
      m->keys[j] = old.keys[i];
      m->vals[j] = old.vals[i];
    }
    free(old.keys);
    free(old.vals);
  }
  uint32_t i = slot(m, s, len);
  if (m->keys[i]) return false;
  m->keys[i] = asm_xstrndup(s, len);
  m->vals[i] = val;
  m->n++;
  return true;
}

void asm_map_free(asm_map *m) {
  for (uint32_t i = 0; i < m->cap; i++) free(m->keys[i]);
  free(m->keys);
  free(m->vals);
  *m = (asm_map){0};
}
