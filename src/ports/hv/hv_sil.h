/*
** hv_sil.h -- the SIL harness page: the settings `cockpit sil` writes into
** the emulated board's memory next to the flash image, read by the
** hypervisor at start. Present only under emulation; a real part has none
** and runs with its built-in policy. Little-endian, no padding; shared by
** the firmware and the host (src/cli/cmd_sil.c).
*/
#ifndef HV_SIL_H
#define HV_SIL_H

#include <stdint.h>

#define HV_SIL_MAGIC   0x4C495343u  /* "CSIL" */
#define HV_SIL_VERSION 1u
#define HV_SIL_KEYS    4u
#define HV_SIL_UNSIGNED_OK 0x1u     /* development: an intact digest suffices */

typedef struct hv_sil_page {
  uint32_t magic, version, flags;
  uint32_t max_steps_lo, max_steps_hi;  /* 0: no limit */
  uint32_t max_ms;                      /* 0: no limit */
  uint32_t seed, device_id;
  uint32_t counter_floor;               /* anti-rollback floor */
  uint32_t nkeys;
  uint8_t keys[HV_SIL_KEYS][32];        /* trusted Ed25519 public keys */
  uint32_t health_ms;                   /* confirm a trial after this long; 0 never */
} hv_sil_page;

_Static_assert(sizeof(hv_sil_page) == 44 + HV_SIL_KEYS * 32, "hv_sil_page has no padding");

#endif /* HV_SIL_H */
