/*
 * view_stages: the stage-delta table (src/analysis/stages.h), and what a stage opens.
 *
 * The split is fixed when the view is made: the calls under a function
 * (S on a tree node), or by default stages_default's: the capture's marks,
 * else the calls under "main" (merged when one row per call would be more
 * than STAGES_DEFAULT_MAX_ROWS rows), else 10 time slices; the title says
 * why a split was passed over.  The rows are computed on the first sync,
 * and again when t merges or unmerges repeated calls (STAGES_MERGE; under a
 * function only).  The outside row is always there, always last, whatever
 * the order.
 *
 * Keys: s cycles the order of the rows, time first, then descending by
 * allocated, count, freed, net, cumulative, peak, duration, and by name.
 * m is the app's metric and picks the highlighted column: peak -> "peak"
 * (the heap's maximum inside the stage; live-only stages: "at peak"), leaks
 * -> "leaked" (live at the end), allocated -> "allocated", allocations ->
 * "count", temporary -> "temporary"; the title names the column and what it
 * holds, the info lines repeat it exactly (and, for peak, what the stage
 * holds at the capture's peak), and the leaked and temporary columns appear
 * only for their metric.  Enter opens the selected
 * stage's own tree (view_tree.h over a source made here): what it allocated
 * that is still alive at its end, or (t) everything it allocated; f there
 * switches to a flame graph, d diffs the live heap at the stage's start
 * with its end.  Space marks a stage as side A, d diffs the live heap at
 * the end of A with the end of the selected stage.
 *
 * Screen: a title naming the split, column titles, the rows (narrow screens
 * drop the less important columns first: calls, count, start, freed, top
 * allocator, cumulative, duration), and two info lines with the selected
 * row's exact integers.  The title and the info lines drop whole fields,
 * lowest priority first, rather than cut one.  Names are stages_labels of
 * the stage column's width: a long C++ name keeps its end (the method),
 * and two functions never read the same.  Scrolling as in the tree view:
 * top is the first row shown, clamped at draw.
 *
 * A capture without an event stream (memray --aggregate) has live-only
 * stages (stages.h): the default split is the calls under "main", the title
 * says so, every figure by time shows "-" and two more columns show what is
 * known (leaked, at peak; s sorts by them too, and an unknown column keeps
 * the row order, which is the order of the calls in the function, not
 * time).  Enter opens what the stage's stacks hold alive at the end of the
 * capture; everything allocated (t there), the start-to-end diff (d there)
 * and Space + d say they are not available.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "outline.h"
#include "outline_keys.h"
#include "report_stages.h"
#include "stages.h"
#include "timeline.h"
#include "view_tree.h"
#include "xalloc.h"

#define NO_ROW SIZE_MAX
#define TITLE_NAME_W 40		/* the function in the title and info lines, at most */

enum order {
	BY_TIME, BY_ALLOCATED, BY_COUNT, BY_FREED, BY_NET, BY_CUMULATIVE, BY_PEAK, BY_DURATION,
	BY_NAME, BY_LEAKED, BY_AT_PEAK, N_ORDERS	/* the last two: live-only stages */
};

static const char *const order_names[N_ORDERS] = {
	"time", "allocated", "count", "freed", "net", "cumulative", "peak", "duration", "name",
	"leaked", "at peak",
};

enum col {
	COL_STAGE, COL_CALLS, COL_START, COL_DURATION, COL_ALLOCATED, COL_COUNT, COL_FREED,
	COL_NET, COL_CUMULATIVE, COL_PEAK, COL_LEAKED, COL_AT_PEAK, COL_TEMPORARY, COL_TOP, N_COLS
};	/* COL_LEAKED and COL_AT_PEAK: live-only stages and their metric; COL_TEMPORARY: its */

/* Columns left to right; drop is the order narrow screens drop them in (0: never). */
static const struct {
	const char *title;
	int width;		/* the stage and top columns take what is left, at least this */
	int drop;
} cols[N_COLS] = {
	[COL_STAGE] = { "stage", 12, 0 },	 [COL_CALLS] = { "calls", 5, 1 },
	[COL_START] = { "start", 8, 3 },	 [COL_DURATION] = { "duration", 8, 7 },
	[COL_ALLOCATED] = { "allocated", 9, 0 }, [COL_COUNT] = { "count", 6, 2 },
	[COL_FREED] = { "freed", 9, 4 },	 [COL_NET] = { "net", 9, 0 },
	[COL_CUMULATIVE] = { "cumulative", 10, 6 }, [COL_PEAK] = { "peak", 9, 0 },
	[COL_LEAKED] = { "leaked", 9, 0 },	 [COL_AT_PEAK] = { "at peak", 9, 0 },
	[COL_TEMPORARY] = { "temporary", 9, 0 }, [COL_TOP] = { "top allocator", 13, 5 },
};

