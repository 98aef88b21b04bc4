/*
** arm_stub.c -- a stand-in bootloader main for the Cortex-M4 size check
** (arm_boot.sh): the boot decision and the protocol server over a UART
** data register, with the flash HAL and the three mem functions as stubs.
** It is linked with --gc-sections so that the size is what a bootloader
** really carries; it is never run.
*/
#include "boot.h"

#define UART_SR (*(volatile uint32_t *)0x40013800u)
#define UART_DR (*(volatile uint32_t *)0x40013824u)
#define FLASH_BASE 0x08000000u

void *memcpy(void *d, const void *s, unsigned n);
void *memset(void *d, int c, unsigned n);
int memcmp(const void *a, const void *b, unsigned n);
void *memcpy(void *d, const void *s, unsigned n) {
  uint8_t *p = d;
  const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}
void *memset(void *d, int c, unsigned n) {
  uint8_t *p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}
int memcmp(const void *a, const void *b, unsigned n) {
  const uint8_t *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}

uint32_t hal_flash_size(void) { return BOOT_FLASH_SIZE; }
const uint8_t *hal_flash_map(uint32_t off) {
  return off < BOOT_FLASH_SIZE ? (const uint8_t *)(FLASH_BASE + off) : 0;
}
int hal_flash_read(uint32_t off, void *buf, uint32_t len) {
  if (off > BOOT_FLASH_SIZE || len > BOOT_FLASH_SIZE - off) return HAL_ERANGE;
  memcpy(buf, hal_flash_map(off), len);
  return HAL_OK;
}
int hal_flash_erase_page(uint32_t page) { return page < 64 ? HAL_OK : HAL_ERANGE; }
int hal_flash_program(uint32_t off, const void *data, uint32_t len) {
  return (off | len) % 8u ? HAL_EALIGN : data ? HAL_OK : HAL_EINVAL;
}

static void uart_out(void *ctx, const uint8_t *p, uint32_t n) {
  (void)ctx;
  while (n--) UART_DR = *p++;
}

static const cvm1_pubkey keys[1] = { { 1 } };
static boot_dev dev;
static boot_srv srv;

int boot_stub_main(void);
int boot_stub_main(void) {
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  pol.keys = keys;
  pol.nkeys = 1;
  boot_init(&dev, &pol, 0x1234u, 1);
  int bank = boot_select(&dev);
  boot_srv_init(&srv, &dev, uart_out, 0);
  for (;;) {
    if (UART_SR & 0x20u) {
      uint8_t b = (uint8_t)UART_DR;
      boot_srv_input(&srv, &b, 1);
    }
    if (srv.reboot) return bank;
  }
}
