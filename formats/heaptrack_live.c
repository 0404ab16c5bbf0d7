/*
 * heaptrack_live: the leak table's stacks (see heaptrack_live.h).  The
 * slots of all the stacks share one array with a free list, so that memory
 * follows the live allocations, not the events; each slot names its info,
 * so that the table is read in one pass through the slots.
 */
#include "heaptrack_live.h"

#include <string.h>

void ht_live_init(struct ht_live_table *t)
{
	memset(t, 0, sizeof(*t));
	vec_init(&t->heads, sizeof(uint32_t));
	vec_init(&t->slots, sizeof(struct ht_live_slot));
	t->free = HT_LIVE_NONE;
}

void ht_live_release(struct ht_live_table *t)
{
	vec_release(&t->heads);
	vec_release(&t->slots);
}

uint32_t *ht_live_grow_heads(struct ht_live_table *t, uint32_t info)
{
	vec_grow_set(&t->heads, info + 1 - t->heads.len, 0xff);	/* HT_LIVE_NONE */
	return (uint32_t *)t->heads.data + info;
}

uint32_t ht_live_new_slot(struct ht_live_table *t)
{
	if (t->slots.len >= HT_LIVE_NONE) {
		t->lost = true;
		return HT_LIVE_NONE;
	}
	vec_grow(&t->slots, 1);
	return (uint32_t)(t->slots.len - 1);
}

bool ht_live_each(const struct ht_live_table *t,
		  void (*fn)(void *ctx, uint32_t info, uint64_t ev_idx), void *ctx)
{
	if (t->lost)
		return false;
	/* In the slots' order: one pass through memory, not a walk per info. */
	for (size_t i = 0; i < t->slots.len; i++) {
		const struct ht_live_slot *s = (const struct ht_live_slot *)t->slots.data + i;

		if (s->info != HT_LIVE_NONE)
			fn(ctx, s->info, s->ev_idx);
	}
	return true;
}
