/*
 * view_diff: two captures, or two moments of one, side by side as one call
 * tree (src/analysis/diff_tree.h), drawn as an outline or as a flame graph.
 *
 * Model: one diff tree per direction (diff_trees.h: built on first use,
 * shared by the tree and flame views of two captures, rebuilt when the
 * app's metric changes, never for two moments, whose metric is fixed: the
 * live heap at each side's moment), arranged for this view's order and
 * filter before it is shown.  Paths are matched by the (function, file) of
 * their frames, so node keys are the same in any tree of the two sides; the
 * selection is an outline (outline.h) per direction, i.e. a key path,
 * and survives a new metric, order, filter, direction or mode.  Two views
 * over two captures (the app's views 1 and 2) share the selection through
 * app->sel; a diff of two moments is opened on top of views of one capture, whose
 * keys are of another kind, so it keeps its selection to itself.
 *
 * The flame mode is an embedded flame view (view_flame.h, fixed mode) in
 * this view's style: it lays the shown tree out, moves and zooms, and draws
 * through the hooks here.  Its selection is the outline's: a move in the
 * graph selects in the outline, and every change of the outline's cursor is
 * handed back to it (publish).  It keeps the zoom node, remembered as a key
 * path, in either mode, so a move in the tree out of the zoomed subtree
 * zooms out; /, n, N and Esc stay with the outline in both modes.
 *
 * Orders: the app's `s` cycles TREE_ORDER_SIZE, TREE_ORDER_COUNT,
 * TREE_ORDER_NAME; here they mean |delta| (the default), size = max(A, B),
 * and name.  The flame graph always lays out by size (its layout needs
 * siblings by width).  `t` hides unchanged subtrees; `f` switches between
 * the tree and the graph.
 *
 * Tree screen: a title row naming the sides, a column title row, then rows
 * of A, B, delta, delta% and the indented node (tree_row.h): marker,
 * function, file (dim, without a line: the two sides' lines differ),
 * [module] of native frames, and under them the detail pane (tree_row.h)
 * with the cursor's full name and both sides' total and self figures.
 * delta% is delta / A, "new" when A is 0, "gone" when B is 0.  Deltas carry
 * their sign as text ("+1.00 MiB") and are coloured growth / shrink, so they
 * read without colours too.
 *
 * Above either, the capture header (both captures for `memtui A B`).
 *
 * Flame screen: the title row naming the sides, icicle rows (width max(A,
 * B), colour the sign of delta, unchanged frames the two plain shades; a
 * changed frame's label starts with '+' or '-', so it reads the same
 * without colours), and an info line with the selected frame's exact
 * figures.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "diff_trees.h"
#include "fmt.h"
#include "outline.h"
#include "outline_keys.h"
#include "report_diff.h"
#include "snapshot.h"
#include "tree_row.h"
#include "view_flame.h"
#include "xalloc.h"

struct view_diff {
	struct view base;
	bool flame;			/* drawn as a flame graph */
	char label[2][64];		/* names of the sides (two moments) */
	struct diff_trees *trees;	/* shared with the other view of two captures */
	unsigned trees_gen;		/* trees->gen the outlines were attached under */
	struct outline ol[2];		/* per direction: expanded nodes, selection */
	bool opened[2];			/* ol[d] has been shown (its hot path opened) */
	enum tree_direction dir;	/* direction shown */
	struct diff_tree *cur;		/* shown tree; NULL before the first sync or when the
					 * metric is missing from a side */
	bool changed_only;		/* hide unchanged subtrees */
	size_t top;			/* tree mode: first row on screen */
	unsigned origin;		/* tree mode: first level indented from the left */
	struct view *fl;		/* flame mode: the graph of cur, in this view's style
					 * (owned); keeps the zoom in either mode */
	char why[200];			/* why nothing is shown, or "" */
};

/* ---- model upkeep ---------------------------------------------------- */

static enum diff_tree_order order_for(const struct view_diff *v, const struct app *app)
{
	if (v->flame)
		return DIFF_ORDER_SIZE;
	return app->order == TREE_ORDER_COUNT ? DIFF_ORDER_SIZE
	       : app->order == TREE_ORDER_NAME ? DIFF_ORDER_NAME
					  : DIFF_ORDER_DELTA;
}

