/*
** fuzz_cvm1.c -- libFuzzer target for the CVM1 reader and verifier:
** cvm1_size, cvm1_open (binding a program, then the VM verifier over it),
** cvm1_check under a signing and an integrity-only policy, and inspect.
** Seeds (tests/fuzz/seeds/cvm1/) are signed by the key below.
*/
#include <stdlib.h>
#include <string.h>

#include "cvm1.h"

static const cvm1_pubkey seed_key = {
  0xd7, 0x3a, 0xef, 0x93, 0xd4, 0x24, 0xcb, 0xe4,
  0xd2, 0xd2, 0x33, 0xfa, 0x17, 0x1f, 0xc9, 0xf1,
  0xd7, 0xc9, 0x55, 0x3c, 0x1f, 0x49, 0xcf, 0xb1,
  0xac, 0x0a, 0x99, 0x4f, 0xfb, 0x1a, 0x8a, 0x96,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* exact-size, aligned copy: ASan catches any read past the end */
  uint8_t *b = malloc(size ? size : 1);
  if (!b) return 0;
  memcpy(b, data, size);

  uint32_t total;
  if (cvm1_size(b, size, &total) == CVM1_ERR_OK && total > size) abort();

  cvm_prog p;
  cvm1_info in;
  cvm1_err e = cvm1_open(b, size, &p, &in);
  if (e == CVM1_ERR_OK) {
    if (in.total_size != size || in.image_size > size) abort();
    uint32_t need = cvm_verify_scratch_size(&p);
    if (need <= (1u << 20)) {
      void *scratch = malloc(need ? need : 1);
      cvm_vinfo vi;
      if (scratch) cvm_verify(&p, CVM_CAPS_ALL, scratch, need, &vi);
      free(scratch);
    }
  }

  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.keys = &seed_key;
  pol.nkeys = 1;
  cvm1_err c = cvm1_check(b, size, &pol, NULL);
  /* structure errors of check and open agree */
  if (e != CVM1_ERR_OK && e != CVM1_ERR_CODE_ALIGN && c != e) abort();
  pol.flags = CVM1_POL_UNSIGNED_OK;
  pol.counter_floor = 5;
  cvm1_check(b, size, &pol, NULL);

  char *t = cvm1_inspect(b, size, size & 1, (size & 2) ? seed_key : NULL);
  free(t);
  free(b);
  return 0;
}
