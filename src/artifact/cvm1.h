/*
** cvm1.h -- CVM1 artifacts: the package every program travels in.
**
** Device side (library cvm1, freestanding): cvm1_open() checks an artifact's
** structure and binds a cvm_prog to its sections in place, so the bytecode
** executes from wherever the artifact sits; cvm1_check() decides whether a
** device may run it (digest, signature, trust store, ABI, capabilities,
** vendor/class, anti-rollback counter).
**
** Host side (library cvm1_host, libc + OpenSSL): cvm1_write() serialises a
** cvm1_image built by the compiler or the assembler; keys, signing,
** verification with a public-key file, and inspection as text or JSON.
**
** The byte-by-byte format is in docs/cvm1-format.md.
*/
#ifndef CVM1_H
#define CVM1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm.h"

/* ---- format constants (docs/cvm1-format.md) ---------------------------- */

#define CVM1_FORMAT_VERSION 1u
#define CVM1_HEADER_SIZE    152u      /* fixed header, section table follows */
#define CVM1_SECT_SIZE      12u       /* one section table entry */
#define CVM1_MAX_SECTIONS   16u
#define CVM1_TRAILER_MAGIC  0x544D5643u /* "CVMT" */
#define CVM1_TRAILER_HDR    8u        /* magic, total trailer size */
#define CVM1_TLV_HDR        4u        /* u16 type, u16 length */
#define CVM1_KEYID_SIZE     8u        /* first bytes of SHA-256(public key) */
#define CVM1_SIG_CONTEXT    "CVM1 signature\n" /* 16 bytes with its NUL */
#define CVM1_SIG_CONTEXT_SIZE 16u

/* Section types. OPTIONAL sections (debug) may be stripped or skipped. */
typedef enum cvm1_sect {
  CVM1_SECT_CODE = 1, CVM1_SECT_FUNCS = 2, CVM1_SECT_ARRAYS = 3,
  CVM1_SECT_RODATA = 4, CVM1_SECT_DATA = 5,
  CVM1_SECT_LINES = 16, CVM1_SECT_NAMES = 17
} cvm1_sect;
#define CVM1_SF_OPTIONAL 0x0001u     /* section flag: reader may skip it */

/* Trailer record (TLV) types. Unknown types are skipped. */
typedef enum cvm1_tlv {
  CVM1_TLV_KEYID = 0x01,     /* CVM1_KEYID_SIZE bytes */
  CVM1_TLV_SHA256 = 0x10,    /* 32 bytes: SHA-256 of [0, image_size) */
  CVM1_TLV_ED25519 = 0x24    /* 64 bytes: Ed25519 over context || digest */
} cvm1_tlv;

/* ---- errors ------------------------------------------------------------ */

