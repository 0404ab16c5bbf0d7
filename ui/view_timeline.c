/*
 * view_timeline: the live heap over the run (and RSS where the capture has
 * it), one screen column per timeline column, the peak marked, and a time
 * cursor.  The chart follows the metric the views share (m): peak and leaks
 * chart the live heap; allocated, allocations and temporary chart what each
 * slice holds per second (heaptrack_gui's charts), its figures at the cursor
 * worded by report_timeline_bucket as `memtui report --timeline` words them.
 * Enter opens the tree of the live heap at the cursor's moment,
 * Space marks that moment as side A of a diff and d diffs it with the
 * cursor's (B), in the diff view.
 *
 * Moments: the cursor's column stands for one moment, the heap after one
 * event: the last event of its slice (of an earlier slice when it has none),
 * or the peak itself on the peak's column.  Every place that names a moment
 * (the cursor line, the mark, the opened tree, the diff's sides) names it with
 * timeline_moment_label, so one moment reads the same everywhere
 * (docs/NUMBERS.md "Time").
 *
 * The series (src/analysis/timeline.h) is one pass over the event log, so it is
 * computed in sync, for the width of the app's last layout, and again only
 * when that width changes (the app syncs views after a resize).  Each
 * column is drawn as tall as the largest heap inside its slice, so a spike
 * never disappears between columns and the peak's column reaches the top.
 *
 * Screen, top to bottom: a title; the graph (y labels at the left, block
 * glyphs from the bottom, RSS as dots unless r hides them and rescales to the
 * heap); a row of markers (the peak, the mark A, the cursor) on which nothing
 * else is drawn; the time labels, as many as fit; the cursor line.  Lines of
 * text are fields that are dropped whole, lowest priority first, when the
 * width is short, so a figure is never cut.
 *
 * A capture without an event stream (memray --aggregate) has no heap over
 * time.  The view says so and shows what the capture has: the heap at its
 * peak and at its end (to select, open and diff) and, over time, its RSS.
 *
 * Keys of other views (search, invert, sort, metric, expand, ...) never act
 * here, where they would change the trees unseen: they say that they do not
 * apply, and / swallows what is typed after it until Enter or Esc.
 */
#include "view.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "glyphs.h"
#include "report_timeline.h"
#include "timeline.h"
#include "xalloc.h"

#define AXIS_LABEL_COLS 10	/* y labels: "13.6 MiB" */
#define MAX_FIELDS 6		/* fields of one line of text */
#define LABEL_GAP 3		/* blanks at least between two time labels */

struct view_timeline {
	struct view base;
	const struct capture *cap;
	struct timeline tl;
	bool have;		/* tl computed */
	uint32_t cur;		/* cursor column; without a stream 0: the peak, 1: the end */
	bool placed;		/* the cursor has been put on the peak once */
	bool marked;		/* Space was pressed: mark_ev is side A of a diff */
	uint64_t mark_ev;	/* after this event (UINT64_MAX: before any) */
	bool hide_rss;		/* r: RSS hidden, the graph scaled to the heap */
	bool typing;		/* after /: keys are swallowed until Enter or Esc */
	enum timeline_series series;	/* what the chart draws: the app's metric's */
	char threads[200];	/* the thread filter tl was computed for ("": all) */
};

/*
 * A line of text as fields: each is kept or dropped whole (lower prio is kept
 * longer), joined to the one before by two blanks, or by one when glued.
 */
struct line {
	struct {
		char text[160];
		int prio;
		bool glue;
	} f[MAX_FIELDS];
	int n;
};

static void add(struct line *l, int prio, bool glue, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct line *l, int prio, bool glue, const char *fmt, ...)
{
	va_list ap;

	if (l->n == MAX_FIELDS)
		BUG("view_timeline: too many fields");
	va_start(ap, fmt);
	vsnprintf(l->f[l->n].text, sizeof(l->f[l->n].text), fmt, ap);
	va_end(ap);
	l->f[l->n].prio = prio;
	l->f[l->n].glue = glue;
	l->n++;
}

static bool no_stream(const struct view_timeline *v)
{
	return v->tl.mode == TIMELINE_NO_STREAM;
}

static uint32_t graph_cols(int w)
{
	return w > AXIS_LABEL_COLS + 2 ? (uint32_t)(w - AXIS_LABEL_COLS - 1) : 1;
}

