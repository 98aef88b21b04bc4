/*
** boot_bank.c -- what each bank holds: its records, the artifact in place
** and the policy's verdict on it; HELLO and STATUS answers.
*/
#include "boot.h"

void boot_init(boot_dev *d, const cvm1_policy *pol, uint32_t device_id, uint32_t boot_id) {
  __builtin_memset(d, 0, sizeof *d);
  d->pol = *pol;
  d->device_id = device_id;
  d->boot_id = boot_id;
  d->running = -1;
  d->reverted = -1;
}

const uint8_t *boot_image(const boot_dev *d, uint32_t bank, uint32_t *size) {
  if (bank >= BOOT_NBANKS) return 0;
  const boot_bank *b = &d->bank[bank];
  if (b->rec[BOOT_REC_IMAGE] != BOOT_DW_VALID || b->val[BOOT_REC_IMAGE] > BOOT_ART_MAX ||
      b->val[BOOT_REC_IMAGE] == 0)
    return 0;
  if (size) *size = b->val[BOOT_REC_IMAGE];
  return hal_flash_map(BOOT_BANK_OFF(bank));
}

static bool all_erased(uint32_t off, uint32_t n) {
  const uint8_t *p = hal_flash_map(off);
  if (!p) return false;
  for (uint32_t i = 0; i < n; i++)
    if (p[i] != 0xFF) return false;
  return true;
}

/* The state STATUS shows, from the records alone. */
static uint8_t bank_state(const boot_dev *d, uint32_t i) {
  const boot_bank *b = &d->bank[i];
  const uint8_t *r = b->rec;
  if (d->ses.on && d->ses.bank == i && !d->ses.verified) return LINK_BANK_WRITING;
  if (r[BOOT_REC_REJECTED] != BOOT_DW_ERASED) return LINK_BANK_REJECTED;
  if (r[BOOT_REC_IMAGE] == BOOT_DW_ERASED) {
    bool blank = all_erased(BOOT_BANK_OFF(i), CVM1_HEADER_SIZE);
    for (int k = 0; k < BOOT_REC__COUNT; k++) blank = blank && r[k] == BOOT_DW_ERASED;
    return blank ? LINK_BANK_EMPTY : LINK_BANK_INVALID;
  }
  if (r[BOOT_REC_IMAGE] != BOOT_DW_VALID || r[BOOT_REC_ACTIVE] == BOOT_DW_TORN)
    return LINK_BANK_INVALID;
  if (r[BOOT_REC_ACTIVE] == BOOT_DW_ERASED) return LINK_BANK_INSTALLED;
  if (r[BOOT_REC_CONFIRMED] == BOOT_DW_VALID) return LINK_BANK_CONFIRMED;
  if (r[BOOT_REC_BOOTED] != BOOT_DW_ERASED) return LINK_BANK_TRIAL;
  return LINK_BANK_PENDING;
}

static void scan_bank(boot_dev *d, uint32_t i, bool verify) {
  boot_bank *b = &d->bank[i];
  for (int k = 0; k < BOOT_REC__COUNT; k++) {
    b->val[k] = 0;
    b->rec[k] = (uint8_t)boot_dw_read(BOOT_REC_OFF(i, k), &b->val[k]);
  }
  link_bank *s = &b->st;
  uint8_t verdict = s->verdict;
  __builtin_memset(s, 0, sizeof *s);
  s->verdict = CVM1_ERR_TRUNCATED;
  if (b->rec[BOOT_REC_ACTIVE] == BOOT_DW_VALID) s->gen = b->val[BOOT_REC_ACTIVE];
  if (b->rec[BOOT_REC_REJECTED] != BOOT_DW_ERASED)
    s->reason = b->rec[BOOT_REC_REJECTED] == BOOT_DW_VALID &&
                b->val[BOOT_REC_REJECTED] < LINK_REASON__COUNT
                    ? (uint8_t)b->val[BOOT_REC_REJECTED] : LINK_REASON_UNKNOWN;
  uint32_t size;
  const uint8_t *art = boot_image(d, i, &size);
  if (art) {
    cvm1_info info;
    s->size = size;
    s->verdict = verify ? (uint8_t)cvm1_check(art, size, &d->pol, &info) : verdict;
    if (cvm1_open(art, size, 0, &info) == CVM1_ERR_OK) {
      for (int k = 0; k < 3; k++) s->version[k] = info.version[k];
      s->counter = info.security_counter;
      if (info.keyid) __builtin_memcpy(s->keyid, info.keyid, LINK_KEYID);
      if (info.digest) __builtin_memcpy(s->digest, info.digest, LINK_DIGEST);
      if (info.signature) s->flags |= LINK_BF_SIGNED;
    }
  }
  if (d->running == (int)i) s->flags |= LINK_BF_RUNNING;
  s->state = bank_state(d, i);
}

void boot_scan(boot_dev *d) {
  d->floor = boot_floor_read();
  d->pol.counter_floor = d->floor;
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) scan_bank(d, i, true);
}

void boot_rescan(boot_dev *d, uint32_t bank, bool verify) {
  scan_bank(d, bank, verify);
}

void boot_info(const boot_dev *d, link_info *out) {
  __builtin_memset(out, 0, sizeof *out);
  out->proto = LINK_PROTO_VERSION;
  out->device_id = d->device_id;
  out->boot_id = d->boot_id;
  out->boot_version[0] = BOOT_VERSION_MAJOR;
  out->boot_version[1] = BOOT_VERSION_MINOR;
  out->boot_version[2] = BOOT_VERSION_PATCH;
  for (int k = 0; k < 3; k++) out->hv_version[k] = d->hv_version[k];
  out->max_chunk = LINK_MAX_CHUNK;
  out->window = BOOT_WINDOW;
  out->nbanks = BOOT_NBANKS;
  out->bank_capacity = BOOT_ART_MAX;
  out->mode = d->running >= 0 ? LINK_MODE_RUNNING : LINK_MODE_BOOTLOADER;
}

void boot_status(const boot_dev *d, link_status *out) {
  __builtin_memset(out, 0, sizeof *out);
  out->floor = d->floor;
  out->boot_id = d->boot_id;
  out->running = d->running >= 0 ? (uint8_t)d->running : LINK_NO_BANK;
  out->ses_bank = d->ses.on && !d->ses.verified ? d->ses.bank : LINK_NO_BANK;
  if (d->ses.on) {
    out->ses_size = d->ses.req.size;
    out->ses_next = d->ses.next;
  }
  for (uint32_t i = 0; i < BOOT_NBANKS; i++) out->bank[i] = d->bank[i].st;
}
