/*
** cvm1_host_int.h -- internals of the host library (OpenSSL types).
*/
#ifndef CVM1_HOST_INT_H
#define CVM1_HOST_INT_H

#include <openssl/evp.h>

#include "cvm1_int.h"

cvm1_err cvm1_key_load(const char *path, EVP_PKEY **key);   /* Ed25519 only */
cvm1_err cvm1_key_raw_pub(EVP_PKEY *k, uint8_t pub[32]);

#endif /* CVM1_HOST_INT_H */
