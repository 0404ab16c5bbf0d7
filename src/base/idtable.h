/*
 * idtable: an open-addressing index of ids whose keys live elsewhere.
 *
 * The interning tables (strings, frames, tree children) all store their
 * entries in an array and need only "which id has this key?".  An idtable
 * holds just the ids; the owner supplies the hash and the equality of an
 * entry with the key being looked up.  Linear probing, load <= 1/2, no
 * removal (interned ids live as long as their table).
 *
 * Usage: idtable_reserve() before a lookup that may insert (it can rehash,
 * which invalidates slot positions), then idtable_find(); when it returns
 * IDTABLE_NONE, idtable_insert() the new id at the slot it gave.
 */
#ifndef MT_IDTABLE_H
#define MT_IDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDTABLE_NONE UINT32_MAX

struct idtable {
	uint32_t *slots;	/* IDTABLE_NONE = empty */
	size_t cap;		/* a power of two, or 0 */
};

typedef uint64_t (*idtable_hash_fn)(const void *ctx, uint32_t id);

void idtable_init(struct idtable *t);
void idtable_release(struct idtable *t);
/*
 * Makes room for one more id when n_ids are stored; when it grows, it
 * reinserts ids [first_id, n_ids) hashed by hash(ctx, id).
 */
void idtable_reserve(struct idtable *t, size_t n_ids, uint32_t first_id, idtable_hash_fn hash,
		     const void *ctx);

/*
 * The id whose entry equals the key (eq(ctx, id) true), probing from hash h;
 * or IDTABLE_NONE with *slot set to where that key's id goes.
 * Static inline so that eq inlines at each call site.
 */
static inline uint32_t idtable_find(const struct idtable *t, uint64_t h,
				    bool (*eq)(const void *ctx, uint32_t id), const void *ctx,
				    size_t *slot)
{
	size_t mask = t->cap - 1, i;

	for (i = h & mask; t->slots[i] != IDTABLE_NONE; i = (i + 1) & mask)
		if (eq(ctx, t->slots[i]))
			return t->slots[i];
	*slot = i;
	return IDTABLE_NONE;
}

static inline void idtable_insert(struct idtable *t, size_t slot, uint32_t id)
{
	t->slots[slot] = id;
}

#endif
