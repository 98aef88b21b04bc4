/*
** test_board.c -- the simulated board's HAL, options and trace, driven
** directly (no VM): virtual time, GPIO and the button, ADC, PWM, UART,
** I2C models and the TMP102, SPI, events, console, option parsing.
*/
#include <stdint.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "tcheck.h"
#include "tcap.h"
#include "board.h"

static tcap out, trace;
static board_opts opts;

static void open_board(void) {
  opts.console = out.f;
  opts.trace = true;
  opts.trace_out = trace.f;
  CHECK(board_open(&opts) == BOARD_EOK, "board_open");
  tcap_clear(&out);
  tcap_clear(&trace);
}

static void test_time(void) {
  board_opts_init(&opts);
  open_board();
  CHECK(hal_time_us() == 0 && board_now_us() == 0, "clock starts at 0");
  board_sleep_until(1500);
  CHECK(hal_time_us() == 1500, "sleep advances");
  board_sleep_until(1000);
  CHECK(hal_time_us() == 1500, "never backwards");
  board_charge_steps(1000);
  CHECK(hal_time_us() == 1500, "step_ns 0: steps take no time");
  opts.step_ns = 1500;
  open_board();
  board_charge_steps(1);
  CHECK(hal_time_us() == 1, "1.5 us -> 1 us");
  board_charge_steps(1);
  CHECK(hal_time_us() == 3, "carried half");
  board_charge_steps(1000000);
  CHECK(hal_time_us() == 1500003, "a million steps");
  opts.step_ns = 0;
  opts.realtime = true;
  open_board();
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  board_sleep_until(30000);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK(ms >= 29.0 && hal_time_us() == 30000, "realtime sleep %.1f ms", ms);
  opts.realtime = false;
}

static void test_gpio(void) {
  board_opts_init(&opts);
  opts.button[0] = (board_window){ 100000, 200000 };
  opts.button[1] = (board_window){ 500000, 501000 };
  opts.nbutton = 2;
  open_board();
  for (uint32_t p = 0; p < BOARD_PINS; p++)
    CHECK(board_pin_mode(p) == HAL_INPUT && board_pin_level(p) == 0 && board_pwm_duty(p) == -1, "reset pin %u", p);
  CHECK(board_pin_mode(BOARD_PINS) == -1 && board_pin_level(99) == -1 && board_pwm_duty(32) == -1, "no pin 32");
  CHECK(hal_gpio_mode(5, HAL_INPUT_PULLUP) == HAL_OK && hal_gpio_read(5) == 1, "pull-up reads 1");
  CHECK(hal_gpio_mode(5, HAL_INPUT) == HAL_OK && hal_gpio_read(5) == 0, "input reads 0");
  CHECK(hal_gpio_write(5, 1) == HAL_OK && hal_gpio_read(5) == 0, "input ignores its latch");
  CHECK(hal_gpio_mode(5, HAL_OUTPUT) == HAL_OK && hal_gpio_read(5) == 1, "output reads its level");
  CHECK(hal_gpio_mode(32, HAL_OUTPUT) == HAL_EINVAL && hal_gpio_mode(0, 3) == HAL_EINVAL, "bad mode/pin");
  CHECK(hal_gpio_write(32, 0) == HAL_EINVAL && hal_gpio_write(1, 2) == HAL_EINVAL, "bad write");
  CHECK(hal_gpio_read(32) == HAL_EINVAL, "bad read");
  static const struct { uint64_t t; int level; } presses[] = {
    { 0, 0 }, { 99999, 0 }, { 100000, 1 }, { 199999, 1 }, { 200000, 0 }, { 500500, 1 }, { 501000, 0 },
  };
  for (unsigned i = 0; i < sizeof presses / sizeof presses[0]; i++) {
    board_sleep_until(presses[i].t);
    CHECK(hal_gpio_read(BOARD_BUTTON_PIN) == presses[i].level, "button at %llu us",
          (unsigned long long)presses[i].t);
    CHECK(board_button_pressed(presses[i].t) == presses[i].level, "board_button_pressed");
  }
  CHECK(hal_gpio_mode(BOARD_BUTTON_PIN, HAL_INPUT_PULLUP) == HAL_OK && hal_gpio_read(BOARD_BUTTON_PIN) == 0,
        "button released reads LOW in every mode");
  const char *want =
    "[        0.000 ms] gpio 5 mode INPUT_PULLUP\n"
    "[        0.000 ms] gpio 5 mode INPUT\n"
    "[        0.000 ms] gpio 5 = HIGH\n"
    "[        0.000 ms] gpio 5 mode OUTPUT\n"
    "[      100.000 ms] gpio 2 = HIGH (button pressed)\n"
    "[      200.000 ms] gpio 2 = LOW (button released)\n"
    "[      500.500 ms] gpio 2 = HIGH (button pressed)\n"
    "[      501.000 ms] gpio 2 = LOW (button released)\n"
    "[      501.000 ms] gpio 2 mode INPUT_PULLUP\n";
  CHECK(strcmp(tcap_text(&trace), want) == 0, "gpio trace:\n%s", tcap_text(&trace));
  tcap_clear(&trace);
  board_sleep_until(1000000);
  CHECK(hal_gpio_write(BOARD_LED_PIN, 1) == HAL_OK && hal_gpio_write(BOARD_LED_PIN, 0) == HAL_OK, "LED");
  CHECK(strcmp(tcap_text(&trace), "[     1000.000 ms] gpio 13 = HIGH (LED on)\n"
                                  "[     1000.000 ms] gpio 13 = LOW (LED off)\n") == 0,
        "LED trace: %s", tcap_text(&trace));
  /* board_open resets the pins */
  open_board();
  CHECK(board_pin_mode(5) == HAL_INPUT && board_pin_level(13) == 0 && hal_time_us() == 0, "reset");
}

