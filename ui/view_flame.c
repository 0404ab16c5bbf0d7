/*
 * view_flame: the icicle graph (root at the top) of the current metric's
 * tree, width proportional to the metric.
 *
 * The layout (src/analysis/flame.h) is cheap (O(spans on screen)), so it is
 * never kept: draw and key both lay out the tree for the rectangle they are
 * given (key uses the app's last layout, app->body) and find the selected node
 * in it.  The state is just three identities: the tree, the zoom node (the frame
 * at row 0) and the selected node, both also remembered as key paths so that a
 * new metric or direction finds them again.  The layout needs siblings sorted by
 * size, so this view always asks for the size order, whatever order the tree
 * view shows.
 *
 * In fixed mode (view_flame.h) the tree is the owner's, handed over before
 * each sync, and the title and status name what it weighs instead of the
 * app's metric.  What the screen shows of a node goes through a style, a
 * table of hooks: plain_style below (the tree's own figures, this view's
 * search) unless the owner gives its own (the diff views: the figures of two
 * sides, colours and marks by the sign of the change, the owner's search and
 * selection).  The layout, the cursor, the zoom and the keys that move them
 * are the same in any style.
 *
 * Screen: a title row, the icicle rows, and a bottom line naming the frame
 * under the cursor with its figures.  A span shows its function when it is
 * wide enough (after the style's mark), fitted as a tree row's name is
 * (tree_row.h: a C++ name's short or brief form, else the end of it, unless
 * the app wants full names), leaves its last cell blank as a border, and ends
 * in '+' when some callees are too narrow for a cell; a span of one cell is a
 * shaded block, or the mark.  Adjacent spans alternate two shades, which a
 * style may recolour.  The title and the bottom line name frames by their
 * brief forms (or in full).
 */
#include "view_flame.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "export.h"
#include "flame.h"
#include "fmt.h"
#include "functions.h"
#include "glyphs.h"
#include "names.h"
#include "outline.h"
#include "tree_row.h"
#include "view.h"
#include "xalloc.h"

struct view_flame {
	struct view base;
	const struct tree *t;		/* from explore, sorted by size */
	bool are_count;
	enum tree_direction dir;
	uint32_t zoom;			/* node at icicle row 0 */
	uint32_t sel;			/* selected node: zoom, below it, or a shown ancestor */
	uint32_t top;			/* the first icicle row shown (scrolled down) */
	uint64_t *zoom_path;		/* zoom's keys from the root */
	size_t zoom_len, zoom_cap;
	char pattern[OUTLINE_MAX_PATTERN];	/* search, "" = none */
	bool fixed;			/* the owner's tree (view_flame_set_tree) */
	const struct tree *fixed_tree;
	bool fixed_count;
	char fixed_title[256];		/* what the tree weighs, for the title */
	char fixed_metric[128];		/* and for the status line */
	const struct flame_style *style;	/* plain_style, or the owner's */
	void *ctx;			/* the style's: this view, or the owner */
};

static const struct flame_style plain_style;

/*
 * The rows of a body of h rows, between the title and the bottom line: the
 * ancestors zoomed through (the nearest ones, a third of the rows at most),
 * then the icicle rows.
 */
struct flame_rows {
	uint32_t ancestors, icicle;
};

static struct flame_rows rows_for(const struct view_flame *v, int h)
{
	uint32_t total = h > 3 ? (uint32_t)h - 2 : 1, depth = v->t->nodes[v->zoom].depth;
	struct flame_rows r;

	r.ancestors = depth < total / 3 ? depth : total / 3;
	r.icicle = total - r.ancestors;
	return r;
}

/* Laid out as deep as the screen shows (keys: as deep as the tree goes). */
static void lay_out(const struct view_flame *v, int w, int h, bool all, struct flame *fl)
{
	flame_layout(fl, v->t, TREE_ORDER_SIZE, v->zoom, w > 0 ? (uint32_t)w : 1,
		     all ? FLAME_DEPTH_ALL : v->top + rows_for(v, h).icicle - 1);
}

/* The first icicle row shown so that row is: top, moved as little as it takes. */
static uint32_t top_for(uint32_t top, uint32_t row, uint32_t icicle)
{
	if (row < top)
		return row;
	if (row >= top + icicle)
		return row - icicle + 1;
	return top;
}

