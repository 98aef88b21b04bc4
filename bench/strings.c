/* strings: length, copy, reverse, compare, search and number formatting on
** char arrays. */
#include <stdio.h>
#include <stdint.h>

char text[256];
char work[256];
char digits[16];

int str_len(char s[]) {
  int n = 0;
  while (s[n] != 0) n++;
  return n;
}

void str_copy(char dst[], char src[]) {
  int i = 0;
  while ((dst[i] = src[i]) != 0) i++;
}

void str_reverse(char s[]) {
  int i = 0, j = str_len(s) - 1;
  while (i < j) {
    char t = s[i];
    s[i] = s[j];
    s[j] = t;
    i++;
    j--;
  }
}

int str_cmp(char a[], char b[]) {
  int i = 0;
  while (a[i] != 0 && a[i] == b[i]) i++;
  return (unsigned char)a[i] - (unsigned char)b[i];
}

int str_find(char hay[], char needle[]) {
  int n = str_len(hay), m = str_len(needle);
  for (int i = 0; i + m <= n; i++) {
    int k = 0;
    while (k < m && hay[i + k] == needle[k]) k++;
    if (k == m) return i;
  }
  return -1;
}

int utoa(uint32_t v, char out[]) {
  int n = 0;
  do {
    out[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out[n] = 0;
  str_reverse(out);
  return n;
}

int main(void) {
  char needle[] = "needle";
  uint32_t check = 0;
  for (int r = 0; r < 40000; r++) {
    int n = 0;
    uint32_t x = (uint32_t)r * 2654435761u;
    while (n < 200) {
      x = x * 1103515245u + 12345u;
      text[n++] = (char)('a' + (x >> 16) % 26);
    }
    text[n] = 0;
    if (r % 3 == 0) {
      int at = r % 190;
      for (int k = 0; k < 6; k++) text[at + k] = needle[k];
    }
    str_copy(work, text);
    str_reverse(work);
    check += (uint32_t)str_cmp(text, work) + (uint32_t)str_find(text, needle);
    check += (uint32_t)utoa(x, digits) + (uint32_t)digits[0];
  }
  printf("strings %u\n", check);
  return 0;
}
