/*
 * view_tree: the call tree, top-down or bottom-up, of any metric.
 *
 * The view is an outline (ui/model/outline.h) per direction over a tree from
 * the analyses (ui/model/explore.h).  Each keeps its own expanded nodes, so
 * inverting twice comes back to the same top-down tree; inverting from top-down
 * selects the function under the cursor among the bottom-up roots and opens it,
 * i.e. shows its callers.  An opened tree (view_tree.h) weighs what its source
 * gives instead of the app's metric: the live heap after one event (pushed from
 * the timeline), a stage's allocations (from the stage table).  It owns its
 * trees, per direction, for the source's current variant (t cycles them,
 * rebuilding); with a source that allows it, f hands the same tree, sorted by
 * size, to an embedded fixed-mode flame view (view_flame.h) and passes it the
 * keys, draw and status until f again. S on a named node opens the stage table
 * of the calls under its function.
 *
 * A row: value (inclusive: the paths through the node), share of the root,
 * allocations, self (the paths that end at the node), a bar of the share,
 * then the indented node (tree_row.h): marker, function, file:line, [module]
 * of native frames.  Self comes after the count so that the leading figures
 * read as before; on a narrow screen the bar goes first, then self.  Under
 * the rows, the detail pane (tree_row.h) names the cursor's node in full,
 * with its self and total figures, exact bytes where they fit.  Numbers are
 * formatted by fmt.h, as in `memtui report`.
 *
 * Scrolling: top is the first row shown.  Keys keep the cursor inside the
 * body of the last layout (app->body); draw clamps again on its own copy, so
 * a resize never draws the cursor off screen.
 */
#include "view_tree.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "export.h"
#include "fmt.h"
#include "functions.h"
#include "outline.h"
#include "outline_keys.h"
#include "report.h"
#include "stages.h"
#include "tree_row.h"
#include "view.h"
#include "view_flame.h"
#include "xalloc.h"

struct view_tree {
	struct view base;
	struct outline ol[2];		/* per direction */
	bool opened[2];			/* ol[d] has been shown (its hot path opened) */
	enum tree_direction dir;	/* direction shown */
	const struct tree *t;		/* shown tree; NULL before the first sync */
	bool are_count;			/* t weighs counts */
	size_t top;			/* first row on screen */
	unsigned origin;		/* first level indented from the left (< and >) */
	struct tree_source *src;	/* an opened tree's weights (owned), else NULL */
	unsigned variant;		/* the source's variant shown */
	struct view *flame;		/* the same tree as a flame graph (owned), or NULL */
	bool flaming;			/* f: the flame view has the screen */
	struct tree own[2];		/* an opened tree's trees, per direction */
	bool own_built[2];
	bool own_folded[2];		/* own[d] was built with folding on */
	enum tree_order own_order[2];
	uint64_t focus_key;		/* the key of the focus shown (the root's: none) */
};

/* Title rows: the column titles, and the breadcrumb when there is a focus. */
static int title_rows(const struct view_tree *v)
{
	const struct outline *o = &v->ol[v->dir];

	return o->t && o->root ? 2 : 1;
}

static const struct tree *tree_for(struct view_tree *v, struct app *app, enum tree_direction d,
				   enum tree_order sort)
{
	struct snapshot w;

	if (!v->src)
		return explore_tree(app->ex, app->metric, d, sort, &v->are_count);
	v->are_count = false;
	if (v->own_built[d] && v->own_folded[d] != app->ex->folding) {
		outline_detach(&v->ol[d]);
		tree_release(&v->own[d]);
		v->own_built[d] = false;
	}
	if (!v->own_built[d]) {
		v->src->weights(v->src, app->ex->cap, v->variant, &w);
		thread_filter_apply(&app->ex->threads, app->ex->cap, &w);	/* T (threads.h) */
		tree_build(&v->own[d], app->ex->cap, &w, d, explore_fold(app->ex));
		snapshot_release(&w);
		tree_sort(&v->own[d], sort);
		v->own_built[d] = true;
		v->own_folded[d] = app->ex->folding;
		v->own_order[d] = sort;
	} else if (v->own_order[d] != sort) {
		tree_sort(&v->own[d], sort);
		v->own_order[d] = sort;
	}
	return &v->own[d];
}

