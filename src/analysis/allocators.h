/*
 * allocators: the allocation calls of the run by allocator (malloc, calloc,
 * realloc, pymalloc, mmap: memray stats' allocation count by allocator), from
 * the capture's allocator table (capture_allocator_calls).  The rows add up
 * to totals.alloc_count and alloc_bytes.  Pure: no I/O.
 */
#ifndef MT_ALLOCATORS_H
#define MT_ALLOCATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

struct allocator_row {
	enum allocator allocator;
	int64_t count;		/* allocation calls */
	int64_t bytes;		/* their bytes */
};

struct allocator_table {
	struct allocator_row rows[ALLOCATOR_MAX + 1];	/* by count descending, then by name */
	size_t n;
	int64_t total_count;
	int64_t total_bytes;
};

/* Why cap does not say which allocator made what (a sentence), or NULL. */
const char *allocators_missing(const struct capture *cap);
/*
 * The rows of cap's table (call only when allocators_missing is NULL); only
 * (may be NULL) marks the stacks to count, as sizes_compute takes it.
 */
void allocators_compute(struct allocator_table *out, const struct capture *cap, const bool *only);

#endif
