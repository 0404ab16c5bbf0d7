/*
 * scroll: the first row shown of a list without a cursor (the help, the size
 * histograms), moved by the keys that move cursors elsewhere: j/k a row,
 * PgDn/PgUp a page, g/G to either end, never past the last full page.
 */
#ifndef MT_SCROLL_H
#define MT_SCROLL_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

/* Moves *top for action a over n rows shown page at a time; false when a is no move. */
bool scroll_key(size_t *top, size_t n, size_t page, enum action a);

#endif
