/*
 * threads: the capture's threads, the figures of each, and the thread filter.
 *
 * A thread is the stack of its thread frame (capture.h, "Threads"): every
 * stack under it is that thread's.  So a thread's figure for any metric is
 * the sum of the metric's weights over its stacks, the figures of all
 * threads add up to the whole, and showing some threads only is a mask over
 * the weights: the stacks of the other threads weigh nothing.  That mask is
 * applied where the weights are made (report_compute_weights and the
 * explorer's explore_weights), so every tree, flame graph and list built
 * from them is filtered alike, and a filtered screen equals
 * `memtui report --thread`.  A capture whose reader kept no threads
 * (heaptrack) has no rows here, and nothing to filter.
 */
#ifndef MT_THREADS_H
#define MT_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "metric.h"
#include "snapshot.h"

struct thread_row {
	uint32_t stack;			/* the stack of its thread frame */
	uint64_t tid;			/* as the capture names it (memray: its own ids) */
	const char *name;		/* meta.threads' name, "" none; the capture's */
	int64_t peak_bytes;		/* live at the capture's peak (memray's hwm_bytes
					 * with merge_threads=False) */
	int64_t peak_count;		/* allocations live at the peak */
	int64_t leaked_bytes;		/* live at the end, suppressions removed */
	int64_t leaked_count;
	int64_t allocated_bytes;	/* allocated over the whole run */
	int64_t alloc_count;		/* allocation calls over the whole run */
};

struct thread_table {
	struct thread_row *rows;	/* by stack id, which is first-seen order */
	size_t n;
};

/*
 * The threads of cap and their figures, from the peak, leaks and calls
 * snapshots (calls may be empty, n 0: computed here).  Release with
 * thread_table_release.
 */
void thread_table_compute(struct thread_table *t, const struct capture *cap,
			  const struct snapshot *peak, const struct snapshot *leaks,
			  const struct snapshot *calls);
void thread_table_release(struct thread_table *t);
/* The row of thread spec (a tid in decimal, or a name), or -1. */
long thread_table_find(const struct thread_table *t, const char *spec);

/*
 * Which threads count: the stacks of their thread frames, sorted.  n 0 is
 * no filter (every stack counts, including any without a thread).
 */
struct thread_filter {
	uint32_t *stacks;
	size_t n;
};
/* Adds the thread of stack thread_stack (a thread frame's stack); no-op if there. */
void thread_filter_add(struct thread_filter *f, uint32_t thread_stack);
/* Whether the filter keeps thread_stack. */
bool thread_filter_has(const struct thread_filter *f, uint32_t thread_stack);
void thread_filter_release(struct thread_filter *f);
/*
 * The filter as a mask of cap's stacks (capture_stack_count() entries, true:
 * kept; malloc'd, the caller frees), for analyses that read the event log;
 * NULL when the filter keeps everything (n 0).
 */
bool *thread_filter_mask(const struct thread_filter *f, const struct capture *cap);
/*
 * The threads f keeps, in words into buf: "worker-0, mapper" (names, else
 * tids), or "2 of 6 threads" when that is long; "" when f keeps everything.
 */
void thread_filter_label(const struct thread_filter *f, const struct thread_table *t, char *buf,
			 size_t size);
/* Zeroes the weights of every stack f does not keep, and recounts w's totals. */
void thread_filter_apply(const struct thread_filter *f, const struct capture *cap,
			 struct snapshot *w);

#endif
