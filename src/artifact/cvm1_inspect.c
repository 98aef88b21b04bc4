/*
** cvm1_inspect.c -- human and JSON descriptions of an artifact. The verdicts
** come from the device-side checker, never from a second implementation.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cvm1_int.h"

typedef struct sbuf { char *p; size_t n, cap; bool oom; } sbuf;

static void add(sbuf *s, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    size_t room = s->cap - s->n;
    va_start(ap, fmt);
    int k = s->oom ? 0 : vsnprintf(s->p + s->n, room, fmt, ap);
    va_end(ap);
    if (s->oom || k < 0) { s->oom = true; return; }
    if ((size_t)k < room) { s->n += (size_t)k; return; }
    size_t cap = (s->cap + (size_t)k + 1) * 2;
    char *np = realloc(s->p, cap);
    if (!np) { s->oom = true; return; }
    s->p = np; s->cap = cap;
  }
}

static void hex(sbuf *s, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) add(s, "%02x", b[i]);
}

static void uuid(sbuf *s, const uint8_t *b) {
  for (int i = 0; i < 16; i++) add(s, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", b[i]);
}

static void jstr(sbuf *s, const char *t) {
  add(s, "\"");
  for (; *t; t++) {
    unsigned char c = (unsigned char)*t;
    if (c == '"' || c == '\\') add(s, "\\%c", c);
    else if (c < 0x20 || c >= 0x7F) add(s, "\\u%04x", c);
    else add(s, "%c", c);
  }
  add(s, "\"");
}

static const char *sect_name(uint32_t type) {
  const cvm1_kind *k = cvm1_kind_find(type);
  return k ? k->name : "unknown";
}

static void utc(char out[32], uint64_t t) {
  time_t tt = (time_t)t;
  struct tm *tm = (uint64_t)tt == t ? gmtime(&tt) : NULL;
  if (!tm || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", tm)) strcpy(out, "?");
}

cvm1_err cvm1_check_auth(const uint8_t *buf, size_t len, const uint8_t *pub,
                         cvm1_info *info) {
  cvm1_info local;
  cvm1_info *in = info ? info : &local;
  cvm1_err e = cvm1_open(buf, len, NULL, in);
  if (e) return e;
  /* a policy that mirrors the artifact's own ABI, ISA and caps */
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.abi_version = in->abi_version;
  pol.abi_hash = in->abi_hash;
  pol.isa_hash = in->isa_hash;
  pol.granted_caps = in->caps;
  if (pub) {
    pol.keys = (const cvm1_pubkey *)pub;
    pol.nkeys = 1;
  } else {
    pol.flags = CVM1_POL_UNSIGNED_OK;
  }
  return cvm1_check(buf, len, &pol, in);
}

static const char *sig_status(const cvm1_info *in, cvm1_err a, bool checked) {
  if (!in->signature) return "unsigned";
  if (a == CVM1_ERR_DIGEST || a == CVM1_ERR_NO_DIGEST) return "not checked (digest mismatch)";
  if (!checked) return "present (not checked: no public key given)";
  if (a == CVM1_ERR_OK) return "valid";
  if (a == CVM1_ERR_UNKNOWN_KEY) return "signed by another key";
  return "invalid";
}

static void caps_text(sbuf *s, uint32_t caps, bool json) {
  bool first = true;
  for (unsigned c = 0; c < CVM_CAP__COUNT; c++)
    if (caps & CVM_CAPBIT(c)) {
      add(s, json ? "%s\"%s\"" : "%s%s", first ? "" : json ? ", " : " ", cvm_cap_names[c]);
      first = false;
    }
  if (first && !json) add(s, "none");
}

static const char *source_name(const uint8_t *buf, const cvm1_info *in) {
  for (uint32_t i = 0; i < in->nsections; i++)
    if (in->sections[i].type == CVM1_SECT_NAMES && in->sections[i].size > 0)
      return (const char *)buf + in->sections[i].offset;
  return NULL;
}

static void entry(sbuf *s, const char *name, uint16_t e, bool json) {
  if (json) {
    if (e == CVM_NO_ENTRY) add(s, "  \"%s\": null,\n", name);
    else add(s, "  \"%s\": %u,\n", name, e);
  } else {
    if (e == CVM_NO_ENTRY) add(s, " %s=-", name + 6);
    else add(s, " %s=%u", name + 6, e);
  }
}

