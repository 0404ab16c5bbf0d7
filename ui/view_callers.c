/*
 * view_callers: the callers and the callees of one function (or location,
 * file, module: the group of view 5's row) merged over all its call paths,
 * for the app's metric, as `memtui report --callers/--callees` prints them
 * (functions.h).  Pushed by x on a tree or flame graph node and by Enter or x
 * on a row of view 5.
 *
 * Two trees, each in its own outline: the callers (bottom-up from the
 * function: its root is the function, with its inclusive figure) and the
 * callees (top-down below it); t switches.  Rows are drawn as the tree's
 * (tree_row.h), the root by its group's name.  Backspace, Esc or q at the
 * top close the view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "export.h"
#include "fmt.h"
#include "functions.h"
#include "glyphs.h"
#include "outline.h"
#include "outline_keys.h"
#include "report.h"
#include "report_functions.h"
#include "tree_row.h"
#include "view.h"
#include "xalloc.h"

enum { SIDE_CALLERS, SIDE_CALLEES };

struct view_callers {
	struct view base;
	enum func_group group;
	uint32_t frame;			/* a frame of the group */
	bool built;
	enum metric metric;		/* what the trees weigh */
	unsigned threads_gen;		/* app->ex->threads_gen they were built under */
	bool are_count;
	struct func_list l;
	const struct func_row *row;	/* the group's row in l, or NULL: no weight */
	struct tree t[2];		/* callers, callees */
	struct outline ol[2];
	int side;			/* shown: SIDE_CALLERS or SIDE_CALLEES */
	size_t top;
	unsigned origin;
};

static void drop(struct view_callers *v)
{
	if (!v->built)
		return;
	for (int i = 0; i < 2; i++) {
		outline_detach(&v->ol[i]);
		tree_release(&v->t[i]);
	}
	functions_release(&v->l);
	v->built = false;
}

static void build(struct view_callers *v, struct app *app)
{
	struct snapshot w;

	drop(v);
	explore_weights(app->ex, app->metric, &w);
	functions_build(&v->l, app->ex->cap, &w, v->group);
	v->row = functions_row_of_frame(&v->l, v->frame);
	if (v->row) {
		functions_callers(&v->t[0], &v->l, v->row, &w);
		functions_callees(&v->t[1], &v->l, v->row, &w);
	} else {
		tree_begin(&v->t[0], app->ex->cap, TREE_BOTTOM_UP, v->frame);
		tree_begin(&v->t[1], app->ex->cap, TREE_TOP_DOWN, v->frame);
	}
	snapshot_release(&w);
	for (int i = 0; i < 2; i++) {
		bool first = !v->ol[i].t && !v->ol[i].path_len;

		outline_attach(&v->ol[i], &v->t[i]);
		if (first)
			outline_expand_heavy(&v->ol[i], 50);
	}
	v->metric = app->metric;
	v->threads_gen = app->ex->threads_gen;
	v->are_count = metric_is_count(app->ex->cap, app->metric);
	v->built = true;
}

static void callers_sync(struct view *base, struct app *app)
{
	struct view_callers *v = (struct view_callers *)base;

	if (!v->built || v->metric != app->metric || v->threads_gen != app->ex->threads_gen)
		build(v, app);
}

static const char *row_name(const struct view_callers *v, char *buf, size_t size)
{
	struct func_row one = { .frame = v->frame, .n_frames = 1 };

	return functions_row_name(&v->l, v->row ? v->row : &one, buf, size);
}

#define TITLE_ROWS 2

static void draw_node(const struct view_callers *v, const struct app *app, struct screen *s,
		      struct rect r, int y, size_t i)
{
	const struct outline *o = &v->ol[v->side];
	uint32_t id = o->rows[i];
	const struct tree_node *nd = &v->t[v->side].nodes[id];
	bool sel = i == o->cursor;
	enum role role = sel ? ROLE_SELECTED : ROLE_NORMAL;
	char a[32], pct[16], cnt[24], line[128], name[512];
	int x;