static void test_adc_pwm(void) {
  board_opts_init(&opts);
  open_board();
  static const struct { uint64_t ms; int v; } tri[] = {
    { 0, 0 }, { 1, 1 }, { 1000, 1000 }, { 4095, 4095 }, { 4096, 4094 }, { 8189, 1 }, { 8190, 0 }, { 9190, 1000 },
  };
  for (unsigned i = 0; i < sizeof tri / sizeof tri[0]; i++) {
    board_sleep_until(tri[i].ms * 1000u + 999u);
    CHECK(hal_adc_read(0) == tri[i].v, "adc 0 at %llu ms: %d", (unsigned long long)tri[i].ms, hal_adc_read(0));
  }
  for (uint32_t c = 1; c < BOARD_ADC_CHANNELS; c++) CHECK(hal_adc_read(c) == (int)(c * 512), "adc %u", c);
  CHECK(hal_adc_read(BOARD_ADC_CHANNELS) == HAL_EINVAL, "no adc 8");
  CHECK(hal_pwm_write(9, 0) == HAL_OK && board_pwm_duty(9) == 0, "pwm 0");
  CHECK(hal_pwm_write(9, 200) == HAL_OK && board_pwm_duty(9) == 200, "pwm 200");
  CHECK(hal_pwm_write(9, 256) == HAL_EINVAL && board_pwm_duty(9) == 200, "pwm 256");
  CHECK(hal_pwm_write(32, 1) == HAL_EINVAL, "pwm pin 32");
  CHECK(strstr(tcap_text(&trace), "] pwm 9 = 200/255\n") != NULL, "pwm trace");
}

