/*
** link_rt_names.c -- names of the sideband's commands, notifications,
** states, reasons, events and SET keys, all from their X tables.
**
** Commands keep their table spelling ("RT_STATUS", as link_cmd_name does);
** everything else is named by its identifier in lower case ("rx_active",
** "power_on", "trial_confirmed": JSON values, tokens in text output), and
** described by the table's description column (*_str: "power-on").
*/
#include "link.h"

typedef struct code_name { uint8_t code; const char *name; } code_name;

static const char *find(const code_name *t, uint32_t n, uint32_t code) {
  for (uint32_t i = 0; i < n; i++)
    if (t[i].code == code) return t[i].name;
  return "?";
}

/* Lower-cased copies, made by every call into a slot of their own: each
** caller writes the whole name before reading it, so the copies are always
** complete, whoever else is writing the same bytes. */
#define LC_MAX 24u
static const char *lower(char (*slot)[LC_MAX], const char *up) {
  char *d = *slot;
  uint32_t i = 0;
  for (; up[i] && i + 1 < LC_MAX; i++)
    d[i] = (char)(up[i] >= 'A' && up[i] <= 'Z' ? up[i] - 'A' + 'a' : up[i]);
  d[i] = 0;
  return d;
}

static const code_name rt_names[] = {
#define X(name, code, size, desc) { code, #name },
  LINK_RT_CMDS(X)
#undef X
};
const char *link_rt_cmd_name(uint32_t cmd) {
  return find(rt_names, sizeof rt_names / sizeof rt_names[0], cmd);
}

static const code_name note_names[] = {
#define X(name, kind, desc) { kind, #name },
  LINK_NOTES(X)
#undef X
};
static char note_lc[sizeof note_names / sizeof note_names[0]][LC_MAX];
const char *link_note_name(uint32_t kind) {
  for (uint32_t i = 0; i < sizeof note_names / sizeof note_names[0]; i++)
    if (note_names[i].code == kind) return lower(&note_lc[i], note_names[i].name);
  return "?";
}

static const code_name set_names[] = {
#define X(name, code, desc) { code, #name },
  LINK_SET_KEYS(X)
#undef X
};
static char set_lc[sizeof set_names / sizeof set_names[0]][LC_MAX];
const char *link_set_key_name(uint32_t k) {
  for (uint32_t i = 0; i < sizeof set_names / sizeof set_names[0]; i++)
    if (set_names[i].code == k) return lower(&set_lc[i], set_names[i].name);
  return "?";
}

/* The enums numbered from 0: a name and a description per value. */
#define ENUM_NAMES(pfx, TABLE, COUNT)                                              \
  static const char *const pfx##_up[] = { TABLE(NAME_OF) };                       \
  static const char *const pfx##_desc[] = { TABLE(DESC_OF) };                     \
  static char pfx##_lc[COUNT][LC_MAX];                                            \
  static const char *pfx##_name(uint32_t v) { return v < COUNT ? lower(&pfx##_lc[v], pfx##_up[v]) : "?"; } \
  static const char *pfx##_str(uint32_t v) { return v < COUNT ? pfx##_desc[v] : "?"; }
#define NAME_OF(name, desc) #name,
#define DESC_OF(name, desc) desc,

ENUM_NAMES(vm, LINK_VM_STATES, LINK_VM__COUNT)
ENUM_NAMES(host, LINK_HOST_STATES, LINK_HOST__COUNT)
ENUM_NAMES(reset, LINK_RESETS, LINK_RESET__COUNT)
ENUM_NAMES(ev, LINK_EVENTS, LINK_EV__COUNT)

const char *link_vm_state_name(uint32_t s) { return vm_name(s); }
const char *link_vm_state_str(uint32_t s) { return vm_str(s); }
const char *link_host_state_name(uint32_t s) { return host_name(s); }
const char *link_host_state_str(uint32_t s) { return host_str(s); }
const char *link_reset_name(uint32_t r) { return reset_name(r); }
const char *link_reset_str(uint32_t r) { return reset_str(r); }
const char *link_event_name(uint32_t e) { return ev_name(e); }
const char *link_event_str(uint32_t e) { return ev_str(e); }
