/*
** cockpitc.h -- the Cockpit C compiler: guest C subset -> CVM bytecode.
**
** Host-side C (libc). One call compiles one source file held in memory into
** a cvm1_image (see src/artifact/cvm1.h) that the artifact writer packages
** or the VM runs directly. The language is described in docs/language.md.
*/
#ifndef COCKPITC_H
#define COCKPITC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cvm1.h"

typedef struct cc_options {
  int optimize;            /* 0 or 1 (default 1) */
  uint32_t stack_bytes;    /* frame space to reserve; 0 = compiler's default/exact */
} cc_options;

typedef struct cc_program cc_program;   /* opaque, owns everything */

/* Compile one source file held in memory. Diagnostics go to diag in GCC form
** (FILE:LINE:COL: error: msg, source line, caret). Returns NULL on error and
** sets *nerrors (may be NULL). opt may be NULL (defaults); diag may be NULL
** (diagnostics discarded). */
cc_program *cc_compile(const char *filename, const char *src, size_t len,
                       const cc_options *opt, FILE *diag, int *nerrors);
const cvm1_image *cc_image(const cc_program *p);
void cc_free(cc_program *p);

#endif /* COCKPITC_H */
