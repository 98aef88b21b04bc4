/*
** board.h -- the simulated board: hal.h for Linux, and the host run loop.
**
** The board is deterministic: a virtual microsecond clock starts at 0 and
** advances only when the run loop sleeps (delay, delayMicroseconds) and by
** step_ns per executed instruction word (default 0), instantly -- unless
** realtime, where sleeping really waits until the matching wall-clock time.
**
** Peripherals (one board per process; board_open resets them all):
**   GPIO   pins 0..31. LED on pin 13 (BOARD_LED_PIN). A push button on
**          pin 2 (BOARD_BUTTON_PIN), reading HIGH while pressed, LOW
**          otherwise, in every mode; it is pressed during the virtual time
**          windows of opts.button (`--button 100:200,500:650`, ms). Other
**          pins read back their driven level when OUTPUT, 1 when
**          INPUT_PULLUP, 0 when INPUT.
**   ADC    channels 0..7, 12 bits. Channel 0 is a triangle wave over virtual
**          time: t = ms % 8190, value = t <= 4095 ? t : 8190 - t (0 up to
**          4095 in 4.095 s, then back down). Channel n >= 1 reads n * 512.
**   PWM    pins 0..31, duty 0..255.
**   Console  the guest's printf/putchar output: opts.console (stdout).
**   UART   the guest's serial port: output to the console stream, input
**          from opts.uart_in (a file, "-" for stdin), read without blocking
**          in chunks of up to BOARD_UART_RX bytes.
**   I2C    a bus of device models (board_i2c_model); a TMP102 temperature
**          sensor at 0x48 is attached by board_open. Absent devices NACK.
**          An SSD1306 OLED model (board_ssd1306) is there to attach.
**   SPI    loopback: every transfer returns the byte sent.
**   ids    hal_device_id() = opts.device_id, hal_random_seed() = opts.seed.
**
** Trace: with opts.trace, every host-visible event (GPIO mode and writes,
** button changes seen by reads, PWM, UART bytes, I2C transactions, SPI,
** sleeps, events, start and stop) is one line on opts.trace_out (stderr):
**   [     1000.000 ms] gpio 13 = HIGH (LED on)
*/
#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cvm.h"
#include "hal.h"

#define BOARD_PINS          32u
#define BOARD_LED_PIN       13u
#define BOARD_BUTTON_PIN    2u
#define BOARD_ADC_CHANNELS  8u
#define BOARD_MAX_WINDOWS   16u
#define BOARD_UART_RX       256u
#define BOARD_I2C_MODELS    8u
#define BOARD_MAX_EVENTS    16u
#define BOARD_EVENT_NAME    32u
#define BOARD_DEVICE_ID     0xC0C0C0C0u   /* default hal_device_id() */
#define BOARD_SEED          1u            /* default hal_random_seed() */
#define BOARD_SLICE         10000u        /* default steps per cvm_run */

/* Exit statuses board_exit_status() gives besides main's return value. */
#define BOARD_STATUS_ERROR  1     /* could not start */
#define BOARD_STATUS_FAULT  70    /* the program faulted */
#define BOARD_STATUS_LIMIT  75    /* step limit, or time limit of a main() */

#define BOARD_ERRORS(X) \
  X(OK,         "ok") \
  X(OPT_VALUE,  "bad option value") \
  X(UART_IN,    "cannot open the serial input file") \
  X(NOMEM,      "cannot allocate the VM's memory") \
  X(VERIFY,     "program failed verification") \
  X(INIT,       "VM memory too small for the program") \
  X(ENTRY,      "program has no entry point") \
  X(CALL,       "cannot start a call of the entry point")

typedef enum board_err {
#define X(name, msg) BOARD_E##name,
  BOARD_ERRORS(X)
#undef X
  BOARD_E__COUNT
} board_err;

const char *board_err_str(board_err e);

typedef struct board_window { uint64_t from_us, to_us; } board_window;  /* [from, to) */

typedef struct board_opts {
  bool trace, realtime;
  uint64_t max_steps;        /* total instruction words; 0: no limit */
  uint64_t max_us;           /* virtual time limit; 0: no limit */
  uint32_t step_ns;          /* virtual ns charged per instruction word */
  uint32_t slice;            /* instruction words per cvm_run call */
  uint32_t device_id, seed;
  uint32_t mem_size;         /* VM memory; 0 (or less): what the program asks */
  uint32_t caps;             /* capability groups granted */
  const char *uart_in;       /* serial input file, "-" stdin, NULL none */
  board_window button[BOARD_MAX_WINDOWS];
  uint32_t nbutton;
  FILE *console;             /* guest output; NULL: stdout */
  FILE *trace_out;           /* trace lines; NULL: stderr */
  /* Interpreter for each slice; NULL: cvm_run. `cockpit run --profile`
  ** puts a counting one here, with its state in run_ctx. */
  cvm_status (*run)(cvm_vm *vm, uint32_t budget, void *run_ctx);
  void *run_ctx;
} board_opts;