static void test_uart_console(void) {
  char path[] = "/tmp/board-uartXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0, "mkstemp");
  if (fd < 0) return;
  char data[600];
  for (int i = 0; i < 600; i++) data[i] = (char)('a' + i % 26);
  CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data, "write");
  close(fd);
  board_opts_init(&opts);
  opts.uart_in = path;
  open_board();
  CHECK(hal_uart_available() == HAL_ECLOSED && hal_uart_read() == -1 && hal_uart_write('x') == HAL_ECLOSED,
        "closed until begin");
  CHECK(hal_uart_begin(0) == HAL_EINVAL && hal_uart_begin(9600) == HAL_OK, "begin");
  CHECK(hal_uart_available() == (int)BOARD_UART_RX, "first chunk");
  int ok = 1;
  for (int i = 0; i < 600; i++) ok &= hal_uart_read() == data[i];
  CHECK(ok, "all bytes in order");
  CHECK(hal_uart_available() == 0 && hal_uart_read() == -1, "then nothing");
  CHECK(hal_uart_write('\n') == HAL_OK && hal_uart_write(0x01) == HAL_OK, "write");
  hal_console_write("hey", 3);
  CHECK(tcap_len(&out) == 5 && memcmp(tcap_text(&out), "\n\x01hey", 5) == 0, "console stream");
  const char *t = tcap_text(&trace);
  CHECK(strstr(t, "] uart begin 9600 baud\n") && strstr(t, "] uart rx 0x61 'a'\n") &&
        strstr(t, "] uart tx 0x0a '\\n'\n") && strstr(t, "] uart tx 0x01\n"), "uart trace");
  opts.uart_in = "/nonexistent/file";
  opts.console = out.f;
  CHECK(board_open(&opts) == BOARD_EUART_IN, "missing input file");
  opts.uart_in = NULL;
  open_board();
  CHECK(hal_uart_begin(115200) == HAL_OK && hal_uart_available() == 0 && hal_uart_read() == -1, "no input");
  unlink(path);

  /* "-": stdin, polled without blocking */
  int pfd[2];
  CHECK(pipe(pfd) == 0, "pipe");
  int saved = dup(0);
  dup2(pfd[0], 0);
  opts.uart_in = "-";
  open_board();
  CHECK(hal_uart_begin(9600) == HAL_OK && hal_uart_available() == 0, "nothing typed yet: no blocking");
  CHECK(write(pfd[1], "ok", 2) == 2, "type");
  CHECK(hal_uart_available() == 2 && hal_uart_read() == 'o' && hal_uart_read() == 'k', "typed bytes");
  close(pfd[1]);
  CHECK(hal_uart_available() == 0 && hal_uart_read() == -1, "end of input");
  board_close();
  CHECK(fcntl(0, F_GETFD) != -1, "stdin stays open");
  dup2(saved, 0);
  close(saved);
  close(pfd[0]);
  opts.uart_in = NULL;
}

/* A model that records what it was sent and answers with a counter. */
typedef struct echo { uint8_t got[8]; uint32_t n; uint8_t next; int resets; } echo;
static int echo_write(board_i2c_model *m, const uint8_t *d, uint32_t len) {
  echo *e = m->state;
  e->n = len;
  memcpy(e->got, d, len < 8 ? len : 8);
  return len > 0 && d[0] == 0xFF ? HAL_ENACK : HAL_OK;
}
static int echo_read(board_i2c_model *m, uint8_t *buf, uint32_t len) {
  echo *e = m->state;
  for (uint32_t i = 0; i < len; i++) buf[i] = e->next++;
  return HAL_OK;
}
static void echo_reset(board_i2c_model *m) { ((echo *)m->state)->resets++; }

