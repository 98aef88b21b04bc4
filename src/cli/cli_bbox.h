/*
** cli_bbox.h -- one blackbox record (src/bbox's wire format, rec_size bytes
** from BLACKBOX READ) printed for people or as a JSON object. The one place
** that knows the record's fields: `cockpit blackbox` calls only this.
*/
#ifndef CLI_BBOX_H
#define CLI_BBOX_H

#include "cli.h"

/* Text: one line, "#SEQ ..." (index: the record's place in the listing,
** shown when the record cannot be decoded). JSON: one object into j. */
void cli_bbox_text(uint32_t index, const uint8_t *p, uint32_t len);
void cli_bbox_json(cli_json *j, uint32_t index, const uint8_t *p, uint32_t len);

#endif /* CLI_BBOX_H */
