/*
** bbox_names.c -- the blackbox's names (bbox.h): lower case, for JSON and
** the host tools. A separate unit so that device code that never prints
** them does not carry the strings.
*/
#include "bbox.h"

static const char *const err_names[BBOX_ERR__COUNT] = {
  "ok", "flash error", "bad argument", "malformed record", "not found",
  "sequence numbers exhausted",
};
static const char *const kind_names[BBOX_KIND__COUNT] = { "fault", "watchdog", "reverted", "host" };
static const char *const reset_names[BBOX_RESET__COUNT] = {
  "power-on", "software", "watchdog", "pin", "brownout", "unknown",
};

static const char *pick(const char *const *t, uint32_t n, uint32_t i) { return i < n ? t[i] : "?"; }
const char *bbox_err_str(uint32_t e) { return pick(err_names, BBOX_ERR__COUNT, e); }
const char *bbox_kind_name(uint32_t k) { return pick(kind_names, BBOX_KIND__COUNT, k); }
const char *bbox_reset_name(uint32_t r) { return pick(reset_names, BBOX_RESET__COUNT, r); }