/* Whether timeline_sync must compute (a pass over the log). */
static bool timeline_prepare(const struct view *base, const struct app *app)
{
	const struct view_timeline *v = (const struct view_timeline *)base;
	char threads[sizeof(v->threads)];

	explore_threads_label(app->ex, threads, sizeof(threads));
	return !v->have || v->tl.n != graph_cols(app->body.w) || strcmp(threads, v->threads);
}

static void timeline_sync(struct view *base, struct app *app)
{
	struct view_timeline *v = (struct view_timeline *)base;
	uint32_t cols = graph_cols(app->body.w);
	char threads[sizeof(v->threads)];
	bool *only;

	v->cap = app->ex->cap;
	v->series = timeline_series_of(app->metric);
	explore_threads_label(app->ex, threads, sizeof(threads));
	if (v->have && v->tl.n == cols && !strcmp(threads, v->threads))
		return;
	/* The threads T shows (threads.h): their heap and allocations only. */
	only = thread_filter_mask(&app->ex->threads, v->cap);
	snprintf(v->threads, sizeof(v->threads), "%s", threads);
	if (v->have && !no_stream(v)) {
		/* Keep the cursor at the same place in time across a resize. */
		uint64_t ev = timeline_event_at(&v->tl, v->cur);

		timeline_release(&v->tl);
		timeline_compute_only(&v->tl, v->cap, cols, only, NULL, NULL);
		v->cur = timeline_column_of_event(&v->tl, ev);
	} else {
		if (v->have)
			timeline_release(&v->tl);
		timeline_compute_only(&v->tl, v->cap, cols, only, NULL, NULL);
	}
	free(only);
	v->have = true;
	if (!v->placed) {
		v->cur = no_stream(v) ? 0 : v->tl.peak_col;
		v->placed = true;
	}
	if (v->cur > (no_stream(v) ? 1 : v->tl.n - 1))
		v->cur = no_stream(v) ? 1 : v->tl.n - 1;
}

/* The last event: the heap after it is the one the run ends with. */
static uint64_t end_event(const struct view_timeline *v)
{
	uint64_t events = capture_totals(v->cap)->events;

	return events ? events - 1 : UINT64_MAX;
}

/* The moment the cursor stands for: the end of its column, the peak on the peak's column. */
static uint64_t cursor_event(const struct view_timeline *v)
{
	if (no_stream(v))
		return v->cur == 0 ? v->tl.peak_ev_idx : end_event(v);
	return v->cur == v->tl.peak_col ? v->tl.peak_ev_idx : timeline_event_at(&v->tl, v->cur);
}

/* The live heap after event ev, as the timeline knows it (the peak, a column's end). */
static int64_t heap_at(const struct view_timeline *v, uint64_t ev)
{
	if (ev == v->tl.peak_ev_idx)
		return v->tl.peak_bytes;
	if (no_stream(v) || (ev != UINT64_MAX && ev + 1 >= v->tl.events))
		return v->tl.end_bytes;
	if (ev == UINT64_MAX)
		return 0;
	return v->tl.cols[timeline_column_of_event(&v->tl, ev)].heap_bytes;
}

/* Columns of the kept fields of l joined, or the field to drop next into *drop. */
static int kept_width(const struct screen *s, const struct line *l, const bool *keep, int *drop)
{
	int total = 0, first = 1;

	*drop = -1;
	for (int i = 0; i < l->n; i++) {
		if (!keep[i])
			continue;
		total += (first ? 0 : l->f[i].glue ? 1 : 2) + screen_text_width(s, l->f[i].text);
		first = 0;
		if (*drop < 0 || l->f[i].prio >= l->f[*drop].prio)
			*drop = i;
	}
	return total;
}

/*
 * The bytes of text to draw in w columns: all of it, or up to a blank that
 * does not follow a digit (so a number keeps its unit); 0 if none fits.
 */
static size_t fit_words(const struct screen *s, const char *text, int w)
{
	size_t best = 0;
	char buf[160];

	for (size_t i = 1; text[i]; i++) {
		if (text[i] != ' ' || (text[i - 1] >= '0' && text[i - 1] <= '9'))
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)i, text);
		if (screen_text_width(s, buf) > w)
			break;
		best = i;
	}
	return screen_text_width(s, text) <= w ? strlen(text) : best;
}

/*
 * Draws line l in w columns, dropping whole fields (the highest prio first,
 * the later one among equals) until they fit; empty fields are skipped.  A
 * lone field still too wide is cut between words, never inside a figure.
 */