/* Whether node is an ancestor of the zoom shown above it in a body of h rows. */
static bool is_shown_ancestor(const struct view_flame *v, uint32_t node, int h)
{
	uint32_t zd = v->t->nodes[v->zoom].depth;

	if (node == v->zoom || node == TREE_NONE || v->t->nodes[node].depth >= zd)
		return false;
	for (uint32_t nd = v->zoom; nd != TREE_NONE; nd = v->t->nodes[nd].parent)
		if (nd == node)
			return v->t->nodes[node].depth + rows_for(v, h).ancestors >= zd;
	return false;
}

static bool is_below(const struct tree *t, uint32_t node, uint32_t ancestor)
{
	for (; node != TREE_NONE; node = t->nodes[node].parent)
		if (node == ancestor)
			return true;
	return false;
}

/* Where the selection is drawn: its span, or its nearest ancestor's. */
static struct flame_pos locate(const struct view_flame *v, const struct flame *fl)
{
	struct flame_pos pos = { 0, 0 };

	for (uint32_t nd = v->sel; nd != TREE_NONE && nd != v->zoom; nd = v->t->nodes[nd].parent)
		if (flame_find(fl, nd, &pos))
			return pos;
	pos.row = 0;
	pos.idx = 0;
	return pos;
}

static void remember_zoom(struct view_flame *v)
{
	size_t n = tree_path(v->t, v->zoom, NULL, 0);

	if (n > v->zoom_cap) {
		v->zoom_cap = n * 2;
		v->zoom_path = xrealloc_array(v->zoom_path, v->zoom_cap, sizeof(*v->zoom_path));
	}
	v->zoom_len = tree_path(v->t, v->zoom, v->zoom_path, v->zoom_cap);
}

static void publish(struct view_flame *v, struct app *app)
{
	size_t n = tree_path(v->t, v->sel, NULL, 0);
	uint64_t *keys = xmalloc(n * sizeof(*keys));

	tree_path(v->t, v->sel, keys, n);
	app_set_selection(app, keys, n);
	free(keys);
}

/* The selection moves to node, and the owner hears of it. */
static void select_node(struct view_flame *v, uint32_t node)
{
	v->sel = node;
	if (v->style->select)
		v->style->select(v->ctx, node);
}

static void flame_sync(struct view *base, struct app *app)
{
	struct view_flame *v = (struct view_flame *)base;

	if (v->t && v->dir != app->dir)
		v->zoom_len = 0;
	v->dir = app->dir;
	if (v->fixed) {
		v->t = v->fixed_tree;
		v->are_count = v->fixed_count;
	} else {
		v->t = explore_tree(app->ex, app->metric, app->dir, TREE_ORDER_SIZE, &v->are_count);
	}
	if (!v->t)
		return;
	/* The plain style zooms to the app's focus (the tree view's root); a style's owner not. */
	if (v->style == &plain_style) {
		uint32_t zoom = app_focus_node(app, v->t);

		if (zoom != v->zoom)
			v->top = 0;
		v->zoom = zoom;
	} else {
		v->zoom = tree_find_path(v->t, v->zoom_path, v->zoom_len);
	}
	/* A style's owner selects next (view_flame_select); the app's path is not its. */
	v->sel = v->style == &plain_style ? tree_find_path(v->t, app->sel, app->sel_len) : v->zoom;
	if (!is_below(v->t, v->sel, v->zoom) && !is_shown_ancestor(v, v->sel, app->body.h)) {
		if (v->style == &plain_style)
			v->sel = v->zoom;
		else
			v->zoom = 0;
	}
	remember_zoom(v);
}

/* The label of node: "all" for the root, else its function's name in form (names.h). */
static void node_label(const struct view_flame *v, uint32_t node, enum names_form form,
		       char *buf, size_t size)
{
	const char *full;

	if (node == 0) {
		snprintf(buf, size, "all");
		return;
	}
	/* buf has the label (cut to size); a named frame's whole name is the capture's. */
	full = capture_frame_label(v->t->cap, v->t->nodes[node].frame, buf, size);
	if (form != NAMES_FULL && outline_shortens(v->t->cap, v->t->nodes[node].frame))
		names_shorten(full, form, buf, size);
}

