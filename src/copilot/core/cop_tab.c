/*
** cop_tab.c -- the tables (*.def) as data: names, topics, CRC, back-off.
*/
#include "cop.h"
#include "cvm.h"

static const char *const err_name[] = {
#define X(name, wire, desc) wire,
#include "cop_errors.def"
#undef X
};
static const char *const err_str[] = {
#define X(name, wire, desc) desc,
#include "cop_errors.def"
#undef X
};
const char *cop_err_name(cop_err e) { return (unsigned)e < COP_E__COUNT ? err_name[e] : "?"; }
const char *cop_err_str(cop_err e) { return (unsigned)e < COP_E__COUNT ? err_str[e] : "?"; }

static const cop_topic_info topics[] = {
#define X(name, suffix, dir, qos, retain, queued) { suffix, dir, qos, retain, queued },
#include "cop_topics.def"
#undef X
};
const cop_topic_info *cop_topic_get(cop_topic t) {
  return (unsigned)t < COP_T__COUNT ? &topics[t] : 0;
}

bool cop_id_ok(const char *s, size_t n) {
  if (n == 0 || n > COP_ID_MAX) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  }
  return true;
}

static size_t slen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

size_t cop_topic_name(char *out, size_t cap, cop_topic t, const char *dev, const char *job) {
  const cop_topic_info *ti = cop_topic_get(t);
  if (!ti || !dev || !cop_id_ok(dev, slen(dev))) return 0;
  static const char pre[] = "fleet/devices/";
  size_t o = 0;
#define PUT(str, n) do { size_t n_ = (n); if (o + n_ + 1 > cap) return 0; \
    for (size_t i_ = 0; i_ < n_; i_++) out[o++] = (str)[i_]; } while (0)
  PUT(pre, sizeof pre - 1);
  PUT(dev, slen(dev));
  PUT("/", 1);
  for (const char *p = ti->suffix; *p;) {
    if (p[0] == '{' && p[1] == 'j') {   /* "{job}" */
      if (!job || !cop_id_ok(job, slen(job))) return 0;
      PUT(job, slen(job));
      p += 5;
    } else {
      PUT(p, 1);
      p++;
    }
  }
#undef PUT
  out[o] = 0;
  return o;
}

static const char *const js_name[] = {
#define X(name, wire, terminal) wire,
#include "cop_jobs.def"
#undef X
};
static const uint8_t js_term[] = {
#define X(name, wire, terminal) terminal,
#include "cop_jobs.def"
#undef X
};
const char *cop_jstate_name(uint32_t s) { return s < COP_JS__COUNT ? js_name[s] : "?"; }
bool cop_jstate_terminal(uint32_t s) { return s < COP_JS__COUNT && js_term[s]; }

static const char *const jr_name[] = {
#define X(name, wire, state, desc) wire,
#include "cop_reasons.def"
#undef X
};
static const char *const jr_str[] = {
#define X(name, wire, state, desc) desc,
#include "cop_reasons.def"
#undef X
};
static const uint8_t jr_state[] = {
#define X(name, wire, state, desc) COP_JS_##state,
#include "cop_reasons.def"
#undef X
};
const char *cop_jreason_name(uint32_t r) { return r < COP_JR__COUNT ? jr_name[r] : "?"; }
const char *cop_jreason_str(uint32_t r) { return r < COP_JR__COUNT ? jr_str[r] : "?"; }
cop_jstate cop_jreason_state(uint32_t r) { return r < COP_JR__COUNT ? (cop_jstate)jr_state[r] : COP_JS_FAILED; }

static const char *const rv_name[] = {
#define X(name, wire, desc) wire,
#include "cop_reverts.def"
#undef X
};
static const char *const rv_str[] = {
#define X(name, wire, desc) desc,
#include "cop_reverts.def"
#undef X
};
const char *cop_rv_name(uint32_t c) { return c < COP_RV__COUNT ? rv_name[c] : "?"; }
const char *cop_rv_str(uint32_t c) { return c < COP_RV__COUNT ? rv_str[c] : "?"; }

/* The VM's fault table (src/vm/cvm.h), its names only: the core does not
** link the VM. */
static const char *const fault_name[] = {
#define X(name, msg) #name,
  CVM_FAULTS(X)
#undef X
};
const char *cop_fault_name(uint32_t f) { return f < CVM_FAULT__COUNT ? fault_name[f] : "?"; }

static const char *const cmd_name[] = {
#define X(name, op, desc) op,
#include "cop_cmds.def"
#undef X
};
const char *cop_cmd_name(uint32_t op) { return op < COP_CMD__COUNT ? cmd_name[op] : "?"; }

static const char *const ph_name[] = {
#define X(name, wire) wire,
  COP_PHASES(X)
#undef X
};
const char *cop_phase_name(uint32_t p) { return p < COP_PH__COUNT ? ph_name[p] : "?"; }

/* CRC-32 (IEEE, reflected 0xEDB88320), a nibble at a time: a 64-byte
** table, four times the speed of the bitwise loop (the job record is
** sealed at every step). */
static const uint32_t crc_nib[16] = {
  0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
  0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};
uint32_t cop_crc32(uint32_t crc, const void *p, size_t n) {
  const uint8_t *b = p;
  crc = ~crc;
  while (n--) {
    crc ^= *b++;
    crc = crc >> 4 ^ crc_nib[crc & 15u];
    crc = crc >> 4 ^ crc_nib[crc & 15u];
  }
  return ~crc;
}

uint32_t cop_backoff_ms(uint32_t attempt, uint32_t rnd) {
  uint32_t cap = COP_BACKOFF_MIN_MS;
  while (attempt-- && cap < COP_BACKOFF_MAX_MS) cap *= 2u;
  if (cap > COP_BACKOFF_MAX_MS) cap = COP_BACKOFF_MAX_MS;
  /* full jitter, but never under half the minimum */
  uint32_t lo = COP_BACKOFF_MIN_MS / 2u;
  return lo + rnd % (cap - lo + 1u);
}
