/*
** mb_hv.c -- the hypervisor image on the micro:bit: the same portable core
** as every board, with 8 KB of VM memory (the part has 16 KB of RAM).
*/
#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mb.h"

#define VM_MEM_SIZE (8u * 1024u)
static uint32_t vm_mem[VM_MEM_SIZE / 4u];

void hv_port_report(const char *s, uint32_t n) { cm_semi_write(CM_SEMI_STDERR, s, n); }
void hv_port_wait_until(uint64_t us) { cm_tick_wait_until(us); }
void hv_port_service(void) {}

void port_crash(uint32_t pc, uint32_t exc) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: crash exception ");
  hv_line_u64(&l, exc);
  hv_line_str(&l, " pc ");
  hv_line_u64(&l, pc);
  hv_line_end(&l);
  cm_semi_exit(HV_STATUS_ERROR);
}

void port_main(void) {
  mb_console_init();
  cm_tick_start(MB_SYSCLK);
  static hv_config c;
  c.bank[0] = hal_flash_map(MB_BANK_A_OFF);
  c.bank[1] = hal_flash_map(MB_BANK_B_OFF);
  c.bank_size = MB_BANK_SIZE;
  c.mem = (uint8_t *)vm_mem;
  c.mem_size = VM_MEM_SIZE;
  hv_sil_config((const void *)(uintptr_t)(MB_FLASH_BASE + MB_SIL_OFF), &c.policy, &c);
  cm_semi_exit(hv_run(&c));
}
