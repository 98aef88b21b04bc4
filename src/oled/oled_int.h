/*
** oled_int.h -- what the status screen's files share.
*/
#ifndef OLED_INT_H
#define OLED_INT_H

#include "hal.h"
#include "oled.h"

/* Glyphs for 0x20..0x7E: five column bytes each, bit 0 the top row. */
extern const uint8_t oled_font[95][5];

/* The page transfer: buf[0] for the control byte, buf[1..128] the page
** (oled_page copies into it; oled_service renders into it directly). */
int oled_send(oled_dev *d, uint32_t page, uint8_t buf[1 + OLED_W]);

#endif /* OLED_INT_H */
