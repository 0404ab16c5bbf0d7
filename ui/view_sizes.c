/*
 * view_sizes: the allocation size histogram (src/analysis/sizes.h) of one
 * moment at a time: every allocation call of the run, what was live at the
 * peak, what was leaked; then the run's allocation calls by allocator
 * (src/analysis/allocators.h); `t` goes to the next page.  One row per power-of-two
 * bin, from the smallest bin that holds something to the largest (the empty
 * ones between them too, so the shape reads true), with its allocations,
 * bytes, their shares and a bar of the allocations, the fullest bin's the
 * whole width.  The figures are
 * report_sizes_compute's, the ones `memtui report --sizes` prints, of the
 * threads T shows (`--thread`): recomputed when the filter changes.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "export.h"
#include "fmt.h"
#include "report_sizes.h"
#include "scroll.h"
#include "xalloc.h"

#define COL_SIZE 9	/* "from" and "below": "1023 B", "2.00 MiB" */
#define COL_COUNT 11
#define COL_PCT 6
#define COL_BYTES 9
#define COL_ALLOCATOR 20
#define HEAD_ROWS 3	/* title, totals, column titles */
#define PAGE_ALLOCATORS SIZES_MOMENTS	/* the page after the moments' */
#define N_PAGES (PAGE_ALLOCATORS + 1)

struct view_sizes {
	struct view base;
	bool computed;
	unsigned threads_gen;	/* app->ex->threads_gen rs was computed under */
	struct report_sizes rs;
	unsigned page;		/* enum sizes_moment, or PAGE_ALLOCATORS */
	size_t top;		/* first row shown */
};

static const char *page_name(unsigned page)
{
	return page == PAGE_ALLOCATORS ? "allocators" : sizes_moment_name((enum sizes_moment)page);
}

/* The bins shown for h: [*lo, *hi); none when *lo == *hi. */
static void bin_range(const struct size_hist *h, unsigned *lo, unsigned *hi)
{
	*lo = *hi = 0;
	for (unsigned k = 0; k < SIZES_BINS; k++) {
		if (!h->bins[k].count && !h->bins[k].bytes)
			continue;
		if (*lo == *hi)
			*lo = k;
		*hi = k + 1;
	}
}

/*
 * Rows below the column titles: the bins shown, and "not placed" when the
 * peak has it; or the allocators.
 */
static size_t n_rows(const struct view_sizes *v)
{
	const struct size_hist *h = &v->rs.hist[v->page % SIZES_MOMENTS];
	unsigned lo, hi;

	if (v->page == PAGE_ALLOCATORS)
		return v->rs.alloc_missing ? 0 : v->rs.alloc.n;
	if (v->rs.missing[v->page])
		return 0;
	bin_range(h, &lo, &hi);
	return hi - lo + (h->n_unmatched ? 1 : 0);
}

/* Whether sizes_sync must compute: every page is a pass over the event log. */
static bool sizes_prepare(const struct view *base, const struct app *app)
{
	const struct view_sizes *v = (const struct view_sizes *)base;

	return !v->computed || v->threads_gen != app->ex->threads_gen;
}

static void sizes_sync(struct view *base, struct app *app)
{
	struct view_sizes *v = (struct view_sizes *)base;

	if (sizes_prepare(base, app)) {
		report_sizes_compute_threads(&v->rs, app->ex->cap, &app->ex->threads);
		v->threads_gen = app->ex->threads_gen;
		v->computed = true;
	}
}

/* The most allocations in one bin of h: the bars' full width. */
static int64_t fullest(const struct size_hist *h)
{
	int64_t max = h->unplaced_count > 0 ? h->unplaced_count : 0;

	for (unsigned k = 0; k < SIZES_BINS; k++)
		if (h->bins[k].count > max)
			max = h->bins[k].count;
	return max;
}

