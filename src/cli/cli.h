/*
** cli.h -- the `cockpit` command: subcommand table and shared helpers.
**
** Each subcommand is one row of commands.def and one file cmd_<name>.c.
** Conventions: usage errors exit with CLI_EXIT_USAGE and a hint, bad input
** (files, syntax, artifacts, verification) with CLI_EXIT_ERROR, messages on
** stderr as "cockpit CMD: ...". `cockpit run` exits with the program's own
** status, or BOARD_STATUS_FAULT / BOARD_STATUS_LIMIT (board.h).
*/
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cvm.h"
#include "cvm1.h"

#define CLI_EXIT_OK    0
#define CLI_EXIT_ERROR 1
#define CLI_EXIT_USAGE 2

#define X(name, fn, help) int fn(int argc, char **argv);
#include "commands.def"
#undef X

/* Subcommand table, in commands.def order. */
typedef struct cli_command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *help;
} cli_command;
extern const cli_command cli_commands[];
extern const unsigned cli_ncommands;

/* If argv has --help or -h, print usage (a full help text) on stdout and
** return true. */
bool cli_help(int argc, char **argv, const char *usage);
/* "cockpit CMD: msg" + a hint on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "cockpit CMD: msg" on stderr; returns CLI_EXIT_ERROR. */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* argv[*i] is opt (or opt=VALUE): set *val to its value, advance *i.
** Returns 1 if matched, 0 if not, -1 (after a usage message) if the value
** is missing. */
int cli_opt(int argc, char **argv, int *i, const char *opt, const char **val);
bool cli_parse_u32(const char *s, uint32_t *v);   /* decimal or 0x hex */
bool cli_has_suffix(const char *s, const char *suffix);

/* Whole file, NUL-terminated (not counted in *len); NULL with a message. */
char *cli_read_file(const char *cmd, const char *path, size_t *len);
/* Write atomically; CLI_EXIT_OK, or CLI_EXIT_ERROR with a message. */
int cli_write_file(const char *cmd, const char *path, const uint8_t *buf, size_t len);

/* ---- programs: artifacts, or sources built in memory ------------------ */

/* Artifact metadata options shared by build and asm:
** --key FILE --version X.Y.Z --counter N --vendor NAME --class NAME --strip */
typedef struct cli_build_opts {
  cvm1_meta meta;
  const char *key;
} cli_build_opts;
void cli_build_opts_init(cli_build_opts *b);
/* Like cli_opt for the options above: 1 consumed, 0 not one, -1 error. */
int cli_build_opt(const char *cmd, cli_build_opts *b, int argc, char **argv, int *i);
extern const char cli_build_opts_help[];

/* Source text (.c or .s) -> artifact bytes (malloc'd). .c goes through the
** compiler, .s through the assembler; diagnostics on stderr. */
int cli_build(const char *cmd, const char *path, const char *src, size_t len,
              const cli_build_opts *b, uint8_t **art, size_t *artlen);

/* FILE.ext -> FILE.cvm1 (malloc'd). */
char *cli_default_output(const char *in);
/* The whole of `asm` and `build`: parse -o and the build options, build the
** one input (which must end in suffix, unless NULL), write the artifact. */
int cli_source_to_artifact(const char *cmd, const char *suffix, int argc, char **argv,
                           const char *full_usage);

typedef struct cli_prog {
  uint8_t *art;            /* the artifact bytes the program binds into */
  size_t len;
  cvm_prog prog;
  cvm1_info info;
  char *src;               /* source text, when known (for dis) */
  size_t srclen;
} cli_prog;

/* Load PATH for running or disassembly: *.c and *.s are built in memory and
** serialised, anything else is read as an artifact; either way it then goes
** through the one artifact reader. trust: public-key file every artifact
** must be signed with, or NULL. checked: digest, ABI and ISA must match
** (cvm1_check with unsigned artifacts allowed); otherwise structure only. */
int cli_load(const char *cmd, const char *path, const char *trust, bool checked,
             cli_prog *out);
void cli_prog_free(cli_prog *p);

/* ---- JSON output ------------------------------------------------------- */

typedef struct cli_json {
  FILE *f;
  int depth;
  bool first, key;         /* no comma before the next item; after a key */
  bool line;               /* the whole document on one line */
} cli_json;

void cli_json_init(cli_json *j, FILE *f);
/* The same, for one document per line (JSON Lines). */
void cli_json_init_line(cli_json *j, FILE *f);
void cli_json_open(cli_json *j, char bracket);   /* '{' or '[' */
void cli_json_close(cli_json *j, char bracket);  /* '}' or ']' */
void cli_json_key(cli_json *j, const char *key);
void cli_json_str(cli_json *j, const char *s);
void cli_json_int(cli_json *j, int64_t v);
void cli_json_bool(cli_json *j, bool v);
/* A number with `decimals` digits after the point; null if not finite. */
void cli_json_num(cli_json *j, double v, int decimals);
/* Finish the document with a newline. */
void cli_json_end(cli_json *j);

#endif /* CLI_H */