static void draw_line(struct screen *s, int x, int y, int w, const struct line *l, enum role role)
{
	bool keep[MAX_FIELDS];
	int kept = 0, drop, cx = x;

	for (int i = 0; i < l->n; i++) {
		keep[i] = l->f[i].text[0] != 0;
		kept += keep[i];
	}
	while (kept > 1 && kept_width(s, l, keep, &drop) > w) {
		keep[drop] = false;
		kept--;
	}
	screen_fill(s, x, y, w, ' ', role);
	for (int i = 0; i < l->n; i++) {
		const char *t = l->f[i].text;

		if (!keep[i])
			continue;
		if (cx > x)
			cx += l->f[i].glue ? 1 : 2;
		cx += screen_textn(s, cx, y, x + w - cx, t, fit_words(s, t, x + w - cx), role);
	}
}

static int cell_of(int64_t bytes, int64_t scale, int rows)
{
	if (bytes <= 0 || scale <= 0)
		return 0;
	return (int)((double)bytes / (double)scale * rows * 8 + 0.5);
}

static bool rss_shown(const struct view_timeline *v)
{
	return v->tl.has_rss && !v->hide_rss && v->series == SERIES_HEAP;
}

/* The chart's scale: the largest amount of a rate series' slices. */
static int64_t rate_scale(const struct view_timeline *v)
{
	int64_t max = 0;

	for (uint32_t c = 0; c < v->tl.n; c++)
		if (timeline_amount(&v->tl, c, v->series) > max)
			max = timeline_amount(&v->tl, c, v->series);
	return max;
}

static void draw_column(struct screen *s, int x, int y0, int rows, int eighths, enum role role)
{
	const struct glyphs *g = glyphs_get(s->utf8);

	for (int r = 0; r < rows && eighths > 0; r++, eighths -= 8)
		screen_put(s, x, y0 + rows - 1 - r, g->column[eighths >= 8 ? 8 : eighths], role);
}

static void draw_graph(const struct view_timeline *v, struct screen *s, int x0, int y0, int rows,
		       int64_t scale)
{
	const struct glyphs *g = glyphs_get(s->utf8);

	for (uint32_t c = 0; c < v->tl.n; c++) {
		const struct timeline_column *col = &v->tl.cols[c];
		int x = x0 + (int)c;
		bool sel = c == v->cur;

		if (sel)
			for (int r = 0; r < rows; r++)
				screen_put(s, x, y0 + r, ' ', ROLE_SELECTED);
		draw_column(s, x, y0, rows, cell_of(timeline_amount(&v->tl, c, v->series), scale,
						    rows),
			    sel ? ROLE_SELECTED : ROLE_BAR);
		if (rss_shown(v) && col->rss_bytes) {
			int rc = cell_of((int64_t)col->rss_bytes, scale, rows) / 8;

			if (rc >= rows)
				rc = rows - 1;
			screen_put(s, x, y0 + rows - 1 - rc, g->dot,
				   sel ? ROLE_SELECTED : ROLE_WARNING);
		}
	}
}

/*
 * A y label: bytes of the heap; of a rate series what a slice holding amount
 * makes per second (the unit, "/s", is in the title), or the amount itself
 * over the event log.
 */
static char *y_label(const struct view_timeline *v, int64_t amount, char *buf, size_t size)
{
	bool bytes = !timeline_series_is_count(v->series);
	double rate = timeline_rate(&v->tl, amount);
	char *slash;

	if (v->series == SERIES_HEAP || (bytes && rate < 0))
		return fmt_bytes(amount, buf, size);
	if (rate < 0)
		snprintf(buf, size, "%" PRId64, amount);
	else if ((slash = strstr(fmt_rate(rate, bytes, buf, size), "/s")))
		*slash = 0;
	return buf;
}

/* y labels: the scale at the top, its half in the middle, 0 at the bottom. */
static void draw_y_labels(const struct view_timeline *v, struct screen *s, int x, int y0,
			  int rows, int64_t scale)
{
	char label[32];

	screen_text(s, x, y0, AXIS_LABEL_COLS, y_label(v, scale, label, sizeof(label)), ROLE_DIM);
	if (rows > 2)
		screen_text(s, x, y0 + rows / 2, AXIS_LABEL_COLS,
			    y_label(v, scale - scale * (rows / 2) / rows, label, sizeof(label)),
			    ROLE_DIM);
	if (rows > 1)
		screen_text(s, x, y0 + rows - 1, AXIS_LABEL_COLS,
			    y_label(v, 0, label, sizeof(label)), ROLE_DIM);
}