static void test_i2c(void) {
  board_opts_init(&opts);
  open_board();
  echo es = {0};
  board_i2c_model em = { "echo", 0x3C, echo_write, echo_read, echo_reset, &es };
  CHECK(board_i2c_find(0x48) == board_tmp102(), "TMP102 attached by board_open");
  CHECK(board_i2c_attach(&em) == HAL_OK && es.resets == 1 && board_i2c_find(0x3C) == &em, "attach");
  board_i2c_model dup = em, high = em;
  high.addr = 0x80;
  CHECK(board_i2c_attach(&dup) == HAL_EINVAL, "address taken");
  CHECK(board_i2c_attach(&high) == HAL_EINVAL, "address above 0x7F");
  CHECK(board_i2c_attach(NULL) == HAL_EINVAL, "no model");
  uint8_t w[20] = { 1, 2, 3 }, r[20];
  CHECK(hal_i2c_write(0x3C, w, 3) == HAL_OK && es.n == 3 && es.got[2] == 3, "write reaches the model");
  CHECK(hal_i2c_read(0x3C, r, 2) == HAL_OK && r[0] == 0 && r[1] == 1, "read from the model");
  w[0] = 0xFF;
  CHECK(hal_i2c_write(0x3C, w, 20) == HAL_ENACK, "model NACKs");
  CHECK(hal_i2c_write_read(0x3C, w, 1, r, 1) == HAL_ENACK, "NACKed write skips the read");
  w[0] = 7;
  CHECK(hal_i2c_write_read(0x3C, w, 1, r, 3) == HAL_OK && r[0] == 2 && r[2] == 4, "write_read");
  CHECK(hal_i2c_write(0x80, w, 1) == HAL_EINVAL && hal_i2c_read(0x80, r, 1) == HAL_EINVAL &&
        hal_i2c_write_read(0x80, w, 1, r, 1) == HAL_EINVAL, "address 0x80");
  CHECK(hal_i2c_read(0x10, r, 1) == HAL_ENACK, "nobody at 0x10");
  const char *t = tcap_text(&trace);
  CHECK(strstr(t, "[        0.000 ms] i2c 0x3c write [01 02 03] ACK\n") &&
        strstr(t, "] i2c 0x3c read [00 01] ACK\n") &&
        strstr(t, "] i2c 0x3c write [ff 02 03 00 00 00 00 00 00 00 00 00 00 00 00 00 +4] NACK\n") &&
        strstr(t, "] i2c 0x3c write [ff] read [] NACK\n") &&
        strstr(t, "] i2c 0x3c write [07] read [02 03 04] ACK\n") &&
        strstr(t, "] i2c 0x10 read [] NACK\n"), "i2c trace:\n%s", t);
  board_i2c_detach(0x3C);
  CHECK(board_i2c_find(0x3C) == NULL && hal_i2c_write(0x3C, w, 1) == HAL_ENACK, "detached");
  /* the bus holds BOARD_I2C_MODELS models */
  board_i2c_model many[BOARD_I2C_MODELS];
  uint32_t attached = 0;
  for (uint32_t i = 0; i < BOARD_I2C_MODELS; i++) {
    many[i] = em;
    many[i].addr = (uint8_t)(0x10 + i);
    attached += board_i2c_attach(&many[i]) == HAL_OK;
  }
  CHECK(attached == BOARD_I2C_MODELS - 1, "full bus (TMP102 + %u)", attached);
  open_board();
  CHECK(board_i2c_find(0x10) == NULL && board_i2c_find(0x48) != NULL, "board_open detaches models");
}

static void test_tmp102(void) {
  board_opts_init(&opts);
  open_board();
  static const struct { uint32_t s; int32_t t16; } temps[] = {
    { 0, 352 }, { 1, 353 }, { 64, 416 }, { 65, 415 }, { 100, 380 }, { 127, 353 }, { 128, 352 },
  };
  for (unsigned i = 0; i < sizeof temps / sizeof temps[0]; i++)
    CHECK(board_tmp102_temp16(temps[i].s * 1000000ull + 999999u) == temps[i].t16, "temp at %u s", temps[i].s);
  uint8_t w[3] = { 0 }, r[4];
  board_sleep_until(64000000);     /* 26.0 degC = 0x1A0 -> 0x1A00 */
  CHECK(hal_i2c_read(0x48, r, 4) == HAL_OK && r[0] == 0x1A && r[1] == 0x00 && r[2] == 0x1A && r[3] == 0,
        "pointer 0 after reset: temperature, repeating: %02x %02x", r[0], r[1]);
  w[0] = 1;
  CHECK(hal_i2c_write_read(0x48, w, 1, r, 2) == HAL_OK && r[0] == 0x60 && r[1] == 0xA0, "config");
  w[0] = 3; w[1] = 0x12; w[2] = 0x34;
  CHECK(hal_i2c_write(0x48, w, 3) == HAL_OK && hal_i2c_read(0x48, r, 2) == HAL_OK && r[0] == 0x12 &&
        r[1] == 0x34, "T_HIGH written");
  w[0] = 2;
  CHECK(hal_i2c_write_read(0x48, w, 1, r, 2) == HAL_OK && r[0] == 0x4B && r[1] == 0, "T_LOW");
  w[0] = 0; w[1] = 0x7F; w[2] = 0xFF;
  CHECK(hal_i2c_write(0x48, w, 3) == HAL_OK && hal_i2c_read(0x48, r, 2) == HAL_OK && r[0] == 0x1A,
        "temperature is read-only");
  w[0] = 4;
  CHECK(hal_i2c_write(0x48, w, 1) == HAL_ENACK, "pointer 4 NACKed");
  uint8_t four[4] = { 1, 0, 0, 0 };
  CHECK(hal_i2c_write(0x48, four, 4) == HAL_ENACK, "4-byte write NACKed");
  CHECK(hal_i2c_write(0x48, w, 0) == HAL_OK, "probe");
  open_board();
  w[0] = 3;
  CHECK(hal_i2c_write_read(0x48, w, 1, r, 2) == HAL_OK && r[0] == 0x50 && r[1] == 0, "registers reset");
}

