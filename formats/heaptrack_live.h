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

struct ht_live_slot {
	uint64_t ev_idx;	/* the allocating event */
	uint32_t next;		/* the info's next older live allocation, or the free list's */
	uint32_t info;		/* its info; HT_LIVE_NONE: a free slot */
};

#define HT_LIVE_NONE UINT32_MAX

/* Out of line, for ht_live_track: the heads grown to info; a new slot. */
uint32_t *ht_live_grow_heads(struct ht_live_table *t, uint32_t info);
uint32_t ht_live_new_slot(struct ht_live_table *t);

/*
 * The next event: an allocation (alloc) or a free of info.  Inline: one
 * per event of a kept load (called, it was 20% of the reader's thread on
 * the explorer's churn).
 */
static inline void ht_live_track(struct ht_live_table *t, uint32_t info, bool alloc)
{
	uint32_t *h = info < t->heads.len ? (uint32_t *)t->heads.data + info
					  : ht_live_grow_heads(t, info);
	uint32_t slot = *h;
	struct ht_live_slot *s;
	uint64_t ev_idx = t->ev_idx++;

	if (!alloc) {
		if (slot == HT_LIVE_NONE) {
			t->lost = true;
			return;
		}
		s = (struct ht_live_slot *)t->slots.data + slot;
		*h = s->next;
		s->next = t->free;
		s->info = HT_LIVE_NONE;
		t->free = slot;
		return;
	}
	if (t->free != HT_LIVE_NONE) {
		slot = t->free;
		t->free = ((struct ht_live_slot *)t->slots.data + slot)->next;
	} else if ((slot = ht_live_new_slot(t)) == HT_LIVE_NONE) {
		return;
	}
	s = (struct ht_live_slot *)t->slots.data + slot;
	s->ev_idx = ev_idx;
	s->info = info;
	s->next = *h;
	*h = slot;
}

/*
 * The leak table: fn(ctx, info, ev_idx) for every live allocation, in no
 * particular order.  false (and no call) when a free found no live
 * allocation: then there is no table.
 */
bool ht_live_each(const struct ht_live_table *t,
		  void (*fn)(void *ctx, uint32_t info, uint64_t ev_idx), void *ctx);

#endif
