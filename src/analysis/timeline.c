/*
 * timeline: slicing first, then one pass.
 *
 * Time of an event: the time of the last time mark at or before it (0 before
 * the first mark), taken as a running maximum so that a mark that goes back in
 * time cannot reorder slices.  Column of a time t in [0, D]:
 * floor(t * n / D), the last column also taking t = D.  Because event times
 * never decrease, each column is a contiguous range of events, and its first
 * event can be read off the marks alone before the pass: walking the marks, a
 * mark whose time enters column c starts every column up to c at its event.
 * D is the capture's duration, or the last mark's time if that is later.
 *
 * The pass then only adds deltas and watches for the next column's first
 * event: O(events) time, O(columns) memory, the log decoded once in order.
 * The peak is checked at every event by the builder, and every event's heap
 * enters some column's max (or the empty start, column 0's), so the largest
 * column max is capture_totals()->peak_bytes; the last column ends at the last
 * event, so its heap is end_bytes.
 *
 * Without an event stream (memray --aggregate) nothing is replayed: the
 * events are synthesized from two snapshots and have no time, so the columns
 * slice the RSS samples' span and every event range stays empty.
 *
 * Products such as t * n and c * events need up to 96 bits: unsigned __int128.
 *
 * The time of a moment (the rule in docs/NUMBERS.md "Time"): a stamp at t
 * with first event e says events before e happened before t and events from
 * e on at or after it, so an event is given its stamp, the lower end of the
 * window it happened in; the heap after the last event is the heap the run
 * ends with, so that moment is given the end.  The peak keeps its stamp even
 * when it is the last event, because the header and the report print the
 * peak's stamp (`peak.time_ms`, checked against heaptrack's own).
 */
#include "timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "xalloc.h"

#define PROGRESS_EVENTS (1u << 20)

static uint32_t column_of_time(uint32_t n, int64_t duration_ms, int64_t t)
{
	uint64_t c;

	if (t <= 0)
		return 0;
	if (t >= duration_ms)
		return n - 1;
	c = (uint64_t)((unsigned __int128)(uint64_t)t * n / (uint64_t)duration_ms);
	return c >= n ? n - 1 : (uint32_t)c;
}

static int64_t time_of_column(uint32_t n, int64_t duration_ms, uint32_t c)
{
	return (int64_t)((unsigned __int128)(uint64_t)duration_ms * c / n);
}

/* The span that time slices divide; <= 0 when the capture has no usable times. */
static int64_t capture_span_ms(const struct capture *cap)
{
	size_t n_marks;
	const struct time_mark *m = capture_time_marks(cap, &n_marks);
	int64_t last = 0;

	if (!n_marks)
		return 0;
	for (size_t i = 0; i < n_marks; i++)
		if (m[i].time_ms > last)
			last = m[i].time_ms;
	if (capture_meta(cap)->duration_ms > last)
		last = capture_meta(cap)->duration_ms;
	return last;
}

/* The span of a capture without an event stream: its duration or its last RSS sample. */
static int64_t rss_span_ms(const struct capture *cap)
{
	size_t n_rss;
	const struct rss_sample *s = capture_rss(cap, &n_rss);
	int64_t last = capture_meta(cap)->duration_ms;

	for (size_t i = 0; i < n_rss; i++)
		if (s[i].time_ms > last)
			last = s[i].time_ms;
	return last;
}

static void slice_by_time(struct timeline *tl, const struct capture *cap)
{
	size_t n_marks;
	const struct time_mark *m = capture_time_marks(cap, &n_marks);
	uint32_t cur = 0;
	int64_t t = 0;
	uint64_t ev = 0;

	tl->cols[0].ev_begin = 0;
	for (size_t i = 0; i < n_marks; i++) {
		uint32_t c;

		if (m[i].time_ms > t)
			t = m[i].time_ms;
		if (m[i].ev_idx > ev)
			ev = m[i].ev_idx < tl->events ? m[i].ev_idx : tl->events;
		c = column_of_time(tl->n, tl->duration_ms, t);
		while (cur < c)
			tl->cols[++cur].ev_begin = ev;
	}
	while (cur + 1 < tl->n)
		tl->cols[++cur].ev_begin = tl->events;
	for (uint32_t c = 0; c < tl->n; c++) {
		tl->cols[c].t_begin_ms = time_of_column(tl->n, tl->duration_ms, c);
		tl->cols[c].t_end_ms = time_of_column(tl->n, tl->duration_ms, c + 1);
	}
}

