/*
 * view_top: view 5, the flat list of functions (or locations, files,
 * modules) with their inclusive and self figures for the app's metric, as
 * `memtui report --group G` prints it (functions.h).  o cycles the grouping,
 * s the order (inclusive, self, name: the view's own, not the trees'), / finds
 * a row by its name or file, Enter and x open the callers of the row
 * (view_callers.c).
 *
 * A row: inclusive and its share of the metric's whole, self and its share,
 * the count of the inclusive stacks, then the name and, dim, where it is.
 * The last row of the body names the cursor's row in full.  top is the first
 * row shown, clamped again by draw on its own copy.
 */
#include <ctype.h>
#include <strings.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "export.h"
#include "fmt.h"
#include "functions.h"
#include "outline_keys.h"
#include "report.h"
#include "report_functions.h"
#include "view.h"
#include "xalloc.h"

struct view_top {
	struct view base;
	struct func_list l;
	bool built;
	enum metric metric;		/* what l weighs */
	unsigned threads_gen;		/* app->ex->threads_gen l was built under */
	enum func_group group;
	enum func_order order;
	bool are_count;
	int64_t whole;			/* the metric's total, for shares */
	size_t cur, top;
	char pattern[128];
};

#define TOP_TITLE_ROWS 1
#define TOP_DETAIL_ROWS 1

static size_t page_rows(int h)
{
	int rows = h - TOP_TITLE_ROWS - TOP_DETAIL_ROWS;

	return rows > 0 ? (size_t)rows : 1;
}

static void rebuild(struct view_top *v, struct app *app)
{
	struct snapshot w;

	if (v->built)
		functions_release(&v->l);
	explore_weights(app->ex, app->metric, &w);
	functions_build(&v->l, app->ex->cap, &w, v->group);
	functions_sort(&v->l, v->order);
	v->whole = w.total_bytes;
	snapshot_release(&w);
	v->metric = app->metric;
	v->threads_gen = app->ex->threads_gen;
	v->are_count = metric_is_count(app->ex->cap, app->metric);
	v->built = true;
	if (v->cur >= v->l.n)
		v->cur = v->l.n ? v->l.n - 1 : 0;
}

static void top_sync(struct view *base, struct app *app)
{
	struct view_top *v = (struct view_top *)base;

	if (!v->built || v->metric != app->metric || v->threads_gen != app->ex->threads_gen)
		rebuild(v, app);
}

static const char *group_title(enum func_group g)
{
	return g == FUNC_BY_FUNCTION ? "function" : g == FUNC_BY_LOCATION ? "location"
		: g == FUNC_BY_FILE ? "file" : "module";
}

static void draw_row(const struct view_top *v, struct screen *s, struct rect r, int y, size_t i)
{
	const struct func_row *row = &v->l.rows[i];
	enum role role = i == v->cur ? ROLE_SELECTED : ROLE_NORMAL;
	char a[32], b[32], pa[16], pb[16], cnt[24], line[160], name[512], where[600];
	const char *file = functions_row_file(&v->l, row), *base, *text;
	uint32_t ln = functions_row_line(&v->l, row);
	int x;

	snprintf(cnt, sizeof(cnt), "%" PRId64, row->total_count);
	fmt_figure(row->total_bytes, v->are_count, a, sizeof(a));
	fmt_figure(row->self_bytes, v->are_count, b, sizeof(b));
	snprintf(line, sizeof(line), "%10s %6s %10s %6s %7s  ", a,
		 fmt_percent(row->total_bytes, v->whole, pa, sizeof(pa)), b,
		 fmt_percent(row->self_bytes, v->whole, pb, sizeof(pb)), cnt);
	if (role == ROLE_SELECTED)
		screen_fill(s, r.x, y, r.w, ' ', role);
	x = r.x + screen_text(s, r.x, y, r.w, line, role);
	text = functions_row_name(&v->l, row, name, sizeof(name));
	/* Files and modules by their base names; the detail line has the path. */
	if ((v->group == FUNC_BY_FILE || v->group == FUNC_BY_MODULE) && strrchr(text, '/'))
		text = strrchr(text, '/') + 1;
	x += screen_text(s, x, y, r.x + r.w - x, text, role);
	if (!*file || x + 3 >= r.x + r.w)
		return;
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if (ln)
		snprintf(where, sizeof(where), "%s:%" PRIu32, base, ln);
	else
		snprintf(where, sizeof(where), "%s", base);
	screen_text(s, x + 2, y, r.x + r.w - x - 2, where,
		    role == ROLE_SELECTED ? ROLE_SELECTED : ROLE_DIM);
}

