/*
** cvm_host.c -- Host ABI dispatch: checks a SYS instruction's arguments and
** calls the board through hal.h. Freestanding.
**
** The verifier has proven the call exists, has the right number of slots
** and lies in a granted capability group; these are checked again here
** (cheaply) so a host call can never act on a malformed request. Values
** only known at run time are checked here: pins and channels (by the HAL),
** array descriptors (against the instance's memory or the read-only data),
** lengths against their descriptors, printf formats. Anything wrong faults
** with CVM_FAULT_HOST_ARG; bus-level failures (I2C NACK) are results.
**
** random(max): xorshift32 (Marsaglia 2003), one generator per process,
** seeded on first use after cvm_host_reset() (and at start-up):
**     s = hal_random_seed(); if (s == 0) s = 0x9E3779B9;
**     each call: s ^= s << 13; s ^= s >> 17; s ^= s << 5;
**                result = max <= 0 ? 0 : (int32_t)(s % (uint32_t)max);
** (all uint32_t arithmetic; max <= 0 does not advance the generator).
** Native builds of guest code reproduce the sequence with the same lines.
*/
#include "cvm.h"
#include "cvm_printf.h"
#include "hal.h"

/* ---- descriptors ------------------------------------------------------- */

static const uint8_t cvm_empty[1];

/* (base, count) of esize-byte elements inside [0, data_top) of memory, or,
** tagged CVM_DESC_RODATA, inside the read-only data. */
static const uint8_t *desc_resolve(const cvm_vm *vm, int32_t base, int32_t count,
                                   uint32_t esize, uint32_t *nbytes, bool write) {
  if (count < 0 || (esize != 1 && esize != 2 && esize != 4)) return NULL;
  uint64_t size = (uint64_t)(uint32_t)count * esize;
  uint32_t ub = (uint32_t)base;
  const uint8_t *area;
  uint32_t limit;
  if (ub & CVM_DESC_RODATA) {
    if (write || !vm->prog) return NULL;
    ub &= ~CVM_DESC_RODATA;
    area = vm->prog->rodata;
    limit = vm->prog->rodata_size;
  } else {
    area = vm->mem;
    limit = vm->data_top;
  }
  if (ub > limit || size > (uint64_t)(limit - ub)) return NULL;
  if (nbytes) *nbytes = (uint32_t)size;
  return area ? area + ub : cvm_empty;   /* empty area: only count 0 fits */
}

const uint8_t *cvm_desc_read(const cvm_vm *vm, int32_t base, int32_t count,
                             uint32_t esize, uint32_t *nbytes) {
  return desc_resolve(vm, base, count, esize, nbytes, false);
}

uint8_t *cvm_desc_write(const cvm_vm *vm, int32_t base, int32_t count,
                        uint32_t esize, uint32_t *nbytes) {
  /* Only memory descriptors resolve for writing, and memory is writable. */
  return (uint8_t *)(uintptr_t)desc_resolve(vm, base, count, esize, nbytes, true);
}

/* A string argument: its characters before the first NUL (at most count). */
static const char *desc_string(const cvm_vm *vm, int32_t base, int32_t count,
                               uint32_t *len) {
  uint32_t n;
  const uint8_t *p = cvm_desc_read(vm, base, count, 1, &n);
  if (!p) return NULL;
  uint32_t i = 0;
  while (i < n && p[i] != 0) i++;
  *len = i;
  return (const char *)p;
}

/* A byte buffer plus a length that must fit in it. */
static const uint8_t *desc_bytes(const cvm_vm *vm, const int32_t *d, int32_t len) {
  uint32_t n;
  const uint8_t *p = cvm_desc_read(vm, d[0], d[1], 1, &n);
  return p && len >= 0 && (uint32_t)len <= n ? p : NULL;
}
static uint8_t *desc_buffer(const cvm_vm *vm, const int32_t *d, int32_t len) {
  uint32_t n;
  uint8_t *p = cvm_desc_write(vm, d[0], d[1], 1, &n);
  return p && len >= 0 && (uint32_t)len <= n ? p : NULL;
}

/* ---- printf: streamed to the console through a small buffer ----------- */

typedef struct pf_sink {
  const cvm_vm *vm;
  uint32_t n;
  char buf[64];
} pf_sink;

static void pf_flush(pf_sink *k) {
  if (k->n) hal_console_write(k->buf, k->n);
  k->n = 0;
}