/* Drops an opened tree's trees (for another variant); outlines keep their keys. */
static void drop_own(struct view_tree *v)
{
	for (int d = 0; d < 2; d++) {
		outline_detach(&v->ol[d]);
		if (v->own_built[d])
			tree_release(&v->own[d]);
		v->own_built[d] = false;
	}
	v->t = NULL;
}

/* The source's words for what the tree weighs. */
static void describe(const struct view_tree *v, char *title, size_t tsize, char *metric,
		     size_t msize)
{
	v->src->describe(v->src, v->variant, title, tsize, metric, msize);
}

static void publish(struct view_tree *v, struct app *app)
{
	const struct outline *o = &v->ol[v->dir];
	size_t n;
	const uint64_t *path = outline_path(o, &n);

	app_set_selection(app, path, n);
	v->top = outline_keys_top(o->cursor, o->n_rows, v->top,
				  tree_row_page(app->body.h, title_rows(v)));
}

/* The app's focus as o's root; a new focus starts the indent at its level. */
static void apply_focus(struct view_tree *v, struct app *app, struct outline *o)
{
	uint32_t nd = app_focus_node(app, o->t);

	outline_set_root(o, nd);
	if (o->t->n && o->t->nodes[nd].key != v->focus_key) {
		v->focus_key = o->t->nodes[nd].key;
		v->origin = o->t->nodes[nd].depth;
		v->top = 0;
	}
}

/* Flame mode: the tree of the app's direction, sorted by size, to the flame view. */
static void sync_flame(struct view_tree *v, struct app *app)
{
	char title[256], metric[128];

	outline_detach(&v->ol[0]);
	outline_detach(&v->ol[1]);
	v->t = tree_for(v, app, app->dir, TREE_ORDER_SIZE);
	v->dir = app->dir;
	describe(v, title, sizeof(title), metric, sizeof(metric));
	view_flame_set_tree(v->flame, v->t, v->are_count, title, metric);
	v->flame->synced_gen = app->gen;
	v->flame->ops->sync(v->flame, app);
}

static void tree_sync(struct view *base, struct app *app)
{
	struct view_tree *v = (struct view_tree *)base;
	enum tree_direction d = app->dir;
	struct outline *o = &v->ol[d];
	uint32_t inv_frame = 0;
	const struct tree *t;

	if (v->flaming) {
		sync_flame(v, app);
		return;
	}
	if (v->t && d != v->dir) {
		uint32_t nd = outline_node(&v->ol[v->dir]);

		if (nd != TREE_NONE && nd != 0)
			inv_frame = v->t->nodes[nd].frame;
	} else if (app->sel_len) {
		/* Same direction: the selection may come from another view or metric. */
		outline_set_path(o, app->sel, app->sel_len);
	}
	/* The hidden direction's tree may be re-sorted before it is shown again. */
	outline_detach(&v->ol[!d]);
	t = tree_for(v, app, d, app->order);
	outline_attach(o, t);
	if (t->n)
		apply_focus(v, app, o);
	if (!v->opened[d]) {
		outline_expand_heavy(o, 500);
		v->opened[d] = true;
	}
	if (inv_frame)
		tree_row_reveal(o, tree_child(t, 0, inv_frame));
	v->dir = d;
	v->t = t;
	publish(v, app);
}

/* Column widths for a body of width w. */
struct columns {
	int value, share, count, self, bar, name;	/* widths (count, self, bar 0: none);
							 * name starts after bar */
};

#define NAME_MIN 8	/* the bar goes when the name would be narrower */
#define NAME_MIN_SELF 12	/* then self, when the name would still be narrower */

static struct columns columns_for(const struct view_tree *v, int w)
{
	struct columns c = { 10, 6, 6, 10, 0, 0 };
	char digits[32];
	int counts;
	int n = snprintf(digits, sizeof(digits), "%" PRId64,
			 (int64_t)llabs(v->t->nodes[0].total_count));

