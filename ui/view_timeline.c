/*
 * view_timeline: the live heap over the run (and RSS where the capture has
 * it), one screen column per timeline column, the peak marked, and a time
 * cursor; Enter opens the tree of the live heap at the cursor (the end of
 * its slice; on the peak's column, the peak itself).  Space marks the
 * cursor's moment as side A of a diff and d diffs the live heap there with the
 * heap at the cursor (B), in the diff view.
 *
 * The series (src/analysis/timeline.h) is one pass over the event log, so it is
 * computed in sync, for the width of the app's last layout, and again only
 * when that width changes (the app syncs views after a resize).  Each
 * column is drawn as tall as the largest heap inside its slice, so a spike
 * never disappears between columns and the peak's column reaches the top.
 *
 * Screen: a title with the peak, the graph (y labels at the left, block
 * glyphs from the bottom, RSS as dots), an axis with the start and end times
 * and the peak mark under its column, and a line describing the cursor's
 * column.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "glyphs.h"
#include "snapshot.h"
#include "timeline.h"
#include "xalloc.h"

#define AXIS_LABEL_COLS 10	/* y labels: "13.6 MiB" */

struct view_timeline {
	struct view base;
	const struct capture *cap;
	struct timeline tl;
	bool have;		/* tl computed */
	uint32_t cur;		/* cursor column */
	bool placed;		/* the cursor has been put on the peak once */
	bool marked;		/* Space was pressed: mark_ev is side A of a diff */
	uint64_t mark_ev;	/* after this event (UINT64_MAX: before any) */
};

static uint32_t graph_cols(int w)
{
	return w > AXIS_LABEL_COLS + 2 ? (uint32_t)(w - AXIS_LABEL_COLS - 1) : 1;
}

static void timeline_sync(struct view *base, struct app *app)
{
	struct view_timeline *v = (struct view_timeline *)base;
	uint32_t cols = graph_cols(app->body.w);

	v->cap = app->ex->cap;
	if (v->have && v->tl.n == cols)
		return;
	if (v->have) {
		/* Keep the cursor at the same place in time across a resize. */
		uint64_t ev = timeline_event_at(&v->tl, v->cur);

		timeline_release(&v->tl);
		timeline_compute(&v->tl, v->cap, cols, NULL, NULL);
		v->cur = timeline_column_of_event(&v->tl, ev);
	} else {
		timeline_compute(&v->tl, v->cap, cols, NULL, NULL);
	}
	v->have = true;
	if (!v->placed) {
		v->cur = v->tl.peak_col;
		v->placed = true;
	}
	if (v->cur >= v->tl.n)
		v->cur = v->tl.n - 1;
}

/* "12 ms", or "event 1234" for a capture without time. */
static void fmt_when(const struct view_timeline *v, uint32_t col, bool end, char *buf,
		     size_t size)
{
	const struct timeline_column *c = &v->tl.cols[col];

	if (v->tl.mode == TIMELINE_BY_TIME)
		snprintf(buf, size, "%" PRId64 " ms", end ? c->t_end_ms : c->t_begin_ms);
	else
		snprintf(buf, size, "event %" PRIu64, end ? c->ev_end : c->ev_begin);
}

static int cell_of(int64_t bytes, int64_t scale, int rows)
{
	if (bytes <= 0 || scale <= 0)
		return 0;
	return (int)((double)bytes / (double)scale * rows * 8 + 0.5);
}

static void draw_graph(const struct view_timeline *v, struct screen *s, int x0, int y0, int rows,
		       int64_t scale)
{
	const struct glyphs *g = glyphs_get(s->utf8);

	for (uint32_t c = 0; c < v->tl.n; c++) {
		const struct timeline_column *col = &v->tl.cols[c];
		int eighths = cell_of(col->max_bytes, scale, rows), x = x0 + (int)c;
		enum role role = c == v->cur ? ROLE_SELECTED : ROLE_BAR;

		if (c == v->cur)
			for (int r = 0; r < rows; r++)
				screen_put(s, x, y0 + r, ' ', ROLE_SELECTED);
		for (int r = 0; r < rows && eighths > 0; r++, eighths -= 8)
			screen_put(s, x, y0 + rows - 1 - r, g->column[eighths >= 8 ? 8 : eighths],
				   role);
		if (v->tl.has_rss && col->rss_bytes) {
			int rc = cell_of((int64_t)col->rss_bytes, scale, rows) / 8;

			if (rc >= rows)
				rc = rows - 1;
			screen_put(s, x, y0 + rows - 1 - rc, g->dot, c == v->cur ? ROLE_SELECTED
										  : ROLE_WARNING);
		}
	}
}

