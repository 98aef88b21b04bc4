/*
** art_tool.c -- helper for the CLI tests: write the sample artifact, flip
** one byte of a file, print a file's size.
**   art_tool sample OUT | flip IN OUT POS | size IN
*/
#include "art_test.h"

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "sample")) {
    size_t len;
    uint8_t *a = art_sample_artifact(&len);
    int rc = cvm1_write_file(argv[2], a, len, 0644) != CVM1_ERR_OK;
    free(a);
    return rc;
  }
  uint8_t *b;
  size_t n;
  if (argc == 5 && !strcmp(argv[1], "flip")) {
    long pos = atol(argv[4]);
    if (cvm1_read_file(argv[2], &b, &n) || pos < 0 || (size_t)pos >= n) return 2;
    b[pos] ^= 0xFF;
    int rc = cvm1_write_file(argv[3], b, n, 0644) != CVM1_ERR_OK;
    free(b);
    return rc;
  }
  if (argc == 3 && !strcmp(argv[1], "size")) {
    if (cvm1_read_file(argv[2], &b, &n)) return 2;
    printf("%zu\n", n);
    free(b);
    return 0;
  }
  fprintf(stderr, "usage: art_tool sample OUT | flip IN OUT POS | size IN\n");
  return 2;
}