static void as_json(sbuf *s, const uint8_t *buf, const cvm1_info *in, cvm1_err a,
                    bool checked) {
  char t[32];
  add(s, "{\n  \"valid\": %s,\n", a == CVM1_ERR_OK ? "true" : "false");
  if (a) { add(s, "  \"error\": "); jstr(s, cvm1_err_str(a)); add(s, ",\n  \"error_name\": \"%s\",\n", cvm1_err_name(a)); }
  else add(s, "  \"error\": null,\n  \"error_name\": null,\n");
  add(s, "  \"format_version\": %u,\n  \"header_size\": %u,\n  \"flags\": %u,\n",
      in->format_version, in->header_size, in->flags);
  add(s, "  \"size\": %u,\n  \"image_size\": %u,\n  \"trailer_size\": %u,\n",
      in->total_size, in->image_size, in->total_size - in->image_size);
  add(s, "  \"version\": \"%u.%u.%u\",\n  \"security_counter\": %u,\n",
      in->version[0], in->version[1], in->version[2], in->security_counter);
  add(s, "  \"abi_version\": \"%u.%u\",\n  \"abi_hash\": \"0x%08x\",\n  \"abi_match\": %s,\n",
      in->abi_version >> 8, in->abi_version & 0xFF, in->abi_hash,
      in->abi_version == CVM_ABI_VERSION && in->abi_hash == cvm_abi_hash() ? "true" : "false");
  add(s, "  \"isa_hash\": \"0x%08x\",\n  \"isa_match\": %s,\n", in->isa_hash,
      in->isa_hash == cvm_isa_hash() ? "true" : "false");
  add(s, "  \"caps\": ["); caps_text(s, in->caps, true); add(s, "],\n");
  add(s, "  \"caps_mask\": %u,\n", in->caps);
  entry(s, "entry_main", in->entry_main, true);
  entry(s, "entry_setup", in->entry_setup, true);
  entry(s, "entry_loop", in->entry_loop, true);
  add(s, "  \"globals_size\": %u,\n  \"mem_size\": %u,\n  \"max_depth\": %u,\n",
      in->globals_size, in->mem_size, in->max_depth);
  add(s, "  \"vendor_id\": \""); uuid(s, in->vendor_id);
  add(s, "\",\n  \"class_id\": \""); uuid(s, in->class_id);
  add(s, "\",\n  \"build_id\": \""); hex(s, in->build_id, 16);
  add(s, "\",\n  \"source_digest\": \""); hex(s, in->source_digest, 32);
  add(s, "\",\n  \"source_name\": ");
  const char *sn = source_name(buf, in);
  if (sn) jstr(s, sn); else add(s, "null");
  utc(t, in->build_time);
  add(s, ",\n  \"build_time\": %llu,\n  \"build_time_utc\": \"%s\",\n",
      (unsigned long long)in->build_time, in->build_time ? t : "");
  add(s, "  \"sections\": [");
  for (uint32_t i = 0; i < in->nsections; i++) {
    const cvm1_section *c = &in->sections[i];
    add(s, "%s\n    {\"type\": \"%s\", \"type_id\": %u, \"optional\": %s, \"offset\": %u, \"size\": %u}",
        i ? "," : "", sect_name(c->type), c->type,
        c->flags & CVM1_SF_OPTIONAL ? "true" : "false", c->offset, c->size);
  }
  add(s, "\n  ],\n  \"digest\": ");
  if (in->digest) { add(s, "\""); hex(s, in->digest, 32); add(s, "\""); } else add(s, "null");
  add(s, ",\n  \"digest_ok\": %s,\n", a != CVM1_ERR_DIGEST && a != CVM1_ERR_NO_DIGEST ? "true" : "false");
  add(s, "  \"key_id\": ");
  if (in->keyid) { add(s, "\""); hex(s, in->keyid, CVM1_KEYID_SIZE); add(s, "\""); } else add(s, "null");
  add(s, ",\n  \"signature\": ");
  if (in->signature) { add(s, "\""); hex(s, in->signature, 64); add(s, "\""); } else add(s, "null");
  add(s, ",\n  \"signature_status\": \"%s\",\n  \"unknown_tlvs\": %u\n}\n",
      sig_status(in, a, checked), in->unknown_tlvs);
}