struct view_stages {
	struct view base;
	const struct capture *cap;
	char *function;		/* requested function (owned), NULL: default split */
	struct stages_spec spec;	/* spec.function points into function or "main" */
	char split[96];		/* "under main", "10 slices", "marks" */
	char why[128];		/* why the default passed a split over; "" none */
	const char *unavailable;	/* stages_unavailable of spec, NULL when it applies */
	bool have;		/* st computed */
	bool stale;		/* st is not of spec (t changed it): the next sync computes */
	struct stages st;
	char **labels;		/* stages_labels of st at labels_w, NULL when not made */
	int labels_w;
	bool labels_utf8;
	size_t *order;		/* rows in display order (st.n entries) */
	enum order by;
	size_t cur;		/* cursor: position in order */
	size_t top;		/* first position shown */
	size_t mark;		/* row index of side A, NO_ROW when none */
	int name_w;		/* cells the longest stage name wants (with the mark), <= 32 */
	int col_w[N_COLS];	/* figure columns: widest cell or title, at least cols[].width */
	char pattern[OUTLINE_MAX_PATTERN];
};

/* ---- the rows and their order ------------------------------------------ */

static int64_t sort_value(const struct stage_row *r, enum order by)
{
	switch (by) {
	case BY_ALLOCATED: return r->alloc_bytes;
	case BY_COUNT: return r->alloc_count;
	case BY_FREED: return r->freed_bytes;
	case BY_NET: return r->net_bytes;
	case BY_CUMULATIVE: return r->cumulative_bytes;
	case BY_PEAK: return r->peak_bytes;
	case BY_DURATION: return r->duration_ms;
	case BY_LEAKED: return r->leaked_bytes;
	case BY_AT_PEAK: return r->at_peak_bytes;
	default: return 0;
	}
}

/* Whether row a comes before row b (the outside row last; ties in time order). */
static bool before(const struct view_stages *v, size_t a, size_t b)
{
	const struct stage_row *ra = &v->st.rows[a], *rb = &v->st.rows[b];
	int c;

	if (a + 1 == v->st.n || b + 1 == v->st.n)
		return b + 1 == v->st.n && a != b;
	if (v->by == BY_NAME) {
		c = strcmp(ra->name, rb->name);
		return c ? c < 0 : a < b;
	}
	if (v->by != BY_TIME && sort_value(ra, v->by) != sort_value(rb, v->by))
		return sort_value(ra, v->by) > sort_value(rb, v->by);
	return a < b;
}

/* A stable merge sort of the display order (rows may be thousands of calls). */
static void sort_rows(struct view_stages *v)
{
	size_t n = v->st.n, *tmp = xmalloc(n * sizeof(*tmp));

	for (size_t i = 0; i < n; i++)
		v->order[i] = i;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid || j < hi)
				if (j >= hi || (i < mid && !before(v, v->order[j], v->order[i])))
					tmp[k++] = v->order[i++];
				else
					tmp[k++] = v->order[j++];
		}
		memcpy(v->order, tmp, n * sizeof(*tmp));
	}
	free(tmp);
}

static size_t position_of(const struct view_stages *v, size_t row)
{
	for (size_t i = 0; i < v->st.n; i++)
		if (v->order[i] == row)
			return i;
	return 0;
}

static void choose_split(struct view_stages *v)
{
	char f[TITLE_NAME_W * 4];

	v->why[0] = 0;
	if (v->function) {
		memset(&v->spec, 0, sizeof(v->spec));
		v->spec.split = STAGES_UNDER;
		v->spec.function = v->function;
	} else {
		stages_default(&v->spec, v->cap, v->why, sizeof(v->why));
	}
	if (v->spec.split == STAGES_UNDER)
		snprintf(v->split, sizeof(v->split), "under %s",
			 stages_short_name(v->spec.function, TITLE_NAME_W, "~", f, sizeof(f)));
	else if (v->spec.split == STAGES_SLICES)
		snprintf(v->split, sizeof(v->split), "%u slices", v->spec.slices);
	else
		snprintf(v->split, sizeof(v->split), "marks");
	v->unavailable = stages_unavailable(v->cap, &v->spec);
}

static void cell_text(const struct view_stages *v, const struct stage_row *r, enum col c,
		      int cw, const struct screen *s, char *buf, size_t size);

/* Each figure column as wide as its widest cell, so that no figure is ever cut. */
static void figure_widths(struct view_stages *v)
{
	char text[64];

	for (int c = 0; c < N_COLS; c++) {
		v->col_w[c] = cols[c].width;
		if (c == COL_STAGE || c == COL_TOP)
			continue;
		for (size_t i = 0; i < v->st.n; i++) {
			cell_text(v, &v->st.rows[i], (enum col)c, 0, NULL, text, sizeof(text));
			if ((int)strlen(text) > v->col_w[c])
				v->col_w[c] = (int)strlen(text);
		}
	}
}

