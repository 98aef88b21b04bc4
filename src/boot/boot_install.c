/*
** boot_install.c -- an install into the standby bank: BEGIN, DATA, VERIFY.
**
** BEGIN erases the standby bank's first page (the old artifact can then
** never verify again) and then its last page (the slot records), in that
** order, so a power loss in between cannot bring back a rejected artifact.
** Other pages are erased as DATA first reaches them. DATA is written in
** order; a chunk already received is compared, not written, so resends are
** harmless. VERIFY checks the bytes against the announced digest and the
** artifact against the policy in place, then writes the IMAGE record. The
** session is RAM only: after a reset, BEGIN starts over.
*/
#include "boot.h"
#include "sha256.h"

#define PAGE_OF(off) ((off) / HAL_FLASH_PAGE)

static bool same_req(const link_begin *a, const link_begin *b) {
  if (a->size != b->size || a->counter != b->counter) return false;
  for (int k = 0; k < 3; k++)
    if (a->version[k] != b->version[k]) return false;
  for (uint32_t k = 0; k < LINK_DIGEST; k++)
    if (a->digest[k] != b->digest[k]) return false;
  return true;
}

/* The bank an install goes to: never the running one. With nothing
** running, one that is not confirmed, else the older activation. */
static uint32_t standby(const boot_dev *d) {
  if (d->running >= 0) return (uint32_t)(1 - d->running);
  const link_bank *a = &d->bank[0].st, *b = &d->bank[1].st;
  if ((a->state == LINK_BANK_CONFIRMED) != (b->state == LINK_BANK_CONFIRMED))
    return a->state == LINK_BANK_CONFIRMED ? 1u : 0u;
  return b->gen < a->gen ? 1u : 0u;
}

static link_st erase_page(boot_dev *d, uint32_t page, uint32_t *detail) {
  if (d->ses.erased & (1u << page)) return LINK_ST_OK;
  int e = hal_flash_erase_page(BOOT_BANK_OFF(d->ses.bank) / HAL_FLASH_PAGE + page);
  if (e < 0) {
    *detail = (uint32_t)-e;
    return LINK_ST_FLASH;
  }
  d->ses.erased |= 1u << page;
  return LINK_ST_OK;
}

link_st boot_begin(boot_dev *d, const link_begin *b, uint8_t *bank, uint32_t *next,
                   uint32_t *detail) {
  if (d->trial) return LINK_ST_TRIAL;
  if (b->size > BOOT_ART_MAX) { *detail = BOOT_ART_MAX; return LINK_ST_TOO_BIG; }
  if (b->size < CVM1_HEADER_SIZE) return LINK_ST_MISMATCH;
  if (b->counter < d->floor) { *detail = d->floor; return LINK_ST_ROLLBACK; }
  uint32_t sb = standby(d);
  *bank = (uint8_t)sb;
  if (d->ses.on && d->ses.bank == sb && same_req(&d->ses.req, b)) {
    *next = d->ses.verified ? b->size : d->ses.next;   /* resume */
    return LINK_ST_OK;
  }
  d->ses.on = true;
  d->ses.verified = false;
  d->ses.bank = (uint8_t)sb;
  d->ses.next = 0;
  d->ses.erased = 0;
  d->ses.req = *b;
  link_st st = erase_page(d, 0, detail);
  if (st == LINK_ST_OK) st = erase_page(d, BOOT_BANK_PAGES - 1u, detail);
  boot_rescan(d, sb, true);
  if (st != LINK_ST_OK) {
    d->ses.on = false;
    return st;
  }
  *next = 0;
  return LINK_ST_OK;
}

/* Compare flash with bytes already received. */
static bool same_bytes(uint32_t off, const uint8_t *p, uint32_t n) {
  const uint8_t *f = hal_flash_map(off);
  if (!f) return false;
  for (uint32_t i = 0; i < n; i++)
    if (f[i] != p[i]) return false;
  return true;
}

link_st boot_data(boot_dev *d, uint32_t off, const uint8_t *p, uint32_t n, uint32_t *next,
                  uint32_t *detail) {
  boot_session *s = &d->ses;
  if (!s->on) return LINK_ST_STATE;
  uint32_t size = s->req.size;
  if (n == 0) return LINK_ST_LENGTH;
  if (off > size || n > size - off) { *detail = size; return LINK_ST_RANGE; }
  if (off % HAL_FLASH_DWORD || (n % HAL_FLASH_DWORD && off + n != size)) return LINK_ST_ALIGN;
  if (off > s->next) { *detail = s->next; return LINK_ST_OFFSET; }
  uint32_t base = BOOT_BANK_OFF(s->bank);
  uint32_t have = s->next - off;                /* bytes of this chunk already there */
  if (have > n) have = n;
  if (!same_bytes(base + off, p, have)) return LINK_ST_MISMATCH;
  if (have < n) {
    uint32_t from = off + have, end = off + n;
    for (uint32_t pg = PAGE_OF(from); pg <= PAGE_OF(end - 1u); pg++) {
      link_st st = erase_page(d, pg, detail);
      if (st != LINK_ST_OK) return st;
    }
    uint32_t whole = (end - from) & ~(HAL_FLASH_DWORD - 1u);
    int e = whole ? hal_flash_program(base + from, p + have, whole) : HAL_OK;
    if (e == HAL_OK && whole < end - from) {    /* the artifact's last bytes */
      uint8_t dw[HAL_FLASH_DWORD];
      __builtin_memset(dw, 0xFF, sizeof dw);
      __builtin_memcpy(dw, p + have + whole, end - from - whole);
      e = hal_flash_program(base + from + whole, dw, HAL_FLASH_DWORD);
    }
    if (e < 0) {
      s->on = false;          /* the bank is in an unknown state: BEGIN again */
      *detail = (uint32_t)-e;
      return LINK_ST_FLASH;
    }
    s->next = end;
  }
  *next = s->next;
  return LINK_ST_OK;
}

link_st boot_verify(boot_dev *d, uint8_t *bank, uint32_t *detail) {
  boot_session *s = &d->ses;
  if (!s->on) return LINK_ST_STATE;
  *bank = s->bank;
  if (s->verified) return LINK_ST_OK;
  if (s->next != s->req.size) { *detail = s->next; return LINK_ST_STATE; }
  const uint8_t *art = hal_flash_map(BOOT_BANK_OFF(s->bank));
  uint8_t digest[32];
  sha256(art, s->req.size, digest);
  for (int k = 0; k < 32; k++)
    if (digest[k] != s->req.digest[k]) return LINK_ST_DIGEST;
  cvm1_info info;
  cvm1_err ce = cvm1_check(art, s->req.size, &d->pol, &info);
  if (ce != CVM1_ERR_OK) { *detail = (uint32_t)ce; return LINK_ST_VERIFY; }
  bool same = info.security_counter == s->req.counter;
  for (int k = 0; k < 3; k++) same = same && info.version[k] == s->req.version[k];
  if (!same) return LINK_ST_MISMATCH;
  int e = boot_dw_write(BOOT_REC_OFF(s->bank, BOOT_REC_IMAGE), s->req.size);
  if (e < 0) {
    s->on = false;
    boot_rescan(d, s->bank, true);
    *detail = (uint32_t)-e;
    return LINK_ST_FLASH;
  }
  s->verified = true;
  boot_rescan(d, s->bank, true);
  return LINK_ST_OK;
}
