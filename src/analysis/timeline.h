/*
 * timeline: the live heap over the run, resampled to a number of columns.
 *
 * Columns are equal slices of time from 0 to the capture's duration when it
 * has time marks (TIMELINE_BY_TIME), or equal slices of the event log when it
 * has none or they span no time (TIMELINE_BY_EVENT).  Each column is a
 * contiguous range of events and gives the live heap at its end, plus the
 * maximum and minimum inside it, so a spike never falls between two columns:
 * the largest column maximum is the capture's peak, exactly.  RSS samples are
 * resampled to the same columns when the capture has them.  A capture without
 * an event stream (memray --aggregate: a peak and an end snapshot, no time
 * axis for the heap) gets TIMELINE_NO_STREAM: time slices for its RSS only.
 *
 * The second half is the time rule of moments (docs/NUMBERS.md "Time"): what
 * time a moment has, how it is written, and how coarse the capture's clock
 * is.  Every view and report that shows the time of a moment or a duration
 * between stamps goes through it, so one moment reads the same everywhere.
 *
 * timeline_compute is one streaming pass over the event log with O(columns)
 * memory; the result owns one array, freed by timeline_release.
 */
#ifndef MT_TIMELINE_H
#define MT_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "metric.h"

enum timeline_mode {
	TIMELINE_BY_TIME,	/* equal time slices of [0, duration_ms] */
	TIMELINE_BY_EVENT,	/* equal slices of the event log */
	TIMELINE_NO_STREAM,	/* no event stream: time slices of the RSS samples only;
				 * every event range empty, heap figures 0 */
};

struct timeline_column {
	uint64_t ev_begin;	/* events [ev_begin, ev_end) fall in this slice; */
	uint64_t ev_end;	/* ev_begin == ev_end when none does */
	int64_t t_begin_ms;	/* slice [t_begin_ms, t_end_ms), ms since the start, */
	int64_t t_end_ms;	/* rounded down (the last slice ends at the duration);
				 * -1 in TIMELINE_BY_EVENT */
	int64_t heap_bytes;	/* live heap after the slice's last event (the previous
				 * column's when the slice is empty; 0 before any event) */
	int64_t max_bytes;	/* largest and smallest live heap after any event of the */
	int64_t min_bytes;	/* slice; = heap_bytes when empty; column 0 also counts
				 * the empty heap before the first event */
	uint64_t rss_bytes;	/* largest RSS sample in the slice, else the last earlier
				 * sample; 0 before the first (only when has_rss) */
	int64_t allocations;	/* allocation calls (EV_ALLOC events) in the slice */
	int64_t allocated_bytes;	/* their bytes */
	int64_t temporary;	/* temporary allocations (EV_TEMPORARY events: counted
				 * when freed, where the capture marks them) */
	int64_t temporary_bytes;	/* the bytes they freed */
};

struct timeline {
	enum timeline_mode mode;
	uint32_t n;			/* columns */
	struct timeline_column *cols;	/* owned */
	uint64_t events;		/* events in the log */
	int64_t duration_ms;		/* the span divided (by time, or the RSS of
					 * TIMELINE_NO_STREAM); else -1 */
	int64_t max_bytes;		/* over all columns: = peak_bytes unless filtered
					 * (0: no stream) */
	int64_t min_bytes;		/* over all columns (for the axis) */
	uint32_t peak_col;		/* column holding the capture's peak event (0: no
					 * stream) */
	int64_t peak_bytes;		/* capture_totals()->peak_bytes; filtered: the
					 * threads' live bytes at that moment */
	int64_t end_bytes;		/* the heap after the last event (the threads') */
	uint64_t peak_ev_idx;		/* capture_totals()->peak_ev_idx */
	bool has_rss;			/* RSS samples exist and columns are time slices
					 * (by time, or without a stream) */
	uint64_t rss_max_bytes;		/* largest RSS sample */
	bool filtered;			/* of some threads' stacks only (the peak is
					 * still the capture's moment) */
};

/*
 * What a chart of the timeline draws, from the metric the views weigh (the
 * explorer's m): the live heap for peak and leaks, else what its slices hold
 * per second (heaptrack_gui's charts): bytes allocated, allocation calls,
 * temporary allocations.
 */
enum timeline_series {
	SERIES_HEAP,
	SERIES_ALLOCATED,
	SERIES_ALLOCATIONS,
	SERIES_TEMPORARY,
};
#define N_SERIES (SERIES_TEMPORARY + 1)