static const char *order_label(enum diff_tree_order o)
{
	return o == DIFF_ORDER_SIZE ? "max(A,B)" : o == DIFF_ORDER_NAME ? "name" : "|delta|";
}

/* Forgets the trees this view's outlines were attached to. */
static void detach(struct view_diff *v)
{
	for (int d = 0; d < 2; d++)
		outline_detach(&v->ol[d]);
	v->cur = NULL;
	v->trees_gen = v->trees->gen;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Whether both captures have the app's metric; if not, says why in v->why. */
static bool metric_ok(struct view_diff *v, const struct app *app)
{
	const struct explore *side[2] = { app->ex, app->ex_b };

	v->why[0] = 0;
	for (int i = 0; i < 2; i++) {
		if (metric_available(side[i]->cap, app->metric))
			continue;
		snprintf(v->why, sizeof(v->why), "%s has no %s figures (%s): press m",
			 i ? "B" : "A", metric_name(app->metric), basename_of(side[i]->path));
		return false;
	}
	return true;
}

/* Re-links dt[d] for the current order and filter; its outline must be detached. */
static void arrange(struct view_diff *v, const struct app *app, enum tree_direction d)
{
	struct diff_tree *dt = &v->trees->dt[d];
	enum diff_tree_order order = order_for(v, app);

	if (dt->order != order || dt->changed_only != v->changed_only)
		diff_tree_arrange(dt, order, v->changed_only);
}

/*
 * The flame view over cur (sorted by size when it is shown), its zoom found
 * again in a rebuilt or re-arranged tree, and forgotten with the direction.
 */
static void sync_flame(struct view_diff *v, struct app *app)
{
	view_flame_set_tree(v->fl, &v->cur->t, v->trees->are_count, NULL, NULL);
	v->fl->ops->sync(v->fl, app);
}

/* After a move: the selection to the app (two captures), the zoom kept above it. */
static void publish(struct view_diff *v, struct app *app)
{
	struct outline *o = &v->ol[v->dir];
	size_t n;
	const uint64_t *path = outline_path(o, &n);

	if (!v->cur)
		return;
	if (!v->trees->moments)
		app_set_selection(app, path, n);
	v->top = outline_keys_top(o->cursor, o->n_rows, v->top, tree_row_page(app->body.h, 2));
	view_flame_select(v->fl, outline_node(o));
}

/* Shows the tree again after its order or filter changed. */
static void relink(struct view_diff *v, struct app *app)
{
	struct outline *o = &v->ol[v->dir];

	outline_detach(o);
	arrange(v, app, v->dir);
	outline_attach(o, &v->cur->t);
	sync_flame(v, app);
	publish(v, app);
}

/* The first view of a tree: the largest change selected, its ancestors open. */
static void open_hot(struct outline *o, const struct diff_tree *dt)
{
	uint32_t hot = diff_tree_hot(dt);

	if (hot == 0)
		outline_expand_heavy(o, 500);
	else
		outline_select(o, hot);
}

static void diff_sync(struct view *base, struct app *app)
{
	struct view_diff *v = (struct view_diff *)base;
	enum tree_direction d = app->dir;
	struct outline *o = &v->ol[d];
	uint32_t inv = TREE_NONE;
	bool shared = false;
	struct diff_tree *dt;

	diff_trees_weigh(v->trees, app->metric, app->ex->folding);
	if (v->trees_gen != v->trees->gen)
		detach(v);	/* dropped, by this view or the other one */
	if (!v->trees->moments && !metric_ok(v, app)) {
		detach(v);
		return;
	}
	if (v->cur && d != v->dir)
		inv = outline_node(&v->ol[v->dir]);
	else if ((shared = !v->trees->moments && app->sel_len && app->sel[0] == DIFF_ROOT_KEY))
		outline_set_path(o, app->sel, app->sel_len);
	dt = diff_trees_get(v->trees, app->ex, app->ex_b, app->metric, d);
	outline_detach(o);
	arrange(v, app, d);
	outline_attach(o, &dt->t);
	/* A first look opens on the largest change, unless the other diff view chose a path. */
	if (!v->opened[d] && !shared)
		open_hot(o, dt);
	v->opened[d] = true;
	if (inv != TREE_NONE)
		tree_row_reveal(o, diff_tree_child_like(dt, 0, v->cur, inv));
	v->dir = d;
	v->cur = dt;
	sync_flame(v, app);
	publish(v, app);
}

/* ---- figures as text ------------------------------------------------- */

/* A weight ("1.00 MiB" or a count); with sign, "+" before a positive one. */
static char *value_text(const struct view_diff *v, int64_t x, bool sign, char *buf, size_t size)
{
	char num[24];

	if (v->trees->are_count)
		snprintf(num, sizeof(num), "%" PRId64, x);
	else
		fmt_bytes(x, num, sizeof(num));
	snprintf(buf, size, "%s%s", sign && x > 0 ? "+" : "", num);
	return buf;
}

/* delta / A: "+12.5%", "new" (A is 0), "gone" (B is 0), "-" (both 0). */
static char *change_text(int64_t a, int64_t b, char *buf, size_t size)
{
	char pct[32];

	if (!a && !b)
		snprintf(buf, size, "-");
	else if (!a)
		snprintf(buf, size, "new");
	else if (!b)
		snprintf(buf, size, "gone");
	else
		snprintf(buf, size, "%s%s", b > a ? "+" : "",
			 fmt_percent(b - a, a, pct, sizeof(pct)));
	return buf;
}

static enum role delta_role(int64_t delta, enum role same)
{
	return delta > 0 ? ROLE_GROWTH : delta < 0 ? ROLE_SHRINK : same;
}

static const char *side_name(const struct view_diff *v, const struct app *app, int side,
			     bool full)
{
	const char *path;

	if (v->trees->moments)
		return v->label[side];
	path = side ? app->ex_b->path : app->ex->path;
	return full ? path : basename_of(path);
}

static const char *what_title(const struct view_diff *v, const struct app *app)
{
	return v->trees->moments ? "live heap" : metric_title(app->metric);
}

/* "A: before.bin  B: after.bin", with base names when the paths do not fit. */
static void draw_sides(const struct view_diff *v, const struct app *app, struct screen *s, int x,
		       int y, int w, const char *right)
{
	char buf[600];
	int rw = screen_text_width(s, right);

	for (int full = 1; full >= 0; full--) {
		snprintf(buf, sizeof(buf), "A: %s  B: %s", side_name(v, app, 0, full),
			 side_name(v, app, 1, full));
		if (screen_text_width(s, buf) + 2 + rw <= w || !full)
			break;
	}
	screen_fill(s, x, y, w, ' ', ROLE_TITLE);
	screen_text(s, x, y, w, buf, ROLE_TITLE);
	if (screen_text_width(s, buf) + 2 + rw <= w)
		screen_text(s, x + w - rw, y, rw, right, ROLE_TITLE);
}

/* ---- tree mode --------------------------------------------------------- */

struct columns {
	int value, delta, pct;		/* widths of A and B, of delta, of delta% */
};

static struct columns columns_for(const struct view_diff *v)
{
	struct columns c = { 9, 10, 8 };
	const struct diff_tree_node *root = &v->cur->dn[0];
	char digits[32];

	if (v->trees->are_count) {
		int n = snprintf(digits, sizeof(digits), "%" PRId64,
				 root->a_total > root->b_total ? root->a_total : root->b_total);

		c.value = n > 5 ? n : 5;
		c.delta = c.value + 1;
	}
	return c;
}

static void draw_row(const struct view_diff *v, struct screen *s, struct rect r, int y,
		     const struct columns *c, size_t row, unsigned names)
{
	const struct outline *o = &v->ol[v->dir];
	uint32_t id = o->rows[row];
	const struct diff_tree_node *d = &v->cur->dn[id];
	int64_t delta = d->b_total - d->a_total;
	bool selected = row == o->cursor;
	enum role normal = selected ? ROLE_SELECTED : ROLE_NORMAL;
	char a[32], b[32], dl[32], pct[32], cell[160];
	int x = r.x;

	if (selected)
		screen_fill(s, r.x, y, r.w, ' ', ROLE_SELECTED);
	snprintf(cell, sizeof(cell), "%*s %*s ", c->value, value_text(v, d->a_total, false, a, 32),
		 c->value, value_text(v, d->b_total, false, b, 32));
	x += screen_text(s, x, y, r.x + r.w - x, cell, normal);
	snprintf(cell, sizeof(cell), "%*s %*s", c->delta, value_text(v, delta, true, dl, 32),
		 c->pct, change_text(d->a_total, d->b_total, pct, 32));
	x += screen_text(s, x, y, r.x + r.w - x, cell,
			 selected ? normal : delta_role(delta, normal));
	x += screen_text(s, x, y, r.x + r.w - x, "  ", normal);
	tree_row_node(s, x, y, r.x + r.w - x, o, id, names | (selected ? TREE_ROW_SELECTED : 0),
		      v->origin);
}

/* A side's weight, with its exact bytes when exact (and a sign when sign). */
static char *exact_text(const struct view_diff *v, int64_t x, bool sign, bool exact, char *buf,
			size_t size)
{
	char human[32];

	value_text(v, x, sign, human, sizeof(human));
	if (exact && !v->trees->are_count && (x >= 1024 || x <= -1024))
		snprintf(buf, size, "%s (%s%" PRId64 " B)", human, sign && x > 0 ? "+" : "", x);
	else
		snprintf(buf, size, "%s", human);
	return buf;
}

/* The pane's figures of node id: both sides' totals, the delta, the self delta, depth. */
static void figures(const struct view_diff *v, uint32_t id, bool exact, char f[5][128])
{
	const struct diff_tree_node *d = &v->cur->dn[id];
	int64_t delta = d->b_total - d->a_total, self = d->b_self - d->a_self;
	char x[64], pct[32];

	snprintf(f[0], 128, "A %s", exact_text(v, d->a_total, false, exact, x, sizeof(x)));
	snprintf(f[1], 128, "B %s", exact_text(v, d->b_total, false, exact, x, sizeof(x)));
	snprintf(f[2], 128, "delta %s, %s", exact_text(v, delta, true, exact, x, sizeof(x)),
		 change_text(d->a_total, d->b_total, pct, sizeof(pct)));
	snprintf(f[3], 128, "self delta %s", exact_text(v, self, true, exact, x, sizeof(x)));
	snprintf(f[4], 128, "depth %" PRIu32, v->cur->t.nodes[id].depth);
}

static void draw_tree(const struct view_diff *v, const struct app *app, struct screen *s,
		      struct rect r)
{
	const struct outline *o = &v->ol[v->dir];
	size_t rows = tree_row_page(r.h, 2);
	size_t top = outline_keys_top(o->cursor, o->n_rows, v->top, rows);
	struct columns c = columns_for(v);
	char what[160], title[200], from[32] = "", exact[5][128], brief[5][128];
	unsigned names = app->full_names ? TREE_ROW_FULL : 0;

	snprintf(what, sizeof(what), "%s, %s%s", v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
		 what_title(v, app), v->changed_only ? ", changed only" : "");
	draw_sides(v, app, s, r.x, r.y, r.w, what);
	if (r.h < 2)
		return;
	if (v->origin)
		snprintf(from, sizeof(from), " (from depth %u)", v->origin);
	snprintf(title, sizeof(title), "%*s %*s %*s %*s  function%s  file", c.value, "A", c.value,
		 "B", c.delta, "delta", c.pct, "delta%", from);
	screen_fill(s, r.x, r.y + 1, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x, r.y + 1, r.w, title, ROLE_TITLE);
	for (size_t i = 0; i < rows && top + i < o->n_rows && (int)i + 2 < r.h; i++)
		draw_row(v, s, r, r.y + 2 + (int)i, &c, top + i, names);
	if (outline_node(o) == TREE_NONE)
		return;
	figures(v, outline_node(o), true, exact);
	figures(v, outline_node(o), false, brief);
	tree_row_detail(s, r, o, outline_node(o),
			(const char *[]){ exact[0], exact[1], exact[2], exact[3], exact[4] },
			(const char *[]){ brief[0], brief[1], brief[2], brief[3], brief[4] }, 5);
}

/* ---- flame mode: a styled flame view (view_flame.h) of cur ------------ */

static void flame_title(const void *ctx, const struct app *app, struct screen *s, struct rect r,
			const char *zoom)
{
	const struct view_diff *v = ctx;
	char what[512];

	snprintf(what, sizeof(what), "flame, %s, %s%s%s%s",
		 v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up", what_title(v, app),
		 v->changed_only ? ", changed only" : "", zoom ? ", zoomed into " : "",
		 zoom ? zoom : "");
	draw_sides(v, app, s, r.x, r.y, r.w, what);
}

/* A changed frame: the colour of its delta's sign, and the sign before its label. */
static enum role flame_span_role(const void *ctx, uint32_t node, enum role shade, char *mark)
{
	int64_t delta = diff_tree_delta(((const struct view_diff *)ctx)->cur, node);

	*mark = delta > 0 ? '+' : delta < 0 ? '-' : 0;
	return delta_role(delta, shade);
}

static bool flame_matches(const void *ctx, uint32_t node)
{
	const struct view_diff *v = ctx;

	return outline_matches(&v->ol[v->dir], node);
}

static void flame_select(void *ctx, uint32_t node)
{
	struct view_diff *v = ctx;

	outline_select(&v->ol[v->dir], node);
}

/*
 * "fn  A 1.00 MiB (1048576)  B ...  delta +... (+...)  +12.5%  self -2000001  file" of
 * the selection: totals, then the exact delta of its own paths (what `memtui report
 * --diff` lists for it, top-down).
 */
static void flame_info(const void *ctx, uint32_t id, const char *label, char *line, size_t size)
{
	const struct view_diff *v = ctx;
	const struct diff_tree_node *d = &v->cur->dn[id];
	const struct capture *cap = v->cur->t.cap;
	int64_t delta = d->b_total - d->a_total, self = d->b_self - d->a_self;
	char a[32], b[32], dl[32], pct[32];
	const char *file = "";
	size_t n;

	if (id != 0)
		file = capture_string(cap, capture_frame(cap, v->cur->t.nodes[id].frame)->file);
	if (v->trees->are_count)
		n = (size_t)snprintf(line, size,
				     "%s  A %" PRId64 "  B %" PRId64 "  delta %s%" PRId64, label,
				     d->a_total, d->b_total, delta > 0 ? "+" : "", delta);
	else
		n = (size_t)snprintf(
			line, size,
			"%s  A %s (%" PRId64 ")  B %s (%" PRId64 ")  delta %s (%s%" PRId64 ")",
			label, value_text(v, d->a_total, false, a, 32), d->a_total,
			value_text(v, d->b_total, false, b, 32), d->b_total,
			value_text(v, delta, true, dl, 32), delta > 0 ? "+" : "", delta);
	if (n < size)
		snprintf(line + n, size - n, "  %s  self %s%" PRId64 "  %s",
			 change_text(d->a_total, d->b_total, pct, 32), self > 0 ? "+" : "", self,
			 file);
}

static const struct flame_style flame_style = {
	.title = flame_title,
	.span = flame_span_role,
	.matches = flame_matches,
	.info = flame_info,
	.select = flame_select,
};

/* ---- drawing ----------------------------------------------------------- */

static void diff_draw(const struct view *base, const struct app *app, struct screen *s,
		      struct rect r)
{
	const struct view_diff *v = (const struct view_diff *)base;

	if (!v->cur) {
		screen_text(s, r.x, r.y, r.w, v->why, ROLE_WARNING);
		return;
	}
	if (v->flame)
		v->fl->ops->draw(v->fl, app, s, r);
	else
		draw_tree(v, app, s, r);
}

/* ---- keys -------------------------------------------------------------- */

/* t: changed paths only; f: tree / flame graph. */
static void toggle(struct view_diff *v, struct app *app, enum action a)
{
	if (a == A_TOGGLE) {
		v->changed_only = !v->changed_only;
		app_message(app, v->changed_only ? "changed paths only" : "all paths");
	} else {
		v->flame = !v->flame;
	}
	relink(v, app);
}

static enum view_result diff_key(struct view *base, struct app *app, enum action a,
				 struct view **push)
{
	struct view_diff *v = (struct view_diff *)base;
	bool search = a == A_NEXT_MATCH || a == A_PREV_MATCH || a == A_ESC;
	size_t page = tree_row_page(app->body.h, 2);
	enum view_result res = ACT_NONE;

	if (!v->cur)
		return ACT_IGNORED;
	switch (a) {
	case A_TOGGLE:
	case A_FLAME:
		toggle(v, app, a);
		return ACT_NONE;
	case A_METRIC:
		if (!v->trees->moments)
			return ACT_IGNORED;
		app_message(app, "this diff compares the live heap at %s and %s (q: back)",
			    v->label[0], v->label[1]);
		break;
	default:
		/* The graph moves and zooms; the search is the outline's in either mode. */
		if (v->flame && !search)
			res = v->fl->ops->key(v->fl, app, a, push);
		else
			res = tree_row_key(&v->ol[v->dir], &v->ol[!v->dir], &v->top, &v->origin,
					   page, app, a);
	}
	if (res == ACT_NONE)
		publish(v, app);
	return res;
}

static void diff_search(struct view *base, struct app *app, const char *pattern)
{
	struct view_diff *v = (struct view_diff *)base;

	if (!v->cur)
		return;
	tree_row_search(&v->ol[v->dir], &v->ol[!v->dir], app, pattern);
	publish(v, app);
}

static void diff_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	const struct view_diff *v = (const struct view_diff *)base;
	char fold[64];
	size_t n;

	n = (size_t)snprintf(buf, size, " [diff%s] metric: %s", v->flame ? " flame" : "",
			     v->trees->moments ? "live heap (fixed)" : metric_name(app->metric));
	if (!v->cur || n >= size)
		return;
	n += (size_t)snprintf(buf + n, size - n, "  %s  sort: %s%s  %s  ",
			      v->dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
			      order_label(order_for(v, app)),
			      v->changed_only ? "  changed only" : "",
			      app_fold_status(app, fold, sizeof(fold)));
	tree_row_status(&v->ol[v->dir], buf, size, n);
}