static void test_spi_ids_events(void) {
  board_opts_init(&opts);
  CHECK(opts.device_id == BOARD_DEVICE_ID && opts.seed == BOARD_SEED && opts.caps == CVM_CAPS_ALL &&
        opts.slice == BOARD_SLICE, "defaults");
  opts.device_id = 0xABCD;
  opts.seed = 5;
  open_board();
  CHECK(hal_device_id() == 0xABCD && hal_random_seed() == 5, "ids");
  for (int b = 0; b < 256; b++) CHECK(hal_spi_transfer((uint8_t)b) == b, "spi %d", b);
  CHECK(strstr(tcap_text(&trace), "] spi 0x7f -> 0x7f\n") != NULL, "spi trace");
  tcap_clear(&trace);
  hal_event("boot", 4, 1);
  hal_event("boot", 4, 2);
  hal_event("a\nb\\", 4, -7);
  hal_event("0123456789012345678901234567890123456789", 40, 3);
  char name[8];
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "e%d", i);
    hal_event(name, (uint32_t)strlen(name), i);
  }
  uint32_t n;
  const board_event *ev = board_events(&n);
  CHECK(n == BOARD_MAX_EVENTS, "event table full: %u", n);
  CHECK(!strcmp(ev[0].name, "boot") && ev[0].count == 2 && ev[0].last == 2, "counted");
  CHECK(!memcmp(ev[1].name, "a\nb\\", 5) && ev[1].last == -7, "raw name kept");
  CHECK(strlen(ev[2].name) == BOARD_EVENT_NAME - 1, "long name cut");
  const char *t = tcap_text(&trace);
  CHECK(strstr(t, "[        0.000 ms] event boot = 2\n") && strstr(t, "] event a\\x0ab\\x5c = -7\n") &&
        strstr(t, "] event 0123456789012345678901234567890... = 3\n") && strstr(t, "] event e19 = 19\n"),
        "event trace:\n%s", t);
  open_board();
  board_events(&n);
  CHECK(n == 0, "events reset");
  /* no trace when off */
  opts.trace = false;
  CHECK(board_open(&opts) == BOARD_EOK, "open");
  tcap_clear(&trace);
  hal_gpio_write(13, 1);
  hal_event("x", 1, 1);
  CHECK(tcap_len(&trace) == 0 && !board_tracing(), "trace off");
}

static int parse(const char *const *args, int argc, int *i, char *msg) {
  return board_parse_opt(&opts, argc, (char *const *)args, i, msg, 128);
}