/* A span's label fits its width as a tree row's name does (tree_row_name). */
static void draw_span(const struct view_flame *v, struct screen *s, int x, int y,
		      const struct flame_span *sp, enum role role, char mark, bool full)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	int w = (int)sp->width, used = 0, cut = 0;
	char buf[OUTLINE_MAX_NAME];
	const char *label = "all";

	if (w < 2) {
		screen_put(s, x, y, mark ? (uint32_t)mark : g->shade, role);
		return;
	}
	screen_fill(s, x, y, w, ' ', role);
	if (mark) {
		screen_put(s, x, y, (uint32_t)mark, role);
		used = 1;
	}
	if (w - 1 - used < 1)
		return;
	if (sp->node)
		label = tree_row_name(s, v->t->cap, v->t->nodes[sp->node].frame, full, w - 1 - used,
				      buf, sizeof(buf), &cut);
	else
		cut = screen_text_width(s, label) > w - 1 - used ? 2 : 0;
	if (cut == 1)
		screen_put(s, x + used++, y, g->ellipsis, role);
	if (cut == 2 && w - 2 - used > 0) {
		used += screen_textn(s, x + used, y, w - 2 - used, label,
				     tree_row_cut(s, label, w - 2 - used), role);
		screen_put(s, x + used, y, g->ellipsis, role);
	} else if (cut == 2) {
		screen_put(s, x + used, y, g->ellipsis, role);	/* no room for any of it */
	} else {
		screen_text(s, x + used, y, w - 1 - used, label, role);
	}
	if (sp->flags & (FLAME_SPAN_HIDDEN | FLAME_SPAN_CUT) && w > 2)
		screen_put(s, x + w - 1, y, '+', role);
}

/* ---- the plain style: alternating shades, the label's search, the tree's figures ---- */

static void plain_title(const void *ctx, const struct app *app, struct screen *s, struct rect r,
			const char *zoom)
{
	const struct view_flame *v = ctx;
	char title[1024];

	snprintf(title, sizeof(title), "flame graph, %s, %s%s%s",
		 v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
		 v->fixed ? v->fixed_title : metric_title(app->metric),
		 zoom ? ", zoomed into " : "", zoom ? zoom : "");
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x, r.y, r.w, title, ROLE_TITLE);
}

static enum role plain_span(const void *ctx, uint32_t node, enum role shade, char *mark)
{
	(void)ctx;
	(void)node;
	*mark = 0;
	return shade;
}

/* Whether the function of node has the search pattern, as a tree's search has it. */
static bool plain_matches(const void *ctx, uint32_t node)
{
	const struct view_flame *v = ctx;
	char name[OUTLINE_MAX_NAME];

	if (!v->pattern[0] || node == 0)
		return false;
	outline_search_text(v->t->cap, v->t->nodes[node].frame, name, sizeof(name));
	return outline_find(name, v->pattern) != NULL;
}

/* "fn  1.00 MiB  12.5% of all  50.0% of zoom  42 allocations  file:line" */
static void plain_info(const void *ctx, uint32_t sel, const char *label, char *line, size_t size)
{
	const struct view_flame *v = ctx;
	const struct tree_node *nd = &v->t->nodes[sel];
	const struct tree_node *root = &v->t->nodes[0], *zoom = &v->t->nodes[v->zoom];
	char value[32], all[16], inzoom[16];
	const char *file = "";
	uint32_t lineno = 0;

	if (sel != 0) {
		const struct frame *f = capture_frame(v->t->cap, nd->frame);

		file = capture_string(v->t->cap, f->file);
		lineno = f->line;
	}
	if (v->are_count)
		snprintf(value, sizeof(value), "%" PRId64, nd->total_bytes);
	else
		fmt_bytes(nd->total_bytes, value, sizeof(value));
	fmt_percent(nd->total_bytes, root->total_bytes, all, sizeof(all));
	fmt_percent(nd->total_bytes, zoom->total_bytes, inzoom, sizeof(inzoom));
	snprintf(line, size, "%s  %s  %s of all  %s of zoom  %" PRId64 " allocations%s%s", label,
		 value, all, inzoom, nd->total_count, *file ? "  " : "", file);
	if (*file) {
		size_t n = strlen(line);

		snprintf(line + n, size - n, ":%u", lineno);
	}
}

static const struct flame_style plain_style = {
	.title = plain_title,
	.span = plain_span,
	.matches = plain_matches,
	.info = plain_info,
};

/* ---- drawing and keys, in any style ---- */