static void slice_by_event(struct timeline *tl)
{
	for (uint32_t c = 0; c < tl->n; c++) {
		tl->cols[c].ev_begin = (uint64_t)((unsigned __int128)tl->events * c / tl->n);
		tl->cols[c].t_begin_ms = -1;
		tl->cols[c].t_end_ms = -1;
	}
}

/* The pass: heap, max and min of every column. */
static void replay(struct timeline *tl, const struct capture *cap, const bool *only,
		   timeline_progress_fn progress, void *progress_ctx)
{
	uint32_t n_stacks = capture_stack_count(cap);

	struct event_cursor cur;
	struct event ev;
	int64_t heap = 0;
	uint64_t done = 0;

	event_cursor_init(&cur, cap, 0);
	for (uint32_t c = 0; c < tl->n; c++) {
		struct timeline_column *col = &tl->cols[c];
		int64_t max = heap, min = heap;
		bool seen = c == 0;

		for (; done < col->ev_end && event_cursor_next(&cur, &ev); done++) {
			if (progress && (done + 1) % PROGRESS_EVENTS == 0)
				progress(progress_ctx, done + 1, tl->events);
			if (only && (ev.stack >= n_stacks || !only[ev.stack])) {
				if (done == tl->peak_ev_idx)
					tl->peak_bytes = heap;	/* the threads' share of it */
				continue;
			}
			heap += ev.bytes;
			if (ev.flags & EV_ALLOC) {
				col->allocations++;
				col->allocated_bytes += ev.bytes;
			}
			if (ev.flags & EV_TEMPORARY) {
				col->temporary++;
				col->temporary_bytes -= ev.bytes;
			}
			if (!seen || heap > max)
				max = heap;
			if (!seen || heap < min)
				min = heap;
			seen = true;
			if (only && done == tl->peak_ev_idx)
				tl->peak_bytes = heap;
		}
		col->heap_bytes = heap;
		col->max_bytes = max;
		col->min_bytes = min;
		if (c == 0 || max > tl->max_bytes)
			tl->max_bytes = max;
		if (c == 0 || min < tl->min_bytes)
			tl->min_bytes = min;
	}
	event_cursor_release(&cur);
	if (only)
		tl->end_bytes = heap;
	if (progress)
		progress(progress_ctx, tl->events, tl->events);
}

static void resample_rss(struct timeline *tl, const struct capture *cap)
{
	size_t n_rss;
	const struct rss_sample *s = capture_rss(cap, &n_rss);
	bool *sampled;
	uint64_t last = 0;

	if (!n_rss || tl->mode == TIMELINE_BY_EVENT)
		return;
	tl->has_rss = true;
	sampled = xcalloc(tl->n, sizeof(*sampled));
	for (size_t i = 0; i < n_rss; i++) {
		uint32_t c = column_of_time(tl->n, tl->duration_ms, s[i].time_ms);

		if (!sampled[c] || s[i].rss_bytes > tl->cols[c].rss_bytes)
			tl->cols[c].rss_bytes = s[i].rss_bytes;
		sampled[c] = true;
		if (s[i].rss_bytes > tl->rss_max_bytes)
			tl->rss_max_bytes = s[i].rss_bytes;
	}
	for (uint32_t c = 0; c < tl->n; c++) {
		if (sampled[c])
			last = tl->cols[c].rss_bytes;
		else
			tl->cols[c].rss_bytes = last;
	}
	free(sampled);
}

/* Time slices of the RSS samples; no event is placed and no heap is known per column. */
static void compute_no_stream(struct timeline *tl, const struct capture *cap)
{
	tl->mode = TIMELINE_NO_STREAM;
	tl->duration_ms = rss_span_ms(cap);
	if (tl->duration_ms <= 0)
		return;
	for (uint32_t c = 0; c < tl->n; c++) {
		tl->cols[c].t_begin_ms = time_of_column(tl->n, tl->duration_ms, c);
		tl->cols[c].t_end_ms = time_of_column(tl->n, tl->duration_ms, c + 1);
	}
	resample_rss(tl, cap);
}

