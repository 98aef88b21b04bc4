/*
** cli_util.c -- helpers every subcommand shares: help and error messages,
** option values, files, building sources in memory, loading programs.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "cli.h"
#include "cockpitc.h"

bool cli_help(int argc, char **argv, const char *usage) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage, stdout);
      return true;
    }
  }
  return false;
}

static void vmsg(const char *cmd, const char *fmt, va_list ap) {
  fflush(stdout);
  fprintf(stderr, "cockpit %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(cmd, fmt, ap);
  va_end(ap);
  fprintf(stderr, "Try 'cockpit %s --help'.\n", cmd);
  return CLI_EXIT_USAGE;
}

int cli_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(cmd, fmt, ap);
  va_end(ap);
  return CLI_EXIT_ERROR;
}

int cli_opt(int argc, char **argv, int *i, const char *opt, const char **val) {
  const char *a = argv[*i];
  size_t n = strlen(opt);
  if (strncmp(a, opt, n) != 0) return 0;
  if (a[n] == '=') {
    *val = a + n + 1;
    (*i)++;
    return 1;
  }
  if (a[n] != '\0') return 0;
  if (*i + 1 >= argc) {
    cli_usage_error(argv[0], "option %s needs a value", opt);
    return -1;
  }
  *val = argv[*i + 1];
  *i += 2;
  return 1;
}

bool cli_parse_u32(const char *s, uint32_t *v) {
  if (!s || !*s || *s == '-' || *s == '+') return false;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 0);
  if (errno || *end || x > UINT32_MAX) return false;
  *v = (uint32_t)x;
  return true;
}

bool cli_has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

char *cli_read_file(const char *cmd, const char *path, size_t *len) {
  uint8_t *buf;
  size_t n;
  cvm1_err e = cvm1_read_file(path, &buf, &n);
  if (e) {
    cli_error(cmd, "%s: %s", path, strerror(errno));
    return NULL;
  }
  char *s = realloc(buf, n + 1);
  if (!s) {
    free(buf);
    cli_error(cmd, "%s: out of memory", path);
    return NULL;
  }
  s[n] = '\0';
  *len = n;
  return s;
}

int cli_write_file(const char *cmd, const char *path, const uint8_t *buf, size_t len) {
  if (cvm1_write_file(path, buf, len, 0644) != CVM1_ERR_OK)
    return cli_error(cmd, "%s: %s", path, strerror(errno));
  return CLI_EXIT_OK;
}

/* ---- building ------------------------------------------------------------ */

const char cli_build_opts_help[] =
  "  --key FILE       sign with this Ed25519 private key (see keygen)\n"
  "  --version X.Y.Z  program version recorded in the artifact (default 0.0.0)\n"
  "  --counter N      security counter for anti-rollback (default 0)\n"
  "  --vendor NAME    vendor id (a name, or a UUID)\n"
  "  --class NAME     device class id (a name, or a UUID)\n"
  "  --strip          leave out the debug sections (line table, names)\n";

void cli_build_opts_init(cli_build_opts *b) {
  cvm1_meta_init(&b->meta);
  b->key = NULL;
}

int cli_build_opt(const char *cmd, cli_build_opts *b, int argc, char **argv, int *i) {
  const char *v;
  int r;
  if (strcmp(argv[*i], "--strip") == 0) {
    b->meta.strip = true;
    (*i)++;
    return 1;
  }
  if ((r = cli_opt(argc, argv, i, "--key", &v)) != 0) {
    if (r > 0) b->key = v;
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--version", &v)) != 0) {
    if (r > 0 && cvm1_parse_version(v, b->meta.version) != CVM1_ERR_OK) {
      cli_usage_error(cmd, "bad --version '%s' (expected X.Y.Z)", v);
      return -1;
    }
    return r;
  }
  if ((r = cli_opt(argc, argv, i, "--counter", &v)) != 0) {
    if (r > 0 && !cli_parse_u32(v, &b->meta.security_counter)) {
      cli_usage_error(cmd, "bad --counter '%s' (expected 0..4294967295)", v);
      return -1;
    }
    return r;
  }
  const char *idopt[2] = { "--vendor", "--class" };
  uint8_t *id[2] = { b->meta.vendor_id, b->meta.class_id };
  for (int k = 0; k < 2; k++) {
    if ((r = cli_opt(argc, argv, i, idopt[k], &v)) != 0) {
      if (r > 0 && cvm1_uuid_from_name(v, id[k]) != CVM1_ERR_OK) {
        cli_usage_error(cmd, "bad %s '%s'", idopt[k], v);
        return -1;
      }
      return r;
    }
  }
  return 0;
}