static void diff_free(struct view *base)
{
	struct view_diff *v = (struct view_diff *)base;

	diff_trees_unref(v->trees);
	for (int d = 0; d < 2; d++)
		outline_release(&v->ol[d]);
	v->fl->ops->free(v->fl);
	free(v);
}

/*
 * w: `memtui report --diff A B --metric M` (all threads, not folded, as the
 * view); a diff of two moments of one capture has no report form.
 */
static int diff_export(const struct view *base, const struct app *app, FILE *out,
		       enum report_format format, char *why, size_t why_size)
{
	const struct view_diff *v = (const struct view_diff *)base;
	struct report_diff_run run;
	struct report_options o;

	if (v->trees->moments || !app->ex_b) {
		snprintf(why, why_size, "a diff of two moments has no memtui report form");
		return -1;
	}
	report_options_init(&o);
	o.metric = app->metric;
	o.format = format;
	report_diff_run_compute(&run, app->ex->cap, app->ex->path, app->ex_b->cap,
				app->ex_b->path, &o);
	report_diff_write(out, &run.d, &run.info, format);
	report_diff_run_release(&run);
	return 0;
}

/*
 * A diff of two moments takes a pass over the event log for each side
 * before its first tree: its sync goes to the worker.  (A diff of two
 * captures shares its selection through the app, which the worker's copy
 * of it would not keep.)
 */