static void draw_row(struct screen *s, int x, int y, int w, const char *from, const char *below,
		     int64_t count, int64_t bytes, const struct size_hist *h)
{
	char c[24], b[16], pc[16], pb[16], line[128];
	int n;

	snprintf(c, sizeof(c), "%" PRId64, count);
	n = snprintf(line, sizeof(line), "%*s %*s %*s %*s %*s %*s", COL_SIZE, from, COL_SIZE,
		     below, COL_COUNT, c, COL_PCT, fmt_percent(count, h->total_count, pc,
							       sizeof(pc)),
		     COL_BYTES, fmt_bytes(bytes, b, sizeof(b)), COL_PCT,
		     fmt_percent(bytes, h->total_bytes, pb, sizeof(pb)));
	screen_text(s, x, y, w, line, count || bytes ? ROLE_NORMAL : ROLE_DIM);
	if (w > n + 3 && count > 0)
		screen_bar(s, x + n + 2, y, w - n - 3, count, fullest(h), ROLE_BAR);
}

static void draw_allocators(const struct view_sizes *v, struct screen *s, struct rect r)
{
	const struct allocator_table *a = &v->rs.alloc;
	char line[256], total[32];
	int64_t max = 0;
	int y = r.y;

	screen_fill(s, r.x, y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x + 1, y++, r.w - 1, "allocation calls of the run by allocator",
		    ROLE_TITLE);
	if (v->rs.alloc_missing) {
		screen_text(s, r.x + 1, y, r.w - 1, v->rs.alloc_missing, ROLE_WARNING);
		return;
	}
	snprintf(line, sizeof(line), "%" PRId64 " allocations, %s", a->total_count,
		 fmt_bytes(a->total_bytes, total, sizeof(total)));
	screen_text(s, r.x + 1, y++, r.w - 1, line, ROLE_DIM);
	snprintf(line, sizeof(line), "%-*s %*s %*s %*s %*s", COL_ALLOCATOR, "allocator",
		 COL_COUNT, "allocations", COL_PCT, "%", COL_BYTES, "bytes", COL_PCT, "%");
	screen_text(s, r.x + 1, y++, r.w - 1, line, ROLE_TITLE);
	for (size_t i = 0; i < a->n; i++)
		max = a->rows[i].count > max ? a->rows[i].count : max;
	for (size_t i = v->top; i < a->n && y < r.y + r.h; i++, y++) {
		const struct allocator_row *row = &a->rows[i];
		char c[24], b[16], pc[16], pb[16];
		int n;

		snprintf(c, sizeof(c), "%" PRId64, row->count);
		n = snprintf(line, sizeof(line), "%-*s %*s %*s %*s %*s", COL_ALLOCATOR,
			     allocator_name(row->allocator), COL_COUNT, c, COL_PCT,
			     fmt_percent(row->count, a->total_count, pc, sizeof(pc)), COL_BYTES,
			     fmt_bytes(row->bytes, b, sizeof(b)), COL_PCT,
			     fmt_percent(row->bytes, a->total_bytes, pb, sizeof(pb)));
		screen_text(s, r.x + 1, y, r.w - 1, line, ROLE_NORMAL);
		if (r.w - 1 > n + 3)
			screen_bar(s, r.x + 1 + n + 2, y, r.w - n - 4, row->count, max, ROLE_BAR);
	}
}

static void sizes_draw(const struct view *base, const struct app *app, struct screen *s,
		       struct rect r)
{
	const struct view_sizes *v = (const struct view_sizes *)base;
	const struct size_hist *h = &v->rs.hist[v->page % SIZES_MOMENTS];
	char line[256], total[32];
	unsigned lo, hi;
	int y = r.y;