void board_opts_init(board_opts *o);

/* Command-line options (for `cockpit run`), each `--opt V` or `--opt=V`:
**   --trace --realtime --max-steps N --max-ms N --step-ns N --seed N
**   --device-id N --uart-in FILE --button MS:MS[,MS:MS...]
** Looks at argv[*i]: returns 0 if it is not a board option, 1 if it was
** consumed (*i advanced past it and its value), -1 on a bad or missing
** value with a message in msg. Numbers are decimal or 0x hex. */
int board_parse_opt(board_opts *o, int argc, char *const argv[], int *i,
                    char *msg, size_t msglen);
extern const char board_opts_help[];   /* one line per option */

/* ---- the board (used by board_run; tests drive it directly) ------------ */

/* Reset every peripheral and the clock to 0 with these options (copied). */
board_err board_open(const board_opts *o);
void board_close(void);
const board_opts *board_options(void);

uint64_t board_now_us(void);
void board_sleep_until(uint64_t us);   /* advance the clock (waits if realtime) */
void board_charge_steps(uint64_t steps);   /* step_ns per step */

/* One trace line, prefixed with the virtual time; no-op unless tracing. */
void board_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool board_tracing(void);

/* Pin levels and PWM duty as the board sees them (for tests and UIs). */
int board_pin_level(uint32_t pin);     /* driven level, or -1 */
int board_pin_mode(uint32_t pin);      /* HAL_INPUT..., or -1 */
int board_pwm_duty(uint32_t pin);      /* last duty, -1 if never set */
bool board_button_pressed(uint64_t us);

/* I2C device models. A transaction reaches the model at its address as
** one write() (the bytes after the address, up to the stop or repeated
** start) or one read() (fill len bytes). Return HAL_OK, or HAL_ENACK when
** the device does not acknowledge. Models may read board_now_us(). */
typedef struct board_i2c_model {
  const char *name;
  uint8_t addr;
  int (*write)(struct board_i2c_model *m, const uint8_t *data, uint32_t len);
  int (*read)(struct board_i2c_model *m, uint8_t *buf, uint32_t len);
  void (*reset)(struct board_i2c_model *m);   /* board_open; may be NULL */
  void *state;
} board_i2c_model;

/* HAL_OK; HAL_EINVAL if the address is above 0x7F, taken, or the bus full. */
int board_i2c_attach(board_i2c_model *m);
void board_i2c_detach(uint8_t addr);
board_i2c_model *board_i2c_find(uint8_t addr);

/* TMP102 at 0x48: pointer register (first byte written), registers 0 temp
** (read-only), 1 config (reset 0x60A0), 2 T_LOW (0x4B00), 3 T_HIGH
** (0x5000); reads return the pointed register MSB first, repeating.
** Temperature in 1/16 degC: 352 (22.0 degC) plus a triangle of one step
** per virtual second: t = s % 128, 352 + (t <= 64 ? t : 128 - t), so
** 22.0 .. 26.0 degC. Register 0 holds it 12-bit left-justified (<< 4). */
#define BOARD_TMP102_ADDR 0x48u
board_i2c_model *board_tmp102(void);
int32_t board_tmp102_temp16(uint64_t us);

