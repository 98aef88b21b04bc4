/* printf conversions %d %i %u %x %X %c %s %%, flags - and 0, widths: byte
** for byte what C prints. */
#include <stdio.h>

int main(void) {
  int v[] = { 0, 1, -1, 42, -42, 255, 65535, 2147483647, -2147483647 - 1 };
  for (int i = 0; i < 9; i++) {
    int x = v[i];
    printf("[%d] [%i] [%u] [%x] [%X]\n", x, x, x, x, x);
    printf("[%5d] [%-5d] [%05d] [%-05d] [%12u] [%08x] [%-8X|]\n", x, x, x, x, x, x, x);
  }
  printf("[%c] [%3c] [%-3c] [%03c]\n", 'q', 'w', 'e', 'r');
  printf("[%s] [%8s] [%-8s] [%08s] [%2s]\n", "str", "right", "left", "zero", "long");
  printf("100%% [%%] [%5%]\n");
  printf("[%0d] [%1d] [%20d] [%-20d]\n", 7, 77, -123456, -123456);
  printf("[%010d] [%010i] [%-010u]\n", -99, 99, 99u);
  printf("%d%d%d\n", 1, 2, 3);
  printf("no conversions\n");
  printf("%x %x %X\n", 0xabcdef, 10, 0xFACE);
  printf("[%--5d] [%0-5d] [%00d]\n", 3, 4, 5);
  int n = printf("count me\n");
  printf("%d\n", n);
  printf("%c", 'A');
  printf("%c%c\n", 66, 0x43);
  char word[] = "word";
  printf("%s|%6s|%-6s|\n", word, word, word);
  return 0;
}
