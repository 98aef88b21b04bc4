/*
** cockpit_native.c -- a native stand-in for the Host ABI, so guest programs
** compile and run unchanged with gcc (gcc -fwrapv -I guest/include prog.c
** guest/native/cockpit_native.c). It behaves as the simulated board
** (src/ports/host/board.h) does with its default options, so a program
** prints the same output natively and on the VM:
**
**   time     a virtual clock from 0, advanced only by delay() and
**            delayMicroseconds(); COCKPIT_MAX_MS=N stops the program when a
**            sleep reaches N ms (status 0 for setup/loop, 75 for main), as
**            `cockpit run --max-ms N` does.
**   GPIO     pins 0..31; pin 2 is a button, pressed during the windows of
**            COCKPIT_BUTTON ("100:200,500:650", ms); other pins read their
**            driven level when OUTPUT, 1 when INPUT_PULLUP, 0 when INPUT.
**   ADC      channel 0 a triangle over virtual time, channel n: n * 512.
**   UART     output to stdout; input from the file COCKPIT_UART_IN.
**   I2C      a TMP102 temperature sensor at 0x48; other addresses NACK.
**   SPI      loopback.  random(): xorshift32 seeded with COCKPIT_SEED (1).
**   device_id() 0xC0C0C0C0 (COCKPIT_DEVICE_ID).
** A bad argument (no such pin, ...) is a fault, as on the VM: a message on
** stderr and exit status 70.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cockpit.h"

#define PINS 32u
#define BUTTON_PIN 2u
#define MAX_WINDOWS 16

static uint64_t now_us, max_us;
static uint8_t pin_mode[PINS], pin_level[PINS];
static struct { uint64_t from, to; } windows[MAX_WINDOWS];
static int nwindows;
static uint32_t rng, seed = 1, dev_id = 0xC0C0C0C0u;
static int uart_open;
static FILE *uart_in;
static int is_main = 1;

static void fault(const char *what) {
  fflush(stdout);
  fprintf(stderr, "fault: bad host-call argument (%s)\n", what);
  exit(70);
}

static uint64_t env_num(const char *name, uint64_t dflt) {
  const char *s = getenv(name);
  return s && *s ? strtoull(s, NULL, 0) : dflt;
}

static void native_init(void) {
  static int done;
  if (done) return;
  done = 1;
  max_us = env_num("COCKPIT_MAX_MS", 0) * 1000u;
  seed = (uint32_t)env_num("COCKPIT_SEED", 1);
  dev_id = (uint32_t)env_num("COCKPIT_DEVICE_ID", 0xC0C0C0C0u);
  const char *b = getenv("COCKPIT_BUTTON");
  while (b && *b && nwindows < MAX_WINDOWS) {
    char *e;
    uint64_t from = strtoull(b, &e, 10);
    if (*e != ':') break;
    uint64_t to = strtoull(e + 1, &e, 10);
    windows[nwindows].from = from * 1000u;
    windows[nwindows].to = to * 1000u;
    nwindows++;
    b = *e == ',' ? e + 1 : NULL;
  }
  const char *u = getenv("COCKPIT_UART_IN");
  if (u && *u) uart_in = strcmp(u, "-") == 0 ? stdin : fopen(u, "rb");
}

static void sleep_us(uint64_t us) {
  native_init();
  uint64_t wake = now_us + us;
  if (max_us && wake >= max_us) {
    now_us = max_us;
    fflush(stdout);
    fprintf(stderr, "stopped: time limit reached at %llu.%03u ms\n",
            (unsigned long long)(max_us / 1000u), (unsigned)(max_us % 1000u));
    exit(is_main ? 75 : 0);
  }
  now_us = wake;
}

/* ---- GPIO, ADC, PWM ---------------------------------------------------- */

void pinMode(int32_t pin, int32_t mode) {
  if ((uint32_t)pin >= PINS || (uint32_t)mode > INPUT_PULLUP) fault("pinMode");
  pin_mode[pin] = (uint8_t)mode;
}

void digitalWrite(int32_t pin, int32_t value) {
  if ((uint32_t)pin >= PINS) fault("digitalWrite");
  pin_level[pin] = value != 0;
}

int32_t digitalRead(int32_t pin) {
  native_init();
  if ((uint32_t)pin >= PINS) fault("digitalRead");
  if (pin == BUTTON_PIN) {
    for (int i = 0; i < nwindows; i++)
      if (now_us >= windows[i].from && now_us < windows[i].to) return HIGH;
    return LOW;
  }
  if (pin_mode[pin] == OUTPUT) return pin_level[pin];
  return pin_mode[pin] == INPUT_PULLUP ? HIGH : LOW;
}

int32_t analogRead(int32_t channel) {
  if ((uint32_t)channel >= 8) fault("analogRead");
  if (channel == 0) {
    uint32_t t = (uint32_t)(now_us / 1000u % 8190u);
    return (int32_t)(t <= 4095 ? t : 8190 - t);
  }
  return channel * 512;
}