	if (n > c.count)
		c.count = n;
	if (v->are_count) {	/* the value is the count: no second column of it */
		n = snprintf(digits, sizeof(digits), "%" PRId64,
			     (int64_t)llabs(v->t->nodes[0].total_bytes));
		c.value = n > 6 ? n : 6;
		c.self = c.value;
		c.count = 0;
	}
	c.bar = (w - 40) / 6;
	c.bar = c.bar < 4 ? 4 : c.bar > 20 ? 20 : c.bar;
	counts = (c.count ? c.count + 1 : 0) + c.self + 1;
	c.name = w - (c.value + 1 + c.share + 1 + counts + c.bar + 1);
	if (c.name < NAME_MIN) {
		c.bar = 0;
		c.name = w - (c.value + 1 + c.share + 1 + counts);
	}
	if (c.name < NAME_MIN_SELF) {
		c.self = 0;
		counts = c.count ? c.count + 1 : 0;
		c.name = w - (c.value + 1 + c.share + 1 + counts);
	}
	return c;
}

static void draw_row(const struct view_tree *v, struct screen *s, struct rect r, int y,
		     const struct columns *c, size_t row, unsigned names)
{
	const struct outline *o = &v->ol[v->dir];
	uint32_t id = o->rows[row];
	const struct tree_node *nd = &v->t->nodes[id];
	const struct tree_node *root = &v->t->nodes[o->root];	/* shares are of the focus */
	bool selected = row == o->cursor;
	enum role normal = selected ? ROLE_SELECTED : ROLE_NORMAL;
	char value[32], share[16], count[32], self[32], cell[160];
	int x = r.x, n;

	if (v->are_count) {
		snprintf(value, sizeof(value), "%" PRId64, nd->total_bytes);
		snprintf(self, sizeof(self), "%" PRId64, nd->self_bytes);
	} else {
		fmt_bytes(nd->total_bytes, value, sizeof(value));
		fmt_bytes(nd->self_bytes, self, sizeof(self));
	}
	fmt_percent(nd->total_bytes, root->total_bytes, share, sizeof(share));
	snprintf(count, sizeof(count), "%" PRId64, nd->total_count);
	if (selected)
		screen_fill(s, r.x, y, r.w, ' ', ROLE_SELECTED);
	n = snprintf(cell, sizeof(cell), "%*s %*s ", c->value, value, c->share, share);
	if (c->count)
		n += snprintf(cell + n, sizeof(cell) - (size_t)n, "%*s ", c->count, count);
	if (c->self)
		snprintf(cell + n, sizeof(cell) - (size_t)n, "%*s ", c->self, self);
	x += screen_text(s, x, y, r.w, cell, normal);
	if (c->bar) {
		screen_bar(s, x, y, c->bar, nd->total_bytes, root->total_bytes,
			   selected ? ROLE_SELECTED : ROLE_BAR);
		x += c->bar + 1;
	}
	tree_row_node(s, x, y, r.x + r.w - x, o, id,
		      TREE_ROW_LINE | names | (selected ? TREE_ROW_SELECTED : 0),
		      v->origin);
}

/* A weight as the value column shows it, with its exact bytes when exact. */
static char *weight_text(const struct view_tree *v, int64_t w, bool exact, char *buf,
			 size_t size)
{
	char human[32];

	if (v->are_count)
		snprintf(buf, size, "%" PRId64, w);
	else if (exact && (w >= 1024 || w <= -1024))
		snprintf(buf, size, "%s (%" PRId64 " B)", fmt_bytes(w, human, sizeof(human)), w);
	else
		fmt_bytes(w, buf, size);
	return buf;
}

/*
 * The pane's figures of node id, exact or not: self, total with its share,
 * depth; the counts named as the count column is (count, "live", "calls"),
 * once when the weight is that count.
 */
static void figures(const struct view_tree *v, const char *count, uint32_t id, bool exact,
		    char f[3][128])
{
	const struct tree_node *nd = &v->t->nodes[id];
	uint32_t root = v->ol[v->dir].root;
	char w[64], share[32];

	/* The share of the focus, as the rows show it. */
	fmt_percent(nd->total_bytes, v->t->nodes[root].total_bytes, share, sizeof(share));
	if (root)
		snprintf(share + strlen(share), sizeof(share) - strlen(share), " of focus");
	snprintf(f[2], 128, "depth %" PRIu32, nd->depth);
	if (v->are_count) {
		snprintf(f[0], 128, "self %" PRId64 " %s", nd->self_bytes, count);
		snprintf(f[1], 128, "total %" PRId64 " %s, %s", nd->total_bytes, count, share);
		return;
	}
	snprintf(f[0], 128, "self %s, %" PRId64 " %s",
		 weight_text(v, nd->self_bytes, exact, w, sizeof(w)), nd->self_count, count);
	snprintf(f[1], 128, "total %s, %" PRId64 " %s, %s",
		 weight_text(v, nd->total_bytes, exact, w, sizeof(w)), nd->total_count, count,
		 share);
}