/* The marker row: the peak, the mark A, the cursor; nothing else is drawn on it. */
static void draw_markers(const struct view_timeline *v, struct screen *s, int x0, int y)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	uint32_t mark_col = v->marked ? timeline_column_of_event(&v->tl, v->mark_ev) : UINT32_MAX;
	uint32_t glyph;

	screen_put(s, x0 + (int)v->tl.peak_col, y, g->peak, ROLE_WARNING);
	if (v->marked)
		screen_put(s, x0 + (int)mark_col, y, 'A', ROLE_MATCH);
	glyph = v->cur == mark_col ? 'A' : v->cur == v->tl.peak_col ? g->peak : g->cursor;
	screen_put(s, x0 + (int)v->cur, y, glyph, ROLE_SELECTED);
}

/* The axis' end: the span divided in ms, or the last event (the end moment's name). */
static uint64_t axis_span(const struct timeline *tl)
{
	if (tl->mode == TIMELINE_BY_EVENT)
		return tl->events ? tl->events - 1 : 0;
	return tl->duration_ms > 0 ? (uint64_t)tl->duration_ms : 0;
}

/* The column whose slice holds time (ms) or event t, as timeline.c slices them. */
static uint32_t axis_column_of(const struct timeline *tl, uint64_t t)
{
	uint64_t span = axis_span(tl), c;

	if (tl->mode == TIMELINE_BY_EVENT)
		return timeline_column_of_event(tl, t);
	c = span ? (uint64_t)((unsigned __int128)t * tl->n / span) : 0;
	return c >= tl->n ? tl->n - 1 : (uint32_t)c;
}

static void fmt_axis_value(const struct timeline *tl, uint64_t t, char *buf, size_t size)
{
	if (tl->mode == TIMELINE_BY_EVENT)
		snprintf(buf, size, "event %" PRIu64, t);
	else
		snprintf(buf, size, "%" PRIu64 " ms", t);
}

/* The smallest step of 1, 2 or 5 times a power of ten giving at most max_ticks steps. */
static uint64_t nice_step(uint64_t span, uint64_t max_ticks)
{
	static const uint64_t mult[] = { 1, 2, 5 };

	for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10)
		for (int i = 0; i < 3; i++)
			if (span / (mult[i] * p) <= max_ticks)
				return mult[i] * p;
	return span ? span : 1;
}

/*
 * The time labels: the start under the first column, the end ending under
 * the last, and between them labels at round values, each starting at the
 * column that holds its value, as many as fit with LABEL_GAP blanks apart.
 */
static void draw_time_labels(const struct view_timeline *v, struct screen *s, int x0, int y)
{
	const struct timeline *tl = &v->tl;
	uint64_t span = axis_span(tl), step;
	char first[48], last[48], mid[48];
	int fw, lw, n = (int)tl->n, left, right;

	fmt_axis_value(tl, 0, first, sizeof(first));
	fmt_axis_value(tl, span, last, sizeof(last));
	fw = screen_text_width(s, first);
	lw = screen_text_width(s, last);
	screen_text(s, x0, y, n, first, ROLE_DIM);
	left = fw;
	/* A label ending in a bare number ("event 40") keeps off the last column. */
	right = n - lw - (lw && last[strlen(last) - 1] >= '0' && last[strlen(last) - 1] <= '9');
	if (right < left + LABEL_GAP)
		return;
	screen_text(s, x0 + right, y, lw, last, ROLE_DIM);
	step = nice_step(span, (uint64_t)(n / (lw + LABEL_GAP)));
	for (uint64_t t = step; step && t < span; t += step) {
		uint32_t c = axis_column_of(tl, t);
		int w;

		fmt_axis_value(tl, t, mid, sizeof(mid));
		w = screen_text_width(s, mid);
		if ((int)c < left + LABEL_GAP || (int)c + w + LABEL_GAP > right)
			continue;
		screen_text(s, x0 + (int)c, y, w, mid, ROLE_DIM);
		left = (int)c + w;
	}
}

