/*
** oled_int.h -- what the status screen's files share.
*/
#ifndef OLED_INT_H
#define OLED_INT_H

#include "hal.h"
#include "oled.h"

/* Glyphs for 0x20..0x7E: five column bytes each, bit 0 the top row. */
extern const uint8_t oled_font[95][5];

#endif /* OLED_INT_H */