/* The moment the cursor's column stands for: the end of its slice, or the peak on its column. */
static uint64_t cursor_event(const struct view_timeline *v)
{
	return v->cur == v->tl.peak_col ? v->tl.peak_ev_idx : timeline_event_at(&v->tl, v->cur);
}

/* "12 ms" (or "event 1234") of the moment after event ev; "peak, 12 ms" and "end, 40 ms" too. */
static void fmt_moment(const struct view_timeline *v, uint64_t ev, char *buf, size_t size)
{
	const char *what = ev == v->tl.peak_ev_idx ? "peak, "
			   : ev + 1 == capture_totals(v->cap)->events ? "end, " : "";

	if (ev == UINT64_MAX)
		snprintf(buf, size, "start");
	else if (v->tl.mode == TIMELINE_BY_TIME)
		snprintf(buf, size, "%s%" PRId64 " ms", what, timeline_time_of_event(v->cap, ev));
	else
		snprintf(buf, size, "%sevent %" PRIu64, what, ev);
}

static void draw_axis(const struct view_timeline *v, struct screen *s, int x0, int y, int w)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	char a[48], b[48];
	int bw;

	fmt_when(v, 0, false, a, sizeof(a));
	fmt_when(v, v->tl.n - 1, true, b, sizeof(b));
	screen_text(s, x0, y, w, a, ROLE_DIM);
	bw = screen_text_width(s, b);
	if (x0 + screen_text_width(s, a) + 1 < x0 + (int)v->tl.n - bw)
		screen_text(s, x0 + (int)v->tl.n - bw, y, bw, b, ROLE_DIM);
	screen_put(s, x0 + (int)v->tl.peak_col, y, g->peak, ROLE_WARNING);
	if (v->marked)
		screen_put(s, x0 + (int)timeline_column_of_event(&v->tl, v->mark_ev), y, 'A',
			   ROLE_MATCH);
	if (v->cur != v->tl.peak_col)
		screen_put(s, x0 + (int)v->cur, y, g->cursor, ROLE_SELECTED);
}

static void draw_cursor_line(const struct view_timeline *v, struct screen *s, int y, int w)
{
	const struct timeline_column *c = &v->tl.cols[v->cur];
	char from[48], to[48], heap[32], hi[32], lo[32], rss[32], line[512];
	size_t n;

	fmt_when(v, v->cur, false, from, sizeof(from));
	fmt_when(v, v->cur, true, to, sizeof(to));
	n = (size_t)snprintf(line, sizeof(line), "%s to %s: heap %s (max %s, min %s)", from, to,
			     fmt_bytes(c->heap_bytes, heap, sizeof(heap)),
			     fmt_bytes(c->max_bytes, hi, sizeof(hi)),
			     fmt_bytes(c->min_bytes, lo, sizeof(lo)));
	if (v->tl.has_rss && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "  RSS %s",
				      fmt_bytes((int64_t)c->rss_bytes, rss, sizeof(rss)));
	if (n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "  Enter: tree %s",
				      v->cur == v->tl.peak_col ? "at the peak" : "at the end");
	if (v->marked && n < sizeof(line)) {
		fmt_moment(v, v->mark_ev, from, sizeof(from));
		snprintf(line + n, sizeof(line) - n, "  d: diff with A (%s)", from);
	}
	screen_fill(s, 0, y, w, ' ', ROLE_TITLE);
	screen_text(s, 0, y, w, line, ROLE_TITLE);
}

static void timeline_draw(const struct view *base, const struct app *app, struct screen *s,
			  struct rect r)
{
	const struct view_timeline *v = (const struct view_timeline *)base;
	int rows = r.h - 3, x0 = r.x + AXIS_LABEL_COLS + 1;
	int64_t scale;
	char title[256], peak[32], label[32];