/* The title of a rate series: what per second (per slice over the event log), its total. */
static void rate_title_line(const struct view_timeline *v, struct line *l)
{
	int64_t total = 0;
	char b[32];

	for (uint32_t c = 0; c < v->tl.n; c++)
		total += timeline_amount(&v->tl, c, v->series);
	add(l, 0, false, "%s %s", timeline_series_name(v->series),
	    v->tl.mode == TIMELINE_BY_TIME ? "per second" : "per slice of the event log");
	if (timeline_series_is_count(v->series))
		add(l, 1, false, "total %" PRId64, total);
	else
		add(l, 1, false, "total %s", fmt_bytes(total, b, sizeof(b)));
	if (v->tl.mode == TIMELINE_BY_TIME)
		add(l, 2, false, "max %s", fmt_rate(timeline_rate(&v->tl, rate_scale(v)),
						    !timeline_series_is_count(v->series), b,
						    sizeof(b)));
	add(l, 3, false, "(m: next metric)");
	/* Events carry their stamp's time: a slice between stamps holds none, the next many. */
	if (timeline_stamp_step_ms(v->cap) > 0)
		add(l, 4, false, "time stamped every ~%" PRId64 " ms",
		    timeline_stamp_step_ms(v->cap));
}

static void title_line(const struct view_timeline *v, struct line *l)
{
	char peak[32], when[64];
	int64_t step = timeline_stamp_step_ms(v->cap);
	int64_t peak_ms = timeline_moment_ms(v->cap, v->tl.peak_ev_idx);

	if (v->series != SERIES_HEAP) {
		rate_title_line(v, l);
		return;
	}

	fmt_bytes(v->tl.peak_bytes, peak, sizeof(peak));
	add(l, 0, false, "%s", v->tl.mode == TIMELINE_BY_TIME ? "live heap over time"
							   : "live heap over the event log");
	/* Filtered by T: the threads' share at the capture's peak, as memray counts a thread. */
	if (v->tl.filtered && peak_ms >= 0)
		add(l, 1, false, "%s of these threads at the peak (%" PRId64 " ms)", peak, peak_ms);
	else if (v->tl.filtered)
		add(l, 1, false, "%s of these threads at the peak", peak);
	else if (peak_ms >= 0)
		add(l, 1, false, "peak %s at %" PRId64 " ms", peak, peak_ms);
	else
		add(l, 1, false, "peak %s at %s", peak,
		    timeline_moment_label(v->cap, v->tl.peak_ev_idx, when, sizeof(when)));
	if (v->tl.has_rss)
		add(l, 2, false, "%s",
		    v->hide_rss ? "RSS hidden (r: show)" : "dots: RSS (r: hide)");
	if (step > 0)
		add(l, 3, false, "time stamped every ~%" PRId64 " ms", step);
}

/*
 * What an empty column shows: with time, the stamps around it (the events
 * before it are drawn at their stamp, so the heap stays flat up to the next).
 */
static void empty_column_text(const struct view_timeline *v, const struct timeline_column *c,
			      uint64_t ev, char *buf, size_t size)
{
	int64_t from = ev == UINT64_MAX ? 0 : timeline_time_of_event(v->cap, ev);

	if (v->tl.mode != TIMELINE_BY_TIME)
		snprintf(buf, size, "no events in this column");
	else if (c->ev_begin < v->tl.events)
		snprintf(buf, size, "no event stamped between %" PRId64 " and %" PRId64 " ms", from,
			 timeline_time_of_event(v->cap, c->ev_begin));
	else
		snprintf(buf, size, "no event stamped after %" PRId64 " ms", from);
}

static void cursor_line(const struct view_timeline *v, struct line *l)
{
	const struct timeline_column *c = &v->tl.cols[v->cur];
	uint64_t ev = cursor_event(v);
	char when[64], heap[32], hi[32], lo[32], rss[32], empty[96];

	if (v->series != SERIES_HEAP) {
		add(l, 0, false, "%s",
		    report_timeline_bucket(&v->tl, v->cur, v->series, empty, sizeof(empty)));
		if (v->marked)
			add(l, 2, false, "A: %s, d: diff",
			    timeline_moment_label(v->cap, v->mark_ev, when, sizeof(when)));
		add(l, 5, false, "Enter: tree");
		return;
	}
	add(l, 0, false, "%s:", timeline_moment_label(v->cap, ev, when, sizeof(when)));
	add(l, 1, true, "heap %s", fmt_bytes(heap_at(v, ev), heap, sizeof(heap)));
	if (!no_stream(v)) {
		if (c->ev_begin == c->ev_end) {
			empty_column_text(v, c, ev, empty, sizeof(empty));
			add(l, 3, false, "%s", empty);
		} else if (strcmp(fmt_bytes(c->max_bytes, hi, sizeof(hi)),
				  fmt_bytes(c->min_bytes, lo, sizeof(lo)))) {
			add(l, 3, false, "column max %s, min %s", hi, lo);
		}
		if (v->tl.has_rss && c->rss_bytes)
			add(l, 4, false, "RSS %s",
			    fmt_bytes((int64_t)c->rss_bytes, rss, sizeof(rss)));
	}
	if (v->marked)
		add(l, 2, false, "A: %s, d: diff",
		    timeline_moment_label(v->cap, v->mark_ev, when, sizeof(when)));
	add(l, 5, false, "Enter: tree");
}

