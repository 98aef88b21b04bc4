/* Arrays of every element type: stores truncate, loads extend. */
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

int8_t s8[4] = { -1, 127, -128, 5 };
uint8_t u8[4] = { 255, 0, 128, 7 };
int16_t s16[3] = { -32768, 32767, -1 };
uint16_t u16[3] = { 65535, 0, 40000 };
unsigned u32[2] = { 4294967295u, 1u };
bool flags[3] = { true, false, true };
char text[6] = "abc";

int main(void) {
  for (int i = 0; i < 4; i++) printf("%d/%d ", s8[i], u8[i]);
  printf("\n");
  for (int i = 0; i < 3; i++) printf("%d/%d ", s16[i], u16[i]);
  printf("\n%u %u\n", u32[0], u32[1]);
  s8[3] = 300;
  u8[3] = -3;
  s16[2] = 70000;
  u16[2] = -2;
  flags[1] = 7;
  printf("%d %d %d %d %d\n", s8[3], u8[3], s16[2], u16[2], flags[1]);
  int8_t loc8[3];
  uint16_t loc16[3];
  for (int i = 0; i < 3; i++) {
    loc8[i] = (int8_t)(i * 100);
    loc16[i] = (uint16_t)(i * 30000);
  }
  for (int i = 0; i < 3; i++) printf("%d/%d ", loc8[i], loc16[i]);
  printf("\n");
  u8[0]++;
  s8[1]++;
  u16[0] += 2;
  printf("%d %d %d\n", u8[0], s8[1], u16[0]);
  text[3] = 'd';
  text[4] = 0;
  printf("%s %d\n", text, (int)sizeof text);
  int total = 0;
  for (int i = 0; i < 3; i++) total += flags[i];
  printf("%d\n", total);
  /* stores keep the low bytes; conversions that change more still run */
  int big = 0x12345;
  u8[0] = (uint8_t)big;
  u8[1] = (uint16_t)big;
  u8[2] = (bool)(big & 0x100);
  s16[0] = (int8_t)big;
  u16[0] = (uint8_t)big;
  u16[1] = (int)big;
  int y = u8[3] = (uint8_t)300;
  int z = (s8[0] = (int8_t)(big >> 4));
  printf("%d %d %d %d %d %d %d %d %d\n", u8[0], u8[1], u8[2], s16[0], u16[0], u16[1], y, z, s8[0]);
  s8[2] += 200;
  u16[2] -= 3;
  uint8_t w8 = (u8[1] += 250);
  printf("%d %d %d %d\n", s8[2], u16[2], w8, u8[1]);
  return 0;
}
