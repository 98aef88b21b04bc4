/*
** link_msg.c -- request body sizes and the message body codecs.
*/
#include "link.h"
#include "cvm1.h"
#include "sha256.h"

static const struct { uint8_t code, body; } cmd_bodies[] = {
#define X(name, code, size, desc) { code, size },
  LINK_CMDS(X)
#undef X
};

int link_cmd_body(uint32_t cmd) {
  for (unsigned i = 0; i < sizeof cmd_bodies / sizeof cmd_bodies[0]; i++)
    if (cmd_bodies[i].code == cmd) return cmd_bodies[i].body;
  return -1;
}

/* ---- bodies: one field list per struct, written and read in order -------- */

static void put_ver(uint8_t *p, const uint16_t v[3]) {
  for (int i = 0; i < 3; i++) link_put16(p + 2 * i, v[i]);
}
static void get_ver(const uint8_t *p, uint16_t v[3]) {
  for (int i = 0; i < 3; i++) v[i] = (uint16_t)link_get16(p + 2 * i);
}

void link_info_put(uint8_t *p, const link_info *in) {
  link_put16(p, in->proto);
  link_put32(p + 2, in->device_id);
  link_put32(p + 6, in->boot_id);
  put_ver(p + 10, in->boot_version);
  put_ver(p + 16, in->hv_version);
  link_put16(p + 22, in->max_chunk);
  p[24] = in->window;
  p[25] = in->nbanks;
  link_put32(p + 26, in->bank_capacity);
  p[30] = in->mode;
}

bool link_info_get(const uint8_t *p, uint32_t len, link_info *out) {
  if (len != LINK_INFO_SIZE) return false;
  out->proto = (uint16_t)link_get16(p);
  out->device_id = link_get32(p + 2);
  out->boot_id = link_get32(p + 6);
  get_ver(p + 10, out->boot_version);
  get_ver(p + 16, out->hv_version);
  out->max_chunk = (uint16_t)link_get16(p + 22);
  out->window = p[24];
  out->nbanks = p[25];
  out->bank_capacity = link_get32(p + 26);
  out->mode = p[30];
  return true;
}

static void bank_put(uint8_t *p, const link_bank *b) {
  p[0] = b->state;
  p[1] = b->reason;
  p[2] = b->verdict;
  p[3] = b->flags;
  link_put32(p + 4, b->gen);
  link_put32(p + 8, b->size);
  put_ver(p + 12, b->version);
  link_put32(p + 18, b->counter);
  __builtin_memcpy(p + 22, b->keyid, LINK_KEYID);
  __builtin_memcpy(p + 30, b->digest, LINK_DIGEST);
}

static void bank_get(const uint8_t *p, link_bank *b) {
  b->state = p[0];
  b->reason = p[1];
  b->verdict = p[2];
  b->flags = p[3];
  b->gen = link_get32(p + 4);
  b->size = link_get32(p + 8);
  get_ver(p + 12, b->version);
  b->counter = link_get32(p + 18);
  __builtin_memcpy(b->keyid, p + 22, LINK_KEYID);
  __builtin_memcpy(b->digest, p + 30, LINK_DIGEST);
}

void link_status_put(uint8_t *p, const link_status *st) {
  link_put32(p, st->floor);
  link_put32(p + 4, st->boot_id);
  p[8] = st->running;
  p[9] = st->ses_bank;
  link_put32(p + 10, st->ses_size);
  link_put32(p + 14, st->ses_next);
  for (uint32_t i = 0; i < LINK_NBANKS; i++) bank_put(p + 18 + i * LINK_BANK_SIZE, &st->bank[i]);
}

bool link_status_get(const uint8_t *p, uint32_t len, link_status *out) {
  if (len != LINK_STATUS_SIZE) return false;
  out->floor = link_get32(p);
  out->boot_id = link_get32(p + 4);
  out->running = p[8];
  out->ses_bank = p[9];
  out->ses_size = link_get32(p + 10);
  out->ses_next = link_get32(p + 14);
  for (uint32_t i = 0; i < LINK_NBANKS; i++) bank_get(p + 18 + i * LINK_BANK_SIZE, &out->bank[i]);
  return true;
}

void link_begin_put(uint8_t *p, const link_begin *b) {
  link_put32(p, b->size);
  __builtin_memcpy(p + 4, b->digest, LINK_DIGEST);
  put_ver(p + 36, b->version);
  link_put32(p + 42, b->counter);
}

bool link_begin_get(const uint8_t *p, uint32_t len, link_begin *out) {
  if (len != LINK_BEGIN_SIZE) return false;
  out->size = link_get32(p);
  __builtin_memcpy(out->digest, p + 4, LINK_DIGEST);
  get_ver(p + 36, out->version);
  out->counter = link_get32(p + 42);
  return true;
}

bool link_begin_for(const uint8_t *art, uint32_t len, link_begin *out) {
  cvm1_info info;
  if (cvm1_open(art, len, 0, &info) != CVM1_ERR_OK) return false;
  out->size = len;
  sha256(art, len, out->digest);
  for (int k = 0; k < 3; k++) out->version[k] = info.version[k];
  out->counter = info.security_counter;
  return true;
}
