/* CRC-32 (IEEE) bitwise and with a table, over a string and a buffer. */
#include <stdio.h>
#include <stdint.h>

uint32_t table[256];

void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

uint32_t crc_bits(const char s[], int n) {
  uint32_t c = 0xFFFFFFFFu;
  for (int i = 0; i < n; i++) {
    c ^= (uint8_t)s[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

uint32_t crc_table(const uint8_t b[], int n) {
  uint32_t c = 0xFFFFFFFFu;
  for (int i = 0; i < n; i++) c = table[(c ^ b[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint8_t crc8(const uint8_t b[], int n) {
  uint8_t c = 0;
  for (int i = 0; i < n; i++) {
    c ^= b[i];
    for (int k = 0; k < 8; k++) c = (c & 0x80) ? (uint8_t)((c << 1) ^ 0x07) : (uint8_t)(c << 1);
  }
  return c;
}

int main(void) {
  make_table();
  char s[] = "123456789";
  printf("%08x\n", crc_bits(s, 9));
  uint8_t buf[64];
  for (int i = 0; i < 64; i++) buf[i] = (uint8_t)(i * 37 + 11);
  printf("%08x %08x\n", crc_table(buf, 64), crc_table(buf, 0));
  uint8_t digits[9];
  for (int i = 0; i < 9; i++) digits[i] = (uint8_t)s[i];
  printf("%08x %02x\n", crc_table(digits, 9), crc8(digits, 9));
  return 0;
}