static void pf_out(void *ctx, const char *s, uint32_t n) {
  pf_sink *k = ctx;
  if (n > sizeof k->buf - k->n) {
    pf_flush(k);
    if (n > sizeof k->buf) { hal_console_write(s, n); return; }
  }
  for (uint32_t i = 0; i < n; i++) k->buf[k->n + i] = s[i];
  k->n += n;
}

static const char *pf_str(void *ctx, int32_t base, int32_t count, uint32_t *len) {
  return desc_string(((pf_sink *)ctx)->vm, base, count, len);
}

/* Validate the whole format first, so a bad one prints nothing. */
static cvm_fault host_printf(cvm_vm *vm, int32_t *a, uint32_t nslots) {
  uint32_t flen, written;
  const char *fmt = desc_string(vm, a[0], a[1], &flen);
  if (!fmt) return CVM_FAULT_HOST_ARG;
  pf_sink sink;
  sink.vm = vm;
  sink.n = 0;
  cvm_pfio io = { NULL, pf_str, &sink };
  if (cvm_printf(&io, fmt, flen, a + 2, nslots - 2, &written) != CVM_PF_OK)
    return CVM_FAULT_HOST_ARG;
  io.out = pf_out;
  cvm_printf(&io, fmt, flen, a + 2, nslots - 2, &written);
  pf_flush(&sink);
  a[0] = (int32_t)written;
  return CVM_FAULT_NONE;
}

/* ---- random ------------------------------------------------------------ */

static uint32_t rng_state;   /* 0: not seeded yet */

void cvm_host_reset(void) { rng_state = 0; }

/* I2C addresses the host owns (its status display, ...): a guest's
** transaction to one is refused with HAL_EOWNED and never reaches the bus. */
static uint8_t owned_i2c[128 / 8];

void cvm_host_own_i2c(uint8_t addr, bool own) {
  if (addr > 0x7F) return;
  if (own) owned_i2c[addr >> 3] |= (uint8_t)(1u << (addr & 7u));
  else owned_i2c[addr >> 3] &= (uint8_t)~(1u << (addr & 7u));
}

static bool i2c_owned(int32_t addr) { return owned_i2c[(uint32_t)addr >> 3] & (1u << (addr & 7)); }

static int32_t host_random(int32_t max) {
  if (max <= 0) return 0;
  uint32_t s = rng_state;
  if (s == 0) {
    s = hal_random_seed();
    if (s == 0) s = 0x9E3779B9u;
  }
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  rng_state = s;
  return (int32_t)(s % (uint32_t)max);
}

/* ---- dispatch ---------------------------------------------------------- */

static void host_sleep(cvm_vm *vm, uint64_t us) {
  vm->wake_us = hal_time_us() + us;
  vm->status = CVM_SLEEPING;
}

