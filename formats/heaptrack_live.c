/*
 * heaptrack_live: the leak table's stacks (see heaptrack_live.h).  The
 * slots of all the stacks share one array with a free list, so that memory
 * follows the live allocations, not the events; each slot names its info,
 * so that the table is read in one pass through the slots.
 */
#include "heaptrack_live.h"

#include <string.h>

#define NONE UINT32_MAX

struct ht_live_slot {
	uint64_t ev_idx;	/* the allocating event */
	uint32_t next;		/* the info's next older live allocation, or the free list's */
	uint32_t info;		/* its info; NONE: a free slot */
};

void ht_live_init(struct ht_live_table *t)
{
	memset(t, 0, sizeof(*t));
	vec_init(&t->heads, sizeof(uint32_t));
	vec_init(&t->slots, sizeof(struct ht_live_slot));
	t->free = NONE;
}

void ht_live_release(struct ht_live_table *t)
{
	vec_release(&t->heads);
	vec_release(&t->slots);
}

/* The stack head of info, the heads grown to reach it (new ones empty). */
static uint32_t *head(struct ht_live_table *t, uint32_t info)
{
	if (info >= t->heads.len) {
		size_t from = t->heads.len, n = info + 1 - from;

		vec_grow(&t->heads, n);
		memset((uint32_t *)t->heads.data + from, 0xff, n * sizeof(uint32_t));	/* NONE */
	}
	return (uint32_t *)t->heads.data + info;
}

void ht_live_track(struct ht_live_table *t, uint32_t info, bool alloc)
{
	uint32_t *h = head(t, info), slot = *h;
	struct ht_live_slot *s;
	uint64_t ev_idx = t->ev_idx++;

	if (!alloc) {
		if (slot == NONE) {
			t->lost = true;
			return;
		}
		s = (struct ht_live_slot *)t->slots.data + slot;
		*h = s->next;
		s->next = t->free;
		s->info = NONE;
		t->free = slot;
		return;
	}
	if (t->free != NONE) {
		slot = t->free;
		t->free = ((struct ht_live_slot *)t->slots.data + slot)->next;
	} else if (t->slots.len < NONE) {
		slot = (uint32_t)t->slots.len;
		vec_grow(&t->slots, 1);
	} else {
		t->lost = true;
		return;
	}
	s = (struct ht_live_slot *)t->slots.data + slot;
	s->ev_idx = ev_idx;
	s->info = info;
	s->next = *h;
	*h = slot;
}

bool ht_live_each(const struct ht_live_table *t,
		  void (*fn)(void *ctx, uint32_t info, uint64_t ev_idx), void *ctx)
{
	if (t->lost)
		return false;
	/* In the slots' order: one pass through memory, not a walk per info. */
	for (size_t i = 0; i < t->slots.len; i++) {
		const struct ht_live_slot *s = (const struct ht_live_slot *)t->slots.data + i;

		if (s->info != NONE)
			fn(ctx, s->info, s->ev_idx);
	}
	return true;
}