/* The count column's word: the source's, or the metric's ("live", "calls", "temp"). */
static const char *count_column(const struct view_tree *v, const struct app *app)
{
	if (v->src)
		return v->src->count_name(v->src, v->variant);
	return report_count_column(app->metric);
}

static void tree_draw(const struct view *base, const struct app *app, struct screen *s,
		      struct rect r)
{
	const struct view_tree *v = (const struct view_tree *)base;
	const struct outline *o = &v->ol[v->dir];
	size_t rows = tree_row_page(r.h, title_rows(v)), top;
	struct columns c;
	char title[256], what[400], from[32] = "", exact[3][128], brief[3][128];
	const char *count;
	unsigned names = app->full_names ? TREE_ROW_FULL : 0;
	int x, n;

	if (v->flaming) {
		v->flame->ops->draw(v->flame, app, s, r);
		return;
	}
	if (!v->t)
		return;
	c = columns_for(v, r.w);
	top = outline_keys_top(o->cursor, o->n_rows, v->top, rows);
	if (v->origin)
		snprintf(from, sizeof(from), " (from depth %u)", v->origin);
	n = snprintf(title, sizeof(title), "%*s %*s ", c.value,
		     v->are_count ? count_column(v, app) : "bytes", c.share, "share");
	if (c.count)
		n += snprintf(title + n, sizeof(title) - (size_t)n, "%*s ", c.count,
			      count_column(v, app));
	if (c.self)
		n += snprintf(title + n, sizeof(title) - (size_t)n, "%*s ", c.self, "self");
	snprintf(title + n, sizeof(title) - (size_t)n, "%*s%s%s%s  file:line", c.bar,
		 c.bar ? "" : "", c.bar ? " " : "", "function", from);
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	x = screen_text(s, r.x, r.y, r.w, title, ROLE_TITLE);
	if (v->src) {
		char title2[256], metric[128];

		describe(v, title2, sizeof(title2), metric, sizeof(metric));
		snprintf(what, sizeof(what), "%s, %s",
			 v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up", title2);
	} else
		snprintf(what, sizeof(what), "%s, %s",
			 v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
			 metric_title(app->metric));
	if (x + 2 + screen_text_width(s, what) < r.w)
		screen_text(s, r.x + r.w - screen_text_width(s, what) - 1, r.y, -1, what,
			    ROLE_TITLE);
	if (o->root) {
		char tail[64], pct[16];

		fmt_percent(v->t->nodes[o->root].total_bytes, v->t->nodes[0].total_bytes, pct,
			    sizeof(pct));
		snprintf(tail, sizeof(tail), "%s of all  Bksp: back", pct);
		tree_row_breadcrumb(s, r.x, r.y + 1, r.w, v->t, o->root, tail);
	}
	for (size_t i = 0; i < rows && top + i < o->n_rows; i++)
		draw_row(v, s, r, r.y + title_rows(v) + (int)i, &c, top + i, names);
	if (outline_node(o) == TREE_NONE)
		return;
	count = v->src ? count_column(v, app) : report_count_name(app->metric);
	figures(v, count, outline_node(o), true, exact);
	figures(v, count, outline_node(o), false, brief);
	tree_row_detail(s, r, o, outline_node(o), (const char *[]){ exact[0], exact[1], exact[2] },
			(const char *[]){ brief[0], brief[1], brief[2] }, 3);
}

/* S: the stage table of the calls under the selected node's function. */
static enum view_result open_stages(struct view_tree *v, struct app *app, uint32_t nd,
				    struct view **push)
{
	const struct frame *f;
	const char *name;