/* The bottom line: what the style says of the selection. */
static void draw_info(const struct view_flame *v, struct screen *s, int y, int w, bool full)
{
	char label[OUTLINE_MAX_NAME], line[OUTLINE_MAX_NAME + 512];

	node_label(v, v->sel, full ? NAMES_FULL : NAMES_BRIEF, label, sizeof(label));
	v->style->info(v->ctx, v->sel, label, line, sizeof(line));
	screen_fill(s, 0, y, w, ' ', ROLE_TITLE);
	if (screen_text_width(s, line) <= w) {
		screen_text(s, 0, y, w, line, ROLE_TITLE);
		return;
	}
	/* Cut between words, so no figure loses its unit (tree_row_cut). */
	screen_put(s, screen_textn(s, 0, y, w - 1, line, tree_row_cut(s, line, w - 1), ROLE_TITLE),
		   y, glyphs_get(s->utf8)->ellipsis, ROLE_TITLE);
}

/* The ancestors zoomed through, full width, one a row, the root's nearest first. */
static void draw_ancestors(const struct view_flame *v, const struct app *app, struct screen *s,
			   struct rect r, uint32_t n)
{
	uint32_t nd = v->zoom;

	for (uint32_t i = n; i-- > 0;) {
		struct flame_span sp = { 0 };
		enum role role;
		char mark;

		nd = v->t->nodes[nd].parent;
		sp.node = nd;
		sp.width = (uint32_t)r.w;
		role = v->style->span(v->ctx, nd, i % 2 ? ROLE_FRAME_B : ROLE_FRAME_A, &mark);
		if (nd == v->sel)
			role = ROLE_SELECTED;
		else if (v->style->matches(v->ctx, nd))
			role = ROLE_MATCH;
		draw_span(v, s, r.x, r.y + 1 + (int)i, &sp, role, mark, app->full_names);
	}
}

static void flame_draw(const struct view *base, const struct app *app, struct screen *s,
		       struct rect r)
{
	const struct view_flame *v = (const struct view_flame *)base;
	const struct flame_style *st = v->style;
	struct flame fl;
	struct flame_pos cur;
	struct flame_rows rows;
	bool on_ancestor;
	uint32_t top;
	char zoom[OUTLINE_MAX_NAME];

	if (!v->t || r.h < 1)
		return;
	rows = rows_for(v, r.h);
	on_ancestor = is_shown_ancestor(v, v->sel, r.h);
	lay_out(v, r.w, r.h, false, &fl);
	cur = locate(v, &fl);
	/* A resize may have left the cursor's row below the screen: keys keep top, draw clamps. */
	top = on_ancestor ? v->top : top_for(v->top, cur.row, rows.icicle);
	node_label(v, v->zoom, app->full_names ? NAMES_FULL : NAMES_BRIEF, zoom, sizeof(zoom));
	st->title(v->ctx, app, s, r, v->zoom ? zoom : NULL);
	draw_ancestors(v, app, s, r, rows.ancestors);
	for (uint32_t row = top; row < fl.n_rows && row - top < rows.icicle; row++) {
		uint32_t n;
		const struct flame_span *sp = flame_row(&fl, row, &n);
		int y = r.y + 1 + (int)rows.ancestors + (int)(row - top);

		for (uint32_t i = 0; i < n; i++) {
			enum role shade = (i + row) % 2 ? ROLE_FRAME_B : ROLE_FRAME_A;
			char mark;
			enum role role = st->span(v->ctx, sp[i].node, shade, &mark);

			if (row == cur.row && i == cur.idx && !on_ancestor)
				role = ROLE_SELECTED;
			else if (st->matches(v->ctx, sp[i].node))
				role = ROLE_MATCH;
			draw_span(v, s, r.x + (int)sp[i].x, y, &sp[i], role, mark, app->full_names);
		}
	}
	if (r.h > 2)
		draw_info(v, s, r.y + r.h - 1, r.w, app->full_names);
	flame_release(&fl);
}

/* The next span after pos (row by row, left to right) whose label matches; wraps. */
static bool next_match(const struct view_flame *v, const struct flame *fl, struct flame_pos *pos,
		       int dir)
{
	uint32_t total = fl->n_spans, at = fl->row_start[pos->row] + pos->idx;

	for (uint32_t k = 1; k <= total; k++) {
		uint32_t i = dir > 0 ? (at + k) % total : (at + total - k % total) % total;

		if (plain_matches(v, fl->spans[i].node)) {
			pos->row = 0;
			while (pos->row + 1 < fl->n_rows && fl->row_start[pos->row + 1] <= i)
				pos->row++;
			pos->idx = i - fl->row_start[pos->row];
			return true;
		}
	}
	return false;
}

