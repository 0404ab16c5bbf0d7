/*
 * flame: the icicle layout of a call tree, in terminal cells.
 *
 * Row 0 is the zoom node spanning the whole width; row d holds the visible
 * nodes d levels below it, left to right in sibling order (tree_sort order),
 * each under its parent.  A node's width is proportional to its |total| weight
 * (bytes, or count by TREE_ORDER_COUNT) relative to the zoom node: both edges
 * of every span are its exact position rounded to the nearest cell, so a width
 * is within one cell of exact proportion and children never overflow their
 * parent.
 *
 * A child narrower than a cell after rounding gets no span; its parent span is
 * flagged FLAME_SPAN_HIDDEN and says how much weight went undrawn, so a view
 * can show a "+".  Layout stops at the first such child (siblings are sorted
 * by size), which keeps the work O(visible spans), never O(tree): a tree may
 * have millions of nodes, a layout at most rows x width spans.
 *
 * The layout borrows nothing after flame_layout returns except node ids into
 * the tree it was made from; it is stale once that tree is rebuilt or resorted.
 */
#ifndef MT_FLAME_H
#define MT_FLAME_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

#define FLAME_NONE UINT32_MAX
#define FLAME_DEPTH_ALL UINT32_MAX	/* max_depth: no limit */

enum flame_span_flags {
	FLAME_SPAN_HIDDEN = 1 << 0,	/* some children are narrower than a cell: no span */
	FLAME_SPAN_CUT = 1 << 1,	/* children exist below the max_depth row */
};

struct flame_span {
	uint32_t node;		/* tree node id */
	uint32_t x;		/* first cell, 0 = left edge */
	uint32_t width;		/* cells, >= 1 */
	uint32_t parent;	/* span index in the row above; FLAME_NONE in row 0 */
	uint32_t first_child;	/* span index in the row below; FLAME_NONE if none */
	uint32_t n_children;	/* child spans, consecutive from first_child */
	uint32_t flags;		/* enum flame_span_flags */
	uint64_t lo;		/* left edge in weight units from the zoom's left edge */
	uint64_t size;		/* extent in weight units (|total|, clipped to the parent) */
	uint64_t hidden;	/* weight units of children without a span (FLAME_SPAN_HIDDEN
				 * or FLAME_SPAN_CUT); exact when no weight is negative */
};

struct flame {
	const struct tree *tree;	/* borrowed; the layout's node ids index it */
	enum tree_order order;		/* SIZE: widths by total_bytes; COUNT: total_count */
	uint32_t zoom;			/* tree node at row 0 */
	uint32_t width;			/* cells */
	uint64_t total;			/* |total| of the zoom node: `width` cells */
	struct flame_span *spans;	/* all rows, row after row */
	uint32_t n_spans;
	size_t cap_spans;
	uint32_t *row_start;		/* row r is spans[row_start[r], row_start[r + 1]) */
	uint32_t n_rows;
	size_t cap_rows;
};

/* A cursor in a layout: span idx of row. */
struct flame_pos {
	uint32_t row;
	uint32_t idx;
};

/*
 * Lays out t (built and sorted by order with tree_sort) from zoom (TREE_NONE
 * = the root) across width cells (>= 1), rows 0..max_depth at most
 * (FLAME_DEPTH_ALL: as deep as the tree).  fl is overwritten; release it with
 * flame_release.  Cost: O(spans + rows); memory: at most rows x width spans.
 */
void flame_layout(struct flame *fl, const struct tree *t, enum tree_order order, uint32_t zoom,
		  uint32_t width, uint32_t max_depth);
void flame_release(struct flame *fl);

/* The spans of row (n receives their number; 0 and NULL past the last row). */
const struct flame_span *flame_row(const struct flame *fl, uint32_t row, uint32_t *n);
/* The span at pos (pos must be valid). */
const struct flame_span *flame_span(const struct flame *fl, struct flame_pos pos);

/* The span of row covering cell col, or FLAME_NONE (a gap, or past the row). */
uint32_t flame_span_at(const struct flame *fl, uint32_t row, uint32_t col);
/* Where node is laid out; false (pos untouched) if it has no span. O(spans). */
bool flame_find(const struct flame *fl, uint32_t node, struct flame_pos *pos);

/*
 * Keyboard moves.  Each returns false and leaves *pos alone when there is
 * nowhere to go.  flame_prev/flame_next step to the adjacent span on the same
 * row, which may have another parent (rows read as one strip, as the eye
 * does); compare the parent fields to stay among siblings.
 */
bool flame_parent(const struct flame *fl, struct flame_pos *pos);
bool flame_first_child(const struct flame *fl, struct flame_pos *pos);
bool flame_prev(const struct flame *fl, struct flame_pos *pos);
bool flame_next(const struct flame *fl, struct flame_pos *pos);

#endif
