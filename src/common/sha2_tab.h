/* sha2_tab.h - constants shared by sha256.c and sha512.c (internal). */
#ifndef COCKPIT_SHA2_TAB_H
#define COCKPIT_SHA2_TAB_H

#include <stdint.h>

extern const uint64_t sha2_k[80];   /* round constants K */
extern const uint64_t sha2_iv[8];   /* SHA-512 initial hash value H(0) */

#endif
