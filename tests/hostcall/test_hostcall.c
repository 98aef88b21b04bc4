/*
** test_hostcall.c -- the Host ABI dispatch (cvm_host_call) on the simulated
** board: every call's happy path and its failures, driven on a hand-built
** VM instance without the interpreter.
*/
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

#include "tcheck.h"
#include "tcap.h"
#include "board.h"
#include "cvm_printf.h"

enum { MEM = 1024, TOP = 960 };      /* call records from TOP on */
static uint32_t memw[MEM / 4];
static uint8_t *mem = (uint8_t *)memw;
static const char rodata[] = "ro %d|\0abc\0%q\0";   /* 0: fmt, 7: "abc", 11: "%q" */
static cvm_prog prog;
static cvm_vm vm;
static tcap out, trace;
static board_opts opts;

#define RO(off) ((int32_t)(CVM_DESC_RODATA | (off)))
#define NONE CVM_FAULT_NONE
#define HARG CVM_FAULT_HOST_ARG

static void reset(void) {
  memset(memw, 0, sizeof memw);
  memset(&prog, 0, sizeof prog);
  prog.rodata = (const uint8_t *)rodata;
  prog.rodata_size = sizeof rodata;
  memset(&vm, 0, sizeof vm);
  vm.prog = &prog;
  vm.mem = mem;
  vm.mem_size = MEM;
  vm.data_top = TOP;
  vm.caps = CVM_CAPS_ALL;
  vm.status = CVM_RUNNABLE;
  if (board_open(&opts) != BOARD_EOK) { fprintf(stderr, "board_open failed\n"); exit(2); }
  cvm_host_reset();
  tcap_clear(&out);
  tcap_clear(&trace);
}

/* Call id with the given slots; returns the fault, result in *res. */
static cvm_fault call(uint32_t id, int32_t *res, uint32_t n, ...) {
  int32_t a[16] = {0};
  va_list ap;
  va_start(ap, n);
  for (uint32_t i = 0; i < n; i++) a[i] = va_arg(ap, int32_t);
  va_end(ap);
  uint32_t end = n ? n : 1;          /* the result slot is a[0] even if n = 0 */
  a[end] = 0x5A5A5A5A;               /* must stay untouched */
  cvm_fault f = cvm_host_call(&vm, id, a, n);
  CHECK(a[end] == 0x5A5A5A5A, "host call %#x wrote past its slots", id);
  if (res) *res = a[0];
  return f;
}

static void put(uint32_t off, const char *s, uint32_t n) { memcpy(mem + off, s, n); }

static void test_descriptors(void) {
  uint32_t nb = 99;
  reset();
  CHECK(cvm_desc_read(&vm, 0, 10, 1, &nb) == mem && nb == 10, "plain read");
  CHECK(cvm_desc_read(&vm, 100, 10, 4, &nb) == mem + 100 && nb == 40, "words");
  CHECK(cvm_desc_read(&vm, TOP, 0, 1, &nb) == mem + TOP && nb == 0, "empty at the top");
  CHECK(cvm_desc_read(&vm, TOP - 8, 2, 4, NULL) != NULL, "last two words");
  CHECK(cvm_desc_read(&vm, TOP - 8, 3, 4, NULL) == NULL, "into the call records");
  CHECK(cvm_desc_read(&vm, TOP, 1, 1, NULL) == NULL, "at the top");
  CHECK(cvm_desc_read(&vm, TOP + 1, 0, 1, NULL) == NULL, "empty above the top");
  CHECK(cvm_desc_read(&vm, 0, -1, 1, NULL) == NULL, "negative count");
  CHECK(cvm_desc_read(&vm, -4, 1, 1, NULL) == NULL, "negative base");
  CHECK(cvm_desc_read(&vm, 4, 0x40000001, 4, NULL) == NULL, "count*esize overflows 32 bits");
  CHECK(cvm_desc_read(&vm, 0, 1, 3, NULL) == NULL, "element size 3");
  CHECK(cvm_desc_read(&vm, RO(0), (int32_t)sizeof rodata, 1, &nb) == (const uint8_t *)rodata &&
        nb == sizeof rodata, "all of rodata");
  CHECK(cvm_desc_read(&vm, RO(7), 4, 1, NULL) == (const uint8_t *)rodata + 7, "rodata string");
  CHECK(cvm_desc_read(&vm, RO(sizeof rodata), 0, 1, NULL) != NULL, "empty at rodata end");
  CHECK(cvm_desc_read(&vm, RO(sizeof rodata), 1, 1, NULL) == NULL, "past rodata end");
  CHECK(cvm_desc_read(&vm, RO(8), (int32_t)sizeof rodata, 1, NULL) == NULL, "rodata overrun");
  CHECK(cvm_desc_read(&vm, RO(0x7FFFFFF0), 0x20, 1, NULL) == NULL, "rodata wrap");
  CHECK(cvm_desc_write(&vm, 8, 4, 2, &nb) == mem + 8 && nb == 8, "writable memory");
  CHECK(cvm_desc_write(&vm, RO(0), 1, 1, NULL) == NULL, "rodata is read-only");
  CHECK(cvm_desc_write(&vm, TOP - 1, 2, 1, NULL) == NULL, "write into call records");
  prog.rodata = NULL;
  prog.rodata_size = 0;
  CHECK(cvm_desc_read(&vm, RO(0), 0, 1, &nb) != NULL && nb == 0, "empty rodata, count 0");
  CHECK(cvm_desc_read(&vm, RO(0), 1, 1, NULL) == NULL, "empty rodata, count 1");
}