	snprintf(cnt, sizeof(cnt), "%" PRId64, nd->total_count);
	fmt_figure(nd->total_bytes, v->are_count, a, sizeof(a));
	snprintf(line, sizeof(line), "%10s %6s %7s ", a,
		 fmt_percent(nd->total_bytes, v->t[v->side].nodes[0].total_bytes, pct,
			     sizeof(pct)), cnt);
	if (sel)
		screen_fill(s, r.x, y, r.w, ' ', role);
	x = r.x + screen_text(s, r.x, y, r.w, line, role);
	if (id) {
		tree_row_node(s, x, y, r.x + r.w - x, o, id,
			      (sel ? TREE_ROW_SELECTED : 0) | TREE_ROW_LINE |
				      (app->full_names ? TREE_ROW_FULL : 0), v->origin);
		return;
	}
	if (x + 2 >= r.x + r.w)
		return;
	screen_put(s, x, y, nd->first_child == TREE_NONE ? glyphs_get(s->utf8)->leaf
			    : outline_is_open(o, 0) ? glyphs_get(s->utf8)->open
						    : glyphs_get(s->utf8)->closed, role);
	screen_text(s, x + 2, y, r.x + r.w - x - 2, row_name(v, name, sizeof(name)), role);
}

static void callers_draw(const struct view *base, const struct app *app, struct screen *s,
			 struct rect r)
{
	const struct view_callers *v = (const struct view_callers *)base;
	const struct outline *o = &v->ol[v->side];
	size_t rows = tree_row_page(r.h, TITLE_ROWS), top;
	char title[1024], name[512], a[32], b[32];
	int64_t incl = v->row ? v->row->total_bytes : 0, self = v->row ? v->row->self_bytes : 0;

	if (!v->built || r.h < 3)
		return;
	snprintf(title, sizeof(title), "%s of %s  inclusive %s  self %s  (t: %s)",
		 v->side == SIDE_CALLERS ? "callers" : "callees", row_name(v, name, sizeof(name)),
		 fmt_figure(incl, v->are_count, a, sizeof(a)),
		 fmt_figure(self, v->are_count, b, sizeof(b)),
		 v->side == SIDE_CALLERS ? "callees" : "callers");
	screen_text(s, r.x, r.y, r.w, title, ROLE_TITLE);
	snprintf(title, sizeof(title), "%10s %6s %7s %s", v->are_count ? "count" : "bytes",
		 "share", report_count_column(app->metric),
		 v->side == SIDE_CALLERS ? "bottom-up: each caller's stacks, each once"
					 : "top-down: below its outermost call, each stack once");
	screen_fill(s, r.x, r.y + 1, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x, r.y + 1, r.w, title, ROLE_TITLE);
	top = outline_keys_top(o->cursor, o->n_rows, v->top, rows);
	for (size_t i = 0; i < rows && top + i < o->n_rows; i++)
		draw_node(v, app, s, r, r.y + TITLE_ROWS + (int)i, top + i);
	if (tree_row_detail_rows(r.h) && o->n_rows && o->rows[o->cursor]) {
		const struct tree_node *nd = &v->t[v->side].nodes[o->rows[o->cursor]];
		char e0[96], e1[96], b0[64], b1[64], x0[32], x1[32];
		const char *exact[2] = { e0, e1 }, *brief[2] = { b0, b1 };

		snprintf(e0, sizeof(e0), "total %s (%" PRId64 "), %" PRId64 " %s",
			 fmt_figure(nd->total_bytes, v->are_count, x0, sizeof(x0)), nd->total_bytes,
			 nd->total_count, report_count_name(app->metric));
		fmt_figure(nd->self_bytes, v->are_count, x1, sizeof(x1));
		snprintf(e1, sizeof(e1), "paths ending here %s", x1);
		snprintf(b0, sizeof(b0), "total %s", x0);
		snprintf(b1, sizeof(b1), "ending here %s", x1);
		tree_row_detail(s, r, o, o->rows[o->cursor], exact, brief, 2);
	}
}

static enum view_result callers_key(struct view *base, struct app *app, enum action a,
				    struct view **push)
{
	struct view_callers *v = (struct view_callers *)base;
	struct outline *o = &v->ol[v->side];
	size_t page = tree_row_page(app->body.h, TITLE_ROWS);
	enum view_result res;

	(void)push;
	if (!v->built)
		return ACT_IGNORED;
	if (a == A_TOGGLE) {
		v->side = !v->side;
		v->top = 0;
		return ACT_NONE;
	}
	if (a == A_ENTER)
		a = outline_is_open(o, outline_node(o)) ? A_OUT : A_IN;
	if (a == A_BACK && o->cursor == 0)
		return ACT_IGNORED;	/* the app closes the view */
	if (outline_keys_apply(o, &v->top, page, a))
		res = ACT_NONE;
	else
		res = tree_row_key(o, &v->ol[!v->side], &v->top, &v->origin, page, app, a);
	v->top = outline_keys_top(o->cursor, o->n_rows, v->top, page);
	return res;
}

