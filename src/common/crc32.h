/* crc32.h - CRC-32 (IEEE 802.3, as zlib and PNG): reflected polynomial
** 0xEDB88320, initial value and final xor 0xFFFFFFFF.
** crc32_of("123456789", 9) == 0xCBF43926.
** crc32_update takes and returns finished CRCs, so calls chain:
** crc32_update(crc32_update(0, a, na), b, nb) == crc32_of(a||b). */
#ifndef COCKPIT_CRC32_H
#define COCKPIT_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32_update(uint32_t crc, const void *p, size_t n);
uint32_t crc32_of(const void *p, size_t n);

#endif