/* (Re)computes the rows; the cursor stays on the row of the same name when there is one. */
static void compute(struct view_stages *v)
{
	char *keep = v->have ? xstrdup(v->st.rows[v->order[v->cur]].name) : NULL;

	stages_labels_free(v->labels, v->st.n);
	v->labels = NULL;
	if (v->have) {
		stages_release(&v->st);
		free(v->order);
	}
	stages_compute(&v->st, v->cap, &v->spec);
	v->order = xmalloc(v->st.n * sizeof(*v->order));
	v->have = true;
	v->mark = NO_ROW;
	v->name_w = 0;
	for (size_t i = 0; i < v->st.n; i++)
		if ((int)strlen(v->st.rows[i].name) + 2 > v->name_w)
			v->name_w = (int)strlen(v->st.rows[i].name) + 2;
	if (v->name_w > 32)
		v->name_w = 32;
	figure_widths(v);
	sort_rows(v);
	v->cur = 0;
	for (size_t i = 0; keep && i < v->st.n; i++)
		if (!strcmp(v->st.rows[v->order[i]].name, keep)) {
			v->cur = i;
			break;
		}
	free(keep);
}

static bool stages_prepare(const struct view *base, const struct app *app)
{
	const struct view_stages *v = (const struct view_stages *)base;

	(void)app;
	return !v->have || v->stale;
}

static void stages_sync(struct view *base, struct app *app)
{
	struct view_stages *v = (struct view_stages *)base;

	if (v->have && !v->stale)
		return;
	if (!v->have) {
		v->cap = app->ex->cap;
		choose_split(v);
	}
	compute(v);
	v->stale = false;
}

/* ---- drawing ------------------------------------------------------------ */

/*
 * Which columns fit in w cells, and the widths of the stage and top columns:
 * the stage column gets up to name_w (its longest name and the mark), the
 * top allocator what is left.  The at-peak, leaked and temporary columns are
 * shown for their metric (hi) and, the first two, on live-only stages; hi is
 * never dropped.
 */
static void layout(const struct view_stages *v, int w, enum col hi, bool shown[N_COLS],
		   int width[N_COLS])
{
	bool live_only = v->st.live_only;
	int used = 0, name_w = v->name_w;

	for (int c = 0; c < N_COLS; c++) {
		shown[c] = c == (int)hi ||
			   (c != COL_LEAKED && c != COL_AT_PEAK && c != COL_TEMPORARY) ||
			   (live_only && c != COL_TEMPORARY);
		if (!shown[c])
			continue;
		width[c] = c == COL_STAGE || c == COL_TOP ? cols[c].width : v->col_w[c];
		if (c == COL_STAGE && name_w > width[c])
			width[c] = name_w < 24 ? name_w : 24;
		used += width[c] + 1;
	}
	for (int drop = 1; used > w && drop <= 7; drop++)
		for (int c = 0; c < N_COLS; c++)
			if (cols[c].drop == drop && shown[c] && c != (int)hi) {
				shown[c] = false;
				used -= width[c] + 1;
			}
	if (used < w) {
		int want = name_w > width[COL_STAGE] ? name_w - width[COL_STAGE] : 0;
		int extra = w - used, give = extra < want ? extra : want;

		width[COL_STAGE] += give;
		if (shown[COL_TOP])
			width[COL_TOP] += extra - give;
		else
			width[COL_STAGE] += extra - give;
	}
}

/*
 * The column of metric m: the peak inside the stage (live-only stages:
 * what it held at the capture's peak), else the row's share of what a tree
 * in m weighs.
 */
static enum col metric_col(enum metric m, bool live_only)
{
	switch (m) {
	case METRIC_PEAK: return live_only ? COL_AT_PEAK : COL_PEAK;
	case METRIC_LEAKS: return COL_LEAKED;
	case METRIC_ALLOCATED: return COL_ALLOCATED;
	case METRIC_TEMPORARY: return COL_TEMPORARY;
	default: return COL_COUNT;
	}
}

static const char *metric_meaning(enum metric m, bool live_only)
{
	switch (m) {
	case METRIC_PEAK:
		return live_only ? "live at the capture's peak" : "heap maximum in the stage";
	case METRIC_LEAKS: return "live at the end";
	case METRIC_ALLOCATED: return "bytes allocated";
	case METRIC_TEMPORARY: return "temporary allocations";
	default: return "allocation calls";
	}
}