static void test_signature_checks(void) {
  reset();
  int32_t r;
  for (unsigned i = 0; i < cvm_hc_count; i++) {
    const cvm_hcinfo *hc = &cvm_hc_table[i];
    bool var;
    uint32_t need = cvm_hc_slots(hc, &var);
    if (need > 0)
      CHECK(call(hc->id, &r, need - 1, 0, 0, 0, 0, 0, 0, 0, 0) == HARG, "%s with too few slots", hc->name);
    if (!var)
      CHECK(call(hc->id, &r, need + 1, 0, 0, 0, 0, 0, 0, 0, 0) == HARG, "%s with too many slots", hc->name);
  }
  CHECK(call(0x99, &r, 0) == HARG, "unknown call id");
  CHECK(call(0xFFFFFFFFu, &r, 0) == HARG, "huge call id");
  vm.caps = CVM_CAPS_ALL & ~CVM_CAPBIT(CVM_CAP_GPIO);
  CHECK(call(CVM_HC_pinMode, &r, 2, 13, 1) == HARG, "capability not granted");
  CHECK(call(CVM_HC_millis, &r, 0) == NONE, "other groups still work");
}

static void test_gpio_analog(void) {
  int32_t r = -7;
  reset();
  CHECK(call(CVM_HC_pinMode, &r, 2, 13, HAL_OUTPUT) == NONE && r == 0, "pinMode");
  CHECK(board_pin_mode(13) == HAL_OUTPUT, "mode set");
  CHECK(call(CVM_HC_pinMode, &r, 2, 32, HAL_OUTPUT) == HARG, "no pin 32");
  CHECK(call(CVM_HC_pinMode, &r, 2, -1, HAL_OUTPUT) == HARG, "no pin -1");
  CHECK(call(CVM_HC_pinMode, &r, 2, 13, 3) == HARG, "no mode 3");
  CHECK(call(CVM_HC_digitalWrite, &r, 2, 13, 7) == NONE && board_pin_level(13) == 1, "nonzero is HIGH");
  CHECK(call(CVM_HC_digitalRead, &r, 1, 13) == NONE && r == 1, "read back HIGH");
  CHECK(call(CVM_HC_digitalWrite, &r, 2, 13, 0) == NONE && board_pin_level(13) == 0, "LOW");
  CHECK(call(CVM_HC_digitalRead, &r, 1, 13) == NONE && r == 0, "read back LOW");
  CHECK(call(CVM_HC_digitalWrite, &r, 2, 40, 1) == HARG, "write pin 40");
  CHECK(call(CVM_HC_digitalRead, &r, 1, 99) == HARG, "read pin 99");
  CHECK(call(CVM_HC_analogRead, &r, 1, 3) == NONE && r == 3 * 512, "adc 3");
  CHECK(call(CVM_HC_analogRead, &r, 1, 8) == HARG, "no adc 8");
  CHECK(call(CVM_HC_analogRead, &r, 1, -1) == HARG, "no adc -1");
  CHECK(call(CVM_HC_analogWrite, &r, 2, 9, 255) == NONE && board_pwm_duty(9) == 255, "pwm 255");
  CHECK(call(CVM_HC_analogWrite, &r, 2, 9, 256) == HARG, "pwm 256");
  CHECK(call(CVM_HC_analogWrite, &r, 2, 9, -1) == HARG, "pwm -1");
  CHECK(call(CVM_HC_analogWrite, &r, 2, 33, 1) == HARG, "pwm pin 33");
  CHECK(strstr(tcap_text(&trace), "] gpio 13 = HIGH (LED on)\n") != NULL, "traced: %s", tcap_text(&trace));
  CHECK(strstr(tcap_text(&trace), "] pwm 9 = 255/255\n") != NULL, "pwm traced");
}

