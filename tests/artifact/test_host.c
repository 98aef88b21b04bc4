/*
** test_host.c -- host library: key files, signing, verification with a
** public-key file, build, writer input checks, metadata helpers, inspect.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "art_test.h"

static char *with_ext(const char *key, const char *ext) {
  char *p = malloc(strlen(key) + 8);
  strcpy(p, key);
  strcpy(p + strlen(p) - 4, ext);
  return p;
}

static void test_keygen(void) {
  char *key = art_keygen("dev");
  char *pub = with_ext(key, ".pub");
  struct stat st;
  CHECK(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600);
  CHECK(stat(pub, &st) == 0 && (st.st_mode & 0777) == 0644);
  /* PEM, readable by OpenSSL as Ed25519 */
  uint8_t *txt;
  size_t n;
  CHECK_ERR(cvm1_read_file(key, &txt, &n), CVM1_ERR_OK);
  CHECK(n > 20 && memcmp(txt, "-----BEGIN PRIVATE KEY-----", 27) == 0);
  free(txt);
  CHECK_ERR(cvm1_read_file(pub, &txt, &n), CVM1_ERR_OK);
  CHECK(n > 20 && memcmp(txt, "-----BEGIN PUBLIC KEY-----", 26) == 0);
  free(txt);
  uint8_t p1[32], p2[32];
  CHECK_ERR(cvm1_load_pub(pub, p1), CVM1_ERR_OK);
  CHECK_ERR(cvm1_load_key_pub(key, p2), CVM1_ERR_OK);
  CHECK(memcmp(p1, p2, 32) == 0);
  /* never overwrites a private key */
  char *base = art_path("dev");
  errno = 0;
  CHECK_ERR(cvm1_keygen(base), CVM1_ERR_IO);
  CHECK(errno == EEXIST);
  CHECK_ERR(cvm1_keygen(""), CVM1_ERR_ARG);
  /* a directory that does not exist */
  CHECK_ERR(cvm1_keygen("/nonexistent-dir/x"), CVM1_ERR_IO);
  free(base);
  free(pub);
  free(key);
}

static void write_text(const char *path, const char *s) {
  CHECK_ERR(cvm1_write_file(path, (const uint8_t *)s, strlen(s), 0600), CVM1_ERR_OK);
}

static void test_bad_keys(void) {
  char *key = art_keygen("good");
  char *pub = with_ext(key, ".pub");
  uint8_t raw[32];
  char *junk = art_path("junk.pem");
  write_text(junk, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  CHECK_ERR(cvm1_load_pub(junk, raw), CVM1_ERR_KEY);
  CHECK_ERR(cvm1_load_key_pub(junk, raw), CVM1_ERR_KEY);
  CHECK_ERR(cvm1_load_pub("/nonexistent.pub", raw), CVM1_ERR_IO);
  CHECK_ERR(cvm1_load_key_pub("/nonexistent.key", raw), CVM1_ERR_IO);
  /* public where private is expected and the other way round */
  CHECK_ERR(cvm1_load_key_pub(pub, raw), CVM1_ERR_KEY);
  CHECK_ERR(cvm1_load_pub(key, raw), CVM1_ERR_KEY);
  /* a valid PEM key of another algorithm */
  EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  CHECK(ec != NULL);
  char *eck = art_path("ec.key"), *ecp = art_path("ec.pub");
  FILE *f = fopen(eck, "w");
  PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL);
  fclose(f);
  f = fopen(ecp, "w");
  PEM_write_PUBKEY(f, ec);
  fclose(f);
  EVP_PKEY_free(ec);
  CHECK_ERR(cvm1_load_key_pub(eck, raw), CVM1_ERR_KEY);
  CHECK_ERR(cvm1_load_pub(ecp, raw), CVM1_ERR_KEY);
  size_t len, olen;
  uint8_t *a = art_sample_artifact(&len), *o = NULL;
  CHECK_ERR(cvm1_sign(a, len, eck, &o, &olen), CVM1_ERR_KEY);
  CHECK(o == NULL);
  CHECK_ERR(cvm1_verify_pub(a, len, ecp, 0, NULL), CVM1_ERR_KEY);
  /* well-formed PEM files of Ed25519 keys no trust store may hold */
  static const struct { uint8_t b0, b31; cvm1_err want; } weak[] = {
    { 0x01, 0x00, CVM1_ERR_KEY_SMALL_ORDER },   /* the identity */
    { 0x00, 0x00, CVM1_ERR_KEY_SMALL_ORDER },   /* y = 0, order 4 */
    { 0x01, 0x80, CVM1_ERR_KEY_NONCANONICAL },  /* "-0" */
    { 0x02, 0x00, CVM1_ERR_KEY_NOT_ON_CURVE },  /* y = 2 */
  };
  char *wp = art_path("weak.pub");
  for (unsigned i = 0; i < sizeof weak / sizeof weak[0]; i++) {
    uint8_t w[32] = { 0 };
    w[0] = weak[i].b0;
    w[31] = weak[i].b31;
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, w, 32);
    CHECK(k != NULL);
    f = fopen(wp, "w");
    PEM_write_PUBKEY(f, k);
    fclose(f);
    EVP_PKEY_free(k);
    CHECK_ERR(cvm1_load_pub(wp, raw), weak[i].want);
    CHECK_ERR(cvm1_verify_pub(a, len, wp, 0, NULL), weak[i].want);
  }
  free(wp);
  free(a);
  free(eck); free(ecp); free(junk); free(pub); free(key);
}