/* The figure column c shows, as a number (STAGES_UNKNOWN for the others). */
static int64_t cell_value(const struct stage_row *r, enum col c, bool live_only)
{
	switch (c) {
	case COL_ALLOCATED: return r->alloc_bytes;
	case COL_COUNT: return r->alloc_count;
	case COL_FREED: return r->freed_bytes;
	case COL_TEMPORARY: return live_only ? STAGES_UNKNOWN : r->temporary_count;
	case COL_NET: return r->net_bytes;
	case COL_CUMULATIVE: return r->cumulative_bytes;
	case COL_PEAK: return r->peak_bytes;
	case COL_LEAKED: return r->leaked_bytes;
	case COL_AT_PEAK: return r->at_peak_bytes;
	case COL_TOP: return r->top_bytes;
	default: return 0;
	}
}

static const char *ellipsis(const struct screen *s)
{
	return s->utf8 ? "\xe2\x80\xa6" : "~";	/* U+2026, as glyphs.h's ellipsis */
}

/*
 * The stage column's labels for names of width cells (stages_labels), made
 * again when the width or the glyphs change.  A cache: draw is otherwise
 * const.
 */
static char *const *labels_for(const struct view_stages *cv, const struct screen *s, int width)
{
	struct view_stages *v = (struct view_stages *)cv;

	if (!v->labels || v->labels_w != width || v->labels_utf8 != s->utf8) {
		stages_labels_free(v->labels, v->st.n);
		v->labels = stages_labels(&v->st, width, ellipsis(s));
		v->labels_w = width;
		v->labels_utf8 = s->utf8;
	}
	return v->labels;
}

/* Cell c of row r in cw cells; s is needed for the stage and top columns only. */
static void cell_text(const struct view_stages *v, const struct stage_row *r, enum col c,
		      int cw, const struct screen *s, char *buf, size_t size)
{
	char top[1024];

	if (cell_value(r, c, v->st.live_only) == STAGES_UNKNOWN) {
		snprintf(buf, size, "-");
		return;
	}
	switch (c) {
	case COL_STAGE:
		snprintf(buf, size, "%s", labels_for(v, s, cw - 2)[r - v->st.rows]);
		break;
	case COL_CALLS: snprintf(buf, size, "%u", r->calls); break;
	case COL_START:
		if (r->start_ms < 0)
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%" PRId64 "ms", r->start_ms);
		break;
	case COL_DURATION:
		/* By the time rule ("<10ms": both ends between the same two stamps). */
		timeline_fmt_duration(v->cap, r->duration_ms, buf, size);
		if (strstr(buf, " ms"))
			memmove(strstr(buf, " ms"), "ms", 3);
		break;
	case COL_ALLOCATED: fmt_bytes(r->alloc_bytes, buf, size); break;
	case COL_COUNT: snprintf(buf, size, "%" PRId64, r->alloc_count); break;
	case COL_FREED: fmt_bytes(r->freed_bytes, buf, size); break;
	case COL_TEMPORARY: snprintf(buf, size, "%" PRId64, r->temporary_count); break;
	case COL_NET: fmt_bytes(r->net_bytes, buf, size); break;
	case COL_CUMULATIVE: fmt_bytes(r->cumulative_bytes, buf, size); break;
	case COL_PEAK: fmt_bytes(r->peak_bytes, buf, size); break;
	case COL_LEAKED: fmt_bytes(r->leaked_bytes, buf, size); break;
	case COL_AT_PEAK: fmt_bytes(r->at_peak_bytes, buf, size); break;
	case COL_TOP:
		if (!r->top_frame)
			snprintf(buf, size, "-");
		else
			stages_short_name(capture_frame_label(v->cap, r->top_frame, top,
							      sizeof(top)),
					  cw, ellipsis(s), buf, size);
		break;
	default: buf[0] = 0;
	}
}