static void callers_search(struct view *base, struct app *app, const char *pattern)
{
	struct view_callers *v = (struct view_callers *)base;

	tree_row_search(&v->ol[v->side], &v->ol[!v->side], app, pattern);
}

static void callers_status(const struct view *base, const struct app *app, char *buf,
			   size_t size)
{
	const struct view_callers *v = (const struct view_callers *)base;
	size_t n = (size_t)snprintf(buf, size, "[%s] metric: %s  ",
				    v->side == SIDE_CALLERS ? "callers" : "callees",
				    metric_name(app->metric));

	const struct outline *o = &v->ol[v->side];
	char name[512];

	if (n < size && o->n_rows && o->rows[o->cursor] == 0)
		snprintf(buf + n, size - n, "%zu/%zu %s", o->cursor + 1, o->n_rows,
			 row_name(v, name, sizeof(name)));
	else if (n < size)
		tree_row_status(o, buf, size, n);
}

static void callers_free(struct view *base)
{
	struct view_callers *v = (struct view_callers *)base;

	drop(v);
	for (int i = 0; i < 2; i++)
		outline_release(&v->ol[i]);
	free(v);
}

/*
 * w: `memtui report --callers F` (or --callees) with the report's depth, of
 * the app's metric and threads.  The report names a function by its name:
 * only the view of a function whose name the report finds as this very
 * function has that form.
 */
static int callers_export(const struct view *base, const struct app *app, FILE *out,
			  enum report_format format, char *why, size_t why_size)
{
	const struct view_callers *v = (const struct view_callers *)base;
	const struct func_row *found;
	struct export_options eo;
	struct report r;
	size_t n_candidates;
	char buf[512];
	const char *name;
	int rc = -1;

	if (format != REPORT_TEXT && format != REPORT_JSON) {
		snprintf(why, why_size, "the callers view writes .txt or .json (as memtui report "
			 "--callers)");
		return -1;
	}
	if (v->group != FUNC_BY_FUNCTION || !v->row) {
		snprintf(why, why_size, "memtui report --callers takes a function with %s: "
			 "this %s has no report form", metric_title(app->metric),
			 v->row ? functions_group_name(v->group) : "function");
		return -1;
	}
	name = row_name(v, buf, sizeof(buf));
	found = functions_find(&v->l, name, &n_candidates);
	if (!found || v->l.group_of[found->frame] != v->l.group_of[v->frame]) {
		snprintf(why, why_size, "'%s' names another function first: memtui report "
			 "--callers cannot name this one", name);
		return -1;
	}
	export_tree_options(app, &eo);
	eo.report.format = format;
	report_compute_weights(&r, app->ex->cap, app->ex->path, &eo.report);
	rc = report_related_write(out, &r, name, v->side == SIDE_CALLERS, why, why_size);
	report_release(&r);
	export_options_release(&eo);
	return rc;
}

/* O: the cursor's frame; the root is the function itself. */
static uint32_t callers_frame(const struct view *base, const struct app *app)
{
	const struct view_callers *v = (const struct view_callers *)base;
	const struct outline *o = &v->ol[v->side];

	if (!v->built || !o->n_rows)
		return VIEW_NO_FRAME;
	if (o->rows[o->cursor] == 0)
		return v->group == FUNC_BY_FILE || v->group == FUNC_BY_MODULE ? VIEW_NO_FRAME
									       : v->frame;
	return v->t[v->side].nodes[o->rows[o->cursor]].frame;
}

static const struct view_ops callers_ops = {
	.name = "callers",
	.header = false,
	.sync = callers_sync,
	.draw = callers_draw,
	.key = callers_key,
	.search = callers_search,
	.status = callers_status,
	.export = callers_export,
	.frame = callers_frame,
	.free = callers_free,
};

struct view *view_callers_new(int group, uint32_t frame)
{
	struct view_callers *v = xcalloc(1, sizeof(*v));

	v->base.ops = &callers_ops;
	v->group = (enum func_group)group;
	v->frame = frame;
	for (int i = 0; i < 2; i++)
		outline_init(&v->ol[i]);
	return &v->base;
}