#define CVM1_ERRORS(X) \
  X(OK,              "ok") \
  X(TRUNCATED,       "artifact is truncated: shorter than its header or declared sizes") \
  X(MAGIC,           "not a CVM1 artifact (bad magic)") \
  X(FORMAT_VERSION,  "unsupported CVM1 format version") \
  X(HEADER_SIZE,     "header size does not match the format version") \
  X(FLAGS,           "unknown header flag set") \
  X(RESERVED,        "reserved header field is not zero") \
  X(IMAGE_SIZE,      "image size is misaligned, too small for the section table, or beyond the artifact") \
  X(SECTION_COUNT,   "section count is zero or above the maximum") \
  X(SECTION_RANGE,   "section lies outside the image") \
  X(SECTION_OVERLAP, "sections overlap, overlap the header, or are not in increasing order") \
  X(SECTION_ALIGN,   "section offset is not a multiple of 4") \
  X(SECTION_FLAGS,   "section flags are invalid for its type") \
  X(SECTION_UNKNOWN, "unknown section type not marked optional") \
  X(SECTION_DUP,     "section type appears twice") \
  X(SECTION_MISSING, "required section (code or functions) is missing") \
  X(SECTION_SIZE,    "section size is not a multiple of its entry size") \
  X(NAMES,           "names section is not NUL-terminated") \
  X(CAPS_UNKNOWN,    "capability bits outside the known groups") \
  X(CODE_ALIGN,      "code is not 4-byte aligned in memory: cannot execute in place") \
  X(TRAILER_MAGIC,   "trailer missing (bad trailer magic)") \
  X(TRAILER_SIZE,    "trailer size is out of range") \
  X(TRAILING,        "bytes after the end of the trailer") \
  X(TLV_LAYOUT,      "trailer record runs past the end of the trailer") \
  X(TLV_LENGTH,      "trailer record has the wrong length for its type") \
  X(TLV_DUP,         "trailer record type appears twice") \
  X(NO_DIGEST,       "digest record missing") \
  X(DIGEST,          "digest does not match the contents (corrupted or tampered)") \
  X(UNSIGNED,        "artifact is not signed") \
  X(NO_KEYID,        "signature without key id record") \
  X(UNKNOWN_KEY,     "signed by a key that is not in the trust store") \
  X(SIGNATURE,       "signature does not verify") \
  X(ABI_VERSION,     "built for another Host ABI version") \
  X(ABI_HASH,        "built against a different Host ABI table (hash mismatch)") \
  X(ISA_HASH,        "built for a different instruction set (hash mismatch)") \
  X(CAPS,            "uses capability groups the device does not grant") \
  X(VENDOR,          "built for another vendor") \
  X(CLASS,           "built for another device class") \
  X(ROLLBACK,        "security counter below the device's floor (rollback refused)") \
  X(NOMEM,           "out of memory") \
  X(IO,              "cannot read or write file") \
  X(KEY,             "key file is not a valid Ed25519 PEM key") \
  X(CRYPTO,          "cryptographic library failure") \
  X(IMAGE,           "program image is inconsistent (writer input)") \
  X(ARG,             "invalid argument") \
  X(KEY_NONCANONICAL, "Ed25519 public key has a non-canonical encoding (y >= p, or x = 0 with the sign bit): refused for a trust store") \
  X(KEY_NOT_ON_CURVE, "Ed25519 public key is not a point of the curve: refused for a trust store") \
  X(KEY_SMALL_ORDER,  "Ed25519 public key is a small-order point (it would accept forged signatures): refused for a trust store")

typedef enum cvm1_err {
#define X(name, msg) CVM1_ERR_##name,
  CVM1_ERRORS(X)
#undef X
  CVM1_ERR__COUNT
} cvm1_err;

const char *cvm1_err_str(cvm1_err e);    /* message */
const char *cvm1_err_name(cvm1_err e);   /* e.g. "DIGEST" */

/* ---- device side (library cvm1) --------------------------------------- */

typedef struct cvm1_section {
  uint16_t type, flags;
  uint32_t offset, size;       /* bytes from the start of the artifact */
} cvm1_section;

/* Everything the header and trailer say. Byte strings point into the
** artifact buffer (NULL when the record is absent). */
typedef struct cvm1_info {
  uint16_t format_version, header_size;
  uint32_t flags;
  uint32_t image_size;         /* header + section table + sections */
  uint32_t total_size;         /* image + trailer */
  uint16_t abi_version;
  uint32_t abi_hash, isa_hash;
  uint32_t caps;
  uint16_t entry_main, entry_setup, entry_loop;
  uint32_t globals_size, mem_size, max_depth;
  uint16_t version[3];         /* semver major, minor, patch */
  uint32_t security_counter;
  const uint8_t *vendor_id, *class_id, *build_id;   /* 16 bytes each */
  const uint8_t *source_digest;                     /* 32 bytes */
  uint64_t build_time;         /* seconds since 1970 UTC, 0 unknown */
  uint32_t nsections;
  cvm1_section sections[CVM1_MAX_SECTIONS];
  /* trailer */
  const uint8_t *digest;       /* 32 bytes */
  const uint8_t *keyid;        /* CVM1_KEYID_SIZE bytes */
  const uint8_t *signature;    /* 64 bytes */
  uint32_t unknown_tlvs;       /* records skipped */
} cvm1_info;

/* Total size of the artifact that starts at buf, read from its header and
** trailer header, for finding an artifact in a larger region (a flash bank).
** Checks only what it reads. */
cvm1_err cvm1_size(const uint8_t *buf, size_t avail, uint32_t *total);

/* Check structure (header, section table, trailer layout) of the artifact in
** buf[0..len) -- len must be its exact size -- and, if prog is not NULL, bind
** prog to the sections in place (code must then be 4-byte aligned in
** memory). info (may be NULL) receives every field (on error, those read
** so far). No cryptography. */
cvm1_err cvm1_open(const uint8_t *buf, size_t len, cvm_prog *prog, cvm1_info *info);

typedef uint8_t cvm1_pubkey[32];

