/* Conversions among every integer type: truncation and sign or zero
** extension, explicit casts and implicit assignment. */
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

int main(void) {
  int v[] = { 0, 1, -1, 127, 128, 255, 256, -128, -129, 32767, 32768, 65535, 65536,
              -32768, -32769, 2147483647, -2147483647 - 1, 0x12345678 };
  for (int i = 0; i < 18; i++) {
    int x = v[i];
    int8_t i8 = x; uint8_t u8 = x; int16_t i16 = x; uint16_t u16 = x;
    char c = x; signed char sc = x; unsigned char uc = x; short sh = x;
    unsigned short us = x; unsigned u = x; bool b = x;
    printf("%d: %d %d %d %d %d %d %d %d %d %u %d\n", x, i8, u8, i16, u16, c, sc, uc, sh, us,
           u, b);
    printf("  casts: %d %d %d %d %u %d\n", (int8_t)x, (uint8_t)x, (int16_t)x, (uint16_t)x,
           (unsigned)x, (bool)x);
  }
  uint8_t u8 = 250;
  int8_t i8 = (int8_t)u8;
  uint16_t u16 = (uint16_t)i8;
  int16_t i16 = (int16_t)u16;
  uint32_t u32 = (uint32_t)i16;
  int32_t i32 = (int32_t)u32;
  printf("%d %d %d %d %u %d\n", u8, i8, u16, i16, u32, i32);

  unsigned char a = 0x80;
  signed char b = a;
  short c = b;
  unsigned short d = c;
  printf("%d %d %d %d\n", a, b, c, d);
  return 0;
}
