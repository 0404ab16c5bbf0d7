/*
 * view_flame (fixed mode): a flame graph of a tree its owner supplies.
 *
 * The numbered flame graph lays out the app's metric's tree.  A view that
 * owns trees of its own (a stage's allocations, view_tree.h) shows them as
 * a flame graph through a fixed-mode flame view: the owner hands it the
 * tree (sorted by size, as the layout needs) before each sync, with the
 * words for its title and status line; zoom and selection work as in the
 * numbered one and follow the shared selection.
 *
 * An owner whose nodes carry figures of their own (the diff views, two
 * sides per node) gives the view a style: hooks that draw the title row and
 * the bottom line, colour and mark the spans, and tell which nodes match the
 * owner's search.  A styled view leaves the selection and the search to its
 * owner: the owner selects after each sync and whenever its selection moves
 * (view_flame_select) and answers /, n, N and Esc itself; the view's keys
 * move (reported through select) and zoom (Enter, Backspace), and neither
 * read nor write the app's selection.
 */
#ifndef MT_VIEW_FLAME_H
#define MT_VIEW_FLAME_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"
#include "view.h"

/* A flame view that shows only what view_flame_set_tree gives it. */
struct view *view_flame_new_fixed(void);
/*
 * The tree to show (borrowed until the next call or the view's free; sorted
 * by TREE_ORDER_SIZE when the view draws or takes a key), whether it weighs
 * counts, a title ("allocated in calibrate") and the status line's metric
 * (NULL: none, for a styled view, whose own hooks say what the tree weighs).
 * Call before the view's sync.
 */
void view_flame_set_tree(struct view *v, const struct tree *t, bool are_count, const char *title,
			 const char *metric);

/* How a styled view draws; every hook gets the owner's ctx. */
struct flame_style {
	/* The title row, r.y in r (zoom: the zoom node's label, NULL at the root). */
	void (*title)(const void *ctx, const struct app *app, struct screen *s, struct rect r,
		      const char *zoom);
	/*
	 * The role of node's span, given shade, the one of two alternating shades
	 * it would have; *mark: a character its label starts with, which is all a
	 * span of one cell shows, or 0 (then the label alone, and a shade block).
	 */
	enum role (*span)(const void *ctx, uint32_t node, enum role shade, char *mark);
	/* Whether node matches the owner's search (its span drawn as a match). */
	bool (*matches)(const void *ctx, uint32_t node);
	/* The bottom line's text: the figures of sel, the selection, named label. */
	void (*info)(const void *ctx, uint32_t sel, const char *label, char *line, size_t size);
	/* A key moved the selection to node (NULL: nobody to tell). */
	void (*select)(void *ctx, uint32_t node);
};

/* A fixed-mode flame view drawn by style (borrowed, as ctx: both outlive the view). */
struct view *view_flame_new_styled(const struct flame_style *style, void *ctx);
/*
 * Selects node of the tree of the last sync, and zooms out to the root when
 * node is not in the zoomed subtree.  For a styled view's owner.
 */
void view_flame_select(struct view *v, uint32_t node);

#endif
