/* coremark: a CoreMark-like mix -- list processing with index arrays,
** matrix arithmetic, a state machine scanning text, and CRC-16. */
#include <stdio.h>
#include <stdint.h>

#define LIST 64
int16_t list_val[LIST];
int16_t list_next[LIST];
int list_head;

#define MN 12
int16_t ma[MN][MN];
int16_t mb[MN][MN];
int32_t mc[MN][MN];

char input[] = "5012,1.23,-874,0x1F,17e3,abc,+42,-,3.5e-2,99,0,7.77,";

uint16_t crc16(uint16_t crc, uint32_t v) {
  for (int i = 0; i < 32; i++) {
    uint32_t bit = ((crc >> 15) ^ (v >> i)) & 1;
    crc = (uint16_t)(crc << 1);
    if (bit) crc ^= 0x1021;
  }
  return crc;
}

void list_init(int seed) {
  for (int i = 0; i < LIST; i++) {
    list_val[i] = (int16_t)((i * 37 + seed) % 1000);
    list_next[i] = (int16_t)(i + 1 < LIST ? i + 1 : -1);
  }
  list_head = 0;
}

/* reverse the list, then find values, then insertion-sort by value */
int list_work(int key) {
  int prev = -1, cur = list_head;
  while (cur >= 0) {
    int nx = list_next[cur];
    list_next[cur] = (int16_t)prev;
    prev = cur;
    cur = nx;
  }
  list_head = prev;
  int found = 0;
  for (cur = list_head; cur >= 0; cur = list_next[cur])
    if (list_val[cur] % 16 == key % 16) found++;
  int sorted = -1;
  cur = list_head;
  while (cur >= 0) {
    int nx = list_next[cur];
    if (sorted < 0 || list_val[cur] <= list_val[sorted]) {
      list_next[cur] = (int16_t)sorted;
      sorted = cur;
    } else {
      int p = sorted;
      while (list_next[p] >= 0 && list_val[list_next[p]] < list_val[cur]) p = list_next[p];
      list_next[cur] = list_next[p];
      list_next[p] = (int16_t)cur;
    }
    cur = nx;
  }
  list_head = sorted;
  return found + list_val[list_head];
}

int32_t matrix_work(int seed) {
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      ma[i][j] = (int16_t)((i * j + seed) % 64 - 32);
      mb[i][j] = (int16_t)((i + j * seed) % 32 - 16);
    }
  int32_t sum = 0;
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      int32_t s = 0;
      for (int k = 0; k < MN; k++) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
      sum += s > 100 ? s >> 2 : s;
    }
  return sum;
}

/* states: 0 start, 1 int, 2 frac, 3 exp, 4 hex, 5 invalid */
int scan_work(void) {
  int counts[6] = {0, 0, 0, 0, 0, 0};
  int state = 0, i = 0;
  while (input[i] != 0) {
    char ch = input[i++];
    if (ch == ',') {
      counts[state]++;
      state = 0;
      continue;
    }
    switch (state) {
      case 0:
        if (ch >= '0' && ch <= '9') state = 1;
        else if (ch == '+' || ch == '-') state = 1;
        else state = 5;
        break;
      case 1:
        if (ch == '.') state = 2;
        else if (ch == 'e' || ch == 'E') state = 3;
        else if (ch == 'x') state = 4;
        else if (ch < '0' || ch > '9') state = 5;
        break;
      case 2:
        if (ch == 'e' || ch == 'E') state = 3;
        else if (ch < '0' || ch > '9') state = 5;
        break;
      case 3:
        if ((ch < '0' || ch > '9') && ch != '-' && ch != '+') state = 5;
        break;
      case 4:
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F'))) state = 5;
        break;
      default:
        break;
    }
  }
  return counts[1] + counts[2] * 3 + counts[3] * 5 + counts[4] * 7 + counts[5] * 11;
}

int main(void) {
  uint16_t crc = 0;
  for (int it = 0; it < 10000; it++) {
    list_init(it);
    crc = crc16(crc, (uint32_t)list_work(it));
    crc = crc16(crc, (uint32_t)matrix_work(it));
    crc = crc16(crc, (uint32_t)scan_work());
  }
  printf("coremark %04x\n", crc);
  return 0;
}
