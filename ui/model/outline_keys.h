/*
 * outline_keys: the keys every outline of a call tree shares (the tree view
 * and the diff view): moving, paging, going in and out, expanding and
 * collapsing.  What an action means beyond that (Backspace closing an opened
 * view, search, stages) stays with the view.
 */
#ifndef MT_OUTLINE_KEYS_H
#define MT_OUTLINE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "outline.h"

/*
 * Applies a to o (attached to its tree); *top, the first row shown, moves by
 * page rows with PgUp/PgDn.  False when a is not one of these keys.
 */
bool outline_keys_apply(struct outline *o, size_t *top, size_t page, enum action a);

/*
 * The first row to show of n_rows so that row cursor is visible in rows
 * lines and no line is wasted past the end, moving as little as possible
 * from top.  For any list with a cursor (outlines, the stage table).
 */
size_t outline_keys_top(size_t cursor, size_t n_rows, size_t top, size_t rows);

#endif
