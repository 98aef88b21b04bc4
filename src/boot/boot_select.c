/*
** boot_select.c -- the bootloader's decision at every reset.
**
**   1. Floor repair: a confirmed bank whose counter is above the floor
**      raises it (a power loss between CONFIRMED and the floor record).
**   2. Among banks that are activated, not rejected and accepted in place
**      by cvm1_check, the newest activation generation wins.
**   3. If it is confirmed, it runs. If it is on trial and was already
**      started once (BOOTED) without being confirmed since, the trial
**      failed: REJECTED(NO_CONFIRM), and the next candidate is tried. A
**      trial that fails verification is REJECTED(VERIFY). Otherwise BOOTED
**      is written and it runs as a trial.
**   4. No candidate: nothing runs; the device serves the protocol.
** Every write here is a single record or idempotent, so a power loss at any
** point leads to the same decision, or to the next step of it, at the next
** reset.
*/
#include "boot.h"

static bool candidate(const boot_bank *b) {
  return b->rec[BOOT_REC_IMAGE] == BOOT_DW_VALID && b->rec[BOOT_REC_ACTIVE] == BOOT_DW_VALID &&
         b->rec[BOOT_REC_REJECTED] == BOOT_DW_ERASED;
}

static void reject(boot_dev *d, uint32_t i, link_reason why) {
  (void)boot_dw_write(BOOT_REC_OFF(i, BOOT_REC_REJECTED), (uint32_t)why);
  /* Whatever the flash said, this bank is out for this boot. */
  d->bank[i].rec[BOOT_REC_REJECTED] = BOOT_DW_VALID;
  d->bank[i].val[BOOT_REC_REJECTED] = (uint32_t)why;
}

int boot_select(boot_dev *d) {
  d->running = -1;
  d->reverted = -1;
  d->trial = false;
  d->ses.on = false;
  boot_scan(d);
  bool raised = false;
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) {
    const boot_bank *b = &d->bank[i];
    if (b->rec[BOOT_REC_CONFIRMED] == BOOT_DW_VALID && b->val[BOOT_REC_CONFIRMED] > d->floor &&
        boot_floor_raise(b->val[BOOT_REC_CONFIRMED]) == HAL_OK)
      raised = true;
  }
  if (raised) boot_scan(d);

  for (;;) {
    int best = -1;
    for (uint32_t i = 0; i < BOOT_NBANKS; i++)
      if (candidate(&d->bank[i]) &&
          (best < 0 || d->bank[i].val[BOOT_REC_ACTIVE] > d->bank[best].val[BOOT_REC_ACTIVE]))
        best = (int)i;
    if (best < 0) break;
    boot_bank *b = &d->bank[best];
    bool confirmed = b->rec[BOOT_REC_CONFIRMED] == BOOT_DW_VALID;
    if (b->st.verdict != CVM1_ERR_OK) {
      if (!confirmed) reject(d, (uint32_t)best, LINK_REASON_VERIFY);
      else b->rec[BOOT_REC_REJECTED] = BOOT_DW_TORN;   /* skip it, this boot only */
      continue;
    }
    if (confirmed) {
      d->running = best;
      break;
    }
    if (b->rec[BOOT_REC_BOOTED] != BOOT_DW_ERASED) {
      reject(d, (uint32_t)best, LINK_REASON_NO_CONFIRM);
      d->reverted = best;           /* a trial that did not come back: reverted */
      continue;
    }
    if (boot_dw_write(BOOT_REC_OFF(best, BOOT_REC_BOOTED), 0) != HAL_OK) {
      reject(d, (uint32_t)best, LINK_REASON_NO_CONFIRM);
      continue;
    }
    d->running = best;
    d->trial = true;
    break;
  }
  /* States as they now are on flash, running flag included; the verdicts
  ** stand (neither the artifacts nor the floor changed since). */
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) boot_rescan(d, i, false);
  return d->running;
}
