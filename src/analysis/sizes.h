/*
 * sizes: how big the allocations are, as a histogram of sizes in
 * power-of-two bins (memray stats' size distribution, heaptrack_gui's
 * "Sizes"), at three moments: every allocation call of the run, what was
 * live at the peak, and what was leaked.
 *
 * Bin 0 holds the empty allocations; bin k >= 1 holds sizes in
 * [2^(k-1), 2^k).  Each bin has its allocations and their bytes, and the
 * bins add up to the moment's totals:
 *  - run: every EV_ALLOC event is one allocation of its bytes, so the bins
 *    sum to totals.alloc_count and alloc_bytes, exactly.
 *  - leaks: from the leak table (one entry per allocating event, its live
 *    pieces as its count), suppressed stacks left out as in snapshot_leaks,
 *    so the bins sum to the leaks snapshot, exactly.
 *  - peak: a replay of the log to the peak, matching each free to a live
 *    allocation of its stack and size (a free's delta is its allocation's
 *    size).  An event that is not one whole allocation or free (a mapping
 *    trimmed or split by munmap changes bytes without ending an
 *    allocation, a free with no live allocation of its size) cannot be put
 *    in a bin: its bytes and count go to the unplaced figures, so bins plus
 *    unplaced still sum to the peak snapshot, and n_unmatched says how many
 *    events did so (0: the histogram is exact).
 * A capture without an event stream (memray --aggregate) has no sizes:
 * sizes_available says so.  Pure: no I/O.
 */
#ifndef MT_SIZES_H
#define MT_SIZES_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"

#define SIZES_BINS 64

enum sizes_moment {
	SIZES_RUN,		/* every allocation call of the run */
	SIZES_PEAK,		/* live at the peak */
	SIZES_LEAKS,		/* live at the end, suppressions removed */
};
#define SIZES_MOMENTS (SIZES_LEAKS + 1)

struct size_bin {
	int64_t count;		/* allocations (live pieces for peak and leaks) */
	int64_t bytes;
};

struct size_hist {
	enum sizes_moment moment;
	struct size_bin bins[SIZES_BINS];
	int64_t total_count;	/* the bins plus unplaced */
	int64_t total_bytes;
	int64_t unplaced_count;	/* peak only: what no bin could take */
	int64_t unplaced_bytes;
	uint64_t n_unmatched;	/* peak only: events that went to unplaced */
};

/* "run", "peak", "leaks": as the report and the view name the moment. */
const char *sizes_moment_name(enum sizes_moment m);
/* Why cap has no histogram for m (a sentence), or NULL when it has one. */
const char *sizes_missing(const struct capture *cap, enum sizes_moment m);
/*
 * The histogram of moment m into *out.  only (may be NULL: every stack) marks
 * the stacks to count, capture_stack_count() entries: a thread or a focus
 * counts its own stacks.  Call only when sizes_missing is NULL.
 */
void sizes_compute(struct size_hist *out, const struct capture *cap, enum sizes_moment m,
		   const bool *only);
/*
 * The histograms of the run and of the peak together, in one pass over the
 * event log rather than two (either may be NULL: not wanted or missing).
 */
void sizes_compute_run_peak(struct size_hist *run, struct size_hist *peak,
			    const struct capture *cap, const bool *only);
/* The bin of an allocation of size bytes. */
unsigned sizes_bin(uint64_t size);
/* The smallest size of bin k, and the first size past it. */
uint64_t sizes_bin_from(unsigned k);
uint64_t sizes_bin_below(unsigned k);

#endif
