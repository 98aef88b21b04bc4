/*
** fw_hashes.c -- host tool of the firmware build: prints the compiler flags
** that give a CVM_TINY device build this tree's ISA and Host ABI hashes
** (the device tables carry no hashed text).
*/
#include <stdio.h>

#include "cvm.h"

int main(void) {
  printf("CVM_HASH_DEFS := -DCVM_ISA_HASH_VALUE=0x%08xu -DCVM_ABI_HASH_VALUE=0x%08xu\n",
         cvm_isa_hash(), cvm_abi_hash());
  return 0;
}
