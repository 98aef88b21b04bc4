/*
** gen_cockpit_h.c -- writes guest/include/cockpit.h from the Host ABI table
** (isa/cvm_hostabi.def) on stdout. The test guest.header checks that the
** checked-in header is what this prints; `make update-cockpit-h` (target
** update-cockpit-h) rewrites it.
*/
#include <stdio.h>
#include <string.h>

typedef struct call {
  int id;
  const char *name, *cap, *ret, *sig, *params, *desc;
} call;

static const call calls[] = {
#define X(id, name, cap, ret, sig, params, desc) { id, #name, #cap, #ret, sig, params, desc },
#include "cvm_hostabi.def"
#undef X
};

/* Names <stdio.h> declares: natively those are the C library's. */
static int from_stdio(const char *n) { return !strcmp(n, "printf") || !strcmp(n, "putchar"); }

static const char *ctype(char c) {
  switch (c) {
    case 'v': return "void";
    case 'u': return "uint32_t";
    default: return "int32_t";
  }
}

/* Parameter i's name from the comma-separated list. */
static void param_name(const char *params, int i, char *out, size_t n) {
  const char *p = params;
  while (i-- > 0 && (p = strchr(p, ','))) p++;
  if (!p) { snprintf(out, n, "arg"); return; }
  while (*p == ' ') p++;
  size_t k = 0;
  while (p[k] && p[k] != ',' && k + 1 < n) { out[k] = p[k]; k++; }
  out[k] = '\0';
}

int main(void) {
  puts("/*\n"
       "** cockpit.h -- the built-ins of Cockpit C: pin constants and the Host ABI.\n"
       "**\n"
       "** Generated from isa/cvm_hostabi.def by guest/gen_cockpit_h.c; do not edit\n"
       "** (the test guest.header checks it is up to date).\n"
       "**\n"
       "** The Cockpit C compiler does not read this file: `#include \"cockpit.h\"`\n"
       "** turns on the same built-ins inside the compiler. The file is for\n"
       "** reading, and for compiling guest programs natively with gcc against\n"
       "** the stand-in library guest/native/cockpit_native.c:\n"
       "**   gcc -fwrapv -I guest/include prog.c guest/native/cockpit_native.c\n"
       "*/\n"
       "#ifndef COCKPIT_H\n"
       "#define COCKPIT_H\n"
       "\n"
       "#include <stdbool.h>\n"
       "#include <stdint.h>\n"
       "#include <stdio.h>   /* printf and putchar are the C library's natively */\n"
       "\n"
       "#define LOW          0\n"
       "#define HIGH         1\n"
       "#define INPUT        0\n"
       "#define OUTPUT       1\n"
       "#define INPUT_PULLUP 2\n"
       "#define LED_BUILTIN  13\n"
       "\n"
       "/* A name the C library also uses: the native stand-in renames it. */\n"
       "#define random cockpit_random");
  const char *cap = "";
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    const call *c = &calls[i];
    if (strcmp(cap, c->cap) != 0) {
      printf("\n/* %s */\n", c->cap);
      cap = c->cap;
    }
    if (from_stdio(c->name)) {
      printf("/* int %s(...): from <stdio.h>; %s */\n", c->name, c->desc);
      continue;
    }
    printf("%s %s(", ctype(c->ret[0]), c->name);
    int n = 0;
    for (const char *s = c->sig; *s; s++, n++) {
      char pn[32];
      param_name(c->params, n, pn, sizeof pn);
      if (n) printf(", ");
      switch (*s) {
        case 'i': printf("int32_t %s", pn); break;
        case 'u': printf("uint32_t %s", pn); break;
        case 'b': printf("const uint8_t %s[]", pn); break;
        case 'w': printf("uint8_t %s[]", pn); break;
        case 's': printf("const char %s[]", pn); break;
        default: printf("..."); break;
      }
    }
    if (n == 0) printf("void");
    printf(");\n    /* %s */\n", c->desc);
  }
  puts("\n#endif /* COCKPIT_H */");
  return 0;
}