static void test_sign(void) {
  char *k1 = art_keygen("s1"), *k2 = art_keygen("s2");
  char *p1 = with_ext(k1, ".pub"), *p2 = with_ext(k2, ".pub");
  size_t len, slen, s2len;
  uint8_t *a = art_sample_artifact(&len);
  uint8_t *s = art_sign(a, len, k1, &slen);
  /* the image is unchanged; only the trailer grows */
  uint32_t image = cvm_rd32(a + 0x0C);
  CHECK(memcmp(a, s, image) == 0);
  CHECK(slen == image + 8 + 36 + 12 + 68);
  CHECK_ERR(cvm1_verify_pub(s, slen, p1, 0, NULL), CVM1_ERR_OK);
  CHECK_ERR(cvm1_verify_pub(s, slen, p2, 0, NULL), CVM1_ERR_UNKNOWN_KEY);
  CHECK_ERR(cvm1_verify_pub(a, len, p1, 0, NULL), CVM1_ERR_UNSIGNED);
  CHECK_ERR(cvm1_verify_pub(s, slen, p1, 8, NULL), CVM1_ERR_ROLLBACK);
  CHECK_ERR(cvm1_verify_pub(s, slen, "/nonexistent.pub", 0, NULL), CVM1_ERR_IO);
  /* re-signing replaces the signature: one signature, by the new key */
  uint8_t *s2 = art_sign(s, slen, k2, &s2len);
  cvm1_info in;
  CHECK(s2len == slen);
  CHECK_ERR(cvm1_verify_pub(s2, s2len, p2, 0, &in), CVM1_ERR_OK);
  CHECK(in.unknown_tlvs == 0);
  CHECK_ERR(cvm1_verify_pub(s2, s2len, p1, 0, NULL), CVM1_ERR_UNKNOWN_KEY);
  /* Ed25519 is deterministic: signing twice with one key gives one result */
  size_t s3len;
  uint8_t *s3 = art_sign(s2, s2len, k1, &s3len);
  CHECK(s3len == slen && memcmp(s3, s, slen) == 0);
  free(s3);
  /* unknown trailer records survive signing */
  uint8_t *u = malloc(len + 8);
  memcpy(u, a, len);
  static const uint8_t rec[] = { 0x99, 0x00, 4, 0, 1, 2, 3, 4 };
  memcpy(u + len, rec, sizeof rec);
  art_wr32(u + image + 4, cvm_rd32(u + image + 4) + sizeof rec);
  uint8_t *su = art_sign(u, len + sizeof rec, k1, &s3len);
  CHECK(s3len == slen + sizeof rec);
  CHECK(memcmp(su + s3len - sizeof rec, rec, sizeof rec) == 0);
  CHECK_ERR(cvm1_verify_pub(su, s3len, p1, 0, &in), CVM1_ERR_OK);
  CHECK(in.unknown_tlvs == 1);
  free(su);
  free(u);
  /* refuses to sign what is corrupted or malformed */
  uint8_t *o = NULL;
  a[image - 1] ^= 1;
  CHECK_ERR(cvm1_sign(a, len, k1, &o, &s3len), CVM1_ERR_DIGEST);
  CHECK_ERR(cvm1_sign(a, len - 1, k1, &o, &s3len), CVM1_ERR_TRUNCATED);
  a[0] = 'X';
  CHECK_ERR(cvm1_sign(a, len, k1, &o, &s3len), CVM1_ERR_MAGIC);
  CHECK(o == NULL);
  CHECK_ERR(cvm1_sign(s, slen, "/nonexistent.key", &o, &s3len), CVM1_ERR_IO);
  free(a); free(s); free(s2);
  free(k1); free(k2); free(p1); free(p2);
}