static void top_draw(const struct view *base, const struct app *app, struct screen *s,
		     struct rect r)
{
	const struct view_top *v = (const struct view_top *)base;
	size_t rows = page_rows(r.h), top;
	char title[256], name[512];

	if (!v->built || r.h < 2)
		return;
	snprintf(title, sizeof(title), "%10s %6s %10s %6s %7s  %s  (o: group, Enter: callers)",
		 "inclusive", "", "self", "", report_count_column(app->metric),
		 group_title(v->group));
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x, r.y, r.w, title, ROLE_TITLE);
	if (!v->l.n) {
		screen_text(s, r.x, r.y + 1, r.w, "nothing weighs this metric", ROLE_DIM);
		return;
	}
	top = outline_keys_top(v->cur, v->l.n, v->top, rows);
	for (size_t i = 0; i < rows && top + i < v->l.n; i++)
		draw_row(v, s, r, r.y + 1 + (int)i, top + i);
	if (r.h > 3) {
		const struct func_row *row = &v->l.rows[v->cur];
		const char *file = functions_row_file(&v->l, row);
		char detail[1200];

		snprintf(detail, sizeof(detail), "%s%s%s", functions_row_name(&v->l, row, name,
			 sizeof(name)), *file ? "  " : "", file);
		screen_text(s, r.x, r.y + r.h - 1, r.w, detail, ROLE_DIM);
	}
}

/* Whether hay holds pat; smart case: a pattern in lower case matches any case. */
static bool holds(const char *hay, const char *pat)
{
	bool fold = true;
	size_t n = strlen(pat);

	for (const char *p = pat; *p; p++)
		if (isupper((unsigned char)*p))
			fold = false;
	if (!fold)
		return strstr(hay, pat) != NULL;
	for (; *hay; hay++)
		if (!strncasecmp(hay, pat, n))
			return true;
	return false;
}

static bool row_matches(const struct view_top *v, size_t i)
{
	char name[512];
	const struct func_row *row = &v->l.rows[i];

	return holds(functions_row_name(&v->l, row, name, sizeof(name)), v->pattern) ||
	       holds(functions_row_file(&v->l, row), v->pattern);
}

/* Moves to the next (dir 1) or previous (-1) match, from the cursor itself when from_here. */
static void find(struct view_top *v, struct app *app, int dir, bool from_here)
{
	size_t n = v->l.n, matches = 0;

	for (size_t i = 0; i < n; i++)
		matches += row_matches(v, i);
	if (!matches) {
		app_message(app, "no row matches /%s", v->pattern);
		return;
	}
	for (size_t k = from_here ? 0 : 1; k <= n; k++) {
		size_t i = (v->cur + n + (size_t)dir * k) % n;

		if (row_matches(v, i)) {
			v->cur = i;
			break;
		}
	}
	app_message(app, "/%s: %zu rows match", v->pattern, matches);
}

static enum view_result top_key(struct view *base, struct app *app, enum action a,
				struct view **push)
{
	struct view_top *v = (struct view_top *)base;
	size_t page = page_rows(app->body.h), n = v->l.n;

