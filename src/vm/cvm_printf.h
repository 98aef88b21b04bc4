/*
** cvm_printf.h -- the guest printf formatter (freestanding).
**
** Conversions %d %i %u %x %X %c %s %%, flags '-' and '0' (any number, any
** order), a decimal field width up to CVM_PF_MAXWIDTH. Output is byte for
** byte what glibc's printf gives for the same format and values: '0' is
** ignored with '-' and for %c and %s, %c of 0 writes a NUL byte, %% ignores
** flags and width. No precision, no length modifiers, no '*'.
**
** Arguments are the guest's 32-bit register slots: one per integer
** conversion, two per %s (an array descriptor: base, count) which the
** caller's str() resolves. Unused trailing slots are ignored, as in C.
*/
#ifndef CVM_PRINTF_H
#define CVM_PRINTF_H

#include <stdint.h>

#define CVM_PF_MAXWIDTH 255u

#define CVM_PFERRORS(X) \
  X(OK,    "ok") \
  X(CONV,  "unsupported conversion in format") \
  X(END,   "format ends inside a conversion") \
  X(WIDTH, "field width too large") \
  X(ARGS,  "too few arguments for format") \
  X(STR,   "bad %s argument")

typedef enum cvm_pferr {
#define X(name, msg) CVM_PF_##name,
  CVM_PFERRORS(X)
#undef X
  CVM_PF__COUNT
} cvm_pferr;

const char *cvm_pferr_str(cvm_pferr e);

typedef struct cvm_pfio {
  /* Receives the output in pieces; NULL only counts (and validates). */
  void (*out)(void *ctx, const char *s, uint32_t n);
  /* Resolves a %s descriptor to its characters before the first NUL (at
  ** most count); NULL when the descriptor is invalid. */
  const char *(*str)(void *ctx, int32_t base, int32_t count, uint32_t *len);
  void *ctx;
} cvm_pfio;

/* Format fmt (fmtlen bytes, or up to its first NUL) with nargs argument
** slots. *written gets the number of characters produced (as printf
** returns). On an error, output already produced stays produced: callers
** wanting all-or-nothing run once with out = NULL first. */
cvm_pferr cvm_printf(const cvm_pfio *io, const char *fmt, uint32_t fmtlen,
                     const int32_t *args, uint32_t nargs, uint32_t *written);

#endif /* CVM_PRINTF_H */
