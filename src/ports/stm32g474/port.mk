# port.mk -- the STM32G474 (WeAct CoreBoard), included by
# src/ports/firmware.mk: cockpit-boot (16 KB) and cockpit-hv (40 KB of the
# 48 KB budget), RAM 32 KB. No QEMU model: built and sized, not run here.
FW_BOARDS += stm32g474
stm32g474_CC := arm-none-eabi-gcc
stm32g474_CPU := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
stm32g474_DIR := src/ports/stm32g474
stm32g474_SRC := $(FW_CM) $(FW_CORE) $(addprefix src/ports/stm32g474/,stm32_clock.c \
                 stm32_gpio.c stm32_usart.c stm32_i2c.c stm32_flash.c stm32_iwdg.c stm32_hal.c)
stm32g474_IMAGES := cockpit-boot cockpit-hv
stm32g474_cockpit-boot_SRC := src/ports/stm32g474/stm32_boot.c src/ports/hv/hv.c $(FW_DEV) \
    $(FW_ART) $(FW_CRYPTO) src/vm/cvm_isa.c
stm32g474_cockpit-boot_LD := src/ports/stm32g474/boot.ld
stm32g474_cockpit-hv_SRC := src/ports/stm32g474/stm32_hv.c $(FW_HV) $(FW_DEV)
stm32g474_cockpit-hv_LD := src/ports/stm32g474/hv.ld