static void draw_timed(const struct view_timeline *v, struct screen *s, struct rect r)
{
	int rows = r.h - 4, x0 = r.x + AXIS_LABEL_COLS + 1;
	int64_t scale = v->series == SERIES_HEAP ? v->tl.max_bytes : rate_scale(v);
	struct line title = { .n = 0 }, cursor = { .n = 0 };

	if (rss_shown(v) && (int64_t)v->tl.rss_max_bytes > scale)
		scale = (int64_t)v->tl.rss_max_bytes;
	title_line(v, &title);
	draw_line(s, r.x, r.y, r.w, &title, ROLE_TITLE);
	if (rows >= 1) {
		draw_y_labels(v, s, r.x, r.y + 1, rows, scale);
		draw_graph(v, s, x0, r.y + 1, rows, scale);
		draw_markers(v, s, x0, r.y + 1 + rows);
		draw_time_labels(v, s, x0, r.y + 2 + rows);
	}
	cursor_line(v, &cursor);
	draw_line(s, r.x, r.y + r.h - 1, r.w, &cursor, ROLE_TITLE);
}

/* A row of the stream-less view: one of the two snapshots, with a bar of its share of the peak. */
static void draw_snapshot_row(const struct view_timeline *v, struct screen *s, struct rect r,
			      int y, int which)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	uint64_t ev = which == 0 ? v->tl.peak_ev_idx : end_event(v);
	int64_t bytes = which == 0 ? v->tl.peak_bytes : v->tl.end_bytes;
	enum role role = v->cur == (uint32_t)which ? ROLE_SELECTED : ROLE_NORMAL;
	char text[160], size[32];
	int x, bar = r.w - 44, eighths;

	screen_fill(s, r.x, y, r.w, ' ', role);
	snprintf(text, sizeof(text), "%c %-4s %10s ",
		 v->marked && v->mark_ev == ev ? 'A' : ' ', which == 0 ? "peak" : "end",
		 fmt_bytes(bytes, size, sizeof(size)));
	x = r.x + screen_text(s, r.x, y, r.w, text, role);
	if (bar > 40)
		bar = 40;
	if (bar >= 4) {
		eighths = cell_of(bytes, v->tl.peak_bytes, 1) * bar;
		for (int i = 0; i < bar; i++, eighths -= 8) {
			int fill = eighths >= 8 ? 8 : eighths > 0 ? eighths : 0;

			screen_put(s, x + i, y, g->bar[fill],
				   v->cur == (uint32_t)which ? ROLE_SELECTED : ROLE_BAR);
		}
		x += bar + 1;
	}
	if (timeline_moment_ms(v->cap, ev) < 0)
		snprintf(text, sizeof(text), "time unknown");
	else
		snprintf(text, sizeof(text), "at %" PRId64 " ms%s", timeline_moment_ms(v->cap, ev),
			 which == 1 ? ": what leaked" : "");
	if (screen_text_width(s, text) <= r.x + r.w - x - 1)
		screen_text(s, x + 1, y, -1, text, role);
}

/*
 * Without an event stream: the title says there is no time axis for the
 * heap, two rows hold the peak and the end, and below them the RSS samples
 * are drawn over time (they have one).
 */
