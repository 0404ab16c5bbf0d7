/*
 * view_flame (fixed mode): a flame graph of a tree its owner supplies.
 *
 * The numbered flame graph lays out the app's metric's tree.  A view that
 * owns trees of its own (a stage's allocations, view_tree.h) shows them as
 * a flame graph through a fixed-mode flame view: the owner hands it the
 * tree (sorted by size, as the layout needs) before each sync, with the
 * words for its title and status line; zoom and selection work as in the
 * numbered one and follow the shared selection.
 */
#ifndef MT_VIEW_FLAME_H
#define MT_VIEW_FLAME_H

#include <stdbool.h>

#include "tree.h"
#include "view.h"

/* A flame view that shows only what view_flame_set_tree gives it. */
struct view *view_flame_new_fixed(void);
/*
 * The tree to show (borrowed until the next call or the view's free; sorted
 * by TREE_ORDER_SIZE), whether it weighs counts, a title ("allocated in
 * calibrate") and the status line's metric.  Call before the view's sync.
 */
void view_flame_set_tree(struct view *v, const struct tree *t, bool are_count, const char *title,
			 const char *metric);

#endif