void timeline_compute(struct timeline *tl, const struct capture *cap, uint32_t columns,
		      timeline_progress_fn progress, void *progress_ctx)
{
	timeline_compute_only(tl, cap, columns, NULL, progress, progress_ctx);
}

void timeline_compute_only(struct timeline *tl, const struct capture *cap, uint32_t columns,
			   const bool *only, timeline_progress_fn progress,
			   void *progress_ctx)
{
	const struct capture_totals *tot = capture_totals(cap);

	if (columns == 0)
		BUG("timeline_compute: zero columns");
	memset(tl, 0, sizeof(*tl));
	tl->n = columns;
	tl->cols = xcalloc(columns, sizeof(*tl->cols));
	tl->events = tot->events;
	tl->peak_bytes = tot->peak_bytes;
	tl->peak_ev_idx = tot->peak_ev_idx;
	tl->end_bytes = tot->end_bytes;
	if (!capture_meta(cap)->has_event_stream) {
		compute_no_stream(tl, cap);
		return;
	}
	tl->duration_ms = capture_span_ms(cap);
	tl->mode = tl->duration_ms > 0 ? TIMELINE_BY_TIME : TIMELINE_BY_EVENT;
	if (tl->mode == TIMELINE_BY_TIME) {
		slice_by_time(tl, cap);
	} else {
		tl->duration_ms = -1;
		slice_by_event(tl);
	}
	for (uint32_t c = 0; c + 1 < columns; c++)
		tl->cols[c].ev_end = tl->cols[c + 1].ev_begin;
	tl->cols[columns - 1].ev_end = tl->events;
	if (tl->mode == TIMELINE_BY_TIME)
		tl->cols[columns - 1].t_end_ms = tl->duration_ms;
	tl->filtered = only != NULL;
	replay(tl, cap, only, progress, progress_ctx);
	tl->peak_col = timeline_column_of_event(tl, tot->peak_ev_idx);
	resample_rss(tl, cap);
}

void timeline_release(struct timeline *tl)
{
	free(tl->cols);
	memset(tl, 0, sizeof(*tl));
}

enum timeline_series timeline_series_of(enum metric m)
{
	switch (m) {
	case METRIC_ALLOCATED:
		return SERIES_ALLOCATED;
	case METRIC_ALLOCATIONS:
		return SERIES_ALLOCATIONS;
	case METRIC_TEMPORARY:
		return SERIES_TEMPORARY;
	default:
		return SERIES_HEAP;
	}
}

const char *timeline_series_name(enum timeline_series s)
{
	static const char *const names[N_SERIES] = {
		[SERIES_HEAP] = "live heap",
		[SERIES_ALLOCATED] = "bytes allocated",
		[SERIES_ALLOCATIONS] = "allocations",
		[SERIES_TEMPORARY] = "temporary allocations",
	};

	return names[s];
}

bool timeline_series_is_count(enum timeline_series s)
{
	return s == SERIES_ALLOCATIONS || s == SERIES_TEMPORARY;
}

int64_t timeline_amount(const struct timeline *tl, uint32_t col, enum timeline_series s)
{
	const struct timeline_column *c = &tl->cols[col];

	switch (s) {
	case SERIES_ALLOCATED:
		return c->allocated_bytes;
	case SERIES_ALLOCATIONS:
		return c->allocations;
	case SERIES_TEMPORARY:
		return c->temporary;
	default:
		return c->max_bytes;
	}
}

double timeline_rate(const struct timeline *tl, int64_t amount)
{
	if (tl->mode != TIMELINE_BY_TIME || tl->duration_ms <= 0)
		return -1;
	return (double)amount * 1000.0 * tl->n / (double)tl->duration_ms;
}

bool timeline_slice_ms(const struct timeline *tl, uint32_t col, double *from, double *to)
{
	if (tl->mode != TIMELINE_BY_TIME || tl->duration_ms <= 0)
		return false;
	*from = (double)tl->duration_ms * col / tl->n;
	*to = (double)tl->duration_ms * (col + 1) / tl->n;
	return true;
}

