/*
 * heaptrack_live: the leak table of a heaptrack capture, kept as the
 * reader goes (capture_builder_leak at the end).
 *
 * heaptrack_interpret writes an allocation and its free as the index of an
 * allocation info, (size, trace): which of the info's live allocations a
 * '-' frees is not in the file.  The table takes the newest (a stack of live
 * allocations per info), exact for a temporary and for every info whose
 * allocations do not overlap in time, and for the leak figures per stack
 * whatever the order.  The k-th call of ht_live_track is the allocation or
 * free of the capture's event k.
 *
 * (A thread of its own, fed 4-byte ops, was tried: on two cores it cost as
 * much to hand an op over as to apply it, and the load was no faster.)
 */
#ifndef MT_HEAPTRACK_LIVE_H
#define MT_HEAPTRACK_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "vec.h"

struct ht_live_table {
	struct vec heads;	/* uint32_t per info: its newest live allocation, a slot */
	struct vec slots;	/* struct ht_live_slot */
	uint32_t free;		/* head of the free slots, or none */
	bool lost;		/* a free found no live allocation: no leak table */
	uint64_t ev_idx;	/* the event of the next call */
};

void ht_live_init(struct ht_live_table *t);
void ht_live_release(struct ht_live_table *t);

/* The next event: an allocation (alloc) or a free of info. */
void ht_live_track(struct ht_live_table *t, uint32_t info, bool alloc);

/*
 * The leak table: fn(ctx, info, ev_idx) for every live allocation, in no
 * particular order.  false (and no call) when a free found no live
 * allocation: then there is no table.
 */
bool ht_live_each(const struct ht_live_table *t,
		  void (*fn)(void *ctx, uint32_t info, uint64_t ev_idx), void *ctx);

#endif
