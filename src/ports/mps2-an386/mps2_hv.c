/*
** mps2_hv.c -- the hypervisor image on the MPS2 boards: console, tick, then
** the guest in bank A (or B) under hv_run with the settings `cockpit sil`
** left in the harness page; the exit status leaves QEMU through
** semihosting, the report line through semihosting stderr.
*/
#include "cm.h"
#include "hal.h"
#include "hv.h"
#include "mps2.h"

/* The VM's memory: 24 KB, static (ARCHITECTURE.md budget). */
#define VM_MEM_SIZE (24u * 1024u)
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
  mps2_console_init();
  cm_tick_start(MPS2_SYSCLK);
  static hv_config c;
  c.bank[0] = hal_flash_map(MPS2_BANK_A_OFF);
  c.bank[1] = hal_flash_map(MPS2_BANK_B_OFF);
  c.bank_size = MPS2_BANK_SIZE;
  c.mem = (uint8_t *)vm_mem;
  c.mem_size = VM_MEM_SIZE;
  cm_semi_exit(hv_sil_run(&c, (const void *)(uintptr_t)(MPS2_FLASH_BASE + MPS2_SIL_OFF)));
}