cvm_fault cvm_host_call(cvm_vm *vm, uint32_t id, int32_t *a, uint32_t nslots) {
  const cvm_hcinfo *hc = cvm_hc_find(id);
  if (!hc || !(vm->caps & CVM_CAPBIT(hc->cap))) return CVM_FAULT_HOST_ARG;
  bool variadic;
  uint32_t need = cvm_hc_slots(hc, &variadic);
  if (variadic ? nslots < need : nslots != need) return CVM_FAULT_HOST_ARG;

  int r = 0;
  switch ((cvm_hcid)id) {
  case CVM_HC_pinMode:
    r = hal_gpio_mode((uint32_t)a[0], (uint32_t)a[1]);
    break;
  case CVM_HC_digitalWrite:           /* any nonzero value is HIGH */
    r = hal_gpio_write((uint32_t)a[0], a[1] != 0);
    break;
  case CVM_HC_digitalRead:
    r = hal_gpio_read((uint32_t)a[0]);
    break;
  case CVM_HC_analogRead:
    r = hal_adc_read((uint32_t)a[0]);
    break;
  case CVM_HC_analogWrite:
    r = hal_pwm_write((uint32_t)a[0], (uint32_t)a[1]);
    break;
  case CVM_HC_delay:
    host_sleep(vm, (uint64_t)(uint32_t)a[0] * 1000u);
    break;
  case CVM_HC_delayMicroseconds:
    host_sleep(vm, (uint32_t)a[0]);
    break;
  /* Unsigned results use all 32 bits: they are returned as they are, never
  ** taken for HAL errors (micros() passes 2^31 after 36 minutes). */
  case CVM_HC_millis:
    a[0] = (int32_t)(uint32_t)(hal_time_us() / 1000u);
    return CVM_FAULT_NONE;
  case CVM_HC_micros:
    a[0] = (int32_t)(uint32_t)hal_time_us();
    return CVM_FAULT_NONE;
  case CVM_HC_printf:
    return host_printf(vm, a, nslots);
  case CVM_HC_putchar: {
    char c = (char)(uint8_t)a[0];
    hal_console_write(&c, 1);
    r = (uint8_t)a[0];
    break;
  }
  case CVM_HC_uart_begin:
    if (a[0] <= 0) return CVM_FAULT_HOST_ARG;
    r = hal_uart_begin((uint32_t)a[0]);
    break;
  case CVM_HC_uart_write:             /* the low 8 bits, as a uint8_t */
    r = hal_uart_write((uint8_t)a[0]) < 0 ? 0 : 1;
    a[0] = r;
    return CVM_FAULT_NONE;
  case CVM_HC_uart_available:
    r = hal_uart_available();
    a[0] = r < 0 ? 0 : r;
    return CVM_FAULT_NONE;
  case CVM_HC_uart_read:
    r = hal_uart_read();
    a[0] = r < 0 ? -1 : r;
    return CVM_FAULT_NONE;
  case CVM_HC_i2c_write: {
    const uint8_t *d = desc_bytes(vm, a + 1, a[3]);
    if ((uint32_t)a[0] > 0x7F || !d) return CVM_FAULT_HOST_ARG;
    if (i2c_owned(a[0])) { a[0] = HAL_EOWNED; return CVM_FAULT_NONE; }
    a[0] = hal_i2c_write((uint8_t)a[0], d, (uint32_t)a[3]);
    return CVM_FAULT_NONE;
  }
  case CVM_HC_i2c_read: {
    uint8_t *b = desc_buffer(vm, a + 1, a[3]);
    if ((uint32_t)a[0] > 0x7F || !b) return CVM_FAULT_HOST_ARG;
    if (i2c_owned(a[0])) { a[0] = HAL_EOWNED; return CVM_FAULT_NONE; }
    a[0] = hal_i2c_read((uint8_t)a[0], b, (uint32_t)a[3]);
    return CVM_FAULT_NONE;
  }
  case CVM_HC_i2c_write_read: {
    const uint8_t *d = desc_bytes(vm, a + 1, a[3]);
    uint8_t *b = desc_buffer(vm, a + 4, a[6]);
    if ((uint32_t)a[0] > 0x7F || !d || !b) return CVM_FAULT_HOST_ARG;
    if (i2c_owned(a[0])) { a[0] = HAL_EOWNED; return CVM_FAULT_NONE; }
    a[0] = hal_i2c_write_read((uint8_t)a[0], d, (uint32_t)a[3], b, (uint32_t)a[6]);
    return CVM_FAULT_NONE;
  }
  case CVM_HC_spi_transfer:           /* the low 8 bits, as a uint8_t */
    r = hal_spi_transfer((uint8_t)a[0]);
    if (r < 0) return CVM_FAULT_HOST;
    break;
  case CVM_HC_yield:
    vm->yielded = 1;
    vm->status = CVM_RUNNABLE;
    break;
  case CVM_HC_device_id:
    a[0] = (int32_t)hal_device_id();
    return CVM_FAULT_NONE;
  case CVM_HC_random:
    r = host_random(a[0]);
    break;
  case CVM_HC_event_emit: {
    uint32_t len;
    const char *name = desc_string(vm, a[0], a[1], &len);
    if (!name) return CVM_FAULT_HOST_ARG;
    hal_event(name, len, a[2]);
    break;
  }
  case CVM_HC_telemetry: {
    uint32_t len;
    const char *name = desc_string(vm, a[0], a[1], &len);
    if (!name) return CVM_FAULT_HOST_ARG;
    hal_telemetry(name, len, a[2]);
    break;
  }
  default:
    return CVM_FAULT_HOST_ARG;        /* in the table but not dispatched */
  }
  if (r < 0) return CVM_FAULT_HOST_ARG; /* HAL_EINVAL: no such pin, bad value */
  a[0] = r;
  return CVM_FAULT_NONE;
}
