/*
** link_flash.c -- the client's workflow: install, verify, activate, reboot
** into the trial, confirm; resumed after a lost link from the device's own
** offset. Each step is a request the device answers idempotently, so the
** whole workflow can simply be run again after any failure.
*/
#include "link.h"
#include "cvm1.h"

static bool same(const uint8_t *a, const uint8_t *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

bool link_bank_holds(const link_bank *b, const uint8_t *art, uint32_t len) {
  cvm1_info in;
  if (cvm1_open(art, len, 0, &in) != CVM1_ERR_OK || !in.digest) return false;
  if (b->size != len || !same(b->digest, in.digest, LINK_DIGEST)) return false;
  if (!in.keyid) return !(b->flags & LINK_BF_SIGNED);
  return (b->flags & LINK_BF_SIGNED) && same(b->keyid, in.keyid, LINK_KEYID);
}

static link_cerr fail(link_flash_result *r, uint8_t step, link_cerr e) {
  r->step = step;
  return e;
}

/* Confirm bank b if asked, and read the final status. */
static link_cerr finish(link_client *c, const link_flash_opts *o, link_flash_result *r,
                        uint8_t b) {
  link_cerr e;
  if (o->confirm && r->st.bank[b].state == LINK_BANK_TRIAL) {
    if ((e = link_bank_cmd(c, LINK_CONFIRM, b))) return fail(r, LINK_CONFIRM, e);
    if ((e = link_get_status(c, &r->st))) return fail(r, LINK_STATUS, e);
  }
  r->confirmed = r->st.bank[b].state == LINK_BANK_CONFIRMED;
  return LINK_C_OK;
}

link_cerr link_flash(link_client *c, const uint8_t *art, uint32_t len,
                     const link_flash_opts *o, link_flash_result *r) {
  __builtin_memset(r, 0, sizeof *r);
  link_begin b;
  link_info info;
  link_cerr e;
  if (!link_begin_for(art, len, &b)) return fail(r, LINK_STEP_ARTIFACT, LINK_C_ARG);
  if ((e = link_hello(c, &info))) return fail(r, LINK_HELLO, e);
  if (info.nbanks != LINK_NBANKS || info.max_chunk < 8 || !info.window) return fail(r, LINK_HELLO, LINK_C_PROTO);
  if (len > info.bank_capacity) return fail(r, LINK_STEP_ARTIFACT, LINK_C_ARG);
  if ((e = link_get_status(c, &r->st))) return fail(r, LINK_STATUS, e);
  uint8_t run = r->st.running;
  if (run < LINK_NBANKS && link_bank_holds(&r->st.bank[run], art, len)) {
    r->already = true;
    r->bank = run;
    return finish(c, o, r, run);
  }
  uint32_t chunk = info.max_chunk < LINK_MAX_CHUNK ? info.max_chunk : LINK_MAX_CHUNK;
  chunk &= ~7u;
  uint8_t bank = 0;
  for (uint32_t attempt = 0;; attempt++) {
    uint32_t next;
    if ((e = link_begin_req(c, &b, &bank, &next))) return fail(r, LINK_BEGIN, e);
    r->bank = bank;
    e = link_upload(c, art, len, next, chunk, info.window, o->progress, o->ctx);
    if (e == LINK_C_OK) break;
    if ((e != LINK_C_TIMEOUT && e != LINK_C_IO) || attempt >= o->resumes) return fail(r, LINK_DATA, e);
    r->resumed++;
    if ((e = link_hello(c, &info))) return fail(r, LINK_HELLO, e);
  }
  uint8_t vb;
  if ((e = link_verify(c, &vb))) return fail(r, LINK_VERIFY, e);
  if (vb != bank) return fail(r, LINK_VERIFY, LINK_C_PROTO);
  if ((e = link_bank_cmd(c, LINK_ACTIVATE, bank))) return fail(r, LINK_ACTIVATE, e);
  if ((e = link_hello(c, &info))) return fail(r, LINK_HELLO, e);
  if ((e = link_reboot(c, info.boot_id))) return fail(r, LINK_REBOOT, e);
  if ((e = link_wait_reboot(c, info.boot_id, o->reboot_wait_ms ? o->reboot_wait_ms : 10000u, &info)))
    return fail(r, LINK_HELLO, e);
  if ((e = link_get_status(c, &r->st))) return fail(r, LINK_STATUS, e);
  if (r->st.running != bank) return fail(r, LINK_STEP_RUN, LINK_C_PROTO);
  return finish(c, o, r, bank);
}

link_cerr link_revert_running(link_client *c, uint32_t wait_ms, link_flash_result *r) {
  __builtin_memset(r, 0, sizeof *r);
  link_info info;
  link_cerr e;
  if ((e = link_hello(c, &info))) return fail(r, LINK_HELLO, e);
  if ((e = link_get_status(c, &r->st))) return fail(r, LINK_STATUS, e);
  uint8_t run = r->st.running;
  if (run >= LINK_NBANKS) {
    c->st = LINK_ST_BANK;
    c->detail = run;
    return fail(r, LINK_REVERT, LINK_C_NAK);
  }
  r->bank = run;
  if ((e = link_bank_cmd(c, LINK_REVERT, run))) return fail(r, LINK_REVERT, e);
  if ((e = link_reboot(c, info.boot_id))) return fail(r, LINK_REBOOT, e);
  if ((e = link_wait_reboot(c, info.boot_id, wait_ms ? wait_ms : 10000u, &info)))
    return fail(r, LINK_HELLO, e);
  if ((e = link_get_status(c, &r->st))) return fail(r, LINK_STATUS, e);
  return r->st.running == run ? fail(r, LINK_STEP_RUN, LINK_C_PROTO) : LINK_C_OK;
}
