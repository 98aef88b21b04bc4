/*
** link_msg.c -- command and status tables, message body codecs.
*/
#include "link.h"
#include "cvm1.h"
#include "sha256.h"

static const char *const st_msgs[] = {
#define X(name, msg) msg,
  LINK_STATUSES(X)
#undef X
};
static const char *const st_names[] = {
#define X(name, msg) #name,
  LINK_STATUSES(X)
#undef X
};

const char *link_st_str(link_st s) {
  return (unsigned)s < LINK_ST__COUNT ? st_msgs[s] : "unknown status";
}
const char *link_st_name(link_st s) {
  return (unsigned)s < LINK_ST__COUNT ? st_names[s] : "?";
}

typedef struct cmd_row { uint8_t code, body; const char *name; } cmd_row;
static const cmd_row cmds[] = {
#define X(name, code, size, desc) { code, size, #name },
  LINK_CMDS(X)
#undef X
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

static const cmd_row *cmd_find(uint32_t cmd) {
  for (unsigned i = 0; i < NCMDS; i++)
    if (cmds[i].code == cmd) return &cmds[i];
  return 0;
}
const char *link_cmd_name(uint32_t cmd) {
  const cmd_row *r = cmd_find(cmd);
  return r ? r->name : "?";
}
int link_cmd_body(uint32_t cmd) {
  const cmd_row *r = cmd_find(cmd);
  return r ? r->body : -1;
}

static const char *const bank_names[] = {
#define X(name, desc) #name,
  LINK_BANK_STATES(X)
#undef X
};
static const char *const bank_descs[] = {
#define X(name, desc) desc,
  LINK_BANK_STATES(X)
#undef X
};
static const char *const reason_names[] = {
#define X(name, desc) #name,
  LINK_REASONS(X)
#undef X
};
static const char *const reason_descs[] = {
#define X(name, desc) desc,
  LINK_REASONS(X)
#undef X
};
const char *link_bank_state_name(uint32_t s) { return s < LINK_BANK__COUNT ? bank_names[s] : "?"; }
const char *link_bank_state_str(uint32_t s) { return s < LINK_BANK__COUNT ? bank_descs[s] : "?"; }
const char *link_reason_name(uint32_t r) { return r < LINK_REASON__COUNT ? reason_names[r] : "?"; }
const char *link_reason_str(uint32_t r) { return r < LINK_REASON__COUNT ? reason_descs[r] : "?"; }

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
