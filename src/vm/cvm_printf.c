/*
** cvm_printf.c -- the guest printf formatter. See cvm_printf.h.
*/
#include "cvm_printf.h"

#include <stdbool.h>
#include <stddef.h>

static const char *const pf_msgs[] = {
#define X(name, msg) msg,
  CVM_PFERRORS(X)
#undef X
};

const char *cvm_pferr_str(cvm_pferr e) {
  return (unsigned)e < CVM_PF__COUNT ? pf_msgs[e] : "unknown printf error";
}

typedef struct pf_state {
  const cvm_pfio *io;
  uint32_t count;
} pf_state;

static void pf_emit(pf_state *st, const char *s, uint32_t n) {
  if (n == 0) return;
  if (st->io->out) st->io->out(st->io->ctx, s, n);
  st->count += n;
}

static void pf_pad(pf_state *st, char c, uint32_t n) {
  static const char spaces[16] = {' ',' ',' ',' ',' ',' ',' ',' ',
                                  ' ',' ',' ',' ',' ',' ',' ',' '};
  static const char zeros[16] = {'0','0','0','0','0','0','0','0',
                                 '0','0','0','0','0','0','0','0'};
  while (n > 0) {
    uint32_t k = n < 16 ? n : 16;
    pf_emit(st, c == '0' ? zeros : spaces, k);
    n -= k;
  }
}

/* Emit prefix (sign) and body padded to width. Zero padding goes between
** them, space padding outside; '-' pads on the right with spaces. */
static void pf_field(pf_state *st, const char *pre, uint32_t npre,
                     const char *body, uint32_t nbody, uint32_t width,
                     bool left, bool zero) {
  uint32_t len = npre + nbody;
  uint32_t fill = width > len ? width - len : 0;
  if (left) {
    pf_emit(st, pre, npre);
    pf_emit(st, body, nbody);
    pf_pad(st, ' ', fill);
  } else if (zero) {
    pf_emit(st, pre, npre);
    pf_pad(st, '0', fill);
    pf_emit(st, body, nbody);
  } else {
    pf_pad(st, ' ', fill);
    pf_emit(st, pre, npre);
    pf_emit(st, body, nbody);
  }
}

cvm_pferr cvm_printf(const cvm_pfio *io, const char *fmt, uint32_t fmtlen,
                     const int32_t *args, uint32_t nargs, uint32_t *written) {
  static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
  pf_state st = { io, 0 };
  uint32_t i = 0, k = 0;
  cvm_pferr err = CVM_PF_OK;

  while (i < fmtlen && fmt[i] != '\0') {
    uint32_t start = i;
    while (i < fmtlen && fmt[i] != '\0' && fmt[i] != '%') i++;
    pf_emit(&st, fmt + start, i - start);
    if (i >= fmtlen || fmt[i] != '%') break;
    i++;                                            /* the '%' */

    bool left = false, zero = false;
    uint32_t width = 0;
    for (; i < fmtlen && (fmt[i] == '-' || fmt[i] == '0'); i++) {
      if (fmt[i] == '-') left = true; else zero = true;
    }
    for (; i < fmtlen && fmt[i] >= '0' && fmt[i] <= '9'; i++) {
      width = width * 10 + (uint32_t)(fmt[i] - '0');
      if (width > CVM_PF_MAXWIDTH) { err = CVM_PF_WIDTH; goto done; }
    }
    if (i >= fmtlen || fmt[i] == '\0') { err = CVM_PF_END; goto done; }
    char conv = fmt[i++];

    switch (conv) {
    case '%':
      pf_emit(&st, "%", 1);
      break;
    case 'd': case 'i': case 'u': case 'x': case 'X': {
      if (k >= nargs) { err = CVM_PF_ARGS; goto done; }
      int32_t v = args[k++];
      bool neg = (conv == 'd' || conv == 'i') && v < 0;
      uint32_t u = neg ? 0u - (uint32_t)v : (uint32_t)v;
      uint32_t base = (conv == 'x' || conv == 'X') ? 16 : 10;
      const char *dig = conv == 'X' ? upper : lower;
      char buf[10];
      uint32_t n = sizeof buf;
      do { buf[--n] = dig[u % base]; u /= base; } while (u != 0);
      pf_field(&st, "-", neg ? 1 : 0, buf + n, (uint32_t)sizeof buf - n,
               width, left, zero);
      break;
    }
    case 'c': {
      if (k >= nargs) { err = CVM_PF_ARGS; goto done; }
      char c = (char)(uint8_t)args[k++];
      pf_field(&st, "", 0, &c, 1, width, left, false);
      break;
    }
    case 's': {
      if (nargs - k < 2) { err = CVM_PF_ARGS; goto done; }
      uint32_t len = 0;
      const char *s = io->str ? io->str(io->ctx, args[k], args[k + 1], &len) : NULL;
      k += 2;
      if (s == NULL) { err = CVM_PF_STR; goto done; }
      pf_field(&st, "", 0, s, len, width, left, false);
      break;
    }
    default:
      err = CVM_PF_CONV;
      goto done;
    }
  }
done:
  if (written) *written = st.count;
  return err;
}
