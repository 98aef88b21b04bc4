/*
** run_log.c -- the guest's output as numbered lines in a bounded ring.
** Lines enter whole (at '\n', or when LINK_LOG_LINE_MAX bytes are pending)
** and the oldest are evicted to make room; an evicted line that was never
** sent as a notification counts as lost, so nothing disappears unnoticed.
*/
#include "run.h"

void run_log_init(run_log *l) {
  __builtin_memset(l, 0, sizeof *l);
}

static uint32_t used(const run_log *l) { return l->head - l->tail; }

static uint8_t at(const run_log *l, uint32_t off) { return l->ring[off % RUN_LOG_RING]; }

static void evict(run_log *l) {
  uint32_t len = at(l, l->tail);
  l->tail += 2u + len;
  if (l->noted <= l->first) {   /* never sent */
    l->lost++;
    l->noted = l->first + 1u;
  }
  l->first++;
}

static void commit(run_log *l) {
  uint32_t n = l->npart;
  l->npart = 0;
  uint8_t level = 0;           /* guest output has one level today */
  if (level < l->level) return;
  while (used(l) + 2u + n > RUN_LOG_RING) evict(l);
  l->ring[l->head++ % RUN_LOG_RING] = (uint8_t)n;
  l->ring[l->head++ % RUN_LOG_RING] = level;
  for (uint32_t i = 0; i < n; i++) l->ring[l->head++ % RUN_LOG_RING] = (uint8_t)l->part[i];
  l->next++;
}

void run_log_write(run_log *l, const char *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\n') {
      if (!l->cut || l->npart) commit(l);   /* ends a line cut just before: no empty one */
      l->cut = 0;
      continue;
    }
    if (c == '\r') continue;
    l->cut = 0;
    l->part[l->npart++] = c;
    if (l->npart == LINK_LOG_LINE_MAX) {
      commit(l);
      l->cut = 1;
    }
  }
}

void run_log_flush(run_log *l) {
  if (l->npart) commit(l);
}

int run_log_get(const run_log *l, uint32_t seq, uint8_t *out, uint32_t cap, uint8_t *level) {
  if (seq < l->first || seq >= l->next) return -1;
  uint32_t off = l->tail;
  for (uint32_t s = l->first; s < seq; s++) off += 2u + at(l, off);
  uint32_t len = at(l, off);
  *level = at(l, off + 1u);
  if (len > cap) len = cap;
  for (uint32_t i = 0; i < len; i++) out[i] = at(l, off + 2u + i);
  return (int)len;
}
