/*
 * mtui_map: a whole .mtui opened in an instant, for the explorer.
 *
 * The file is mapped and read through its INDEX: the metadata, tables,
 * checkpoints, per-stack calls, marks and SUMMARY are read and checked; the
 * event chunks stay in the file, each checked (checksum, then its events)
 * the first time a cursor reads it.  Opening costs what the tables cost,
 * whatever the number of events.  A file that cannot be opened so (cut,
 * compressed, no index or SUMMARY, any section that breaks a rule) is left
 * to the front-to-back reader, which says what is wrong with it.
 */
#ifndef MT_MTUI_MAP_H
#define MT_MTUI_MAP_H

#include "capture_builder.h"
#include "error.h"

/*
 * Opens path into b.  Returns 0 (b holds the capture, its chunks in the
 * mapping that b's capture now owns), 1 when the file must be read front to
 * back instead (b must then be discarded), or a negative error (the file
 * cannot be read at all).
 */
int mtui_map_open(const char *path, struct capture_builder *b, struct mt_error *err);

#endif