static void test_time(void) {
  int32_t r;
  reset();
  CHECK(call(CVM_HC_delay, &r, 1, 1000) == NONE, "delay");
  CHECK(vm.status == CVM_SLEEPING && vm.wake_us == 1000000u, "sleeping until 1 s");
  board_sleep_until(vm.wake_us);
  vm.status = CVM_RUNNABLE;
  CHECK(call(CVM_HC_delayMicroseconds, &r, 1, 250) == NONE, "delayMicroseconds");
  CHECK(vm.status == CVM_SLEEPING && vm.wake_us == 1000250u, "sleeping 250 us");
  CHECK(call(CVM_HC_delay, &r, 1, -1) == NONE && vm.wake_us == 1000000u + 4294967295000u,
        "delay is unsigned: %llu", (unsigned long long)vm.wake_us);
  board_sleep_until(1234567);
  CHECK(call(CVM_HC_millis, &r, 0) == NONE && r == 1234, "millis %d", r);
  CHECK(call(CVM_HC_micros, &r, 0) == NONE && r == 1234567, "micros %d", r);
  board_sleep_until(0x90000000ull);
  CHECK(call(CVM_HC_micros, &r, 0) == NONE && (uint32_t)r == 0x90000000u,
        "micros past 2^31 (36 minutes) is a value, not an error");
  CHECK(call(CVM_HC_millis, &r, 0) == NONE && (uint32_t)r == 0x90000000u / 1000u, "millis then");
  board_sleep_until(0x100000005ull);
  CHECK(call(CVM_HC_micros, &r, 0) == NONE && r == 5, "micros wraps at 32 bits");
  vm.status = CVM_RUNNABLE;
  CHECK(call(CVM_HC_yield, &r, 0) == NONE && vm.yielded == 1 && vm.status == CVM_RUNNABLE, "yield");
}