static void as_text(sbuf *s, const uint8_t *buf, const cvm1_info *in, cvm1_err a,
                    bool checked) {
  char t[32];
  add(s, "format            CVM1 v%u, header %u bytes, flags 0x%x, %u sections\n",
      in->format_version, in->header_size, in->flags, in->nsections);
  add(s, "size              %u bytes (image %u, trailer %u)\n", in->total_size,
      in->image_size, in->total_size - in->image_size);
  add(s, "version           %u.%u.%u\n", in->version[0], in->version[1], in->version[2]);
  add(s, "security_counter  %u\n", in->security_counter);
  add(s, "abi               %u.%u hash 0x%08x (%s)\n", in->abi_version >> 8,
      in->abi_version & 0xFF, in->abi_hash,
      in->abi_version == CVM_ABI_VERSION && in->abi_hash == cvm_abi_hash()
          ? "matches this build" : "differs from this build");
  add(s, "isa_hash          0x%08x (%s)\n", in->isa_hash,
      in->isa_hash == cvm_isa_hash() ? "matches this build" : "differs from this build");
  add(s, "caps              "); caps_text(s, in->caps, false); add(s, "\n");
  add(s, "entry            ");
  entry(s, "entry_main", in->entry_main, false);
  entry(s, "entry_setup", in->entry_setup, false);
  entry(s, "entry_loop", in->entry_loop, false);
  add(s, "\nmemory            globals %u, mem %u, max_depth %u\n", in->globals_size,
      in->mem_size, in->max_depth);
  add(s, "vendor_id         "); uuid(s, in->vendor_id);
  add(s, "\nclass_id          "); uuid(s, in->class_id);
  add(s, "\nbuild_id          "); hex(s, in->build_id, 16);
  add(s, "\nsource_digest     "); hex(s, in->source_digest, 32);
  const char *sn = source_name(buf, in);
  add(s, "\nsource_name       %s\n", sn ? sn : "-");
  utc(t, in->build_time);
  if (in->build_time) add(s, "build_time        %llu (%s)\n", (unsigned long long)in->build_time, t);
  else add(s, "build_time        unknown\n");
  add(s, "sections\n");
  for (uint32_t i = 0; i < in->nsections; i++) {
    const cvm1_section *c = &in->sections[i];
    add(s, "  %-8s offset %6u  size %6u%s\n", sect_name(c->type), c->offset, c->size,
        c->flags & CVM1_SF_OPTIONAL ? "  (optional)" : "");
  }
  add(s, "digest            ");
  if (in->digest) hex(s, in->digest, 32); else add(s, "none");
  add(s, " (%s)\n", a == CVM1_ERR_DIGEST || a == CVM1_ERR_NO_DIGEST ? "MISMATCH" : "ok");
  add(s, "key_id            ");
  if (in->keyid) hex(s, in->keyid, CVM1_KEYID_SIZE); else add(s, "none");
  add(s, "\nsignature         %s\n", sig_status(in, a, checked));
  if (in->unknown_tlvs) add(s, "unknown records   %u (skipped)\n", in->unknown_tlvs);
}

char *cvm1_inspect(const uint8_t *buf, size_t len, bool json, const uint8_t *pub) {
  sbuf s = { malloc(1024), 0, 1024, false };
  if (!s.p) return NULL;
  cvm1_info in;
  cvm1_err e = cvm1_open(buf, len, NULL, &in);
  if (e) {
    if (json) {
      add(&s, "{\n  \"valid\": false,\n  \"error\": ");
      jstr(&s, cvm1_err_str(e));
      add(&s, ",\n  \"error_name\": \"%s\"\n}\n", cvm1_err_name(e));
    } else {
      add(&s, "invalid artifact: %s\n", cvm1_err_str(e));
    }
  } else {
    bool checked = pub != NULL;
    cvm1_err a = cvm1_check_auth(buf, len, pub, NULL);
    if (json) as_json(&s, buf, &in, a, checked);
    else as_text(&s, buf, &in, a, checked);
  }
  if (s.oom || !s.p) { free(s.p); return NULL; }
  return s.p;
}