	(void)app;
	if (!v->have || rows < 1)
		return;
	scale = v->tl.max_bytes;
	if (v->tl.has_rss && (int64_t)v->tl.rss_max_bytes > scale)
		scale = (int64_t)v->tl.rss_max_bytes;
	fmt_bytes(v->tl.peak_bytes, peak, sizeof(peak));
	if (v->tl.mode == TIMELINE_BY_TIME && v->tl.peak_ev_idx != UINT64_MAX)
		snprintf(title, sizeof(title), "live heap over time%s   peak %s at %" PRId64 " ms",
			 v->tl.has_rss ? " (dots: RSS)" : "", peak,
			 timeline_time_of_event(v->cap, v->tl.peak_ev_idx));
	else
		snprintf(title, sizeof(title), "live heap over the event log   peak %s", peak);
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x, r.y, r.w, title, ROLE_TITLE);
	screen_text(s, r.x, r.y + 1, AXIS_LABEL_COLS, fmt_bytes(scale, label, sizeof(label)),
		    ROLE_DIM);
	if (rows > 2)
		screen_text(s, r.x, r.y + 1 + rows / 2, AXIS_LABEL_COLS,
			    fmt_bytes(scale - scale * (rows / 2) / rows, label, sizeof(label)),
			    ROLE_DIM);
	screen_text(s, r.x, r.y + rows, AXIS_LABEL_COLS, "0 B", ROLE_DIM);
	draw_graph(v, s, x0, r.y + 1, rows, scale);
	draw_axis(v, s, x0, r.y + 1 + rows, r.w - x0);
	draw_cursor_line(v, s, r.y + r.h - 1, r.w);
}

/* The diff view of the live heap after event a (A) and after event b (B). */
static struct view *diff_moments(const struct view_timeline *v, uint64_t a, uint64_t b)
{
	struct snapshot wa, wb;
	char la[64], lb[64];

	snapshot_live_at(&wa, v->cap, a);
	snapshot_live_at(&wb, v->cap, b);
	fmt_moment(v, a, la, sizeof(la));
	fmt_moment(v, b, lb, sizeof(lb));
	return view_diff_new_snapshots(&wa, la, &wb, lb);
}

static enum view_result timeline_key(struct view *base, struct app *app, enum action a,
				     struct view **push)
{
	struct view_timeline *v = (struct view_timeline *)base;
	uint32_t page = v->tl.n / 10 ? v->tl.n / 10 : 1;
	uint64_t ev;
	char when[48];

	if (!v->have)
		return ACT_IGNORED;
	switch (a) {
	case A_OUT:
		v->cur = v->cur ? v->cur - 1 : 0;
		return ACT_NONE;
	case A_IN:
		v->cur = v->cur + 1 < v->tl.n ? v->cur + 1 : v->cur;
		return ACT_NONE;
	case A_PGUP:
		v->cur = v->cur > page ? v->cur - page : 0;
		return ACT_NONE;
	case A_PGDN:
		v->cur = v->cur + page < v->tl.n ? v->cur + page : v->tl.n - 1;
		return ACT_NONE;
	case A_FIRST:
		v->cur = 0;
		return ACT_NONE;
	case A_LAST:
		v->cur = v->tl.n - 1;
		return ACT_NONE;
	case A_ENTER:
		/* The peak's column opens the peak itself, not the end of its slice. */
		ev = cursor_event(v);
		*push = view_tree_new_at(ev,
					 ev == UINT64_MAX ? 0 : timeline_time_of_event(v->cap, ev));
		return ACT_PUSH;
	case A_MARK:
		v->marked = true;
		v->mark_ev = cursor_event(v);
		fmt_moment(v, v->mark_ev, when, sizeof(when));
		app_message(app, "A = heap at %s; move and press d to diff", when);
		return ACT_NONE;
	case A_DIFF:
		if (!v->marked) {
			app_message(app, "mark side A with Space first");
			return ACT_NONE;
		}
		*push = diff_moments(v, v->mark_ev, cursor_event(v));
		return ACT_PUSH;
	default:
		return ACT_IGNORED;
	}
}

static void timeline_status(const struct view *base, const struct app *app, char *buf,
			    size_t size)
{
	const struct view_timeline *v = (const struct view_timeline *)base;

	(void)app;
	snprintf(buf, size, "[timeline] metric: live heap%s  column %u/%u  h/l: move  Enter: tree"
			    "  Space/d: diff",
		 v->have && v->tl.has_rss ? " and RSS" : "", v->have ? v->cur + 1 : 0,
		 v->have ? v->tl.n : 0);
}

static void timeline_free(struct view *base)
{
	struct view_timeline *v = (struct view_timeline *)base;

	if (v->have)
		timeline_release(&v->tl);
	free(v);
}

static const struct view_ops timeline_ops = {
	.name = "timeline",
	.header = true,
	.sync = timeline_sync,
	.draw = timeline_draw,
	.key = timeline_key,
	.search = NULL,
	.status = timeline_status,
	.free = timeline_free,
};

struct view *view_timeline_new(void)
{
	struct view_timeline *v = xcalloc(1, sizeof(*v));

	v->base.ops = &timeline_ops;
	return &v->base;
}
