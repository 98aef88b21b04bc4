/*
** hal.h -- the platform interface every port implements.
**
** The hypervisor owns the hardware; guests reach it only through the Host
** ABI, whose dispatch (src/vm/cvm_host.c) calls these functions after
** checking capabilities and arguments. Each port (src/ports/NAME) provides
** one implementation: the simulated board on Linux, the Cortex-M4 firmware
** under QEMU, the STM32G474.
**
** Conventions: functions returning int give >= 0 on success and a negative
** hal_err on failure (no such pin, bus NACK, ...). Freestanding C.
*/
#ifndef HAL_H
#define HAL_H

#include <stdint.h>

typedef enum hal_err {
  HAL_OK = 0,
  HAL_EINVAL = -1,   /* no such pin/channel, or a bad mode/value */
  HAL_ENACK = -2,    /* I2C device did not acknowledge */
  HAL_EBUS = -3,     /* bus error */
  HAL_ECLOSED = -4,  /* port not opened */
  /* flash (hal_flash_*) */
  HAL_EALIGN = -5,   /* offset or length not a multiple of HAL_FLASH_DWORD */
  HAL_ERANGE = -6,   /* page, offset or length outside the flash */
  HAL_ENOTERASED = -7, /* programming a double-word that is not erased */
  HAL_EFLASH = -8,   /* the flash controller reported an error */
  HAL_EOWNED = -9    /* I2C address owned by the host (its status display) */
} hal_err;

/* The I2C address of the host's status display (SSD1306) on the reference
** board: the runtime owns it, a guest's i2c_* calls to it get HAL_EOWNED,
** and the compiler warns about a constant address equal to it. */
#define HAL_I2C_HOST_DISPLAY 0x3Cu

/* Pin modes, as in Arduino (values shared with guest/include/cockpit.h). */
enum { HAL_INPUT = 0, HAL_OUTPUT = 1, HAL_INPUT_PULLUP = 2 };

/* Time: microseconds since the board started (virtual on the simulator). */
uint64_t hal_time_us(void);

int hal_gpio_mode(uint32_t pin, uint32_t mode);
int hal_gpio_write(uint32_t pin, uint32_t value);
int hal_gpio_read(uint32_t pin);                    /* 0 or 1 */
int hal_adc_read(uint32_t channel);                 /* 0..4095 */
int hal_pwm_write(uint32_t pin, uint32_t duty);     /* 0..255 */

/* Console: the guest's printf output. */
void hal_console_write(const char *s, uint32_t n);

/* The board's serial port for guests (uart_* calls). */
int hal_uart_begin(uint32_t baud);
int hal_uart_write(uint8_t byte);
int hal_uart_available(void);
int hal_uart_read(void);                             /* byte, or -1 */

/* I2C controller, 7-bit addresses. */
int hal_i2c_write(uint8_t addr, const uint8_t *data, uint32_t len);
int hal_i2c_read(uint8_t addr, uint8_t *buf, uint32_t len);
int hal_i2c_write_read(uint8_t addr, const uint8_t *data, uint32_t wlen,
                       uint8_t *buf, uint32_t rlen);

int hal_spi_transfer(uint8_t byte);

uint32_t hal_device_id(void);
uint32_t hal_random_seed(void);

/* A named event or counter for the host's telemetry. */
void hal_event(const char *name, uint32_t name_len, int32_t value);
/* A named integer metric (telemetry()): the runtime keeps the latest value
** of each name and samples them (src/run). */
void hal_telemetry(const char *name, uint32_t name_len, int32_t value);

/* ---- Flash -------------------------------------------------------------
** The program flash as bytes [0, hal_flash_size()) from the start of the
** device's flash (the bootloader is at offset 0; docs/flash-layout.md).
** STM32G474 rules: pages of HAL_FLASH_PAGE bytes erase to 0xFF; programming
** writes whole double-words (offset and len multiples of HAL_FLASH_DWORD),
** in order, each of which must be erased (all 0xFF) before: the first that
** is not stops the write with HAL_ENOTERASED, leaving it unchanged (those
** before it are written). The STM32's exception for writing all zeros over
** a programmed double-word is not part of this interface. A double-word is
** the unit of atomicity: a power loss while programming one may leave it
** with any bits; an interrupted erase leaves the page with any contents.
** Erase and program block until done; each is one operation the simulated
** board counts (and can cut power after). */
#define HAL_FLASH_PAGE  2048u
#define HAL_FLASH_DWORD 8u

uint32_t hal_flash_size(void);                            /* bytes */
int hal_flash_erase_page(uint32_t page);                   /* page index */
/* data and buf may have any alignment (a protocol frame's payload). */
int hal_flash_program(uint32_t offset, const void *data, uint32_t len);
int hal_flash_read(uint32_t offset, void *buf, uint32_t len);   /* any offset, length */
/* Execute-in-place view of [offset, hal_flash_size()), NULL if outside. */
const uint8_t *hal_flash_map(uint32_t offset);

#endif /* HAL_H */