static void test_printf(void) {
  int32_t r;
  reset();
  CHECK(call(CVM_HC_printf, &r, 3, RO(0), 7, 42) == NONE && r == 6, "rodata format");
  CHECK(strcmp(tcap_text(&out), "ro 42|") == 0, "got '%s'", tcap_text(&out));
  tcap_clear(&out);
  put(0, "%s=%-4d%c%%\n", 13);
  put(16, "key", 3);                 /* no NUL: the count bounds it */
  CHECK(call(CVM_HC_printf, &r, 7, 0, 13, 16, 3, -5, 'x', 99) == NONE && r == 11,
        "memory format, extra slot ignored (r=%d)", r);
  CHECK(strcmp(tcap_text(&out), "key=-5  x%\n") == 0, "got '%s'", tcap_text(&out));
  tcap_clear(&out);
  CHECK(call(CVM_HC_printf, &r, 4, 0, 13, RO(7), 100) == HARG, "too few slots for the format");
  CHECK(call(CVM_HC_printf, &r, 2, RO(11), 3) == HARG, "unknown conversion %%q");
  CHECK(call(CVM_HC_printf, &r, 6, 0, 13, 16, -1, 1, 2) == HARG, "negative %%s count");
  CHECK(call(CVM_HC_printf, &r, 6, 0, 13, TOP - 2, 3, 1, 2) == HARG, "%%s past the top");
  CHECK(call(CVM_HC_printf, &r, 6, 0, 13, RO(7), 100, 1, 2) == HARG, "%%s past rodata");
  CHECK(call(CVM_HC_printf, &r, 2, RO(0), 100) == HARG, "format past rodata");
  CHECK(call(CVM_HC_printf, &r, 2, TOP, 1) == HARG, "format past the top");
  CHECK(call(CVM_HC_printf, &r, 2, 0, -3) == HARG, "format count negative");
  CHECK(tcap_text(&out)[0] == '\0', "failed printf prints nothing: '%s'", tcap_text(&out));
  /* %s of a rodata string, and a long output streamed in chunks */
  put(100, "<%s|%200d|%s>", 14);
  memset(mem + 200, 'z', 300);
  CHECK(call(CVM_HC_printf, &r, 7, 100, 14, RO(7), 4, 7, 200, 300) == NONE && r == 2 + 3 + 200 + 300 + 2,
        "long printf r=%d", r);
  const char *t = tcap_text(&out);
  CHECK(strlen(t) == 507 && memcmp(t, "<abc|", 5) == 0 && t[204] == '7' && t[205] == '|' &&
        t[206] == 'z' && t[505] == 'z' && strcmp(t + 506, ">") == 0, "long output");
  tcap_clear(&out);
  CHECK(call(CVM_HC_printf, &r, 2, 0, 0) == NONE && r == 0, "empty format");
  CHECK(call(CVM_HC_putchar, &r, 1, 0x141) == NONE && r == 0x41, "putchar low byte, r=%d", r);
  CHECK(call(CVM_HC_putchar, &r, 1, -1) == NONE && r == 255, "putchar(-1) gives 255");
  CHECK(memcmp(tcap_text(&out), "A\xff", 2) == 0, "putchar output");
}

static void test_uart(void) {
  int32_t r;
  char path[] = "/tmp/hostcall-uartXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0, "mkstemp");
  if (fd < 0) return;
  CHECK(write(fd, "hi", 2) == 2, "write");
  close(fd);
  opts.uart_in = path;
  reset();
  CHECK(call(CVM_HC_uart_write, &r, 1, 'A') == NONE && r == 0, "write before begin gives 0");
  CHECK(call(CVM_HC_uart_available, &r, 0) == NONE && r == 0, "closed port: nothing waiting");
  CHECK(call(CVM_HC_uart_read, &r, 0) == NONE && r == -1, "closed port: -1");
  CHECK(call(CVM_HC_uart_begin, &r, 1, 0) == HARG, "baud 0");
  CHECK(call(CVM_HC_uart_begin, &r, 1, -9600) == HARG, "negative baud");
  CHECK(call(CVM_HC_uart_begin, &r, 1, 115200) == NONE && r == 0, "begin");
  CHECK(call(CVM_HC_uart_write, &r, 1, 0x142) == NONE && r == 1, "write low byte");
  CHECK(strcmp(tcap_text(&out), "B") == 0, "uart output on the console: '%s'", tcap_text(&out));
  CHECK(call(CVM_HC_uart_available, &r, 0) == NONE && r == 2, "2 waiting, got %d", r);
  CHECK(call(CVM_HC_uart_read, &r, 0) == NONE && r == 'h', "h");
  CHECK(call(CVM_HC_uart_read, &r, 0) == NONE && r == 'i', "i");
  CHECK(call(CVM_HC_uart_read, &r, 0) == NONE && r == -1, "then none");
  CHECK(call(CVM_HC_uart_available, &r, 0) == NONE && r == 0, "none waiting");
  const char *t = tcap_text(&trace);
  CHECK(strstr(t, "] uart begin 115200 baud\n") && strstr(t, "] uart tx 0x42 'B'\n") &&
        strstr(t, "] uart rx 0x68 'h'\n"), "uart trace: %s", t);
  opts.uart_in = NULL;
  unlink(path);
}

