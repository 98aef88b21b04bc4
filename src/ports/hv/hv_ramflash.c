/*
** hv_ramflash.c -- hal_flash_* for emulated boards whose "flash" is RAM
** (the MPS2's SSRAM1, the RISC-V virt board's DRAM): 128 KB at
** HV_RAMFLASH_BASE (set by the port's build) with the STM32G474's rules
** (hal.h): 2 KB pages erase to 0xFF, programming writes erased
** double-words only.
*/
#include <stdbool.h>

#include "hal.h"

#ifndef HV_RAMFLASH_BASE
#error "HV_RAMFLASH_BASE: where the port's flash starts"
#endif
#define FLASH_SIZE 0x20000u
#define FLASH ((uint8_t *)(uintptr_t)(HV_RAMFLASH_BASE))

static bool in_range(uint32_t off, uint32_t len) {
  return off <= FLASH_SIZE && len <= FLASH_SIZE - off;
}

uint32_t hal_flash_size(void) { return FLASH_SIZE; }

int hal_flash_erase_page(uint32_t page) {
  if (page >= FLASH_SIZE / HAL_FLASH_PAGE) return HAL_ERANGE;
  volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(HV_RAMFLASH_BASE + page * HAL_FLASH_PAGE);
  for (uint32_t i = 0; i < HAL_FLASH_PAGE / 4u; i++) p[i] = 0xFFFFFFFFu;
  return HAL_OK;
}

int hal_flash_program(uint32_t offset, const void *data, uint32_t len) {
  if (offset % HAL_FLASH_DWORD || len % HAL_FLASH_DWORD) return HAL_EALIGN;
  if (!in_range(offset, len)) return HAL_ERANGE;
  const uint8_t *src = data;
  for (uint32_t i = 0; i < len; i += HAL_FLASH_DWORD) {
    volatile uint8_t *d = FLASH + offset + i;
    for (uint32_t k = 0; k < HAL_FLASH_DWORD; k++)
      if (d[k] != 0xFFu) return HAL_ENOTERASED;
    for (uint32_t k = 0; k < HAL_FLASH_DWORD; k++) d[k] = src[i + k];
  }
  return HAL_OK;
}

int hal_flash_read(uint32_t offset, void *buf, uint32_t len) {
  if (!in_range(offset, len)) return HAL_ERANGE;
  uint8_t *b = buf;
  const volatile uint8_t *s = FLASH + offset;
  for (uint32_t i = 0; i < len; i++) b[i] = s[i];
  return HAL_OK;
}

const uint8_t *hal_flash_map(uint32_t offset) {
  return offset < FLASH_SIZE ? FLASH + offset : (const uint8_t *)0;
}
