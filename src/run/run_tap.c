/*
** run_tap.c -- where a port's HAL sends the guest's console output,
** event_emit and telemetry() while a runtime runs (run.h, run_taps). Its
** own file, so that every image links it: the bootloader's HAL writes its
** messages through the same console and finds no runtime here.
*/
#include "run.h"

run_taps run_tap;