static void test_options(void) {
  char msg[128];
  board_opts_init(&opts);
  const char *args[] = { "--trace", "--realtime", "--max-steps", "123", "--max-ms=45", "--step-ns", "7",
                         "--seed", "0x10", "--device-id=0xDEADBEEF", "--uart-in", "in.txt",
                         "--button", "10:20,30:45", "prog.cvm1", "--other" };
  int argc = (int)(sizeof args / sizeof args[0]), i = 0, taken = 0;
  while (i < argc) {
    int r = parse(args, argc, &i, msg);
    CHECK(r >= 0, "option %s: %s", args[i], msg);
    if (r == 0) {
      CHECK(!strcmp(args[i], "prog.cvm1") || !strcmp(args[i], "--other"), "not ours: %s", args[i]);
      i++;
    } else {
      taken++;
    }
  }
  CHECK(taken == 9, "nine options taken (%d)", taken);
  CHECK(opts.trace && opts.realtime && opts.max_steps == 123 && opts.max_us == 45000 && opts.step_ns == 7 &&
        opts.seed == 16 && opts.device_id == 0xDEADBEEFu && !strcmp(opts.uart_in, "in.txt"), "values");
  CHECK(opts.nbutton == 2 && opts.button[0].from_us == 10000 && opts.button[0].to_us == 20000 &&
        opts.button[1].from_us == 30000 && opts.button[1].to_us == 45000, "button windows");

  static const char *const bad[][2] = {
    { "--max-steps", NULL }, { "--max-steps", "abc" }, { "--max-steps", "-1" }, { "--max-steps", "12x" },
    { "--max-steps", "" }, { "--max-ms", "18446744073709552" }, { "--seed", "4294967296" },
    { "--device-id", "0x1FFFFFFFF" }, { "--step-ns", "1000001" }, { "--uart-in", "" },
    { "--button", "5:3" }, { "--button", "1:2," }, { "--button", ":2" }, { "--button", "1:" },
    { "--button", "1-2" }, { "--button", "" }, { "--button", "1:2,,3:4" }, { "--trace=1", NULL },
    { "--max-steps", " 5" }, { "--max-steps", "+5" },
    { "--button", "1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16,17:18,19:20,21:22,23:24,25:26,27:28,29:30,31:32,33:34" },
  };
  for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    board_opts before;
    board_opts_init(&opts);
    before = opts;
    const char *a[2] = { bad[k][0], bad[k][1] };
    int n = bad[k][1] ? 2 : 1;
    i = 0;
    msg[0] = '\0';
    CHECK(parse(a, n, &i, msg) == -1 && i == 0 && msg[0] == '-', "bad %s %s: %s", a[0], a[1] ? a[1] : "", msg);
    CHECK(memcmp(&before, &opts, sizeof opts) == 0, "bad %s left the options alone", a[0]);
  }
  const char *eq[] = { "--max-steps=5" };
  i = 0;
  CHECK(parse(eq, 1, &i, msg) == 1 && i == 1 && opts.max_steps == 5, "--opt=value");
  const char *pfx[] = { "--traced", "--max-stepsX=1", "-trace", "trace" };
  for (int k = 0; k < 4; k++) {
    i = k;
    CHECK(parse(pfx, 4, &i, msg) == 0 && i == k, "%s is not a board option", pfx[k]);
  }
  i = 0;
  const char *missing[] = { "--seed" };
  CHECK(parse(missing, 1, &i, msg) == -1 && !strcmp(msg, "--seed needs a value"), "msg: %s", msg);
  i = 0;
  const char *badv[] = { "--seed", "x" };
  CHECK(parse(badv, 2, &i, msg) == -1 && !strcmp(msg, "--seed: bad option value 'x'"), "msg: %s", msg);
  static const char *const names[] = { "--trace", "--realtime", "--max-steps", "--max-ms", "--step-ns",
                                       "--seed", "--device-id", "--uart-in", "--button" };
  for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
    CHECK(strstr(board_opts_help, names[k]) != NULL, "help mentions %s", names[k]);
}

int main(void) {
  tcap_open(&out);
  tcap_open(&trace);
  test_time();
  test_gpio();
  test_adc_pwm();
  test_uart_console();
  test_i2c();
  test_tmp102();
  test_spi_ids_events();
  test_options();
  board_close();
  tcap_close(&out);
  tcap_close(&trace);
  return t_done("board.hal");
}