	if (nd == 0) {
		app_message(app, "S: select a function first");
		return ACT_NONE;
	}
	f = capture_frame(v->t->cap, v->t->nodes[nd].frame);
	if (!f->function) {
		app_message(app, "S: this frame has no function name");
		return ACT_NONE;
	}
	name = capture_string(v->t->cap, f->function);
	if (!stages_under_exists(v->t->cap, name)) {
		app_message(app, "no stages under %s: nothing it calls allocates", name);
		return ACT_NONE;
	}
	*push = view_stages_new(name);
	return ACT_PUSH;
}

/* An opened tree's own keys (before the tree's or the flame view's); ACT_IGNORED: not one. */
static enum view_result source_key(struct view_tree *v, struct app *app, enum action a,
				   struct view **push)
{
	char title[256], metric[128];

	switch (a) {
	case A_METRIC:
		describe(v, title, sizeof(title), metric, sizeof(metric));
		app_message(app, "this tree is the %s (q: back)", title);
		return ACT_NONE;
	case A_TOGGLE:
		if (v->src->n_variants < 2)
			return ACT_IGNORED;
		drop_own(v);
		v->variant = (v->variant + 1) % v->src->n_variants;
		return ACT_RECOMPUTE;
	case A_FLAME:
		if (!v->src->flame)
			return ACT_IGNORED;
		if (!v->flame)
			v->flame = view_flame_new_fixed();
		v->flaming = !v->flaming;
		return ACT_RECOMPUTE;
	default:
		return v->src->key ? v->src->key(v->src, app, v->variant, a, push) : ACT_IGNORED;
	}
}

/* F: the selected node becomes the root. */
static enum view_result focus_key(struct view_tree *v, struct app *app, struct outline *o,
				  uint32_t nd)
{
	size_t n;
	const uint64_t *path = outline_path(o, &n);

	if (nd == o->root) {
		app_message(app, "F: this is the root shown%s", o->root ? "; Backspace: back" : "");
		return ACT_NONE;
	}
	app_focus_on(app, path, n);
	v->top = 0;
	return ACT_NONE;
}

static enum view_result tree_key(struct view *base, struct app *app, enum action a,
				 struct view **push)
{
	struct view_tree *v = (struct view_tree *)base;
	struct outline *o = &v->ol[v->dir];
	uint32_t nd = outline_node(o);
	enum view_result res;

	if (v->src) {
		res = source_key(v, app, a, push);
		if (res != ACT_IGNORED)
			return res;
	}
	if (v->flaming)
		return v->flame->ops->key(v->flame, app, a, push);
	if (nd == TREE_NONE)
		return ACT_IGNORED;
	if (a == A_STAGES)
		return open_stages(v, app, nd, push);
	if (a == A_CALLERS) {
		/* The callers view weighs the app's metric: not what an opened tree weighs. */
		if (v->src || !nd) {
			app_message(app, "%s", v->src
				    ? "x: callers and callees in views 1, 2 and 5"
				    : "x: the callers of a function: move to one first");
			return ACT_NONE;
		}
		*push = view_callers_new(FUNC_BY_FUNCTION, v->t->nodes[nd].frame);
		return ACT_PUSH;
	}
	if (a == A_FOCUS)
		return focus_key(v, app, o, nd);
	res = tree_row_key(o, &v->ol[!v->dir], &v->top, &v->origin,
			   tree_row_page(app->body.h, title_rows(v)), app, a);
	/* Backspace at the focus: back to the focus before. */
	if (res == ACT_IGNORED && a == A_BACK && app_focus_back(app))
		return ACT_NONE;
	if (res == ACT_NONE)
		publish(v, app);
	return res;
}

static void tree_search(struct view *base, struct app *app, const char *pattern)
{
	struct view_tree *v = (struct view_tree *)base;

	if (v->flaming) {
		v->flame->ops->search(v->flame, app, pattern);
		return;
	}
	tree_row_search(&v->ol[v->dir], &v->ol[!v->dir], app, pattern);
	publish(v, app);
}

static void tree_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	const struct view_tree *v = (const struct view_tree *)base;
	char metric[128], title[256], fold[64];
	size_t n;

	if (v->flaming) {
		v->flame->ops->status(v->flame, app, buf, size);
		return;
	}
	if (!v->t)
		return;
	if (v->src)
		describe(v, title, sizeof(title), metric, sizeof(metric));
	else
		snprintf(metric, sizeof(metric), "%s", metric_name(app->metric));
	n = (size_t)snprintf(buf, size, "[tree] %s  metric: %s  sort: %s  %s  ",
			     v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up", metric,
			     tree_order_name(app->order), app_fold_status(app, fold, sizeof(fold)));
	tree_row_status(&v->ol[v->dir], buf, size, n);
}

