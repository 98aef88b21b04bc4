/*
** art_sample.c -- the sample program the artifact tests package.
*/
#define _POSIX_C_SOURCE 200809L
#include "art_test.h"


static const uint32_t code[] = {
  CVM_ENC_ABX(CVM_OP_LDI, 0, 42),      /* f0: main */
  CVM_ENC_ABC(CVM_OP_RET, 0, 0, 0),
  CVM_ENC_ABC(CVM_OP_RET0, 0, 0, 0),   /* f1: helper */
};
static const cvm1_func funcs[] = {
  { 0, 0, 2, 0, "main" },
  { 2, 1, 1, 0, "helper" },
};
static const cvm1_array arrays[] = {
  { 4, 3, 1, CVM_SP_G, 0 },
  { 0, 2, 2, CVM_SP_R, 0 },
};
static const uint8_t rodata[] = { 1, 0, 2, 0, 'h', 'i', 0 };
static const uint8_t data[] = { 9, 0, 0, 0, 'a', 'b', 'c' };
static const cvm1_line lines[] = { { 0, 3 }, { 2, 7 } };

void art_sample(cvm1_image *img) {
  memset(img, 0, sizeof *img);
  img->code = code; img->ncode = 3;
  img->funcs = funcs; img->nfuncs = 2;
  img->arrays = arrays; img->narrays = 2;
  img->rodata = rodata; img->rodata_size = sizeof rodata;
  img->data = data; img->data_size = sizeof data;
  img->globals_size = 8;
  img->mem_size = 256;
  img->max_depth = 4;
  img->caps = CVM_CAPBIT(CVM_CAP_LOG) | CVM_CAPBIT(CVM_CAP_TIME);
  img->entry_main = 0;
  img->entry_setup = CVM_NO_ENTRY;
  img->entry_loop = CVM_NO_ENTRY;
  img->lines = lines; img->nlines = 2;
  img->source_name = "sample.c";
}

uint8_t *art_sample_artifact(size_t *len) {
  cvm1_image img;
  cvm1_meta m;
  uint8_t *out = NULL;
  art_sample(&img);
  cvm1_meta_init(&m);
  m.version[0] = 1; m.version[1] = 2; m.version[2] = 3;
  m.security_counter = 7;
  m.build_time = 1700000000;
  cvm1_uuid_from_name("example.com", m.vendor_id);
  cvm1_uuid_from_name("example.com/blinky-board", m.class_id);
  for (int i = 0; i < 32; i++) m.source_digest[i] = (uint8_t)i;
  if (cvm1_write(&img, &m, &out, len) != CVM1_ERR_OK) {
    fprintf(stderr, "art_sample_artifact: cvm1_write failed\n");
    exit(2);
  }
  return out;
}

void art_wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
void art_wr32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

void art_reseal(uint8_t *a) {
  uint32_t image = cvm_rd32(a + 0x0C);
  if (cvm_rd16(a + image + 8) != CVM1_TLV_SHA256) {
    fprintf(stderr, "art_reseal: digest record is not first\n");
    exit(2);
  }
  cvm1_sha256(a, image, a + image + 12);
}

static char tmpdir[64];
const char *art_tmpdir(void) {
  if (!tmpdir[0]) {
    strcpy(tmpdir, "/tmp/cvm1-test.XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); exit(2); }
  }
  return tmpdir;
}
char *art_path(const char *name) {
  const char *d = art_tmpdir();
  char *p = malloc(strlen(d) + strlen(name) + 2);
  sprintf(p, "%s/%s", d, name);
  return p;
}
void art_cleanup(void) {
  if (!tmpdir[0]) return;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "art_cleanup: cannot remove %s\n", tmpdir);
  tmpdir[0] = 0;
}

char *art_keygen(const char *name) {
  char *base = art_path(name);
  cvm1_err e = cvm1_keygen(base);
  if (e) { fprintf(stderr, "art_keygen %s: %s\n", base, cvm1_err_str(e)); exit(2); }
  char *key = malloc(strlen(base) + 5);
  sprintf(key, "%s.key", base);
  free(base);
  return key;
}

uint8_t *art_sign(const uint8_t *a, size_t len, const char *key, size_t *olen) {
  uint8_t *out;
  cvm1_err e = cvm1_sign(a, len, key, &out, olen);
  if (e) { fprintf(stderr, "art_sign: %s\n", cvm1_err_str(e)); exit(2); }
  return out;
}

int art_main(int argc, char **argv, const art_case *cases) {
  const char *want = argc > 1 ? argv[1] : "all";
  int ran = 0;
  for (const art_case *c = cases; c->name; c++)
    if (!strcmp(want, "all") || !strcmp(want, c->name)) { c->fn(); ran++; }
  art_cleanup();
  if (!ran) { fprintf(stderr, "no test named %s\n", want); return 2; }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures != 0;
}
