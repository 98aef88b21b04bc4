/*
** cvm_exec_prof.c -- the interpreter again, counting instructions by pc and
** opcode pairs (host builds only; see cvm_run_profile in cvm.h).
*/
#define CVM_PROFILE 1
#include "cvm_exec.c"
