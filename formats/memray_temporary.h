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

struct mr_temporary {
	uint32_t window;		/* threshold + 1: allocations a thread's window holds */
	struct vec threads;		/* struct mr_temp_window, by the reader's thread index */
	uint64_t missed;		/* matches the model could not mark (see memray.c) */
};

void mr_temporary_init(struct mr_temporary *t, uint32_t threshold);
void mr_temporary_release(struct mr_temporary *t);
/* An allocation on thread (the reader's thread index) made by event ev_idx. */
void mr_temporary_alloc(struct mr_temporary *t, uint32_t thread, uint64_t addr, uint64_t size,
			uint64_t ev_idx);
/*
 * The event of the allocation that a deallocation on thread frees by memray's
 * rule (ranged: a MUNMAP, whose size must match too), or UINT64_MAX when it
 * frees none of the window's.
 */
uint64_t mr_temporary_freed(const struct mr_temporary *t, uint32_t thread, uint64_t addr,
			    uint64_t size, bool ranged);

#endif
