/*
 * flame: icicle layout, breadth first.
 *
 * Coordinates: every span has an exact extent [lo, lo + size) in weight units,
 * where the zoom node is [0, T) and T = |total| of the zoom node.  A child's
 * extent starts where its previous sibling's ends (the first at its parent's
 * lo) and has size |total|, clipped to what is left of the parent (only
 * negative weights can make children outweigh their parent).  Cells come from
 * rounding both edges: edge(u) = round(u * width / T).  Hence:
 *  - adjacent siblings share an edge, so there are no gaps or overlaps
 *    between drawn siblings and children stay inside their parent;
 *  - a drawn width differs from the exact u * width / T by less than one cell
 *    (two roundings of at most half a cell each), whatever the depth, since
 *    rounding errors never accumulate down the tree.
 *
 * A child whose two edges round to the same cell gets no span.  Siblings are
 * sorted by size, so every later sibling is at most as wide (under one cell
 * exactly) and the scan stops there: dropping them too keeps every width
 * within one cell of exact and bounds the work by the spans drawn.  Row r + 1
 * is made by walking row r left to right, so each row is sorted by x and a
 * parent's child spans are consecutive.
 *
 * u * width needs up to 96 bits: edges are computed in unsigned __int128.
 */
#include "flame.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

static uint64_t node_weight(const struct flame *fl, uint32_t node)
{
	const struct tree_node *nd = &fl->tree->nodes[node];

	return magnitude(fl->order == TREE_ORDER_SIZE ? nd->total_bytes : nd->total_count);
}

static uint64_t node_self(const struct flame *fl, uint32_t node)
{
	const struct tree_node *nd = &fl->tree->nodes[node];

	return magnitude(fl->order == TREE_ORDER_SIZE ? nd->self_bytes : nd->self_count);
}

/* The cell boundary nearest to weight unit u (0 <= u <= total; total > 0). */
static uint32_t edge(const struct flame *fl, uint64_t u)
{
	unsigned __int128 num = (unsigned __int128)u * fl->width + fl->total / 2;

	return (uint32_t)(num / fl->total);
}

static uint32_t push_span(struct flame *fl, uint32_t node, uint32_t x, uint32_t width,
			  uint32_t parent, uint64_t lo, uint64_t size)
{
	struct flame_span *sp;

	XGROW(fl->spans, fl->cap_spans, (size_t)fl->n_spans + 1);
	sp = &fl->spans[fl->n_spans];
	memset(sp, 0, sizeof(*sp));
	sp->node = node;
	sp->x = x;
	sp->width = width;
	sp->parent = parent;
	sp->first_child = FLAME_NONE;
	sp->lo = lo;
	sp->size = size;
	return fl->n_spans++;
}

/* Opens the next row at the current end of spans. */
static void push_row(struct flame *fl)
{
	XGROW(fl->row_start, fl->cap_rows, (size_t)fl->n_rows + 2);
	fl->row_start[fl->n_rows++] = fl->n_spans;
	fl->row_start[fl->n_rows] = fl->n_spans;
}

/* What the children of span i weigh beyond the drawn ones (never below 0). */
static uint64_t undrawn(const struct flame *fl, uint32_t i, uint64_t drawn)
{
	const struct flame_span *sp = &fl->spans[i];
	uint64_t self = node_self(fl, sp->node);

	return sp->size > self + drawn ? sp->size - self - drawn : 0;
}

/* Appends the child spans of span i (in row r) to row r + 1. */
static void lay_children(struct flame *fl, uint32_t i, uint32_t row_below)
{
	uint32_t node = fl->spans[i].node;
	uint64_t cursor = fl->spans[i].lo, end = cursor + fl->spans[i].size, drawn = 0;
	uint32_t c = fl->tree->nodes[node].first_child;

	for (; c != TREE_NONE; c = fl->tree->nodes[c].next_sibling) {
		uint64_t size = node_weight(fl, c);
		uint32_t x0, x1, idx;

		if (size > end - cursor)
			size = end - cursor;
		x0 = edge(fl, cursor);
		x1 = edge(fl, cursor + size);
		if (x1 == x0)
			break;
		idx = push_span(fl, c, x0, x1 - x0, i - fl->row_start[row_below - 1], cursor, size);
		if (fl->spans[i].first_child == FLAME_NONE)
			fl->spans[i].first_child = idx - fl->row_start[row_below];
		fl->spans[i].n_children++;
		cursor += size;
		drawn += size;
	}
	if (c != TREE_NONE) {
		fl->spans[i].flags |= FLAME_SPAN_HIDDEN;
		fl->spans[i].hidden = undrawn(fl, i, drawn);
	}
}

