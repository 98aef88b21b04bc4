/*
** cockpit.h -- the built-ins of Cockpit C: pin constants and the Host ABI.
**
** Generated from isa/cvm_hostabi.def by guest/gen_cockpit_h.c; do not edit
** (the test guest.header checks it is up to date).
**
** The Cockpit C compiler does not read this file: `#include "cockpit.h"`
** turns on the same built-ins inside the compiler. The file is for
** reading, and for compiling guest programs natively with gcc against
** the stand-in library guest/native/cockpit_native.c:
**   gcc -fwrapv -I guest/include prog.c guest/native/cockpit_native.c
*/
#ifndef COCKPIT_H
#define COCKPIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>   /* printf and putchar are the C library's natively */

#define LOW          0
#define HIGH         1
#define INPUT        0
#define OUTPUT       1
#define INPUT_PULLUP 2
#define LED_BUILTIN  13

/* A name the C library also uses: the native stand-in renames it. */
#define random cockpit_random

/* GPIO */
void pinMode(int32_t pin, int32_t mode);
    /* configure a pin as INPUT, OUTPUT or INPUT_PULLUP */
void digitalWrite(int32_t pin, int32_t value);
    /* drive an output pin HIGH or LOW */
int32_t digitalRead(int32_t pin);
    /* read a pin: HIGH or LOW */

/* ANALOG */
int32_t analogRead(int32_t channel);
    /* read an ADC channel (0..4095) */
void analogWrite(int32_t pin, int32_t duty);
    /* set a PWM duty cycle (0..255) */

/* TIME */
void delay(uint32_t ms);
    /* sleep for ms milliseconds; the VM yields to the host */
void delayMicroseconds(uint32_t us);
    /* sleep for us microseconds; the VM yields to the host */
uint32_t millis(void);
    /* milliseconds since the program started */
uint32_t micros(void);
    /* microseconds since the program started */

/* LOG */
/* int printf(...): from <stdio.h>; formatted output to the console: %d %i %u %x %X %c %s %%, flags - 0, widths */
/* int putchar(...): from <stdio.h>; write one character to the console */

/* UART */
int32_t uart_begin(uint32_t baud);
    /* open the serial port at a baud rate */
int32_t uart_write(int32_t byte);
    /* write one byte; returns 1, or 0 if the port is not open */
int32_t uart_available(void);
    /* number of bytes waiting to be read */
int32_t uart_read(void);
    /* read one byte, or -1 if none is waiting */

/* I2C */
int32_t i2c_write(int32_t addr, const uint8_t data[], int32_t len);
    /* write len bytes to a device; 0 on success, negative on NACK */
int32_t i2c_read(int32_t addr, uint8_t buf[], int32_t len);
    /* read len bytes from a device; 0 on success, negative on NACK */
int32_t i2c_write_read(int32_t addr, const uint8_t data[], int32_t wlen, uint8_t buf[], int32_t rlen);
    /* write then read with a repeated start; 0 on success */

/* SPI */
int32_t spi_transfer(int32_t byte);
    /* exchange one byte on the SPI bus */

/* SYS */
void yield(void);
    /* give the host a turn; the program resumes after it */
uint32_t device_id(void);
    /* this device's 32-bit id */
int32_t random(int32_t max);
    /* pseudo-random number in [0, max) (max <= 0 gives 0) */

/* EVENT */
void event_emit(const char name[], int32_t value);
    /* report a named event or counter to the host's telemetry */
void telemetry(const char name[], int32_t value);
    /* publish a named integer metric; the host samples the latest value of each name at its telemetry interval */

#endif /* COCKPIT_H */