int cli_build(const char *cmd, const char *path, const char *src, size_t len,
              const cli_build_opts *b, uint8_t **art, size_t *artlen) {
  const cvm1_image *img = NULL;
  asm_prog *ap = NULL;
  cc_program *cp = NULL;
  if (cli_has_suffix(path, ".s")) {
    asm_diag d;
    ap = asm_assemble(path, src, len, stderr, &d);
    if (!ap) return cli_error(cmd, "%s: %d error%s", path, d.nerrors, d.nerrors == 1 ? "" : "s");
    img = asm_image(ap);
  } else if (cli_has_suffix(path, ".c")) {
    int nerr = 0;
    cp = cc_compile(path, src, len, NULL, stderr, &nerr);
    if (!cp) return CLI_EXIT_ERROR;   /* the compiler said why */
    img = cc_image(cp);
  } else {
    return cli_error(cmd, "%s: not a source file (expected .c or .s)", path);
  }
  cvm1_meta meta = b->meta;
  cvm1_sha256(src, len, meta.source_digest);
  cvm1_err e = cvm1_build(img, &meta, b->key, art, artlen);
  asm_free(ap);
  cc_free(cp);
  if (e) {
    if (e == CVM1_ERR_IO || e == CVM1_ERR_KEY) return cli_error(cmd, "%s: %s", b->key, cvm1_err_str(e));
    return cli_error(cmd, "%s: %s", path, cvm1_err_str(e));
  }
  return CLI_EXIT_OK;
}

/* FILE.s -> FILE.cvm1 (malloc'd). */
char *cli_default_output(const char *in) {
  size_t n = strlen(in);
  const char *dot = strrchr(in, '.'), *slash = strrchr(in, '/');
  if (dot && (!slash || dot > slash)) n = (size_t)(dot - in);
  char *out = malloc(n + 6);
  if (out) {
    memcpy(out, in, n);
    strcpy(out + n, ".cvm1");
  }
  return out;
}

int cli_source_to_artifact(const char *cmd, const char *suffix, int argc, char **argv,
                           const char *full_usage) {
  if (cli_help(argc, argv, full_usage)) return CLI_EXIT_OK;
  cli_build_opts b;
  cli_build_opts_init(&b);
  const char *in = NULL, *out = NULL, *v;
  for (int i = 1; i < argc;) {
    int r = cli_opt(argc, argv, &i, "-o", &v);
    if (r < 0) return CLI_EXIT_USAGE;
    if (r > 0) { out = v; continue; }
    if ((r = cli_build_opt(cmd, &b, argc, argv, &i)) < 0) return CLI_EXIT_USAGE;
    if (r > 0) continue;
    if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error(cmd, "unknown option '%s'", argv[i]);
    if (in) return cli_usage_error(cmd, "more than one input file");
    in = argv[i++];
  }
  if (!in) return cli_usage_error(cmd, "no input file");
  if (suffix && !cli_has_suffix(in, suffix))
    return cli_usage_error(cmd, "'%s' is not a %s file", in, suffix);
  size_t len;
  char *src = cli_read_file(cmd, in, &len);
  if (!src) return CLI_EXIT_ERROR;
  uint8_t *art = NULL;
  size_t artlen = 0;
  int rc = cli_build(cmd, in, src, len, &b, &art, &artlen);
  free(src);
  if (rc) return rc;
  char *def = out ? NULL : cli_default_output(in);
  if (!out && !def) {
    free(art);
    return cli_error(cmd, "out of memory");
  }
  rc = cli_write_file(cmd, out ? out : def, art, artlen);
  free(def);
  free(art);
  return rc;
}

/* ---- loading --------------------------------------------------------------- */

int cli_load(const char *cmd, const char *path, const char *trust, bool checked,
             cli_prog *out) {
  *out = (cli_prog){0};
  int rc;
  if (cli_has_suffix(path, ".c") || cli_has_suffix(path, ".s")) {
    out->src = cli_read_file(cmd, path, &out->srclen);
    if (!out->src) return CLI_EXIT_ERROR;
    cli_build_opts b;
    cli_build_opts_init(&b);
    if ((rc = cli_build(cmd, path, out->src, out->srclen, &b, &out->art, &out->len))) {
      cli_prog_free(out);
      return rc;
    }
  } else if (cvm1_read_file(path, &out->art, &out->len) != CVM1_ERR_OK) {
    return cli_error(cmd, "%s: %s", path, strerror(errno));
  }
  cvm1_err e;
  if (trust) {
    e = cvm1_load_trusted(out->art, out->len, trust, CVM_CAPS_ALL, &out->prog, &out->info);
  } else if (checked) {
    cvm1_policy pol;
    cvm1_policy_init(&pol);
    pol.flags |= CVM1_POL_UNSIGNED_OK;
    e = cvm1_load(out->art, out->len, &pol, &out->prog, &out->info);
  } else {
    e = cvm1_open(out->art, out->len, &out->prog, &out->info);
  }
  if (e) {
    bool keyfile = e == CVM1_ERR_IO || e == CVM1_ERR_KEY || e == CVM1_ERR_KEY_NONCANONICAL ||
                   e == CVM1_ERR_KEY_NOT_ON_CURVE || e == CVM1_ERR_KEY_SMALL_ORDER;
    rc = keyfile && trust
           ? cli_error(cmd, "%s: %s", trust, cvm1_err_str(e))
           : cli_error(cmd, "%s: refused: %s", path, cvm1_err_str(e));
    cli_prog_free(out);
    return rc;
  }
  return CLI_EXIT_OK;
}

void cli_prog_free(cli_prog *p) {
  free(p->art);
  free(p->src);
  *p = (cli_prog){0};
}
