/*
** link_names.c -- names and messages of commands, statuses, bank states and
** reasons (for people: a device's protocol server does not need them).
*/
#include "link.h"

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

static const struct { uint8_t code; const char *name; } cmd_names[] = {
#define X(name, code, size, desc) { code, #name },
  LINK_CMDS(X)
#undef X
};

const char *link_cmd_name(uint32_t cmd) {
  for (unsigned i = 0; i < sizeof cmd_names / sizeof cmd_names[0]; i++)
    if (cmd_names[i].code == cmd) return cmd_names[i].name;
  return link_rt_cmd_name(cmd);   /* a runtime command, or "?" */
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
