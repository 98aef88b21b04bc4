/*
** test_roundtrip.c -- write -> open -> every field and section comes back.
*/
#include "art_test.h"

static void test_fields(void) {
  size_t len;
  uint8_t *a = art_sample_artifact(&len);
  cvm1_info in;
  cvm_prog p;
  CHECK_ERR(cvm1_open(a, len, &p, &in), CVM1_ERR_OK);
  CHECK(in.format_version == CVM1_FORMAT_VERSION);
  CHECK(in.header_size == CVM1_HEADER_SIZE);
  CHECK(in.total_size == len);
  CHECK(in.image_size % 4 == 0 && in.image_size < len);
  CHECK(in.abi_version == CVM_ABI_VERSION);
  CHECK(in.abi_hash == cvm_abi_hash());
  CHECK(in.isa_hash == cvm_isa_hash());
  CHECK(in.version[0] == 1 && in.version[1] == 2 && in.version[2] == 3);
  CHECK(in.security_counter == 7);
  CHECK(in.build_time == 1700000000);
  uint8_t v[16];
  cvm1_uuid_from_name("example.com", v);
  CHECK(memcmp(in.vendor_id, v, 16) == 0);
  CHECK((v[6] & 0xF0) == 0x80 && (v[8] & 0xC0) == 0x80);
  cvm1_uuid_from_name("example.com/blinky-board", v);
  CHECK(memcmp(in.class_id, v, 16) == 0);
  for (int i = 0; i < 32; i++) CHECK(in.source_digest[i] == i);
  { int nz = 0; for (int i = 0; i < 16; i++) nz |= in.build_id[i]; CHECK(nz); }
  CHECK(in.nsections == 7);
  CHECK(in.digest != NULL && in.signature == NULL && in.keyid == NULL);
  CHECK(in.unknown_tlvs == 0);

  cvm1_image img;
  art_sample(&img);
  CHECK(p.ncode == img.ncode && memcmp(p.code, img.code, 12) == 0);
  CHECK(((uintptr_t)p.code & 3) == 0);
  CHECK(p.nfuncs == 2 && CVM_FUNC_ENTRY(&p, 1) == 2 && CVM_FUNC_NPARAMS(&p, 1) == 1 &&
        CVM_FUNC_NSLOTS(&p, 0) == 2 && CVM_FUNC_ARRBYTES(&p, 0) == 0);
  CHECK(p.narrays == 2 && CVM_ARR_BASE(&p, 0) == 4 && CVM_ARR_COUNT(&p, 0) == 3 &&
        CVM_ARR_ESIZE(&p, 0) == 1 && CVM_ARR_SPACE(&p, 0) == CVM_SP_G &&
        CVM_ARR_SPACE(&p, 1) == CVM_SP_R && CVM_ARR_ESIZE(&p, 1) == 2);
  CHECK(p.rodata_size == img.rodata_size && memcmp(p.rodata, img.rodata, img.rodata_size) == 0);
  CHECK(p.data_size == img.data_size && memcmp(p.data, img.data, img.data_size) == 0);
  CHECK(p.globals_size == 8 && p.mem_size == 256 && p.max_depth == 4);
  CHECK(p.caps == img.caps);
  CHECK(p.entry_main == 0 && p.entry_setup == CVM_NO_ENTRY && p.entry_loop == CVM_NO_ENTRY);
  CHECK(p.nlines == 2 && cvm_rd32(p.lines + 8) == 2 && cvm_rd32(p.lines + 12) == 7);
  CHECK(p.names_size == sizeof "sample.c\0main\0helper");
  CHECK(p.names && strcmp(p.names, "sample.c") == 0);
  CHECK(strcmp(p.names + 9, "main") == 0 && strcmp(p.names + 14, "helper") == 0);
  free(a);
}

static const art_case tests[] = {
  { "fields", test_fields },
  { NULL, NULL }
};
int main(int argc, char **argv) { return art_main(argc, argv, tests); }