/* Zooms to node: the app's focus in the plain style, the view's own zoom in another. */
static void zoom_to(struct view_flame *v, struct app *app, uint32_t node)
{
	v->zoom = node;
	v->top = 0;
	select_node(v, node);
	remember_zoom(v);
	if (v->style == &plain_style)
		app_focus_on(app, v->zoom_path, v->zoom_len);
}

/* Backspace, Esc: the search first (Esc), then back to the zoom before. */
static enum view_result zoom_out(struct view_flame *v, struct app *app, enum action a)
{
	if (a == A_ESC && v->pattern[0]) {
		v->pattern[0] = 0;
		return ACT_NONE;
	}
	if (v->style == &plain_style)
		return app_focus_back(app) ? ACT_NONE : ACT_IGNORED;
	if (v->zoom == 0)
		return ACT_IGNORED;
	v->zoom = v->t->nodes[v->zoom].parent;
	v->top = 0;
	remember_zoom(v);
	return ACT_NONE;
}

/*
 * The keys on an ancestor row: up and down along the ancestors (down from the
 * nearest to the zoom), Enter or F zooms out to it; false: a key of the
 * icicle rows (from the zoom's span).
 */
static bool ancestor_key(struct view_flame *v, struct app *app, enum action a)
{
	uint32_t nd = v->zoom;

	switch (a) {
	case A_UP:
		if (is_shown_ancestor(v, v->t->nodes[v->sel].parent, app->body.h))
			select_node(v, v->t->nodes[v->sel].parent);
		return true;
	case A_DOWN:
		while (v->t->nodes[nd].parent != v->sel)
			nd = v->t->nodes[nd].parent;
		select_node(v, nd);
		return true;
	case A_ENTER:
	case A_FOCUS:
		zoom_to(v, app, v->sel);
		return true;
	default:
		return false;
	}
}

static enum view_result flame_key(struct view *base, struct app *app, enum action a,
				  struct view **push)
{
	struct view_flame *v = (struct view_flame *)base;
	enum view_result res = ACT_NONE;
	struct flame fl;
	struct flame_pos pos;
	bool moved = true;

	if (is_shown_ancestor(v, v->sel, app->body.h) && ancestor_key(v, app, a)) {
		if (v->style == &plain_style)
			publish(v, app);
		return ACT_NONE;
	}
	lay_out(v, app->body.w, app->body.h, true, &fl);
	pos = locate(v, &fl);
	switch (a) {
	case A_DOWN:
		moved = flame_first_child(&fl, &pos);
		break;
	case A_UP:
		moved = flame_parent(&fl, &pos);
		/* Up from the zoom: onto the ancestors above it. */
		if (!moved && is_shown_ancestor(v, v->t->nodes[v->zoom].parent, app->body.h)) {
			select_node(v, v->t->nodes[v->zoom].parent);
			v->top = 0;
		}
		break;
	case A_IN:
		moved = flame_next(&fl, &pos);
		break;
	case A_OUT:
		moved = flame_prev(&fl, &pos);
		break;
	case A_FIRST:
		pos.row = 0;
		pos.idx = 0;
		break;
	case A_ENTER:
	case A_FOCUS:
		zoom_to(v, app, flame_span(&fl, pos)->node);
		moved = false;
		break;
	case A_ESC:
	case A_BACK:
		res = zoom_out(v, app, a);
		moved = false;
		break;
	case A_CALLERS:
		moved = false;
		if (v->fixed || v->style != &plain_style)
			res = ACT_IGNORED;
		else if (!flame_span(&fl, pos)->node)
			app_message(app, "x: the callers of a function: move to one first");
		else {
			*push = view_callers_new(FUNC_BY_FUNCTION,
						 v->t->nodes[flame_span(&fl, pos)->node].frame);
			res = ACT_PUSH;
		}
		break;
	case A_NEXT_MATCH:
	case A_PREV_MATCH:
		if (!v->pattern[0])
			app_message(app, "no search: press / first");
		else if (!next_match(v, &fl, &pos, a == A_NEXT_MATCH ? 1 : -1))
			app_message(app, "no match for '%s' in a span a cell wide or more",
				    v->pattern);
		break;
	default:
		moved = false;
		res = ACT_IGNORED;
	}
	if (moved) {
		select_node(v, flame_span(&fl, pos)->node);
		v->top = top_for(v->top, pos.row, rows_for(v, app->body.h).icicle);
	}
	flame_release(&fl);
	if (res == ACT_NONE && v->style == &plain_style)
		publish(v, app);
	return res;
}