/* What a device accepts. */
typedef struct cvm1_policy {
  const cvm1_pubkey *keys;     /* trust store: raw Ed25519 public keys */
  uint32_t nkeys;
  uint16_t abi_version;        /* this device's Host ABI ... */
  uint32_t abi_hash, isa_hash; /* ... and instruction set */
  uint32_t granted_caps;       /* capability groups the device grants */
  uint32_t counter_floor;      /* lowest security counter still accepted */
  const uint8_t *vendor_id;    /* 16 bytes, or NULL: any vendor */
  const uint8_t *class_id;     /* 16 bytes, or NULL: any device class */
  uint32_t flags;              /* CVM1_POL_* */
} cvm1_policy;
/* Accept artifacts without signature (digest still required). Development
** only: a device with this flag runs anything that is merely intact. */
#define CVM1_POL_UNSIGNED_OK 0x1u

/* This build's ABI/ISA, all capabilities, floor 0, no keys, no flags. */
void cvm1_policy_init(cvm1_policy *pol);

/* Full acceptance check, in this order: structure, digest, key id in the
** trust store, signature, ABI version and hash, ISA hash, capabilities,
** vendor, class, security counter. info (may be NULL) as cvm1_open. */
cvm1_err cvm1_check(const uint8_t *buf, size_t len, const cvm1_policy *pol,
                    cvm1_info *info);

/* cvm1_check, then cvm1_open binding prog. */
cvm1_err cvm1_load(const uint8_t *buf, size_t len, const cvm1_policy *pol,
                   cvm_prog *prog, cvm1_info *info);

/* The message an Ed25519 signature covers: context || digest. */
#define CVM1_SIGMSG_SIZE (CVM1_SIG_CONTEXT_SIZE + 32u)
void cvm1_sig_message(const uint8_t digest[32], uint8_t msg[CVM1_SIGMSG_SIZE]);

/* May this Ed25519 public key be trusted (ed25519_key_check)? OK, or
** KEY_NONCANONICAL, KEY_NOT_ON_CURVE, KEY_SMALL_ORDER. Every way into a
** trust store asks: cvm1_load_pub, and cvm1_check for the key an
** artifact names, so a bad key provisioned on a device still trusts
** nothing. */
cvm1_err cvm1_key_check(const uint8_t pub[32]);

/* Key id of a public key: the first CVM1_KEYID_SIZE bytes of its SHA-256. */
void cvm1_key_id(const uint8_t pub[32], uint8_t id[CVM1_KEYID_SIZE]);

/* ---- host side (library cvm1_host) ------------------------------------ */

/* Host-side description of a program, everything the writer needs. */
typedef struct cvm1_func {
  uint32_t entry;          /* word index of the first instruction */
  uint8_t nparams, nslots;
  uint16_t arrbytes;       /* frame array bytes, multiple of 4 */
  const char *name;
} cvm1_func;

typedef struct cvm1_array {
  uint32_t base, count;    /* bytes; elements */
  uint8_t esize, space;    /* 1/2/4; CVM_SP_G, CVM_SP_L or CVM_SP_R */
  uint16_t inner;          /* inner dimension of a 2-D array, else 0 */
} cvm1_array;

typedef struct cvm1_line {
  uint32_t pc, line;
} cvm1_line;

typedef struct cvm1_image {
  const uint32_t *code;        uint32_t ncode;
  const cvm1_func *funcs;      uint32_t nfuncs;
  const cvm1_array *arrays;    uint32_t narrays;
  const uint8_t *rodata;       uint32_t rodata_size;
  const uint8_t *data;         uint32_t data_size;
  uint32_t globals_size, mem_size, max_depth, caps;
  uint16_t entry_main, entry_setup, entry_loop;
  const cvm1_line *lines;      uint32_t nlines;   /* optional */
  const char *source_name;                        /* optional */
} cvm1_image;

/* Provenance and release data the build adds to the header. */
typedef struct cvm1_meta {
  uint16_t version[3];         /* semver major, minor, patch */
  uint32_t security_counter;   /* anti-rollback, monotonic per product */
  uint8_t vendor_id[16];       /* UUIDs (cvm1_uuid_from_name), 0 = unset */
  uint8_t class_id[16];
  uint8_t build_id[16];        /* all zero: the writer derives it */
  uint8_t source_digest[32];   /* SHA-256 of the source text, or 0 */
  uint64_t build_time;         /* seconds since 1970 UTC, 0 = unknown */
  bool strip;                  /* leave out the debug sections */
} cvm1_meta;