/* One table row (row < 0: the column titles). */
static void draw_line(const struct view_stages *v, const struct app *app, struct screen *s,
		      int x, int y, int w, long row)
{
	bool shown[N_COLS];
	int width[N_COLS];
	enum col hi = metric_col(app->metric, v->st.live_only);
	const struct stage_row *r = row >= 0 ? &v->st.rows[v->order[row]] : NULL;
	bool selected = row >= 0 && (size_t)row == v->cur;
	enum role normal = row < 0 ? ROLE_TITLE : selected ? ROLE_SELECTED : ROLE_NORMAL;
	char text[1024];

	layout(v, w, hi, shown, width);
	screen_fill(s, x, y, w, ' ', normal);
	for (int c = 0; c < N_COLS; c++) {
		enum role role = normal;
		int cw = width[c], tw;

		if (!shown[c])
			continue;
		if (r)
			cell_text(v, r, (enum col)c, cw, s, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s", cols[c].title);
		if (c == (int)hi && !selected)
			role = r ? ROLE_BAR : ROLE_SELECTED;
		if (c == COL_STAGE) {
			bool marked = r && v->order[row] == v->mark;

			screen_put(s, x, y, marked ? 'A' : ' ', marked ? ROLE_WARNING : normal);
			if (r && v->pattern[0] && outline_find(r->name, v->pattern))
				role = selected ? ROLE_SELECTED : ROLE_MATCH;
			screen_text(s, x + 2, y, cw - 2, text, role);
		} else if (c == COL_TOP) {
			screen_text(s, x, y, cw, text, r ? (selected ? normal : ROLE_DIM) : role);
		} else {
			tw = screen_text_width(s, text);
			screen_text(s, x + (tw < cw ? cw - tw : 0), y, cw, text, role);
		}
		x += cw + 1;
	}
}

/*
 * A line of whole fields: each of the n fields (NULL: none) that still fits
 * in w cells after those before it, separated by two spaces; the first is
 * always kept (cut if it must be).
 */
static void draw_fields(struct screen *s, int x, int y, int w, const char *const *fields,
			size_t n)
{
	char line[1024];
	size_t len = 0;

	line[0] = 0;
	for (size_t i = 0; i < n; i++) {
		const char *sep = len ? "  " : "";

		if (!fields[i])
			continue;
		if (len && screen_text_width(s, line) + 2 + screen_text_width(s, fields[i]) > w)
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", sep, fields[i]);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	screen_fill(s, x, y, w, ' ', ROLE_TITLE);
	screen_text(s, x, y, w, line, ROLE_TITLE);
}

static const char *plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

static void draw_info(const struct view_stages *v, const struct app *app, struct screen *s,
		      int x, int y, int w)
{
	const struct stage_row *r = &v->st.rows[v->order[v->cur]];
	char f[8][256], name[TITLE_NAME_W * 4], top[1024], short_top[TITLE_NAME_W * 4], dur[32];

	stages_short_name(r->name, TITLE_NAME_W, ellipsis(s), name, sizeof(name));
	snprintf(f[0], sizeof(f[0]), "%s: %u call%s", name, r->calls, plural(r->calls));
	if (v->st.live_only) {
		snprintf(f[1], sizeof(f[1]), "leaked %" PRId64 " B in %" PRId64 " allocation%s",
			 r->leaked_bytes, r->leaked_count, plural(r->leaked_count));
		snprintf(f[2], sizeof(f[2]), "at peak %" PRId64 " B in %" PRId64 " allocation%s",
			 r->at_peak_bytes, r->at_peak_count, plural(r->at_peak_count));
		draw_fields(s, x, y, w, (const char *const[]){ f[0], f[1], f[2] }, 3);
		draw_fields(s, x, y + 1, w,
			    (const char *const[]){ "aggregated capture (memray --aggregate): no "
						   "event stream, so no figure by time (\"-\")" },
			    1);
		return;
	}
	if (r->start_ms >= 0)
		snprintf(f[1], sizeof(f[1]), "start %" PRId64 " ms", r->start_ms);
	else
		snprintf(f[1], sizeof(f[1]), "start -");
	snprintf(f[2], sizeof(f[2]), "duration %s",
		 timeline_fmt_duration(v->cap, r->duration_ms, dur, sizeof(dur)));
	snprintf(f[3], sizeof(f[3]), "allocated %" PRId64 " B in %" PRId64 " allocation%s",
		 r->alloc_bytes, r->alloc_count, plural(r->alloc_count));
	snprintf(f[4], sizeof(f[4]), "freed %" PRId64 " B in %" PRId64 " free%s", r->freed_bytes,
		 r->freed_count, plural(r->freed_count));
	draw_fields(s, x, y, w, (const char *const[]){ f[0], f[1], f[2], f[3], f[4] }, 5);
	snprintf(f[0], sizeof(f[0]), "net %" PRId64 " B", r->net_bytes);
	snprintf(f[1], sizeof(f[1]), "cumulative %" PRId64 " B", r->cumulative_bytes);
	snprintf(f[2], sizeof(f[2]), "peak %" PRId64 " B", r->peak_bytes);
	snprintf(f[3], sizeof(f[3]), "leaked %" PRId64 " B in %" PRId64 " allocation%s",
		 r->leaked_bytes, r->leaked_count, plural(r->leaked_count));
	snprintf(f[4], sizeof(f[4]), "at peak %" PRId64 " B in %" PRId64 " allocation%s",
		 r->at_peak_bytes, r->at_peak_count, plural(r->at_peak_count));
	snprintf(f[5], sizeof(f[5]), "%" PRId64 " temporary", r->temporary_count);
	if (r->top_frame)
		snprintf(f[6], sizeof(f[6]), "top %s %" PRId64 " B",
			 stages_short_name(capture_frame_label(v->cap, r->top_frame, top,
							       sizeof(top)),
					   TITLE_NAME_W, ellipsis(s), short_top, sizeof(short_top)),
			 r->top_bytes);
	else
		snprintf(f[6], sizeof(f[6]), "top -");
	draw_fields(s, x, y + 1, w,
		    (const char *const[]){ f[0], f[1], f[2], f[3],
					   app->metric == METRIC_PEAK ? f[4] : NULL,
					   app->metric == METRIC_TEMPORARY ? f[5] : NULL, f[6] },
		    7);
}

/* Table rows the body shows: title, column titles and two info lines apart. */
static size_t table_rows(int h)
{
	return h > 5 ? (size_t)h - 4 : 1;
}

/* The name of the current order: live-only stages have no time, only call order. */
static const char *order_name(const struct view_stages *v)
{
	return v->st.live_only && v->by == BY_TIME ? "call order" : order_names[v->by];
}

/*
 * The title: the split; why the default passed a split over, or why this
 * one matches nothing; how merged; the rows; the order; the metric's column.
 * A narrow line drops whole parts, lowest priority (prio) first.
 */
static void draw_title(const struct view_stages *v, const struct app *app, struct screen *s,
		       struct rect r)
{
	int prio[6] = { 0, 1, v->st.live_only ? 1 : 4, 3, 5, 2 };
	char f[6][192], title[1024];
	size_t rows = v->st.n - 1;

	snprintf(f[0], sizeof(f[0]), "stages %s", v->split);
	if (v->unavailable)
		snprintf(f[1], sizeof(f[1]), " %s", v->unavailable);
	else if (v->why[0])
		snprintf(f[1], sizeof(f[1]), " (%s)", v->why);
	else
		f[1][0] = 0;
	snprintf(f[2], sizeof(f[2]), "%s",
		 v->st.live_only ? " (aggregated capture: live figures only)"
		 : v->spec.flags & STAGES_MERGE ? ", repeated calls merged" : "");
	snprintf(f[3], sizeof(f[3]), ", %zu row%s + outside", rows, rows == 1 ? "" : "s");
	snprintf(f[4], sizeof(f[4]), ", by %s", order_name(v));
	snprintf(f[5], sizeof(f[5]), "; m: %s = %s (%s)", metric_name(app->metric),
		 cols[metric_col(app->metric, v->st.live_only)].title,
		 metric_meaning(app->metric, v->st.live_only));
	for (int keep = 5; keep >= 0; keep--) {
		size_t len = 0;

		for (int i = 0; i < 6; i++)
			if (prio[i] <= keep && len < sizeof(title))
				len += (size_t)snprintf(title + len, sizeof(title) - len, "%s",
							f[i]);
		if (screen_text_width(s, title) <= r.w)
			break;
	}
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x, r.y, r.w, title, ROLE_TITLE);
}

static void stages_draw(const struct view *base, const struct app *app, struct screen *s,
			struct rect r)
{
	const struct view_stages *v = (const struct view_stages *)base;
	size_t rows = table_rows(r.h), top;

	if (!v->have)
		return;
	top = outline_keys_top(v->cur, v->st.n, v->top, rows);
	draw_title(v, app, s, r);
	if (r.h < 2)
		return;
	draw_line(v, app, s, r.x, r.y + 1, r.w, -1);
	for (size_t i = 0; i < rows && top + i < v->st.n && (int)i + 2 < r.h; i++)
		draw_line(v, app, s, r.x, r.y + 2 + (int)i, r.w, (long)(top + i));
	if (r.h > 5)
		draw_info(v, app, s, r.x, r.y + r.h - 2, r.w);
}

/* ---- the stage's own tree ------------------------------------------------ */

struct stage_source {
	struct tree_source base;
	char *name;		/* the row's name */
	uint64_t start, end;	/* stages_row_start/end */
	struct snapshot alive, allocated;	/* stages_row_snapshots */
	bool live_only;		/* alive is the row's leaks; allocated and the diff unknown */
};

#define NOT_AVAILABLE \
	"not available: an aggregated capture (memray --aggregate) has no event stream"

static void source_weights(struct tree_source *base, const struct capture *cap, unsigned variant,
			   struct snapshot *w)
{
	struct stage_source *src = (struct stage_source *)base;

	(void)cap;
	snapshot_dup(w, variant ? &src->allocated : &src->alive);
}

static void source_describe(const struct tree_source *base, unsigned variant, char *title,
			    size_t title_size, char *metric, size_t metric_size)
{
	const struct stage_source *src = (const struct stage_source *)base;

	if (src->live_only) {
		if (variant) {
			snprintf(title, title_size, "everything allocated in %s: " NOT_AVAILABLE
				 " (t: alive at the end)", src->name);
			snprintf(metric, metric_size, "allocated in %s: not available", src->name);
		} else {
			snprintf(title, title_size, "%s, alive at the end of the capture (leaked; "
				 "t: all allocated)", src->name);
			snprintf(metric, metric_size, "leaked by %s", src->name);
		}
		return;
	}
	if (variant) {
		snprintf(title, title_size, "all allocated in %s (t: alive at its end)", src->name);
		snprintf(metric, metric_size, "allocated in %s", src->name);
	} else {
		snprintf(title, title_size, "allocated in %s, alive at its end (t: all)",
			 src->name);
		snprintf(metric, metric_size, "alive at end of %s", src->name);
	}
}

static const char *source_count_name(const struct tree_source *base, unsigned variant)
{
	const struct stage_source *src = (const struct stage_source *)base;

	return variant ? "calls" : src->live_only ? "leaked" : "live";
}

static enum view_result source_key(struct tree_source *base, struct app *app, unsigned variant,
				   enum action a, struct view **push)
{
	struct stage_source *src = (struct stage_source *)base;
	char la[300], lb[300];

	(void)variant;
	if (a != A_DIFF)
		return ACT_IGNORED;
	if (src->live_only) {
		app_message(app, "start-to-end diff of %s: " NOT_AVAILABLE, src->name);
		return ACT_NONE;
	}
	snprintf(la, sizeof(la), "start of %s", src->name);
	snprintf(lb, sizeof(lb), "end of %s", src->name);
	*push = view_diff_new_moments(src->start, la, src->end, lb);
	return ACT_PUSH;
}

static void source_free(struct tree_source *base)
{
	struct stage_source *src = (struct stage_source *)base;

	snapshot_release(&src->alive);
	snapshot_release(&src->allocated);
	free(src->name);
	free(src);
}

static struct view *open_stage(const struct view_stages *v, size_t row)
{
	struct stage_source *src = xcalloc(1, sizeof(*src));

	src->base.n_variants = 2;
	src->base.flame = true;
	src->base.weights = source_weights;
	src->base.describe = source_describe;
	src->base.count_name = source_count_name;
	src->base.key = source_key;
	src->base.free = source_free;
	src->name = xstrdup(v->st.rows[row].name);
	src->live_only = stages_row_snapshots(&src->allocated, &src->alive, v->cap, &v->spec,
					      &v->st, row) < 0;
	src->start = stages_row_start(&v->st, row);
	src->end = stages_row_end(&v->st, row, v->cap);
	return view_tree_new_source(&src->base);
}

/* ---- keys ---------------------------------------------------------------- */

static enum view_result diff_ends(struct view_stages *v, struct app *app, struct view **push)
{
	size_t b = v->order[v->cur];
	char la[300], lb[300];

	if (v->st.live_only) {
		app_message(app, "diff of stage ends: " NOT_AVAILABLE);
		return ACT_NONE;
	}
	if (v->mark == NO_ROW) {
		app_message(app, "no stage marked: Space marks side A");
		return ACT_NONE;
	}
	snprintf(la, sizeof(la), "end of %s", v->st.rows[v->mark].name);
	snprintf(lb, sizeof(lb), "end of %s", v->st.rows[b].name);
	*push = view_diff_new_moments(stages_row_end(&v->st, v->mark, v->cap), la,
				      stages_row_end(&v->st, b, v->cap), lb);
	return ACT_PUSH;
}

static void find(struct view_stages *v, struct app *app, int dir, bool from_here)
{
	size_t n = v->st.n;

	if (!v->pattern[0]) {
		app_message(app, "no search: press / first");
		return;
	}
	for (size_t k = from_here ? 0 : 1; k <= n; k++) {
		size_t i = dir > 0 ? (v->cur + k) % n : (v->cur + n - k % n) % n;

		if (outline_find(v->st.rows[v->order[i]].name, v->pattern)) {
			v->cur = i;
			return;
		}
	}
	app_message(app, "no stage matches '%s'", v->pattern);
}

static enum view_result move(struct view_stages *v, struct app *app, enum action a)
{
	size_t page = table_rows(app->body.h), last = v->st.n - 1;

	switch (a) {
	case A_DOWN: v->cur = v->cur < last ? v->cur + 1 : last; break;
	case A_UP: v->cur = v->cur ? v->cur - 1 : 0; break;
	case A_PGDN:
		v->cur = v->cur + page < last ? v->cur + page : last;
		v->top += page;
		break;
	case A_PGUP:
		v->cur = v->cur > page ? v->cur - page : 0;
		v->top = v->top > page ? v->top - page : 0;
		break;
	case A_FIRST: v->cur = 0; break;
	case A_LAST: v->cur = last; break;
	default: return ACT_IGNORED;
	}
	v->top = outline_keys_top(v->cur, v->st.n, v->top, page);
	return ACT_NONE;
}

static enum view_result stages_key(struct view *base, struct app *app, enum action a,
				   struct view **push)
{
	struct view_stages *v = (struct view_stages *)base;
	size_t row;

	if (!v->have)
		return ACT_IGNORED;
	row = v->order[v->cur];
	switch (a) {
	case A_SORT:
		v->by = (enum order)((v->by + 1) % N_ORDERS);
		if (!v->st.live_only && v->by > BY_NAME)
			v->by = BY_TIME;
		sort_rows(v);
		v->cur = position_of(v, row);
		return ACT_NONE;
	case A_TOGGLE:
		if (v->spec.split != STAGES_UNDER) {
			app_message(app,
				    "t merges repeated calls: only for calls under a function");
			return ACT_NONE;
		}
		if (v->st.live_only) {
			app_message(app,
				    "an aggregated capture has no calls to tell apart: one row "
				    "per function");
			return ACT_NONE;
		}
		/* The rows again, by the next sync: on the worker when they take long. */
		v->spec.flags ^= STAGES_MERGE;
		v->stale = true;
		return ACT_RECOMPUTE;
	case A_ENTER:
	case A_IN:
		*push = open_stage(v, row);
		return ACT_PUSH;
	case A_MARK:
		v->mark = v->mark == row ? NO_ROW : row;
		if (v->mark != NO_ROW)
			app_message(app, "%s is side A: d diffs its end with the cursor's",
				    v->st.rows[row].name);
		return ACT_NONE;
	case A_DIFF:
		return diff_ends(v, app, push);
	case A_NEXT_MATCH:
	case A_PREV_MATCH:
		find(v, app, a == A_NEXT_MATCH ? 1 : -1, false);
		return ACT_NONE;
	case A_ESC:
		if (!v->pattern[0])
			return ACT_IGNORED;
		v->pattern[0] = 0;
		return ACT_NONE;
	default:
		return move(v, app, a);
	}
}

static void stages_search(struct view *base, struct app *app, const char *pattern)
{
	struct view_stages *v = (struct view_stages *)base;

	snprintf(v->pattern, sizeof(v->pattern), "%s", pattern);
	if (pattern[0] && v->have)
		find(v, app, 1, true);
}

static void stages_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	const struct view_stages *v = (const struct view_stages *)base;
	size_t n;

	n = (size_t)snprintf(buf, size, "[stages] metric: %s  %s  sort: %s  %zu/%zu",
			     metric_name(app->metric), v->split, order_name(v),
			     v->have ? v->cur + 1 : 0, v->have ? v->st.n : 0);
	if (v->spec.split == STAGES_UNDER && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  %s",
				      v->st.live_only		     ? "one row per function"
				      : v->spec.flags & STAGES_MERGE ? "calls merged"
								     : "each call");
	if (v->pattern[0] && n < size)
		snprintf(buf + n, size - n, "  /%s", v->pattern);
}