static bool diff_prepare(const struct view *base, const struct app *app)
{
	const struct view_diff *v = (const struct view_diff *)base;

	return v->trees->moments &&
	       !diff_trees_built(v->trees, app->metric, app->ex->folding, app->dir);
}

static const struct view_ops diff_ops = {
	.name = "diff",
	.header = true,
	.sync = diff_sync,
	.prepare = diff_prepare,
	.draw = diff_draw,
	.key = diff_key,
	.search = diff_search,
	.status = diff_status,
	.export = diff_export,
	.free = diff_free,
};

static struct view_diff *diff_new(struct diff_trees *trees, bool flame)
{
	struct view_diff *v = xcalloc(1, sizeof(*v));

	v->base.ops = &diff_ops;
	v->flame = flame;
	v->trees = trees;
	diff_trees_ref(trees);
	v->trees_gen = trees->gen;
	v->fl = view_flame_new_styled(&flame_style, v);
	outline_init(&v->ol[0]);
	outline_init(&v->ol[1]);
	return v;
}

struct view *view_diff_new_tree(void)
{
	return &diff_new(diff_trees_new(), false)->base;
}

struct view *view_diff_new_flame(struct view *diff_tree)
{
	return &diff_new(((struct view_diff *)diff_tree)->trees, true)->base;
}

struct view *view_diff_new_moments(uint64_t a, const char *label_a, uint64_t b,
				   const char *label_b)
{
	struct view_diff *v = diff_new(diff_trees_new_moments(a, b), false);

	snprintf(v->label[0], sizeof(v->label[0]), "%s", label_a ? label_a : "A");
	snprintf(v->label[1], sizeof(v->label[1]), "%s", label_b ? label_b : "B");
	return &v->base;
}
