/*
 * idtable: growth by doubling and reinserting every id from its hash.
 */
#include "idtable.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void idtable_init(struct idtable *t)
{
	t->slots = NULL;
	t->cap = 0;
}

void idtable_release(struct idtable *t)
{
	free(t->slots);
	idtable_init(t);
}

void idtable_reserve(struct idtable *t, size_t n_ids, uint32_t first_id, idtable_hash_fn hash,
		     const void *ctx)
{
	size_t cap = t->cap ? t->cap : 256;
	uint32_t *slots;

	if ((n_ids + 1) * 2 <= t->cap)
		return;
	while ((n_ids + 1) * 2 > cap)
		cap *= 2;
	slots = xmalloc(cap * sizeof(*slots));
	memset(slots, 0xff, cap * sizeof(*slots));
	for (uint32_t id = first_id; id < n_ids; id++) {
		size_t i = hash(ctx, id) & (cap - 1);

		while (slots[i] != IDTABLE_NONE)
			i = (i + 1) & (cap - 1);
		slots[i] = id;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}