/* SSD1306 OLED controller with a 128x32 panel, at 0x3C. Not attached by
** board_open (attach it with board_i2c_attach(board_ssd1306())), but put
** back to its power-on state there and on every attach. It decodes the I2C
** byte stream as the chip does (datasheet: Solomon Systech, rev 1.1):
** control bytes (0x00 command stream, 0x40 data stream, 0x80 / 0xC0 one
** command / data byte then another control byte); every command of the
** fundamental, scrolling, addressing, hardware-configuration and timing
** tables with its parameter bytes, which may come in later transactions;
** unknown command bytes are ignored (and counted). GDDRAM is 128 x 8 pages
** (power-on: a fixed pseudo-random pattern); horizontal, vertical and page
** addressing with their range registers and wrap-around. Reads return the
** status byte (bit 6: display off). Scrolling is accepted, not animated.
** The panel: the viewer's top-left pixel is SEG127/COM31, as on common
** modules, so segment remap (A1h) and reversed COM scan (C8h) show column
** 0, row 0 at the top left; the module has no external VCC, so it is dark
** unless the charge pump is on (8Dh 14h). See docs/hardware.md. */
#define BOARD_SSD1306_ADDR 0x3Cu
#define BOARD_SSD1306_W    128u
#define BOARD_SSD1306_H    32u
board_i2c_model *board_ssd1306(void);
/* A pixel as the viewer sees it, (0, 0) the top left: 1 lit, 0 dark (after
** remap, scan direction, multiplex, offset, start line, invert, entire
** display on, display off); 0 outside. */
int board_ssd1306_pixel(uint32_t x, uint32_t y);
bool board_ssd1306_on(void);          /* display on and charge pump on */
int board_ssd1306_ram(uint32_t page, uint32_t col);   /* GDDRAM byte, -1 outside */
typedef struct board_ssd1306_count {
  uint64_t writes, reads;    /* I2C transactions */
  uint64_t bytes;            /* written, control bytes included */
  uint64_t data;             /* GDDRAM bytes written */
  uint64_t commands;         /* command bytes (parameters not counted) */
  uint64_t unknown;          /* of which not in the command table */
} board_ssd1306_count;
const board_ssd1306_count *board_ssd1306_counts(void);
/* The panel as an 8-bit grey PNG (lit 255, dark 0), each pixel scale x scale
** (1..16), written to a temporary file in the same folder and renamed over
** path, so a reader never sees half a file. 0, or -1 on failure. */
int board_ssd1306_png(const char *path, uint32_t scale);
/* The panel as text: 16 lines of 128 UTF-8 characters, each the pixels of
** two rows (upper, lower): " " none, "\u2580" upper, "\u2584" lower,
** "\u2588" both. */
void board_ssd1306_text(FILE *out);

/* Events the guest emitted (event_emit), first BOARD_MAX_EVENTS names. */
typedef struct board_event {
  char name[BOARD_EVENT_NAME];
  int32_t last;
  uint32_t count;
} board_event;
const board_event *board_events(uint32_t *n);

/* Hooks a runtime (src/run) sets to see what the guest does: its console
** output, event_emit and telemetry() calls (each still goes where the board
** sends it). Kept across board_open; NULL removes them. */
typedef struct board_hooks {
  void *ctx;
  void (*console)(void *ctx, const char *s, uint32_t n);
  void (*event)(void *ctx, const char *name, uint32_t len, int32_t value);
  void (*telemetry)(void *ctx, const char *name, uint32_t len, int32_t value);
} board_hooks;
void board_set_hooks(const board_hooks *h);

/* ---- run loop ----------------------------------------------------------- */

typedef enum board_stop {
  BOARD_STOP_EXIT,     /* main returned (exit_code) */
  BOARD_STOP_FAULT,    /* fault, fault_pc */
  BOARD_STOP_STEPS,    /* max_steps reached */
  BOARD_STOP_TIME,     /* max_us reached */
  BOARD_STOP_ERROR     /* could not start: err (verr if BOARD_EVERIFY) */
} board_stop;

typedef struct board_result {
  board_stop stop;
  int32_t exit_code;
  cvm_fault fault;
  uint32_t pc;             /* fault pc, or where a limit stopped it */
  uint64_t steps, time_us;
  uint32_t loops;          /* loop() calls completed (setup/loop programs) */
  bool main;               /* ran main() rather than setup()/loop() */
  board_err err;
  cvm_verr verr;
} board_result;

/* Run a program on the board: verify it unless vi is a successful
** verification, give it opts.mem_size (or its own mem_size) bytes, call
** main() to its end, or setup() once and then loop() over and over, the
** host regaining control between calls and at every slice, sleep and
** yield. Stops at the end of main, a fault, or a limit. Returns
** board_exit_status(r). */
int board_run(const cvm_prog *p, const cvm_vinfo *vi, const board_opts *o,
              board_result *r);

/* Process exit status: main's return value; BOARD_STATUS_FAULT; for limits
** BOARD_STATUS_LIMIT, except 0 when --max-ms ends a setup/loop program
** (which never ends by itself); BOARD_STATUS_ERROR. */
int board_exit_status(const board_result *r);

/* The line a CLI prints on stderr (no newline), "" for a normal exit:
**   FILE:LINE: fault: KIND (pc N)     with a line table
**   fault: KIND at pc N                without
**   [FILE:LINE: ]stopped: step limit reached after N instructions (pc N)
**   stopped: time limit reached at T ms
** Returns the length it wanted (as snprintf). */
size_t board_describe(char *buf, size_t n, const cvm_prog *p, const board_result *r);

#endif /* BOARD_H */