uint64_t timeline_event_at(const struct timeline *tl, uint32_t col)
{
	if (col >= tl->n)
		BUG("timeline_event_at: column out of range");
	return tl->cols[col].ev_end ? tl->cols[col].ev_end - 1 : UINT64_MAX;
}

uint32_t timeline_column_of_event(const struct timeline *tl, uint64_t ev_idx)
{
	uint32_t lo = 0, hi = tl->n - 1;

	if (ev_idx == UINT64_MAX)
		return 0;
	/* The first column that ends after ev_idx (the last one if none does). */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (tl->cols[mid].ev_end > ev_idx)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

uint64_t timeline_event_at_time(const struct capture *cap, int64_t time_ms)
{
	size_t n, lo = 0, hi;
	const struct time_mark *m = capture_time_marks(cap, &n);
	uint64_t events = capture_totals(cap)->events, first_after = events;

	/* Events before the first mark happen at 0. */
	if (time_ms < 0 && (n == 0 || m[0].ev_idx > 0))
		return UINT64_MAX;
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].time_ms <= time_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && m[lo].ev_idx < first_after)
		first_after = m[lo].ev_idx;
	return first_after ? first_after - 1 : UINT64_MAX;
}

int64_t timeline_time_of_event(const struct capture *cap, uint64_t ev_idx)
{
	return capture_time_at(cap, ev_idx);
}

bool timeline_has_time(const struct capture *cap)
{
	return capture_meta(cap)->has_event_stream && capture_span_ms(cap) > 0;
}

int64_t timeline_span_ms(const struct capture *cap)
{
	if (!capture_meta(cap)->has_event_stream)
		return capture_meta(cap)->duration_ms;
	return timeline_has_time(cap) ? capture_span_ms(cap) : -1;
}

/* The heap after the last event, when that moment is not the peak's. */
static bool is_end(const struct capture *cap, uint64_t ev_idx)
{
	const struct capture_totals *tot = capture_totals(cap);

	return ev_idx != UINT64_MAX && ev_idx + 1 >= tot->events && ev_idx != tot->peak_ev_idx;
}

int64_t timeline_moment_ms(const struct capture *cap, uint64_t ev_idx)
{
	if (!capture_meta(cap)->has_event_stream)
		return is_end(cap, ev_idx) ? capture_meta(cap)->duration_ms : -1;
	if (!timeline_has_time(cap))
		return -1;
	if (ev_idx == UINT64_MAX)
		return 0;
	if (is_end(cap, ev_idx))
		return capture_span_ms(cap);
	return capture_time_at(cap, ev_idx);
}

char *timeline_moment_label(const struct capture *cap, uint64_t ev_idx, char *buf, size_t size)
{
	bool peak = ev_idx == capture_totals(cap)->peak_ev_idx, end = is_end(cap, ev_idx);
	const char *what = peak ? " (peak)" : end ? " (end)" : "";
	int64_t ms = timeline_moment_ms(cap, ev_idx);

	if (ms >= 0)
		snprintf(buf, size, "%" PRId64 " ms%s", ms, what);
	else if (!capture_meta(cap)->has_event_stream)
		snprintf(buf, size, "%s (time unknown)", peak ? "peak" : end ? "end" : "event");
	else if (ev_idx == UINT64_MAX)
		snprintf(buf, size, "start%s", what);
	else
		snprintf(buf, size, "event %" PRIu64 "%s", ev_idx, what);
	return buf;
}

int64_t timeline_stamp_step_ms(const struct capture *cap)
{
	size_t n;
	const struct time_mark *m = capture_time_marks(cap, &n);
	int64_t step = 0;

	if (!timeline_has_time(cap))
		return 0;
	for (size_t i = 1; i < n; i++) {
		int64_t gap = m[i].time_ms - m[i - 1].time_ms;

		if (gap > 0 && (!step || gap < step))
			step = gap;
	}
	return step ? step : capture_span_ms(cap);
}

char *timeline_fmt_duration(const struct capture *cap, int64_t ms, char *buf, size_t size)
{
	int64_t step = timeline_stamp_step_ms(cap);

	if (ms < 0)
		snprintf(buf, size, "-");
	else if (ms == 0 && step > 0)
		snprintf(buf, size, "<%" PRId64 " ms", step);
	else
		snprintf(buf, size, "%" PRId64 " ms", ms);
	return buf;
}
