/*
** test_docs.c -- docs/cvm1-format.md names every cvm1_err, every section
** type and every trailer record type the code defines.
*/
#include "art_test.h"

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: test_docs cvm1-format.md\n"); return 2; }
  uint8_t *doc;
  size_t n;
  if (cvm1_read_file(argv[1], &doc, &n)) { perror(argv[1]); return 2; }
  char *t = realloc(doc, n + 1);
  t[n] = 0;
  char want[64];
  for (int e = 1; e < CVM1_ERR__COUNT; e++) {
    snprintf(want, sizeof want, "`%s`", cvm1_err_name((cvm1_err)e));
    if (!strstr(t, want)) {
      t_failures++;
      fprintf(stderr, "docs lack error %s\n", want);
    }
  }
  static const struct { unsigned type; const char *row; } rows[] = {
    { CVM1_SECT_CODE, "| 1 | `code` |" }, { CVM1_SECT_FUNCS, "| 2 | `funcs` |" },
    { CVM1_SECT_ARRAYS, "| 3 | `arrays` |" }, { CVM1_SECT_RODATA, "| 4 | `rodata` |" },
    { CVM1_SECT_DATA, "| 5 | `data` |" }, { CVM1_SECT_LINES, "| 16 | `lines` |" },
    { CVM1_SECT_NAMES, "| 17 | `names` |" },
    { CVM1_TLV_KEYID, "| 0x01 | `KEYID` | 8 |" }, { CVM1_TLV_SHA256, "| 0x10 | `SHA256` | 32 |" },
    { CVM1_TLV_ED25519, "| 0x24 | `ED25519` | 64 |" },
  };
  for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++)
    if (!strstr(t, rows[i].row)) {
      t_failures++;
      fprintf(stderr, "docs lack row %s (type %u)\n", rows[i].row, rows[i].type);
    }
  snprintf(want, sizeof want, "| 0x06 | 2 | `header_size` | %u (0x%02X)", CVM1_HEADER_SIZE, CVM1_HEADER_SIZE);
  if (!strstr(t, want)) { t_failures++; fprintf(stderr, "docs lack %s\n", want); }
  free(t);
  return t_failures != 0;
}
