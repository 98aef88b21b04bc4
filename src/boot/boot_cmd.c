/*
** boot_cmd.c -- ACTIVATE, CONFIRM, REVERT and the hypervisor's reject: one
** record each, and each answered OK again when replayed after it is done.
*/
#include "boot.h"

static link_st flash_err(int e, uint32_t *detail) {
  *detail = (uint32_t)-e;
  return LINK_ST_FLASH;
}

static bool bootable(const boot_bank *b) {
  return b->rec[BOOT_REC_IMAGE] == BOOT_DW_VALID && b->rec[BOOT_REC_ACTIVE] == BOOT_DW_VALID &&
         b->rec[BOOT_REC_REJECTED] == BOOT_DW_ERASED && b->st.verdict == CVM1_ERR_OK;
}

link_st boot_activate(boot_dev *d, uint32_t bank, uint32_t *detail) {
  if (bank >= BOOT_NBANKS) return LINK_ST_BANK;
  boot_bank *b = &d->bank[bank];
  if (b->rec[BOOT_REC_REJECTED] != BOOT_DW_ERASED) return LINK_ST_REJECTED;
  if (b->rec[BOOT_REC_ACTIVE] == BOOT_DW_VALID && b->rec[BOOT_REC_IMAGE] == BOOT_DW_VALID)
    return LINK_ST_OK;                        /* done before */
  if (d->trial) return LINK_ST_TRIAL;
  if ((int)bank == d->running) return LINK_ST_BANK;
  if (d->ses.on && d->ses.bank == bank && !d->ses.verified) return LINK_ST_STATE;
  if (b->rec[BOOT_REC_IMAGE] == BOOT_DW_ERASED) return LINK_ST_NOT_INSTALLED;
  if (b->rec[BOOT_REC_IMAGE] != BOOT_DW_VALID || b->rec[BOOT_REC_ACTIVE] != BOOT_DW_ERASED)
    return LINK_ST_DAMAGED;
  boot_rescan(d, bank, true);                 /* the floor may have moved */
  if (b->st.verdict != CVM1_ERR_OK) {
    *detail = b->st.verdict;
    return LINK_ST_VERIFY;
  }
  uint32_t gen = 0;
  for (uint32_t i = 0; i < BOOT_NBANKS; i++)
    if (d->bank[i].rec[BOOT_REC_ACTIVE] == BOOT_DW_VALID && d->bank[i].val[BOOT_REC_ACTIVE] > gen)
      gen = d->bank[i].val[BOOT_REC_ACTIVE];
  int e = boot_dw_write(BOOT_REC_OFF(bank, BOOT_REC_ACTIVE), gen + 1u);
  if (d->ses.bank == bank) d->ses.on = false;
  boot_rescan(d, bank, false);
  return e < 0 ? flash_err(e, detail) : LINK_ST_OK;
}

link_st boot_confirm(boot_dev *d, uint32_t bank, uint32_t *detail) {
  if (bank >= BOOT_NBANKS) return LINK_ST_BANK;
  boot_bank *b = &d->bank[bank];
  if (!(d->trial && d->running == (int)bank)) {
    bool done = b->rec[BOOT_REC_CONFIRMED] == BOOT_DW_VALID &&
                b->rec[BOOT_REC_REJECTED] == BOOT_DW_ERASED && d->running == (int)bank;
    return done ? LINK_ST_OK : LINK_ST_NOT_TRIAL;
  }
  if (b->rec[BOOT_REC_REJECTED] != BOOT_DW_ERASED) return LINK_ST_REJECTED;
  uint32_t counter = b->st.counter;
  int e = HAL_OK;
  if (b->rec[BOOT_REC_CONFIRMED] == BOOT_DW_ERASED)
    e = boot_dw_write(BOOT_REC_OFF(bank, BOOT_REC_CONFIRMED), counter);
  else if (b->rec[BOOT_REC_CONFIRMED] != BOOT_DW_VALID)
    return LINK_ST_DAMAGED;
  /* Confirmed first, floor second: a power loss between leaves the floor
  ** low, and the bootloader raises it at the next reset. */
  if (e == HAL_OK) e = boot_floor_raise(counter);
  if (e == HAL_OK) d->trial = false;
  boot_scan(d);                               /* the other bank may now be below the floor */
  return e < 0 ? flash_err(e, detail) : LINK_ST_OK;
}

static link_st write_reject(boot_dev *d, uint32_t bank, link_reason why, uint32_t *detail) {
  int e = boot_dw_write(BOOT_REC_OFF(bank, BOOT_REC_REJECTED), (uint32_t)why);
  if ((int)bank == d->running) d->trial = false;
  boot_rescan(d, bank, false);
  return e < 0 ? flash_err(e, detail) : LINK_ST_OK;
}

link_st boot_revert(boot_dev *d, uint32_t bank, uint32_t *detail) {
  if (bank >= BOOT_NBANKS) return LINK_ST_BANK;
  if (d->bank[bank].rec[BOOT_REC_REJECTED] != BOOT_DW_ERASED) return LINK_ST_OK;
  if (!bootable(&d->bank[1u - bank])) return LINK_ST_NO_FALLBACK;
  if (d->ses.on && d->ses.bank == bank) d->ses.on = false;
  return write_reject(d, bank, LINK_REASON_MANUAL, detail);
}

link_st boot_reject(boot_dev *d, uint32_t bank, link_reason why, uint32_t *detail) {
  if (bank >= BOOT_NBANKS) return LINK_ST_BANK;
  if (d->bank[bank].rec[BOOT_REC_REJECTED] != BOOT_DW_ERASED) return LINK_ST_OK;
  return write_reject(d, bank, why, detail);
}