/*
 * The spans [begin, end) form the last row: those with children say so, as
 * cut by the depth limit, or hidden when the zoom weighs nothing (no width to
 * share out).
 */
static void mark_last_row(struct flame *fl, uint32_t begin, uint32_t end)
{
	unsigned flag = fl->total ? FLAME_SPAN_CUT : FLAME_SPAN_HIDDEN;

	for (uint32_t i = begin; i < end; i++) {
		if (fl->tree->nodes[fl->spans[i].node].first_child == TREE_NONE)
			continue;
		fl->spans[i].flags |= flag;
		fl->spans[i].hidden = undrawn(fl, i, 0);
	}
}

void flame_layout(struct flame *fl, const struct tree *t, enum tree_order order, uint32_t zoom,
		  uint32_t width, uint32_t max_depth)
{
	memset(fl, 0, sizeof(*fl));
	if (width == 0)
		BUG("flame_layout: zero width");
	fl->tree = t;
	fl->order = order;
	fl->zoom = zoom == TREE_NONE ? 0 : zoom;
	fl->width = width;
	fl->total = node_weight(fl, fl->zoom);
	push_row(fl);
	push_span(fl, fl->zoom, 0, width, FLAME_NONE, 0, fl->total);
	fl->row_start[1] = fl->n_spans;

	for (uint32_t row = 0;; row++) {
		uint32_t begin = fl->row_start[row], end = fl->row_start[row + 1];

		if (row == max_depth || fl->total == 0) {
			mark_last_row(fl, begin, end);
			break;
		}
		push_row(fl);
		for (uint32_t i = begin; i < end; i++)
			lay_children(fl, i, row + 1);
		fl->row_start[row + 2] = fl->n_spans;
		if (fl->n_spans == end) {
			fl->n_rows--;
			break;
		}
	}
}

void flame_release(struct flame *fl)
{
	free(fl->spans);
	free(fl->row_start);
	memset(fl, 0, sizeof(*fl));
}

const struct flame_span *flame_row(const struct flame *fl, uint32_t row, uint32_t *n)
{
	if (row >= fl->n_rows) {
		*n = 0;
		return NULL;
	}
	*n = fl->row_start[row + 1] - fl->row_start[row];
	return &fl->spans[fl->row_start[row]];
}

const struct flame_span *flame_span(const struct flame *fl, struct flame_pos pos)
{
	if (pos.row >= fl->n_rows || fl->row_start[pos.row] + pos.idx >= fl->row_start[pos.row + 1])
		BUG("flame_span: position outside the layout");
	return &fl->spans[fl->row_start[pos.row] + pos.idx];
}

uint32_t flame_span_at(const struct flame *fl, uint32_t row, uint32_t col)
{
	uint32_t n, lo = 0, hi;
	const struct flame_span *sp = flame_row(fl, row, &n);

	/* The first span whose x is beyond col; the candidate is the one before. */
	hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sp[mid].x <= col)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || col >= sp[lo - 1].x + sp[lo - 1].width)
		return FLAME_NONE;
	return lo - 1;
}

bool flame_find(const struct flame *fl, uint32_t node, struct flame_pos *pos)
{
	for (uint32_t row = 0; row < fl->n_rows; row++) {
		for (uint32_t i = fl->row_start[row]; i < fl->row_start[row + 1]; i++) {
			if (fl->spans[i].node != node)
				continue;
			pos->row = row;
			pos->idx = i - fl->row_start[row];
			return true;
		}
	}
	return false;
}

bool flame_parent(const struct flame *fl, struct flame_pos *pos)
{
	const struct flame_span *sp = flame_span(fl, *pos);

	if (sp->parent == FLAME_NONE)
		return false;
	pos->row--;
	pos->idx = sp->parent;
	return true;
}

bool flame_first_child(const struct flame *fl, struct flame_pos *pos)
{
	const struct flame_span *sp = flame_span(fl, *pos);

	if (sp->first_child == FLAME_NONE)
		return false;
	pos->row++;
	pos->idx = sp->first_child;
	return true;
}

bool flame_prev(const struct flame *fl, struct flame_pos *pos)
{
	flame_span(fl, *pos);
	if (pos->idx == 0)
		return false;
	pos->idx--;
	return true;
}

bool flame_next(const struct flame *fl, struct flame_pos *pos)
{
	uint32_t n;

	flame_row(fl, pos->row, &n);
	if (pos->idx + 1 >= n)
		return false;
	pos->idx++;
	return true;
}
