/*
** mps2_int.h -- shared inside the MPS2 port.
*/
#ifndef MPS2_INT_H
#define MPS2_INT_H

#include <stdint.h>

#include "hv_sil.h"
#include "mps2.h"

/* This run's settings: the SIL harness page, or defaults without one. */
typedef struct mps2_settings_t {
  const hv_sil_page *page;   /* NULL: no harness page */
  uint32_t device_id, seed;
} mps2_settings_t;
extern mps2_settings_t mps2_settings;

void mps2_console_init(void);
/* Read the harness page into mps2_settings. */
void mps2_settings_load(void);

#endif /* MPS2_INT_H */