	if (!v->built)
		return ACT_IGNORED;
	switch (a) {
	case A_DOWN:
		if (v->cur + 1 < n)
			v->cur++;
		break;
	case A_UP:
		if (v->cur)
			v->cur--;
		break;
	case A_PGDN:
		v->cur = n ? (v->cur + page < n ? v->cur + page : n - 1) : 0;
		break;
	case A_PGUP:
		v->cur = v->cur > page ? v->cur - page : 0;
		break;
	case A_FIRST:
		v->cur = 0;
		break;
	case A_LAST:
		v->cur = n ? n - 1 : 0;
		break;
	case A_SORT:
		v->order = (enum func_order)((v->order + 1) % N_FUNC_ORDERS);
		functions_sort(&v->l, v->order);
		app_message(app, "sort: %s", functions_order_name(v->order));
		break;
	case A_GROUP:
		v->group = (enum func_group)((v->group + 1) % N_FUNC_GROUPS);
		v->cur = 0;
		rebuild(v, app);
		app_message(app, "by %s", functions_group_name(v->group));
		break;
	case A_NEXT_MATCH:
	case A_PREV_MATCH:
		if (!v->pattern[0]) {
			app_message(app, "no search: / starts one");
			break;
		}
		find(v, app, a == A_NEXT_MATCH ? 1 : -1, false);
		break;
	case A_ESC:
		if (!v->pattern[0])
			return ACT_IGNORED;
		v->pattern[0] = 0;
		break;
	case A_ENTER:
	case A_CALLERS:
		if (!n)
			return ACT_NONE;
		if (v->l.rows[v->cur].frame == FUNC_NONE) {
			app_message(app, "%s has no callers", FUNC_NO_FRAME);
			return ACT_NONE;
		}
		*push = view_callers_new(v->group, v->l.rows[v->cur].frame);
		return ACT_PUSH;
	default:
		return ACT_IGNORED;
	}
	v->top = outline_keys_top(v->cur, n, v->top, page);
	return ACT_NONE;
}

static void top_search(struct view *base, struct app *app, const char *pattern)
{
	struct view_top *v = (struct view_top *)base;

	snprintf(v->pattern, sizeof(v->pattern), "%s", pattern);
	if (pattern[0] && v->built)
		find(v, app, 1, true);
}

static void top_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	const struct view_top *v = (const struct view_top *)base;
	size_t n;

	n = (size_t)snprintf(buf, size, "[top] by %s  metric: %s  sort: %s  %zu/%zu",
			     functions_group_name(v->group), metric_name(app->metric),
			     functions_order_name(v->order), v->l.n ? v->cur + 1 : 0, v->l.n);
	if (v->pattern[0] && n < size)
		snprintf(buf + n, size - n, "  /%s", v->pattern);
}

static void top_free(struct view *base)
{
	struct view_top *v = (struct view_top *)base;

	if (v->built)
		functions_release(&v->l);
	free(v);
}

/*
 * w: `memtui report --group G --top 0 [--sort self|name] --metric M
 * [--thread T]...`: every row, in the view's order.
 */
static int top_export(const struct view *base, const struct app *app, FILE *out,
		      enum report_format format, char *why, size_t why_size)
{
	const struct view_top *v = (const struct view_top *)base;
	struct export_options eo;
	struct report r;

	if (format == REPORT_COLLAPSED) {
		snprintf(why, why_size, "the top view writes .txt, .json or .csv (memtui report "
			 "--group has no collapsed stacks)");
		return -1;
	}
	export_tree_options(app, &eo);
	eo.report.format = format;
	eo.report.order = v->order == FUNC_ORDER_SELF	 ? TREE_ORDER_SELF
			  : v->order == FUNC_ORDER_NAME ? TREE_ORDER_NAME
							 : TREE_ORDER_SIZE;
	report_compute_weights(&r, app->ex->cap, app->ex->path, &eo.report);
	report_functions_write(out, &r, v->group, 0);
	report_release(&r);
	export_options_release(&eo);
	return 0;
}

/* O: the row's function or location (a file or module row names no frame). */
static uint32_t top_frame(const struct view *base, const struct app *app)
{
	const struct view_top *v = (const struct view_top *)base;

	if (!v->built || !v->l.n || v->group == FUNC_BY_FILE || v->group == FUNC_BY_MODULE ||
	    v->l.rows[v->cur].frame == FUNC_NONE)
		return VIEW_NO_FRAME;
	return v->l.rows[v->cur].frame;
}

static const struct view_ops top_ops = {
	.name = "top",
	.header = true,
	.sync = top_sync,
	.draw = top_draw,
	.key = top_key,
	.search = top_search,
	.status = top_status,
	.export = top_export,
	.frame = top_frame,
	.free = top_free,
};

struct view *view_top_new(void)
{
	struct view_top *v = xcalloc(1, sizeof(*v));

	v->base.ops = &top_ops;
	return &v->base;
}