/* Zero meta, version 0.0.0, build_time from cvm1_build_time(). */
void cvm1_meta_init(cvm1_meta *m);
/* SOURCE_DATE_EPOCH when set (reproducible builds), else the clock. */
uint64_t cvm1_build_time(void);
/* "X.Y.Z" with each part 0..65535. */
cvm1_err cvm1_parse_version(const char *s, uint16_t v[3]);
/* Name-based UUID (RFC 9562 version 8): SHA-256 of the name, first 16
** bytes, version and variant bits set. A 32-hex-digit string (dashes
** allowed) is taken as the UUID itself. */
cvm1_err cvm1_uuid_from_name(const char *name, uint8_t out[16]);
/* SHA-256 of bytes (host convenience, e.g. meta.source_digest). */
void cvm1_sha256(const void *p, size_t n, uint8_t out[32]);

/* Serialise img with meta (meta NULL: cvm1_meta_init defaults) into a new
** malloc'd buffer: unsigned, trailer holds the SHA-256 digest. */
cvm1_err cvm1_write(const cvm1_image *img, const cvm1_meta *meta,
                    uint8_t **out, size_t *len);

/* Files. cvm1_read_file: whole file into a malloc'd buffer (CVM1_ERR_IO, errno
** set). cvm1_write_file: write atomically (temp file + rename) with mode. */
cvm1_err cvm1_read_file(const char *path, uint8_t **buf, size_t *len);
cvm1_err cvm1_write_file(const char *path, const uint8_t *buf, size_t len,
                         unsigned mode);

/* Keys: Ed25519 in PEM (PKCS#8 private key, SubjectPublicKeyInfo public).
** cvm1_keygen writes NAME.key (mode 0600) and NAME.pub; refuses to overwrite
** an existing NAME.key (CVM1_ERR_IO, errno EEXIST). */
cvm1_err cvm1_keygen(const char *name);
/* cvm1_load_pub also refuses keys cvm1_key_check refuses. */
cvm1_err cvm1_load_pub(const char *path, uint8_t pub[32]);
cvm1_err cvm1_load_key_pub(const char *keypath, uint8_t pub[32]);

/* Sign an artifact with a private key file: checks its structure and digest,
** then writes a new malloc'd artifact whose trailer holds digest, key id and
** signature (replacing any earlier ones; unknown records are kept). */
cvm1_err cvm1_sign(const uint8_t *in, size_t len, const char *keypath,
                   uint8_t **out, size_t *outlen);

/* The same artifact with another security counter, signed again: its
** structure and digest checked, the header's counter replaced, the image
** digest recomputed, then cvm1_sign. The program (code, build id, version)
** is unchanged. A fleet uses it to roll a device back to a program it ran
** before once its floor has passed that program's counter. */
cvm1_err cvm1_restamp(const uint8_t *in, size_t len, uint32_t counter, const char *keypath,
                      uint8_t **out, size_t *outlen);

/* cvm1_write then, if keypath is not NULL, cvm1_sign (cockpit build). */
cvm1_err cvm1_build(const cvm1_image *img, const cvm1_meta *meta,
                    const char *keypath, uint8_t **out, size_t *len);

/* Verify against one public-key file with the device-side cvm1_check (this
** build's ABI, all capabilities granted, floor counter_floor). */
cvm1_err cvm1_verify_pub(const uint8_t *buf, size_t len, const char *pubpath,
                         uint32_t counter_floor, cvm1_info *info);

/* cockpit run --trust: cvm1_load with the key in pubpath as the only trusted
** key and granted_caps; prog binds in place into buf. */
cvm1_err cvm1_load_trusted(const uint8_t *buf, size_t len, const char *pubpath,
                           uint32_t granted_caps, cvm_prog *prog, cvm1_info *info);

/* Integrity and authenticity only, with the device-side checker: structure,
** digest and, if pub is not NULL, a valid signature by that key (unsigned is
** then CVM1_ERR_UNSIGNED). ABI, caps and counter are not judged. */
cvm1_err cvm1_check_auth(const uint8_t *buf, size_t len, const uint8_t *pub,
                         cvm1_info *info);

/* Describe an artifact as text or JSON (malloc'd, NUL-terminated, NULL on
** out of memory). Includes every header field, the sections, the trailer,
** and the verdict of cvm1_check_auth. */
char *cvm1_inspect(const uint8_t *buf, size_t len, bool json, const uint8_t *pub);

#endif /* CVM1_H */