static void test_i2c_spi(void) {
  int32_t r;
  reset();
  board_sleep_until(3000000);        /* 3 s: 22.0 + 3/16 degC */
  int32_t want = board_tmp102_temp16(3000000);
  CHECK(want == 355, "temperature model %d", want);
  mem[0] = 0;                        /* pointer register 0 */
  mem[8] = mem[9] = 0xEE;
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, 1) == NONE && r == 0, "write pointer");
  CHECK(call(CVM_HC_i2c_read, &r, 4, 0x48, 8, 2, 2) == NONE && r == 0, "read temp");
  CHECK(mem[8] == (uint8_t)((want << 4) >> 8) && mem[9] == (uint8_t)(want << 4), "temp bytes %02x %02x",
        mem[8], mem[9]);
  mem[0] = 1;
  CHECK(call(CVM_HC_i2c_write_read, &r, 7, 0x48, 0, 1, 1, 12, 2, 2) == NONE && r == 0, "write_read config");
  CHECK(mem[12] == 0x60 && mem[13] == 0xA0, "config %02x%02x", mem[12], mem[13]);
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x50, 0, 4, 1) == NONE && r == HAL_ENACK, "absent device NACKs");
  CHECK(call(CVM_HC_i2c_read, &r, 4, 0x50, 8, 2, 2) == NONE && r == HAL_ENACK, "absent device read NACKs");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, 0) == NONE && r == 0, "zero-length probe ACKs");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x80, 0, 4, 1) == HARG, "address 0x80");
  CHECK(call(CVM_HC_i2c_write, &r, 4, -1, 0, 4, 1) == HARG, "address -1");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, 5) == HARG, "len > count");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, -1) == HARG, "len < 0");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, TOP - 2, 4, 1) == HARG, "data past the top");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, RO(7), 3, 1) == NONE && r == HAL_ENACK,
        "rodata data is fine (pointer 'a' NACKed)");
  CHECK(call(CVM_HC_i2c_read, &r, 4, 0x48, RO(7), 3, 2) == HARG, "read into rodata");
  CHECK(call(CVM_HC_i2c_read, &r, 4, 0x48, 8, 2, 3) == HARG, "read len > count");
  CHECK(call(CVM_HC_i2c_write_read, &r, 7, 0x48, 0, 1, 1, 12, 2, 3) == HARG, "rlen > count");
  CHECK(call(CVM_HC_i2c_write_read, &r, 7, 0x48, 0, 1, 2, 12, 2, 2) == HARG, "wlen > count");
  CHECK(call(CVM_HC_i2c_write_read, &r, 7, 0x48, 0, 1, 1, RO(0), 2, 2) == HARG, "write_read into rodata");
  CHECK(call(CVM_HC_i2c_write_read, &r, 7, 0x3C, 0, 1, 1, 12, 2, 2) == NONE && r == HAL_ENACK, "NACK");
  /* The host's own address: refused before the bus, a trace shows nothing. */
  cvm_host_own_i2c(0x48, true);
  long before = ftell(trace.f);
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, 1) == NONE && r == HAL_EOWNED, "owned: write");
  CHECK(call(CVM_HC_i2c_read, &r, 4, 0x48, 8, 2, 2) == NONE && r == HAL_EOWNED, "owned: read");
  CHECK(call(CVM_HC_i2c_write_read, &r, 7, 0x48, 0, 1, 1, 12, 2, 2) == NONE && r == HAL_EOWNED,
        "owned: write_read");
  fflush(trace.f);
  CHECK(ftell(trace.f) == before, "an owned address reached the bus");
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x50, 0, 4, 1) == NONE && r == HAL_ENACK, "others still reach it");
  cvm_host_reset();
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, 1) == NONE && r == HAL_EOWNED, "kept across resets");
  cvm_host_own_i2c(0x48, false);
  CHECK(call(CVM_HC_i2c_write, &r, 4, 0x48, 0, 4, 1) == NONE && r == 0, "given back");
  CHECK(call(CVM_HC_spi_transfer, &r, 1, 0x1A5) == NONE && r == 0xA5, "spi loopback low byte");
  const char *t = tcap_text(&trace);
  CHECK(strstr(t, "[     3000.000 ms] i2c 0x48 write [00] ACK\n") != NULL, "i2c write trace: %s", t);
  CHECK(strstr(t, "] i2c 0x48 read [16 30] ACK\n") != NULL, "i2c read trace");
  CHECK(strstr(t, "] i2c 0x48 write [01] read [60 a0] ACK\n") != NULL, "write_read trace");
  CHECK(strstr(t, "] i2c 0x50 write [01] NACK\n") != NULL, "NACK trace");
  CHECK(strstr(t, "] spi 0xa5 -> 0xa5\n") != NULL, "spi trace");
}