void analogWrite(int32_t pin, int32_t duty) {
  if ((uint32_t)pin >= PINS || (uint32_t)duty > 255) fault("analogWrite");
}

/* ---- time -------------------------------------------------------------- */

void delay(uint32_t ms) { sleep_us((uint64_t)ms * 1000u); }
void delayMicroseconds(uint32_t us) { sleep_us(us); }
uint32_t millis(void) { return (uint32_t)(now_us / 1000u); }
uint32_t micros(void) { return (uint32_t)now_us; }

/* ---- UART --------------------------------------------------------------- */

int32_t uart_begin(uint32_t baud) {
  native_init();
  if ((int32_t)baud <= 0) fault("uart_begin");
  uart_open = 1;
  return 0;
}

int32_t uart_write(int32_t byte) {
  if (!uart_open) return 0;
  putchar((uint8_t)byte);
  return 1;
}

/* Input arrives in chunks of up to 256 bytes, as the board reads it. */
static uint8_t rx_buf[256];
static uint32_t rx_head, rx_len;
static int rx_eof;

static void rx_fill(void) {
  if (rx_len > 0 || !uart_in || rx_eof) return;
  size_t n = fread(rx_buf, 1, sizeof rx_buf, uart_in);
  if (n == 0) { rx_eof = 1; return; }
  rx_head = 0;
  rx_len = (uint32_t)n;
}

int32_t uart_available(void) {
  if (!uart_open) return 0;
  rx_fill();
  return (int32_t)rx_len;
}

int32_t uart_read(void) {
  if (!uart_open) return -1;
  rx_fill();
  if (rx_len == 0) return -1;
  rx_len--;
  return rx_buf[rx_head++];
}

/* ---- I2C: a TMP102 at 0x48 ---------------------------------------------- */

static uint8_t tmp_ptr;
static uint16_t tmp_reg[4] = { 0, 0x60A0, 0x4B00, 0x5000 };

static uint16_t tmp_value(void) {
  if (tmp_ptr != 0) return tmp_reg[tmp_ptr];
  uint32_t t = (uint32_t)(now_us / 1000000u % 128u);
  int32_t temp16 = 352 + (int32_t)(t <= 64 ? t : 128 - t);
  return (uint16_t)((uint32_t)temp16 << 4);
}

static int32_t tmp_write(const uint8_t *d, int32_t len) {
  if (len == 0) return 0;
  if (d[0] > 3 || len > 3) return -2;
  tmp_ptr = d[0];
  if (len == 3 && tmp_ptr != 0) tmp_reg[tmp_ptr] = (uint16_t)(d[1] << 8 | d[2]);
  return 0;
}

static int32_t tmp_read(uint8_t *b, int32_t len) {
  uint16_t v = tmp_value();
  for (int32_t i = 0; i < len; i++) b[i] = (uint8_t)(i % 2 == 0 ? v >> 8 : v);
  return 0;
}

int32_t i2c_write(int32_t addr, const uint8_t data[], int32_t len) {
  if ((uint32_t)addr > 0x7F || len < 0) fault("i2c_write");
  return addr == 0x48 ? tmp_write(data, len) : -2;
}

int32_t i2c_read(int32_t addr, uint8_t buf[], int32_t len) {
  if ((uint32_t)addr > 0x7F || len < 0) fault("i2c_read");
  return addr == 0x48 ? tmp_read(buf, len) : -2;
}

int32_t i2c_write_read(int32_t addr, const uint8_t data[], int32_t wlen, uint8_t buf[],
                       int32_t rlen) {
  if ((uint32_t)addr > 0x7F || wlen < 0 || rlen < 0) fault("i2c_write_read");
  if (addr != 0x48) return -2;
  int32_t r = tmp_write(data, wlen);
  return r < 0 ? r : tmp_read(buf, rlen);
}

/* ---- SPI, system, events ------------------------------------------------ */

int32_t spi_transfer(int32_t byte) { return (uint8_t)byte; }

void yield(void) {}

uint32_t device_id(void) { native_init(); return dev_id; }

int32_t random(int32_t max) {
  native_init();
  if (max <= 0) return 0;
  uint32_t s = rng;
  if (s == 0) {
    s = seed;
    if (s == 0) s = 0x9E3779B9u;
  }
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  rng = s;
  return (int32_t)(s % (uint32_t)max);
}

void event_emit(const char name[], int32_t value) { (void)name; (void)value; }
void telemetry(const char name[], int32_t value) { (void)name; (void)value; }

/* ---- entry: setup() once, then loop() (programs with main() use theirs) -- */

void setup(void) __attribute__((weak));
void loop(void) __attribute__((weak));

__attribute__((weak)) int main(void) {
  native_init();
  is_main = 0;
  if (!loop) {
    fprintf(stderr, "error: program has no entry point\n");
    return 1;
  }
  if (setup) setup();
  for (;;) loop();
}
