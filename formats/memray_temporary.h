/*
 * memray_temporary: memray's temporary allocations (its reports'
 * --temporary-allocations, TemporaryAllocationsAggregator in memray's
 * snapshot.cpp), for the memray reader to mark EV_TEMPORARY.
 *
 * memray's rule, followed exactly: every thread keeps a window of its last
 * threshold + 1 allocations (any allocator but the deallocators: malloc and
 * its kin, realloc, pymalloc's, mmap).  A deallocation on a thread looks in
 * that thread's window, newest first, for an allocation at its address (a
 * FREE or PYMALLOC_FREE) or at its address with its size (a MUNMAP); the one
 * found is a temporary allocation, counted with its own size and stack.  A
 * match stays in the window (memray never takes it out).  realloc is recorded
 * by memray as a FREE of the old address and then an allocation, so the old
 * block is temporary when it was reallocated within the window.
 */
#ifndef MT_MEMRAY_TEMPORARY_H
#define MT_MEMRAY_TEMPORARY_H

#include <stdbool.h>
#include <stdint.h>

#include "vec.h"

/*
 * The largest threshold memtui applies: a deallocation scans its thread's
 * window, so the cost per record grows with it (memray's own scan is the same).
 */
#define MR_TEMPORARY_MAX 1000u

struct mr_temp_entry {
	uint64_t addr, size, ev_idx;	/* ev_idx UINT64_MAX: not used yet */
};

/* A thread's window: a ring of window entries, the newest at newest. */
struct mr_temp_window {
	struct mr_temp_entry *ring;	/* allocated at the thread's first allocation */
	uint32_t newest;
};

struct mr_temporary {
	uint32_t window;		/* threshold + 1: allocations a thread's window holds */
	struct vec threads;		/* struct mr_temp_window, by the reader's thread index */
	uint64_t missed;		/* matches the model could not mark (see memray.c) */
};

void mr_temporary_init(struct mr_temporary *t, uint32_t threshold);
void mr_temporary_release(struct mr_temporary *t);
/* The window of thread, made on its first allocation (out of line). */
struct mr_temp_window *mr_temporary_open(struct mr_temporary *t, uint32_t thread);

/*
 * An allocation on thread (the reader's thread index) made by event ev_idx.
 * Inline, as the lookup below: one of each per record of a capture.
 */
static inline void mr_temporary_alloc(struct mr_temporary *t, uint32_t thread, uint64_t addr,
				      uint64_t size, uint64_t ev_idx)
{
	struct mr_temp_window *w = thread < t->threads.len
					   ? (struct mr_temp_window *)t->threads.data + thread
					   : NULL;

	if (!w || !w->ring)
		w = mr_temporary_open(t, thread);
	/* The newest goes in front; past the window the oldest falls out (memray's deque). */
	w->newest = w->newest + 1 < t->window ? w->newest + 1 : 0;
	w->ring[w->newest] = (struct mr_temp_entry){ addr, size, ev_idx };
}

/*
 * The event of the allocation that a deallocation on thread frees by memray's
 * rule (ranged: a MUNMAP, whose size must match too), or UINT64_MAX when it
 * frees none of the window's.
 */
static inline uint64_t mr_temporary_freed(const struct mr_temporary *t, uint32_t thread,
					  uint64_t addr, uint64_t size, bool ranged)
{
	const struct mr_temp_window *w;

	if (thread >= t->threads.len)
		return UINT64_MAX;
	w = (const struct mr_temp_window *)t->threads.data + thread;
	if (!w->ring)
		return UINT64_MAX;
	/*
	 * Newest first, stepping back around the ring (no division on this
	 * path).  An entry not used yet is older than every used one, and its
	 * event, UINT64_MAX, says none: the scan may stop on it.
	 */
	for (uint32_t k = 0, i = w->newest; k < t->window; k++, i = i ? i - 1 : t->window - 1) {
		const struct mr_temp_entry *e = &w->ring[i];

		if (e->addr == addr && (!ranged || e->size == size || e->ev_idx == UINT64_MAX))
			return e->ev_idx;
	}
	return UINT64_MAX;
}

#endif
