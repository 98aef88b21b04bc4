/* crc32: table-driven CRC-32 (IEEE) over a 4 KB buffer, repeated. */
#include <stdio.h>
#include <stdint.h>

uint32_t table[256];
uint8_t buf[4096];

void make_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
}

uint32_t crc32(uint32_t crc, uint8_t data[], int len) {
  crc = ~crc;
  for (int i = 0; i < len; i++) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

int main(void) {
  make_table();
  uint32_t x = 12345;
  for (int i = 0; i < 4096; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  uint32_t crc = 0;
  for (int r = 0; r < 3000; r++) crc = crc32(crc, buf, 4096);
  printf("crc32 %08x\n", crc);
  return 0;
}