static uint32_t xs(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static void test_sys_events(void) {
  int32_t r;
  opts.device_id = 0x12345678;
  opts.seed = 777;
  reset();
  CHECK(call(CVM_HC_device_id, &r, 0) == NONE && r == 0x12345678, "device id");
  opts.device_id = 0xC0C0C0C0u;     /* the default: top bit set */
  reset();
  CHECK(call(CVM_HC_device_id, &r, 0) == NONE && (uint32_t)r == 0xC0C0C0C0u,
        "a device id with the top bit set is a value, not an error");
  opts.device_id = 0x12345678;
  reset();
  uint32_t s = 777;
  for (int i = 0; i < 100; i++) {
    int32_t max = 1 + i * 37;
    uint32_t want = xs(&s) % (uint32_t)max;
    CHECK(call(CVM_HC_random, &r, 1, max) == NONE && r == (int32_t)want, "random #%d", i);
  }
  CHECK(call(CVM_HC_random, &r, 1, 0) == NONE && r == 0, "random(0)");
  CHECK(call(CVM_HC_random, &r, 1, -5) == NONE && r == 0, "random(-5)");
  CHECK(call(CVM_HC_random, &r, 1, INT32_MAX) == NONE && r == (int32_t)(xs(&s) % INT32_MAX),
        "max <= 0 did not advance");
  cvm_host_reset();
  s = 777;
  CHECK(call(CVM_HC_random, &r, 1, 1000) == NONE && r == (int32_t)(xs(&s) % 1000), "reseeded");
  opts.seed = 0;
  reset();
  s = 0x9E3779B9u;
  CHECK(call(CVM_HC_random, &r, 1, 1 << 30) == NONE && r == (int32_t)(xs(&s) % (1u << 30)),
        "seed 0 uses the constant");
  opts.seed = BOARD_SEED;
  opts.device_id = BOARD_DEVICE_ID;

  put(0, "temp\0", 5);
  CHECK(call(CVM_HC_event_emit, &r, 3, 0, 5, 21) == NONE, "event");
  CHECK(call(CVM_HC_event_emit, &r, 3, 0, 4, 22) == NONE, "event, no NUL");
  CHECK(call(CVM_HC_event_emit, &r, 3, RO(7), 4, -1) == NONE, "event, rodata name");
  CHECK(call(CVM_HC_event_emit, &r, 3, TOP, 5, 1) == HARG, "event name past the top");
  CHECK(call(CVM_HC_event_emit, &r, 3, 0, -1, 1) == HARG, "event name count negative");
  uint32_t n;
  const board_event *ev = board_events(&n);
  CHECK(n == 2 && !strcmp(ev[0].name, "temp") && ev[0].count == 2 && ev[0].last == 22 &&
        !strcmp(ev[1].name, "abc") && ev[1].last == -1, "events recorded");
  CHECK(strstr(tcap_text(&trace), "] event temp = 21\n") != NULL, "event traced");
}

int main(void) {
  tcap_open(&out);
  tcap_open(&trace);
  board_opts_init(&opts);
  opts.console = out.f;
  opts.trace = true;
  opts.trace_out = trace.f;
  test_descriptors();
  test_signature_checks();
  test_gpio_analog();
  test_time();
  test_printf();
  test_uart();
  test_i2c_spi();
  test_sys_events();
  board_close();
  tcap_close(&out);
  tcap_close(&trace);
  return t_done("hostcall.dispatch");
}