static void flame_search(struct view *base, struct app *app, const char *pattern)
{
	struct view_flame *v = (struct view_flame *)base;
	struct flame fl;
	struct flame_pos pos;

	snprintf(v->pattern, sizeof(v->pattern), "%s", pattern);
	if (!pattern[0])
		return;
	lay_out(v, app->body.w, app->body.h, true, &fl);
	pos = locate(v, &fl);
	if (plain_matches(v, flame_span(&fl, pos)->node) || next_match(v, &fl, &pos, 1)) {
		v->sel = flame_span(&fl, pos)->node;
		v->top = top_for(v->top, pos.row, rows_for(v, app->body.h).icicle);
	} else {
		app_message(app, "no match for '%s' in a span a cell wide or more", pattern);
	}
	flame_release(&fl);
	publish(v, app);
}

static void flame_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	const struct view_flame *v = (const struct view_flame *)base;
	char fold[64] = "", level[32] = "";
	size_t n;

	/* A fixed tree (a diff's, a stage's) is its view's; the app's trees say how they fold. */
	if (!v->fixed)
		app_fold_status(app, fold, sizeof(fold));
	if (v->top)
		snprintf(level, sizeof(level), "from level %u  ", v->top);
	n = (size_t)snprintf(buf, size,
			     "[flame graph] %s  metric: %s  %s%s%sEnter: zoom  Bksp: out",
			     app->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
			     v->fixed ? v->fixed_metric : metric_name(app->metric), fold,
			     fold[0] ? "  " : "", level);
	if (v->pattern[0] && n < size)
		snprintf(buf + n, size - n, "  /%s", v->pattern);
}

static void flame_free(struct view *base)
{
	struct view_flame *v = (struct view_flame *)base;

	free(v->zoom_path);
	free(v);
}

/* w: the report tree (export.h), as the tree view; a fixed view's owner answers for it. */
static int flame_export(const struct view *base, const struct app *app, FILE *out,
			enum report_format format, char *why, size_t why_size)
{
	const struct view_flame *v = (const struct view_flame *)base;

	if (v->fixed) {
		snprintf(why, why_size, "this flame graph has no memtui report form");
		return -1;
	}
	return export_tree(app, out, format, why, why_size);
}

static uint32_t flame_frame(const struct view *base, const struct app *app)
{
	const struct view_flame *v = (const struct view_flame *)base;

	if (!v->t || v->sel == TREE_NONE || v->sel == 0)
		return VIEW_NO_FRAME;
	return v->t->nodes[v->sel].frame;
}

static const struct view_ops flame_ops = {
	.name = "flame graph",
	.header = false,
	.explore_trees = true,
	.sync = flame_sync,
	.draw = flame_draw,
	.key = flame_key,
	.search = flame_search,
	.status = flame_status,
	.export = flame_export,
	.frame = flame_frame,
	.free = flame_free,
};

struct view *view_flame_new(void)
{
	struct view_flame *v = xcalloc(1, sizeof(*v));

	v->base.ops = &flame_ops;
	v->style = &plain_style;
	v->ctx = v;
	return &v->base;
}

struct view *view_flame_new_fixed(void)
{
	struct view_flame *v = (struct view_flame *)view_flame_new();

	v->fixed = true;
	return &v->base;
}

void view_flame_set_tree(struct view *base, const struct tree *t, bool are_count, const char *title,
			 const char *metric)
{
	struct view_flame *v = (struct view_flame *)base;

	v->fixed_tree = t;
	v->fixed_count = are_count;
	snprintf(v->fixed_title, sizeof(v->fixed_title), "%s", title ? title : "");
	snprintf(v->fixed_metric, sizeof(v->fixed_metric), "%s", metric ? metric : "");
}

struct view *view_flame_new_styled(const struct flame_style *style, void *ctx)
{
	struct view_flame *v = (struct view_flame *)view_flame_new_fixed();

	v->style = style;
	v->ctx = ctx;
	return &v->base;
}

void view_flame_select(struct view *base, uint32_t node)
{
	struct view_flame *v = (struct view_flame *)base;

	v->sel = node;
	if (!is_below(v->t, node, v->zoom)) {
		v->zoom = 0;
		remember_zoom(v);
	}
}