static void tree_free(struct view *base)
{
	struct view_tree *v = (struct view_tree *)base;

	for (int d = 0; d < 2; d++) {
		outline_release(&v->ol[d]);
		if (v->own_built[d])
			tree_release(&v->own[d]);
	}
	if (v->flame)
		v->flame->ops->free(v->flame);
	if (v->src)
		v->src->free(v->src);
	free(v);
}

/* w: the report tree (export.h); the flame graph exports the same. */
static int tree_export(const struct view *base, const struct app *app, FILE *out,
		       enum report_format format, char *why, size_t why_size)
{
	return export_tree(app, out, format, why, why_size);
}

/* An opened tree weighs a moment or a stage, which no report form weighs. */
static int source_export(const struct view *base, const struct app *app, FILE *out,
			 enum report_format format, char *why, size_t why_size)
{
	snprintf(why, why_size, "an opened tree has no memtui report form");
	return -1;
}

static uint32_t tree_frame(const struct view *base, const struct app *app)
{
	const struct view_tree *v = (const struct view_tree *)base;
	uint32_t nd;

	if (v->flaming)
		return v->flame->ops->frame(v->flame, app);
	if (!v->t)
		return VIEW_NO_FRAME;
	nd = outline_node(&v->ol[v->dir]);
	return nd == TREE_NONE || nd == 0 ? VIEW_NO_FRAME : v->t->nodes[nd].frame;
}

static const struct view_ops tree_ops = {
	.name = "tree",
	.header = true,
	.explore_trees = true,
	.sync = tree_sync,
	.draw = tree_draw,
	.key = tree_key,
	.search = tree_search,
	.status = tree_status,
	.export = tree_export,
	.frame = tree_frame,
	.free = tree_free,
};

static const struct view_ops tree_source_ops = {
	.name = "opened tree",
	.header = true,
	.sync = tree_sync,
	.draw = tree_draw,
	.key = tree_key,
	.search = tree_search,
	.status = tree_status,
	.export = source_export,
	.frame = tree_frame,
	.free = tree_free,
};

struct view *view_tree_new(void)
{
	struct view_tree *v = xcalloc(1, sizeof(*v));

	v->base.ops = &tree_ops;
	outline_init(&v->ol[0]);
	outline_init(&v->ol[1]);
	return &v->base;
}

struct view *view_tree_new_source(struct tree_source *src)
{
	struct view_tree *v = (struct view_tree *)view_tree_new();

	v->base.ops = &tree_source_ops;
	v->src = src;
	return &v->base;
}

/* The timeline's moment: the live heap after one event, named as the timeline names it. */
struct moment_source {
	struct tree_source base;
	uint64_t ev_idx;
	char label[64];		/* "31 ms (peak)" */
};

static void moment_weights(struct tree_source *src, const struct capture *cap, unsigned variant,
			   struct snapshot *w)
{
	(void)variant;
	snapshot_live_at(w, cap, ((struct moment_source *)src)->ev_idx);
}

static void moment_describe(const struct tree_source *src, unsigned variant, char *title,
			    size_t title_size, char *metric, size_t metric_size)
{
	const char *label = ((const struct moment_source *)src)->label;

	(void)variant;
	snprintf(title, title_size, "live heap at %s", label);
	snprintf(metric, metric_size, "live at %s", label);
}

static const char *moment_count_name(const struct tree_source *src, unsigned variant)
{
	(void)src;
	(void)variant;
	return "live";
}

static void moment_free(struct tree_source *src)
{
	free(src);
}

struct view *view_tree_new_at(uint64_t ev_idx, const char *label)
{
	struct moment_source *src = xcalloc(1, sizeof(*src));

	src->base.n_variants = 1;
	src->base.weights = moment_weights;
	src->base.describe = moment_describe;
	src->base.count_name = moment_count_name;
	src->base.free = moment_free;
	src->ev_idx = ev_idx;
	snprintf(src->label, sizeof(src->label), "%s", label);
	return view_tree_new_source(&src->base);
}
