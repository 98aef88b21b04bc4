/*
** cvm_exec_tiny.c -- the device build of the interpreter (CVM_TINY), for the
** host's unit tests: the handlers the device shares to save flash must
** behave exactly as the host's.
*/
#define CVM_TINY 1
#include "cvm_exec.c"
