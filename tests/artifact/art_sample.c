/*
** art_sample.c -- the sample program the artifact tests package.
*/
#include "art_test.h"

int art_failures;

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
