/*
 * snapshot: per-stack figures of the live heap at one point, or of what was
 * allocated over a range of events.
 *
 * A snapshot is two dense arrays indexed by stack id (capture_stack_count()
 * entries), plus their sums.  The four weightings every view offers come
 * from here: live bytes at the peak, live bytes at the end (leaks), and bytes
 * or count allocated in total.  Pure functions of the capture: no I/O.
 *
 * When the capture keeps those very figures per stack (the peak of a
 * streamed capture, the calls over the whole run), the snapshot borrows the
 * capture's arrays instead of copying them: a compiler's capture has a
 * million stacks, 8 MiB per array.  A borrowed snapshot lives no longer than
 * its capture, and whoever writes into a snapshot it did not make itself
 * calls snapshot_own first (tree_keep_below and thread_filter_apply do).
 */
#ifndef MT_SNAPSHOT_H
#define MT_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"

struct snapshot {
	uint32_t n;		/* entries in bytes and count (= stacks) */
	int64_t *bytes;		/* per stack */
	int64_t *count;		/* per stack */
	int64_t total_bytes;	/* sum of bytes */
	int64_t total_count;	/* sum of count */
	bool borrowed;		/* bytes and count are the capture's: read only */
};

/* Live heap after event ev_idx (UINT64_MAX: before any event). */
void snapshot_live_at(struct snapshot *s, const struct capture *cap, uint64_t ev_idx);
/* Live heap at the high-water mark, by the capture's peak rule. */
void snapshot_peak(struct snapshot *s, const struct capture *cap);
/*
 * Live heap at the end, minus stacks the writing tool suppresses (its leak
 * suppression patterns).  suppressed (may be NULL) receives what was removed.
 */
void snapshot_leaks(struct snapshot *s, const struct capture *cap, struct snapshot *suppressed);
/*
 * snapshot_leaks' totals, for a reader of nothing else (a report that prints
 * them): when the capture keeps its end's figures as entries (a streamed
 * capture), s and suppressed get their totals alone, n 0 and no arrays, and
 * no array of a compiler's million stacks is made; otherwise it is
 * snapshot_leaks.
 */
void snapshot_leak_totals(struct snapshot *s, const struct capture *cap,
			  struct snapshot *suppressed);
/* Allocation calls in events [from, to): bytes and count per stack (EV_ALLOC events only). */
void snapshot_allocated(struct snapshot *s, const struct capture *cap, uint64_t from,
			uint64_t to);
/* Frees of temporary allocations in [from, to) per stack: their count and freed bytes. */
void snapshot_temporary(struct snapshot *s, const struct capture *cap, uint64_t from,
			uint64_t to);
void snapshot_release(struct snapshot *s);
/* Zero bytes and count for every stack of cap (to fill by hand, then snapshot_recount). */
void snapshot_empty(struct snapshot *s, const struct capture *cap);
/* Recomputes total_bytes and total_count after the arrays were changed. */
void snapshot_recount(struct snapshot *s);
/* Makes a borrowed snapshot's arrays its own copies, so that they may be written. */
void snapshot_own(struct snapshot *s);
/* A deep copy of src into dst (dst's own arrays; release both). */
void snapshot_dup(struct snapshot *dst, const struct snapshot *src);

#endif
