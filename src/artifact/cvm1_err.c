/*
** cvm1_err.c -- error messages (a separate room: a bootloader that never
** prints one does not link them).
*/
#include "cvm1_int.h"

static const char *const err_msg[] = {
#define X(name, msg) msg,
  CVM1_ERRORS(X)
#undef X
};
static const char *const err_name[] = {
#define X(name, msg) #name,
  CVM1_ERRORS(X)
#undef X
};

const char *cvm1_err_str(cvm1_err e) {
  return (unsigned)e < CVM1_ERR__COUNT ? err_msg[e] : "unknown CVM1 error";
}
const char *cvm1_err_name(cvm1_err e) {
  return (unsigned)e < CVM1_ERR__COUNT ? err_name[e] : "UNKNOWN";
}
