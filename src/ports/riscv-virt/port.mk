# port.mk -- RISC-V (RV32IMAC, machine mode) on QEMU's virt board, included
# by src/ports/firmware.mk: the portability smoke test beyond Arm.
FW_BOARDS += riscv-virt
riscv-virt_CC := riscv64-unknown-elf-gcc
riscv-virt_CPU := -march=rv32imac -mabi=ilp32 -mcmodel=medany -mno-relax
riscv-virt_DEFS := -DHV_RAMFLASH_BASE=0x80000000
riscv-virt_DIR := src/ports/riscv-virt
riscv-virt_SRC := $(FW_CORE) src/ports/riscv-virt/rv_start.c src/ports/riscv-virt/rv_hal.c \
                  src/ports/hv/hv_sil.c src/ports/hv/hv_model.c src/ports/hv/hv_ramflash.c
riscv-virt_IMAGES := cockpit-boot cockpit-hv
riscv-virt_cockpit-boot_SRC := src/ports/riscv-virt/rv_boot.c
riscv-virt_cockpit-boot_LD := src/ports/riscv-virt/boot.ld
riscv-virt_cockpit-hv_SRC := src/ports/riscv-virt/rv_hv.c $(FW_HV)
riscv-virt_cockpit-hv_LD := src/ports/riscv-virt/hv.ld
riscv-virt_SIL := machine=virt qemu=qemu-system-riscv32 arg=-bios arg=none \
                  arg=-semihosting-config arg=enable=on,target=native image=0x21000 \
                  part=cockpit-boot@0x0 part=cockpit-hv@0x4000 bank=0x10000+0x8000 \
                  sil=0x20000 load=0x80000000
