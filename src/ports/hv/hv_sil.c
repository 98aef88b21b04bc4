/*
** hv_sil.c -- the device's settings on emulated boards: the SIL harness
** page (hv_sil.h) gives the trust store, anti-rollback floor, limits,
** device id and random seed of this run.
*/
#include "hv.h"
#include "hv_sil.h"

/* Without a page: the simulated board's defaults (src/ports/host/board.h). */
hv_sil_state hv_sil = { false, 0xC0C0C0C0u, 1u, 0u };

void hv_sil_config(const void *page, cvm1_policy *pol, hv_config *c) {
  const hv_sil_page *p = page;
  cvm1_policy_init(pol);
  if (p->magic != HV_SIL_MAGIC || p->version != HV_SIL_VERSION) return;
  hv_sil.page = true;
  hv_sil.device_id = p->device_id;
  hv_sil.seed = p->seed;
  hv_sil.health_ms = p->health_ms;
  pol->keys = p->keys;
  pol->nkeys = p->nkeys < HV_SIL_KEYS ? p->nkeys : HV_SIL_KEYS;
  pol->counter_floor = p->counter_floor;
  if (p->flags & HV_SIL_UNSIGNED_OK) pol->flags |= CVM1_POL_UNSIGNED_OK;
  if (c) {
    c->max_steps = (uint64_t)p->max_steps_hi << 32 | p->max_steps_lo;
    c->max_us = (uint64_t)p->max_ms * 1000u;
  }
}
