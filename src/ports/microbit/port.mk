# port.mk -- the BBC micro:bit (nRF51822, Cortex-M0) under QEMU, included by
# src/ports/firmware.mk: the smallest core's smoke test (ARMv6-M: no
# hardware divide, so division goes through libgcc).
FW_BOARDS += microbit
microbit_CC := arm-none-eabi-gcc
microbit_CPU := -mcpu=cortex-m0 -mthumb
microbit_DIR := src/ports/microbit
microbit_SRC := $(FW_CM) $(FW_CORE) src/ports/hv/hv_sil.c src/ports/hv/hv_model.c \
                src/ports/microbit/mb_hal.c \
                src/ports/microbit/mb_flash.c
microbit_IMAGES := cockpit-boot cockpit-hv
microbit_cockpit-boot_SRC := src/ports/microbit/mb_boot.c
microbit_cockpit-boot_LD := src/ports/microbit/boot.ld
microbit_cockpit-hv_SRC := src/ports/microbit/mb_hv.c $(FW_HV)
microbit_cockpit-hv_LD := src/ports/microbit/hv.ld
microbit_SIL := machine=microbit qemu=qemu-system-arm arg=-semihosting-config \
                arg=enable=on,target=native image=0x21000 part=cockpit-boot@0x0 \
                part=cockpit-hv@0x4000 bank=0x10000+0x8000 sil=0x20000