static void draw_no_stream(const struct view_timeline *v, struct screen *s, struct rect r)
{
	int rows = r.h - 6, x0 = r.x + AXIS_LABEL_COLS + 1;
	struct line title = { .n = 0 }, rss = { .n = 0 }, cursor = { .n = 0 };
	char max[32];

	add(&title, 0, false, "no heap over time:");
	add(&title, 1, true, "an aggregated capture keeps only its peak and its end");
	add(&title, 2, false, "(memray run --aggregate)");
	draw_line(s, r.x, r.y, r.w, &title, ROLE_TITLE);
	if (r.h >= 3) {
		draw_snapshot_row(v, s, r, r.y + 1, 0);
		draw_snapshot_row(v, s, r, r.y + 2, 1);
	}
	if (v->tl.has_rss) {
		add(&rss, 0, false, "RSS over time");
		add(&rss, 2, false, "(from its memory snapshots)");
		add(&rss, 1, false, "max %s", fmt_bytes((int64_t)v->tl.rss_max_bytes, max,
							 sizeof(max)));
	} else {
		add(&rss, 0, false, "no RSS samples either");
	}
	if (r.h >= 5)
		draw_line(s, r.x, r.y + 3, r.w, &rss, ROLE_TITLE);
	if (rows >= 1 && v->tl.has_rss) {
		int64_t scale = (int64_t)v->tl.rss_max_bytes;

		draw_y_labels(v, s, r.x, r.y + 4, rows, scale);
		for (uint32_t c = 0; c < v->tl.n; c++)
			draw_column(s, x0 + (int)c, r.y + 4, rows,
				    cell_of((int64_t)v->tl.cols[c].rss_bytes, scale, rows),
				    ROLE_WARNING);
		draw_time_labels(v, s, x0, r.y + 4 + rows);
	}
	cursor_line(v, &cursor);
	draw_line(s, r.x, r.y + r.h - 1, r.w, &cursor, ROLE_TITLE);
}

static void timeline_draw(const struct view *base, const struct app *app, struct screen *s,
			  struct rect r)
{
	const struct view_timeline *v = (const struct view_timeline *)base;

	(void)app;
	if (!v->have || r.h < 1 || r.w < 1)
		return;
	if (no_stream(v))
		draw_no_stream(v, s, r);
	else
		draw_timed(v, s, r);
}

/* The diff view of the live heap after event a (A) and after event b (B). */
static struct view *diff_moments(const struct view_timeline *v, uint64_t a, uint64_t b)
{
	char la[64], lb[64];

	timeline_moment_label(v->cap, a, la, sizeof(la));
	timeline_moment_label(v->cap, b, lb, sizeof(lb));
	return view_diff_new_moments(a, la, b, lb);
}

/* The first key bound to action a, for messages ("i", "Space"). */
static const char *key_of(enum action a, char *buf, size_t size)
{
	size_t n;
	const struct key_binding *t = keys_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].action == a)
			return keys_name(t[i].key, buf, size);
	return "?";
}

/* Moves the cursor; without a stream there are two places, the peak (0) and the end (1). */
static enum view_result move(struct view_timeline *v, enum action a)
{
	uint32_t last = no_stream(v) ? 1 : v->tl.n - 1;
	uint32_t page = no_stream(v) ? 1 : v->tl.n / 10 ? v->tl.n / 10 : 1;

	switch (a) {
	case A_OUT:
	case A_UP:
		v->cur = v->cur ? v->cur - 1 : 0;
		break;
	case A_IN:
	case A_DOWN:
		v->cur = v->cur < last ? v->cur + 1 : last;
		break;
	case A_PGUP:
		v->cur = v->cur > page ? v->cur - page : 0;
		break;
	case A_PGDN:
		v->cur = v->cur + page < last ? v->cur + page : last;
		break;
	case A_FIRST:
		v->cur = 0;
		break;
	default:
		v->cur = last;
		break;
	}
	return ACT_NONE;
}

static enum view_result mark_or_diff(struct view_timeline *v, struct app *app, enum action a,
				     struct view **push)
{
	uint64_t ev = cursor_event(v);
	char when[64];

	timeline_moment_label(v->cap, ev, when, sizeof(when));
	if (a == A_MARK) {
		v->marked = true;
		v->mark_ev = ev;
		app_message(app, "A = %s; move, then d: diff, Esc: clear", when);
		return ACT_NONE;
	}
	if (!v->marked) {
		app_message(app, "mark side A with Space first");
		return ACT_NONE;
	}
	if (v->mark_ev == ev) {
		app_message(app, "same moment as A: %s; move first", when);
		return ACT_NONE;
	}
	*push = diff_moments(v, v->mark_ev, ev);
	return ACT_PUSH;
}

#define NO_SEARCH "no search here (the timeline has no names): typing ignored until Enter or Esc"

/* After /: all but quitting and redrawing is swallowed; Enter, Esc or Backspace end it. */
static enum view_result typing_key(struct view_timeline *v, struct app *app, enum action a)
{
	if (a == A_QUIT || a == A_REDRAW)
		return ACT_IGNORED;
	if (a == A_ENTER || a == A_ESC || a == A_BACK)
		v->typing = false;
	else
		app_message(app, NO_SEARCH);
	return ACT_NONE;
}

static enum view_result timeline_key(struct view *base, struct app *app, enum action a,
				     struct view **push)
{
	struct view_timeline *v = (struct view_timeline *)base;
	char key[32];