	(void)app;
	if (v->page == PAGE_ALLOCATORS) {
		draw_allocators(v, s, r);
		return;
	}
	screen_fill(s, r.x, y, r.w, ' ', ROLE_TITLE);
	snprintf(line, sizeof(line), "allocation sizes: %s",
		 report_sizes_title((enum sizes_moment)v->page));
	screen_text(s, r.x + 1, y++, r.w - 1, line, ROLE_TITLE);
	if (v->rs.missing[v->page]) {
		screen_text(s, r.x + 1, y, r.w - 1, v->rs.missing[v->page], ROLE_WARNING);
		return;
	}
	snprintf(line, sizeof(line), "%" PRId64 " allocations, %s; bins: from <= size < below",
		 h->total_count, fmt_bytes(h->total_bytes, total, sizeof(total)));
	screen_text(s, r.x + 1, y++, r.w - 1, line, ROLE_DIM);
	snprintf(line, sizeof(line), "%*s %*s %*s %*s %*s %*s", COL_SIZE, "from", COL_SIZE,
		 "below", COL_COUNT, "allocations", COL_PCT, "%", COL_BYTES, "bytes", COL_PCT,
		 "%");
	screen_text(s, r.x + 1, y++, r.w - 1, line, ROLE_TITLE);
	bin_range(h, &lo, &hi);
	for (size_t i = v->top; i < n_rows(v) && y < r.y + r.h; i++, y++) {
		unsigned k = lo + (unsigned)i;
		char from[16], below[16];

		if (k >= hi) {
			draw_row(s, r.x + 1, y, r.w - 1, "not", "placed", h->unplaced_count,
				 h->unplaced_bytes, h);
			continue;
		}
		draw_row(s, r.x + 1, y, r.w - 1,
			 fmt_bytes((int64_t)sizes_bin_from(k), from, sizeof(from)),
			 fmt_bytes((int64_t)sizes_bin_below(k), below, sizeof(below)),
			 h->bins[k].count, h->bins[k].bytes, h);
	}
}

static enum view_result sizes_key(struct view *base, struct app *app, enum action a,
				  struct view **push)
{
	struct view_sizes *v = (struct view_sizes *)base;
	size_t page = app->body.h > HEAD_ROWS ? (size_t)app->body.h - HEAD_ROWS : 1;

	(void)push;
	if (scroll_key(&v->top, n_rows(v), page, a))
		return ACT_NONE;
	if (a != A_TOGGLE)
		return ACT_IGNORED;
	v->page = (v->page + 1) % N_PAGES;
	v->top = 0;
	return ACT_NONE;
}

static void sizes_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	const struct view_sizes *v = (const struct view_sizes *)base;

	(void)app;
	snprintf(buf, size, "[sizes] %s  t: %s next", page_name(v->page),
		 page_name((v->page + 1) % N_PAGES));
}

static void sizes_free(struct view *base)
{
	free(base);
}

/* w: `memtui report --sizes [--thread TID]...`, every page at once. */
static int sizes_export(const struct view *base, const struct app *app, FILE *out,
			enum report_format format, char *why, size_t why_size)
{
	struct export_options eo;
	struct report r;

	if (format == REPORT_COLLAPSED) {
		snprintf(why, why_size, "the sizes view writes .txt, .json or .csv (memtui report "
			 "--sizes has no collapsed stacks)");
		return -1;
	}
	export_tree_options(app, &eo);
	eo.report.format = format;
	report_compute_weights(&r, app->ex->cap, app->ex->path, &eo.report);
	report_sizes_run(out, &r);
	report_release(&r);
	export_options_release(&eo);
	return 0;
}

static const struct view_ops sizes_ops = {
	.name = "sizes",
	.header = true,
	.sync = sizes_sync,
	.prepare = sizes_prepare,
	.draw = sizes_draw,
	.key = sizes_key,
	.search = NULL,
	.status = sizes_status,
	.export = sizes_export,
	.free = sizes_free,
};

struct view *view_sizes_new(void)
{
	struct view_sizes *v = xcalloc(1, sizeof(*v));

	v->base.ops = &sizes_ops;
	return &v->base;
}
