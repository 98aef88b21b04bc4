/*
** cli_json.c -- a small JSON writer: objects, arrays, strings with every
** required escape, integers, booleans; two-space indentation, or one line.
*/
#include <math.h>

#include "cli.h"

void cli_json_init(cli_json *j, FILE *f) { *j = (cli_json){ .f = f, .first = true }; }
void cli_json_init_line(cli_json *j, FILE *f) { *j = (cli_json){ .f = f, .first = true, .line = true }; }

static void indent(cli_json *j) {
  if (j->line) {
    fputc(' ', j->f);
    return;
  }
  fputc('\n', j->f);
  for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
}

/* Separator before a value (not after a key). */
static void item(cli_json *j) {
  if (j->key) {
    j->key = false;
    return;
  }
  if (!j->first) fputc(',', j->f);
  if (j->depth > 0) indent(j);
  j->first = false;
}

void cli_json_open(cli_json *j, char bracket) {
  item(j);
  fputc(bracket, j->f);
  j->depth++;
  j->first = true;
}

void cli_json_close(cli_json *j, char bracket) {
  j->depth--;
  if (!j->first) indent(j);
  fputc(bracket, j->f);
  j->first = false;
}

static void string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", f); break;
      case '\\': fputs("\\\\", f); break;
      case '\n': fputs("\\n", f); break;
      case '\r': fputs("\\r", f); break;
      case '\t': fputs("\\t", f); break;
      default:
        if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
  }
  fputc('"', f);
}

void cli_json_key(cli_json *j, const char *key) {
  item(j);
  string(j->f, key);
  fputs(": ", j->f);
  j->key = true;
}

void cli_json_str(cli_json *j, const char *s) {
  item(j);
  string(j->f, s ? s : "");
}

void cli_json_int(cli_json *j, int64_t v) {
  item(j);
  fprintf(j->f, "%lld", (long long)v);
}

void cli_json_bool(cli_json *j, bool v) {
  item(j);
  fputs(v ? "true" : "false", j->f);
}

void cli_json_num(cli_json *j, double v, int decimals) {
  item(j);
  if (!isfinite(v)) fputs("null", j->f);
  else fprintf(j->f, "%.*f", decimals, v);
}

void cli_json_end(cli_json *j) { fputc('\n', j->f); }