static void test_build_and_trusted(void) {
  char *k = art_keygen("b"), *p = with_ext(k, ".pub");
  cvm1_image img;
  cvm1_meta m;
  art_sample(&img);
  cvm1_meta_init(&m);
  m.security_counter = 3;
  uint8_t *out;
  size_t len;
  CHECK_ERR(cvm1_build(&img, &m, k, &out, &len), CVM1_ERR_OK);
  cvm_prog prog;
  cvm1_info in;
  CHECK_ERR(cvm1_load_trusted(out, len, p, CVM_CAPS_ALL, &prog, &in), CVM1_ERR_OK);
  CHECK(prog.ncode == img.ncode && in.security_counter == 3);
  CHECK_ERR(cvm1_load_trusted(out, len, p, CVM_CAPBIT(CVM_CAP_LOG), &prog, NULL), CVM1_ERR_CAPS);
  out[300] ^= 4;
  CHECK_ERR(cvm1_load_trusted(out, len, p, CVM_CAPS_ALL, &prog, NULL), CVM1_ERR_DIGEST);
  free(out);
  /* unsigned build */
  CHECK_ERR(cvm1_build(&img, NULL, NULL, &out, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_open(out, len, NULL, &in), CVM1_ERR_OK);
  CHECK(in.signature == NULL && in.digest != NULL);
  CHECK_ERR(cvm1_load_trusted(out, len, p, CVM_CAPS_ALL, &prog, NULL), CVM1_ERR_UNSIGNED);
  free(out);
  CHECK_ERR(cvm1_build(&img, NULL, "/nonexistent.key", &out, &len), CVM1_ERR_IO);
  CHECK(out == NULL && len == 0);
  free(k); free(p);
}

/* restamp: the same program under another counter, signed again (a fleet's
** rollback past a device's floor) */
static void test_restamp(void) {
  char *k = art_keygen("r"), *p = with_ext(k, ".pub");
  cvm1_image img;
  cvm1_meta m;
  art_sample(&img);
  cvm1_meta_init(&m);
  m.security_counter = 3;
  m.version[0] = 1;
  uint8_t *a, *r, *o = NULL;
  size_t len, rlen, olen;
  CHECK_ERR(cvm1_build(&img, &m, k, &a, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_restamp(a, len, 9, k, &r, &rlen), CVM1_ERR_OK);
  cvm1_info ai, ri;
  CHECK_ERR(cvm1_verify_pub(a, len, p, 5, NULL), CVM1_ERR_ROLLBACK);
  CHECK_ERR(cvm1_verify_pub(r, rlen, p, 9, &ri), CVM1_ERR_OK);   /* above the floor now */
  CHECK_ERR(cvm1_open(a, len, NULL, &ai), CVM1_ERR_OK);
  CHECK(rlen == len && ri.security_counter == 9 && ri.version[0] == 1);
  CHECK(memcmp(ai.build_id, ri.build_id, 16) == 0 && memcmp(ai.digest, ri.digest, 32) != 0);
  /* only the counter differs in the image */
  uint32_t image = cvm_rd32(a + 0x0C);
  size_t diff = 0;
  for (uint32_t i = 0; i < image; i++) diff += a[i] != r[i] && (i < 0x3C || i >= 0x40);
  CHECK(diff == 0);
  /* refuses what is corrupted, a missing key */
  a[image - 1] ^= 1;
  CHECK_ERR(cvm1_restamp(a, len, 9, k, &o, &olen), CVM1_ERR_DIGEST);
  CHECK_ERR(cvm1_restamp(r, rlen, 9, "/nonexistent.key", &o, &olen), CVM1_ERR_IO);
  CHECK_ERR(cvm1_restamp(NULL, rlen, 9, k, &o, &olen), CVM1_ERR_ARG);
  CHECK(o == NULL);
  free(a); free(r); free(k); free(p);
}

static void test_writer(void) {
  cvm1_image img;
  uint8_t *out;
  size_t len;
  cvm1_info in;
  cvm_prog p;
  cvm1_meta m;
  /* strip drops the debug sections but keeps the build id */
  art_sample(&img);
  cvm1_meta_init(&m);
  m.build_time = 5;
  CHECK_ERR(cvm1_write(&img, &m, &out, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_open(out, len, &p, &in), CVM1_ERR_OK);
  uint8_t id[16];
  memcpy(id, in.build_id, 16);
  CHECK(in.nsections == 7 && p.nlines == 2);
  free(out);
  m.strip = true;
  m.build_time = 6;    /* build time does not enter the build id either */
  CHECK_ERR(cvm1_write(&img, &m, &out, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_open(out, len, &p, &in), CVM1_ERR_OK);
  CHECK(in.nsections == 5 && p.nlines == 0 && p.names == NULL);
  CHECK(memcmp(id, in.build_id, 16) == 0);
  free(out);
  /* the code changes the build id; an explicit build id is kept */
  uint32_t code2[3];
  memcpy(code2, img.code, sizeof code2);
  code2[0] = CVM_ENC_ABX(CVM_OP_LDI, 0, 43);
  img.code = code2;
  CHECK_ERR(cvm1_write(&img, &m, &out, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_open(out, len, &p, &in), CVM1_ERR_OK);
  CHECK(memcmp(id, in.build_id, 16) != 0);
  free(out);
  memset(m.build_id, 0xAB, 16);
  CHECK_ERR(cvm1_write(&img, &m, &out, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_open(out, len, &p, &in), CVM1_ERR_OK);
  CHECK(in.build_id[0] == 0xAB && in.build_id[15] == 0xAB);
  free(out);
  /* minimal image: no optional sections; names without a source name */
  static const uint32_t c1[] = { CVM_ENC_ABC(CVM_OP_RET0, 0, 0, 0) };
  static const cvm1_func f1[] = { { 0, 0, 1, 0, NULL } };
  memset(&img, 0, sizeof img);
  img.code = c1; img.ncode = 1; img.funcs = f1; img.nfuncs = 1;
  img.entry_setup = img.entry_loop = CVM_NO_ENTRY;
  CHECK_ERR(cvm1_write(&img, NULL, &out, &len), CVM1_ERR_OK);
  CHECK_ERR(cvm1_open(out, len, &p, &in), CVM1_ERR_OK);
  CHECK(in.nsections == 2 && p.rodata == NULL && p.data == NULL && p.names == NULL);
  free(out);
  /* inconsistent input */
  cvm1_image bad = img;
  bad.code = NULL;
  CHECK_ERR(cvm1_write(&bad, NULL, &out, &len), CVM1_ERR_IMAGE);
  bad = img; bad.caps = 1u << 30;
  CHECK_ERR(cvm1_write(&bad, NULL, &out, &len), CVM1_ERR_IMAGE);
  bad = img; bad.ncode = 0x40000000u;   /* 4 GiB of code */
  CHECK_ERR(cvm1_write(&bad, NULL, &out, &len), CVM1_ERR_IMAGE);
  bad = img; bad.rodata_size = 4;
  CHECK_ERR(cvm1_write(&bad, NULL, &out, &len), CVM1_ERR_IMAGE);
  CHECK_ERR(cvm1_write(NULL, NULL, &out, &len), CVM1_ERR_ARG);
}

static void test_meta(void) {
  uint16_t v[3];
  CHECK_ERR(cvm1_parse_version("1.22.333", v), CVM1_ERR_OK);
  CHECK(v[0] == 1 && v[1] == 22 && v[2] == 333);
  CHECK_ERR(cvm1_parse_version("65535.0.65535", v), CVM1_ERR_OK);
  static const char *const bad[] = { "", "1", "1.2", "1.2.", "1.2.3.4", "1.2.3x",
    "a.b.c", "65536.0.0", "-1.0.0", "1..3", " 1.2.3", "99999999999999999999.0.0" };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_ERR(cvm1_parse_version(bad[i], v), CVM1_ERR_ARG);
  uint8_t u[16], w[16];
  CHECK_ERR(cvm1_uuid_from_name("acme.example", u), CVM1_ERR_OK);
  CHECK_ERR(cvm1_uuid_from_name("acme.example", w), CVM1_ERR_OK);
  CHECK(memcmp(u, w, 16) == 0 && u[6] >> 4 == 8 && (u[8] & 0xC0) == 0x80);
  CHECK_ERR(cvm1_uuid_from_name("acme.example2", w), CVM1_ERR_OK);
  CHECK(memcmp(u, w, 16) != 0);
  CHECK_ERR(cvm1_uuid_from_name("00112233-4455-6677-8899-AABBCCDDEEFF", u), CVM1_ERR_OK);
  CHECK(u[0] == 0x00 && u[1] == 0x11 && u[8] == 0x88 && u[15] == 0xFF);
  CHECK_ERR(cvm1_uuid_from_name("", u), CVM1_ERR_ARG);
  setenv("SOURCE_DATE_EPOCH", "1234567890", 1);
  CHECK(cvm1_build_time() == 1234567890u);
  cvm1_meta m;
  cvm1_meta_init(&m);
  CHECK(m.build_time == 1234567890u && m.security_counter == 0);
  setenv("SOURCE_DATE_EPOCH", "garbage", 1);
  CHECK(cvm1_build_time() > 1600000000u);
  unsetenv("SOURCE_DATE_EPOCH");
  uint8_t h[32];
  cvm1_sha256("abc", 3, h);
  CHECK(h[0] == 0xba && h[1] == 0x78 && h[31] == 0xad);
}

static bool has(const char *s, const char *sub) {
  if (!strstr(s, sub)) {
    fprintf(stderr, "missing in output: %s\n", sub);
    return false;
  }
  return true;
}

static void test_inspect(void) {
  char *k = art_keygen("i"), *p = with_ext(k, ".pub");
  char *k2 = art_keygen("i2");
  uint8_t pub[32], pub2[32];
  CHECK_ERR(cvm1_load_pub(p, pub), CVM1_ERR_OK);
  CHECK_ERR(cvm1_load_key_pub(k2, pub2), CVM1_ERR_OK);
  size_t len, slen;
  uint8_t *a = art_sample_artifact(&len);
  uint8_t *s = art_sign(a, len, k, &slen);

  CHECK_ERR(cvm1_check_auth(a, len, NULL, NULL), CVM1_ERR_OK);
  CHECK_ERR(cvm1_check_auth(a, len, pub, NULL), CVM1_ERR_UNSIGNED);
  CHECK_ERR(cvm1_check_auth(s, slen, pub, NULL), CVM1_ERR_OK);
  CHECK_ERR(cvm1_check_auth(s, slen, pub2, NULL), CVM1_ERR_UNKNOWN_KEY);
  CHECK_ERR(cvm1_check_auth(s, slen, NULL, NULL), CVM1_ERR_OK);
  CHECK_ERR(cvm1_check_auth(s, slen - 1, NULL, NULL), CVM1_ERR_TRUNCATED);
  char *t = cvm1_inspect(a, len, true, NULL);
  CHECK(t && has(t, "\"valid\": true") && has(t, "\"version\": \"1.2.3\"") &&
        has(t, "\"security_counter\": 7") && has(t, "\"abi_version\": \"1.1\"") &&
        has(t, "\"abi_match\": true") && has(t, "\"caps\": [\"TIME\", \"LOG\"]") &&
        has(t, "\"entry_main\": 0,") && has(t, "\"entry_setup\": null") &&
        has(t, "\"source_name\": \"sample.c\"") && has(t, "\"build_time\": 1700000000") &&
        has(t, "\"build_time_utc\": \"2023-11-14T22:13:20Z\"") &&
        has(t, "{\"type\": \"code\", \"type_id\": 1, \"optional\": false, \"offset\": 236, \"size\": 12}") &&
        has(t, "\"type\": \"names\"") && has(t, "\"signature\": null") &&
        has(t, "\"key_id\": null") && has(t, "\"signature_status\": \"unsigned\"") &&
        has(t, "\"source_digest\": \"000102030405") && has(t, "\"digest_ok\": true"));
  free(t);
  t = cvm1_inspect(s, slen, true, pub);
  CHECK(t && has(t, "\"valid\": true") && has(t, "\"signature_status\": \"valid\"") &&
        has(t, "\"key_id\": \""));
  free(t);
  t = cvm1_inspect(s, slen, true, NULL);
  CHECK(t && has(t, "\"signature_status\": \"present (not checked: no public key given)\""));
  free(t);
  t = cvm1_inspect(s, slen, true, pub2);
  CHECK(t && has(t, "\"valid\": false") && has(t, "\"signature_status\": \"signed by another key\"") &&
        has(t, "\"error_name\": \"UNKNOWN_KEY\""));
  free(t);
  t = cvm1_inspect(a, len, true, pub);
  CHECK(t && has(t, "\"valid\": false") && has(t, "\"error_name\": \"UNSIGNED\""));
  free(t);
  s[slen - 3] ^= 1;
  t = cvm1_inspect(s, slen, false, pub);
  CHECK(t && has(t, "signature         invalid") && has(t, "(ok)"));
  free(t);
  s[300] ^= 1;
  t = cvm1_inspect(s, slen, false, pub);
  CHECK(t && has(t, "(MISMATCH)") && has(t, "not checked (digest mismatch)"));
  free(t);
  t = cvm1_inspect(a, len, false, NULL);
  CHECK(t && has(t, "version           1.2.3") && has(t, "security_counter  7") &&
        has(t, "caps              TIME LOG") && has(t, "entry             main=0 setup=- loop=-") &&
        has(t, "  code     offset    236  size     12") && has(t, "(optional)") &&
        has(t, "signature         unsigned") && has(t, "2023-11-14T22:13:20Z"));
  free(t);
  t = cvm1_inspect(a, 10, true, NULL);
  CHECK(t && has(t, "\"valid\": false") && has(t, "\"error_name\": \"TRUNCATED\""));
  free(t);
  t = cvm1_inspect(a, 10, false, NULL);
  CHECK(t && has(t, "invalid artifact: artifact is truncated"));
  free(t);
  free(a); free(s); free(k); free(k2); free(p);
}

static void test_files(void) {
  char *f = art_path("f.bin");
  uint8_t big[10000];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
  CHECK_ERR(cvm1_write_file(f, big, sizeof big, 0640), CVM1_ERR_OK);
  struct stat st;
  CHECK(stat(f, &st) == 0 && (st.st_mode & 0777) == 0640);
  uint8_t *b;
  size_t n;
  CHECK_ERR(cvm1_read_file(f, &b, &n), CVM1_ERR_OK);
  CHECK(n == sizeof big && memcmp(b, big, n) == 0 && ((uintptr_t)b & 3) == 0);
  free(b);
  errno = 0;
  CHECK_ERR(cvm1_read_file("/nonexistent", &b, &n), CVM1_ERR_IO);
  CHECK(errno == ENOENT && b == NULL);
  CHECK_ERR(cvm1_write_file("/nonexistent/x", big, 1, 0644), CVM1_ERR_IO);
  free(f);
}

static const art_case tests[] = {
  { "keygen", test_keygen }, { "bad_keys", test_bad_keys }, { "sign", test_sign },
  { "build_trusted", test_build_and_trusted }, { "restamp", test_restamp }, { "writer", test_writer },
  { "meta", test_meta }, { "inspect", test_inspect }, { "files", test_files },
  { NULL, NULL }
};
int main(int argc, char **argv) { return art_main(argc, argv, tests); }
