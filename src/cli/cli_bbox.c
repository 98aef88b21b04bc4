/*
** cli_bbox.c -- blackbox records for people and for JSON (cli_bbox.h).
**
** With src/bbox in the tree (COCKPIT_HAVE_BBOX, set by src/cli's
** CMakeLists.txt when src/bbox/bbox.h exists) a record is decoded by
** bbox_rec_get and printed field by field; a record it refuses, or any
** record in a tree without src/bbox, is shown as its bytes in hex.
*/
#include <string.h>

#include "cli_bbox.h"
#include "cli_link.h"
#ifdef COCKPIT_HAVE_BBOX
#include "bbox.h"
#endif

static void raw_text(uint32_t index, const uint8_t *p, uint32_t len) {
  char h[2 * 64 + 1];
  uint32_t n = len < 64 ? len : 64;
  cli_hex(h, p, n);
  printf("#%u record of %u bytes: %s%s\n", (unsigned)index, (unsigned)len, h, n < len ? "..." : "");
}

static void raw_json(cli_json *j, uint32_t index, const uint8_t *p, uint32_t len) {
  static char h[2 * 65536 + 1];
  cli_hex(h, p, len > 65536 ? 65536 : len);
  cli_json_open(j, '{');
  cli_json_key(j, "index"); cli_json_int(j, index);
  cli_json_key(j, "size"); cli_json_int(j, len);
  cli_json_key(j, "raw"); cli_json_str(j, h);
  cli_json_close(j, '}');
}

#ifndef COCKPIT_HAVE_BBOX
/* A tree without src/bbox (a trimmed build) shows records as raw bytes. */
void cli_bbox_text(uint32_t index, const uint8_t *p, uint32_t len) { raw_text(index, p, len); }
void cli_bbox_json(cli_json *j, uint32_t index, const uint8_t *p, uint32_t len) { raw_json(j, index, p, len); }
#else

static const char *fault_str(uint32_t f) {
  return f < CVM_FAULT__COUNT ? cvm_fault_str((cvm_fault)f) : "?";
}

/* A fixed-size name field: up to n bytes, NUL-ended or not. */
static void field(char *out, const char *p, uint32_t n) {
  uint32_t k = 0;
  while (k < n && p[k]) k++;
  cli_text(out, (const uint8_t *)p, k);
}

void cli_bbox_text(uint32_t index, const uint8_t *p, uint32_t len) {
  bbox_rec r;
  if (len != BBOX_WIRE_SIZE || !bbox_rec_get(p, len, &r)) { raw_text(index, p, len); return; }
  char file[sizeof r.file + 1], fn[sizeof r.func_name + 1], dg[2 * 4 + 1];
  field(file, r.file, sizeof r.file);
  field(fn, r.func_name, sizeof r.func_name);
  cli_hex(dg, r.digest, 4);
  printf("#%u %s", (unsigned)r.seq, bbox_kind_name(r.kind));
  if (r.fault) printf(": %s", fault_str(r.fault));
  printf(" at %s:%u in %s (func %u, pc %u); program %u.%u.%u counter %u digest %s; bank %c, boot %08x,"
         " up %.3f s; reset %s\n",
         file[0] ? file : "?", (unsigned)r.line, fn[0] ? fn : "?", (unsigned)r.func, (unsigned)r.pc,
         r.version[0], r.version[1], r.version[2], (unsigned)r.counter, dg, cli_bank_letter(r.bank),
         (unsigned)r.boot_id, (double)r.uptime_ms / 1000.0, bbox_reset_name(r.reset_reason));
}

void cli_bbox_json(cli_json *j, uint32_t index, const uint8_t *p, uint32_t len) {
  bbox_rec r;
  if (len != BBOX_WIRE_SIZE || !bbox_rec_get(p, len, &r)) { raw_json(j, index, p, len); return; }
  char file[sizeof r.file + 1], fn[sizeof r.func_name + 1], dg[2 * sizeof r.digest + 1], buf[40];
  field(file, r.file, sizeof r.file);
  field(fn, r.func_name, sizeof r.func_name);
  cli_hex(dg, r.digest, sizeof r.digest);
  cli_json_open(j, '{');
  cli_json_key(j, "seq"); cli_json_int(j, r.seq);
  cli_json_key(j, "kind"); cli_json_str(j, bbox_kind_name(r.kind));
  cli_json_key(j, "fault"); cli_json_int(j, r.fault);
  cli_json_key(j, "fault_str"); cli_json_str(j, r.fault ? fault_str(r.fault) : "");
  cli_json_key(j, "file"); cli_json_str(j, file);
  cli_json_key(j, "line"); cli_json_int(j, r.line);
  cli_json_key(j, "func"); cli_json_int(j, r.func);
  cli_json_key(j, "func_name"); cli_json_str(j, fn);
  cli_json_key(j, "pc"); cli_json_int(j, r.pc);
  snprintf(buf, sizeof buf, "%u.%u.%u", r.version[0], r.version[1], r.version[2]);
  cli_json_key(j, "version"); cli_json_str(j, buf);
  cli_json_key(j, "counter"); cli_json_int(j, r.counter);
  cli_json_key(j, "digest"); cli_json_str(j, dg);
  snprintf(buf, sizeof buf, "%c", cli_bank_letter(r.bank));
  cli_json_key(j, "bank"); cli_json_str(j, r.bank < LINK_NBANKS ? buf : "");
  cli_json_key(j, "boot_id"); cli_json_int(j, r.boot_id);
  cli_json_key(j, "uptime_ms"); cli_json_int(j, (int64_t)r.uptime_ms);
  cli_json_key(j, "reset_reason"); cli_json_str(j, bbox_reset_name(r.reset_reason));
  cli_json_close(j, '}');
}
#endif