static void stages_free(struct view *base)
{
	struct view_stages *v = (struct view_stages *)base;

	stages_labels_free(v->labels, v->st.n);
	if (v->have) {
		stages_release(&v->st);
		free(v->order);
	}
	free(v->function);
	free(v);
}

/*
 * w: `memtui report --stages SPLIT [--merge-calls]` of the view's split
 * (the report's row order: time); all threads.
 */
static int stages_export(const struct view *base, const struct app *app, FILE *out,
			 enum report_format format, char *why, size_t why_size)
{
	const struct view_stages *v = (const struct view_stages *)base;
	char split[1024];
	const char *no;

	if (format == REPORT_COLLAPSED) {
		snprintf(why, why_size, "the stage table writes .txt, .json or .csv (memtui report "
			 "--stages has no collapsed stacks)");
		return -1;
	}
	if (v->spec.split == STAGES_UNDER)
		snprintf(split, sizeof(split), "under:%s", v->spec.function);
	else if (v->spec.split == STAGES_SLICES)
		snprintf(split, sizeof(split), "slices:%u", v->spec.slices);
	else
		snprintf(split, sizeof(split), "marks");
	no = report_stages_run(out, v->cap, app->ex->path, split,
			       (v->spec.flags & STAGES_MERGE) != 0, format);
	if (no) {
		snprintf(why, why_size, "stages %s: %s", v->split, no);
		return -1;
	}
	return 0;
}

static const struct view_ops stages_ops = {
	.name = "stages",
	.header = true,
	.sync = stages_sync,
	.prepare = stages_prepare,
	.draw = stages_draw,
	.key = stages_key,
	.search = stages_search,
	.status = stages_status,
	.export = stages_export,
	.free = stages_free,
};

struct view *view_stages_new(const char *function)
{
	struct view_stages *v = xcalloc(1, sizeof(*v));

	v->base.ops = &stages_ops;
	v->function = function ? xstrdup(function) : NULL;
	v->mark = NO_ROW;
	return &v->base;
}