	if (!v->have)
		return ACT_IGNORED;
	if (v->typing)
		return typing_key(v, app, a);
	switch (a) {
	case A_OUT:
	case A_IN:
	case A_PGUP:
	case A_PGDN:
	case A_FIRST:
	case A_LAST:
		return move(v, a);
	case A_UP:
	case A_DOWN:
		if (no_stream(v))
			return move(v, a);
		break;
	case A_ENTER: {
		uint64_t ev = cursor_event(v);
		char when[64];

		*push = view_tree_new_at(ev, timeline_moment_label(v->cap, ev, when, sizeof(when)));
		return ACT_PUSH;
	}
	case A_MARK:
	case A_DIFF:
		return mark_or_diff(v, app, a, push);
	case A_ESC:
		if (!v->marked)
			return ACT_IGNORED;
		v->marked = false;
		app_message(app, "mark A cleared");
		return ACT_NONE;
	case A_RSS:
		if (no_stream(v) || !v->tl.has_rss) {
			app_message(app, "r: %s", no_stream(v)
							  ? "RSS is all this capture has over time"
							  : "this capture has no RSS samples");
			return ACT_NONE;
		}
		v->hide_rss = !v->hide_rss;
		return ACT_NONE;
	case A_SEARCH:
		v->typing = true;
		app_message(app, NO_SEARCH);
		return ACT_NONE;
	case A_METRIC:	/* the explorer's: the next metric, which the chart follows */
	case A_BACK:
	case A_CLOSE:
	case A_QUIT:
	case A_HELP:
	case A_REDRAW:
	case A_NEXT_VIEW:
	case A_PREV_VIEW:
		return ACT_IGNORED;
	default:
		if (a >= A_VIEW_1 && a <= A_VIEW_9)
			return ACT_IGNORED;
		break;
	}
	app_message(app, "%s: not a timeline key (h/l move, Enter, Space/d, r; ?: help)",
		    key_of(a, key, sizeof(key)));
	return ACT_NONE;
}

static void timeline_status(const struct view *base, const struct app *app, char *buf,
			    size_t size)
{
	const struct view_timeline *v = (const struct view_timeline *)base;

	(void)app;
	if (v->have && no_stream(v))
		snprintf(buf, size, "[timeline] no time axis  j/k: peak or end  Enter: tree"
				    "  Space/d: diff");
	else
		snprintf(buf, size, "[timeline] metric: %s%s%s  column %u/%u  h/l: move"
				    "  Enter: tree",
			 timeline_series_name(v->series),
			 v->series == SERIES_HEAP ? ""
			 : v->have && v->tl.mode != TIMELINE_BY_TIME ? " per slice" : " per second",
			 v->have && rss_shown(v) ? " and RSS" : "", v->have ? v->cur + 1 : 0,
			 v->have ? v->tl.n : 0);
}

static void timeline_free(struct view *base)
{
	struct view_timeline *v = (struct view_timeline *)base;

	if (v->have)
		timeline_release(&v->tl);
	free(v);
}

/* w: `memtui report --timeline N --metric M`, N the columns charted (all threads). */
static int timeline_export(const struct view *base, const struct app *app, FILE *out,
			   enum report_format format, char *why, size_t why_size)
{
	const struct view_timeline *v = (const struct view_timeline *)base;
	bool *only;

	if (format == REPORT_COLLAPSED) {
		snprintf(why, why_size, "the timeline writes .txt, .json or .csv (memtui report "
			 "--timeline has no collapsed stacks)");
		return -1;
	}
	if (!v->have || !v->tl.n) {
		snprintf(why, why_size, "the timeline has no columns yet: nothing to write");
		return -1;
	}
	/* The threads T shows, as --thread would: their events only. */
	only = thread_filter_mask(&app->ex->threads, v->cap);
	report_timeline_write_only(out, v->cap, app->ex->path, v->tl.n, app->metric, format, only,
				   v->threads);
	free(only);
	return 0;
}

static const struct view_ops timeline_ops = {
	.name = "timeline",
	.header = true,
	.sync = timeline_sync,
	.prepare = timeline_prepare,
	.draw = timeline_draw,
	.key = timeline_key,
	.search = NULL,
	.status = timeline_status,
	.export = timeline_export,
	.free = timeline_free,
};

struct view *view_timeline_new(void)
{
	struct view_timeline *v = xcalloc(1, sizeof(*v));

	v->base.ops = &timeline_ops;
	return &v->base;
}
