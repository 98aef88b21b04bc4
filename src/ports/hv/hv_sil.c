/*
** hv_sil.c -- the hypervisor's settings on emulated boards: the SIL
** harness page (hv_sil.h) gives the trust store, anti-rollback floor,
** limits, device id and random seed of this run.
*/
#include "hv.h"
#include "hv_sil.h"

/* Without a page: the simulated board's defaults (src/ports/host/board.h). */
hv_sil_state hv_sil = { false, 0xC0C0C0C0u, 1u };

int hv_sil_run(hv_config *c, const void *page) {
  const hv_sil_page *p = page;
  cvm1_policy_init(&c->policy);
  if (p->magic == HV_SIL_MAGIC && p->version == HV_SIL_VERSION) {
    hv_sil.page = true;
    hv_sil.device_id = p->device_id;
    hv_sil.seed = p->seed;
    c->policy.keys = p->keys;
    c->policy.nkeys = p->nkeys < HV_SIL_KEYS ? p->nkeys : HV_SIL_KEYS;
    c->policy.counter_floor = p->counter_floor;
    if (p->flags & HV_SIL_UNSIGNED_OK) c->policy.flags |= CVM1_POL_UNSIGNED_OK;
    c->max_steps = (uint64_t)p->max_steps_hi << 32 | p->max_steps_lo;
    c->max_us = (uint64_t)p->max_ms * 1000u;
  }
  return hv_run(c);
}
