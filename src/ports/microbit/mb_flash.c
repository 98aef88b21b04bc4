/*
** mb_flash.c -- hal_flash_* on the nRF51's NVMC: one hal.h page of 2 KB is
** two 1 KB nRF51 pages; words are written one at a time, each double-word
** only over an erased one (hal.h's rules).
*/
#include <stdbool.h>

#include "cm.h"
#include "hal.h"
#include "mb.h"

static bool in_range(uint32_t off, uint32_t len) {
  return off <= MB_FLASH_SIZE && len <= MB_FLASH_SIZE - off;
}

static void nvmc_wait(void) {
  while (!(CM_REG(MB_NVMC + MB_NVMC_READY) & 1u)) {}
}

uint32_t hal_flash_size(void) { return MB_FLASH_SIZE; }

int hal_flash_erase_page(uint32_t page) {
  if (page >= MB_FLASH_SIZE / HAL_FLASH_PAGE) return HAL_ERANGE;
  CM_REG(MB_NVMC + MB_NVMC_CONFIG) = 2u;
  for (uint32_t k = 0; k < HAL_FLASH_PAGE / MB_NVMC_PAGE; k++) {
    CM_REG(MB_NVMC + MB_NVMC_ERASEPAGE) = MB_FLASH_BASE + page * HAL_FLASH_PAGE + k * MB_NVMC_PAGE;
    nvmc_wait();
  }
  CM_REG(MB_NVMC + MB_NVMC_CONFIG) = 0;
  return HAL_OK;
}

int hal_flash_program(uint32_t offset, const void *data, uint32_t len) {
  if (offset % HAL_FLASH_DWORD || len % HAL_FLASH_DWORD) return HAL_EALIGN;
  if (!in_range(offset, len)) return HAL_ERANGE;
  const uint8_t *src = data;
  int r = HAL_OK;
  CM_REG(MB_NVMC + MB_NVMC_CONFIG) = 1u;
  for (uint32_t i = 0; i < len && r == HAL_OK; i += HAL_FLASH_DWORD) {
    volatile uint32_t *d = (volatile uint32_t *)(uintptr_t)(MB_FLASH_BASE + offset + i);
    if (d[0] != 0xFFFFFFFFu || d[1] != 0xFFFFFFFFu) {
      r = HAL_ENOTERASED;
      break;
    }
    for (uint32_t k = 0; k < 2; k++) {
      const uint8_t *s = src + i + 4 * k;
      d[k] = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
      nvmc_wait();
    }
  }
  CM_REG(MB_NVMC + MB_NVMC_CONFIG) = 0;
  return r;
}

int hal_flash_read(uint32_t offset, void *buf, uint32_t len) {
  if (!in_range(offset, len)) return HAL_ERANGE;
  const volatile uint8_t *s = (const volatile uint8_t *)(uintptr_t)(MB_FLASH_BASE + offset);
  uint8_t *b = buf;
  for (uint32_t i = 0; i < len; i++) b[i] = s[i];
  return HAL_OK;
}

const uint8_t *hal_flash_map(uint32_t offset) {
  return offset < MB_FLASH_SIZE ? (const uint8_t *)(uintptr_t)(MB_FLASH_BASE + offset) : 0;
}