/* Called every 2^20 events and at the end: events done of events total. */
typedef void (*timeline_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/*
 * Resamples cap into columns (>= 1) slices; tl is overwritten and owned by
 * the caller (timeline_release).  progress may be NULL.  One pass over the
 * event log; memory O(columns).  Never fails.
 */
void timeline_compute(struct timeline *tl, const struct capture *cap, uint32_t columns,
		      timeline_progress_fn progress, void *progress_ctx);
/*
 * The same over the events of the stacks only keeps (a mask of the capture's
 * stacks, thread_filter_mask; NULL: all): the heap, the allocations and the
 * temporary allocations of those threads; the peak column and event stay the
 * capture's (a thread's figure at the peak is its share of the peak, as
 * memray counts it).  A capture without an event stream is not filtered.
 */
void timeline_compute_only(struct timeline *tl, const struct capture *cap, uint32_t columns,
			   const bool *only, timeline_progress_fn progress,
			   void *progress_ctx);
void timeline_release(struct timeline *tl);

/* The series charting metric m. */
enum timeline_series timeline_series_of(enum metric m);
/* "bytes allocated", "allocations", "temporary allocations"; "live heap". */
const char *timeline_series_name(enum timeline_series s);
/* Whether s counts calls rather than bytes. */
bool timeline_series_is_count(enum timeline_series s);
/* What column col of the rate series s holds (its bytes or calls; the live heap's max). */
int64_t timeline_amount(const struct timeline *tl, uint32_t col, enum timeline_series s);
/*
 * Per second over a slice of a TIMELINE_BY_TIME timeline: amount * 1000 /
 * (duration_ms / n), the slice's exact length; -1 without time (a slice of
 * the event log has no length).
 */
double timeline_rate(const struct timeline *tl, int64_t amount);
/*
 * The exact bounds of column col's time slice in ms (duration_ms * col / n
 * and * (col + 1) / n; the t_begin_ms and t_end_ms fields are these rounded
 * down); false without time.
 */
bool timeline_slice_ms(const struct timeline *tl, uint32_t col, double *from, double *to);

/*
 * The event whose live heap stands for column col: its slice's last event,
 * or the last event before it when the slice is empty; UINT64_MAX for the
 * empty heap before any event (as snapshot_live_at takes it).
 */
uint64_t timeline_event_at(const struct timeline *tl, uint32_t col);
/* The column whose slice holds event ev_idx (UINT64_MAX: column 0). */
uint32_t timeline_column_of_event(const struct timeline *tl, uint64_t ev_idx);

/*
 * Time <-> event index through the capture's time marks (an event happens at
 * the time of the last mark at or before it; events before the first mark at
 * 0).  timeline_event_at_time: the last event that happened at or before
 * time_ms, UINT64_MAX if none; marks are taken in non-decreasing time order,
 * as readers write them.  timeline_time_of_event: the time of ev_idx
 * (capture_time_at).
 */
uint64_t timeline_event_at_time(const struct capture *cap, int64_t time_ms);
int64_t timeline_time_of_event(const struct capture *cap, uint64_t ev_idx);

/*
 * The time rule of moments.  A moment is the live heap after one event
 * (UINT64_MAX: the empty heap before any).  Events carry no clock: captures
 * interleave time stamps with them (memray: a MEMORY_RECORD every 10 ms;
 * heaptrack: a `c` line about every 10 ms), so an event's time is its stamp,
 * the last one at or before it, and it happened before the next one.
 *
 * timeline_has_time: the capture has an event stream and stamps that span
 * some time (the timeline is then TIMELINE_BY_TIME); otherwise moments have
 * no time and are named by event, or only as peak and end without a stream.
 * timeline_span_ms: the capture's end, where the timeline's axis ends (its
 * duration, or its last stamp when later; the duration without a stream;
 * -1 without time).
 *
 * timeline_moment_ms: the one time of a moment, -1 when it has none: 0 for the
 * start; for the heap after the last event, when that is not the peak, the
 * capture's end (the span the timeline divides; the duration without a
 * stream); else its event's stamp (capture_time_at), which is also the peak's
 * time in the header and the report.
 *
 * timeline_moment_label: the moment as every view names it, into buf
 * (returns buf): "20 ms", "31 ms (peak)", "42 ms (end)", "0 ms" (the start);
 * "event 12", "event 12 (peak)", "start" without time; "peak (time unknown)"
 * and "40 ms (end)" without an event stream.
 */
bool timeline_has_time(const struct capture *cap);
int64_t timeline_span_ms(const struct capture *cap);
int64_t timeline_moment_ms(const struct capture *cap, uint64_t ev_idx);
char *timeline_moment_label(const struct capture *cap, uint64_t ev_idx, char *buf, size_t size);

/*
 * How coarse the clock is: the smallest gap between two consecutive stamps in
 * ms (memray's memory interval, 10 ms unless configured; heaptrack's 10 ms
 * timer), or the span when there are fewer than two; 0 without time.
 * timeline_fmt_duration writes a duration measured between two stamps: "12 ms",
 * or "<10 ms" when the stamps are equal (both events fell between the same two
 * stamps), "-" when ms < 0 (unknown).  Returns buf.
 */
int64_t timeline_stamp_step_ms(const struct capture *cap);
char *timeline_fmt_duration(const struct capture *cap, int64_t ms, char *buf, size_t size);

#endif
