/*
 * hashmap: invariant: every occupied slot is reachable from its home slot
 * (hash & (cap-1)) by a run of occupied slots.  Deletion restores it by
 * shifting later members of the run back into the hole.  Load stays <= 1/2.
 */
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void hashmap_init(struct hashmap *m)
{
	memset(m, 0, sizeof(*m));
}

void hashmap_release(struct hashmap *m)
{
	free(m->slots);
	hashmap_init(m);
}

static void rehash(struct hashmap *m, size_t cap)
{
	struct hashmap_slot *old = m->slots;
	size_t old_cap = m->cap;

	m->slots = xmalloc(cap * sizeof(*m->slots));
	for (size_t i = 0; i < cap; i++)
		m->slots[i].val = HASHMAP_NONE;
	m->cap = cap;
	m->len = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].val != HASHMAP_NONE)
			hashmap_put(m, old[i].key, old[i].val);
	free(old);
}

uint32_t hashmap_get(const struct hashmap *m, uint64_t key)
{
	size_t mask, i;

	if (!m->cap)
		return HASHMAP_NONE;
	mask = m->cap - 1;
	for (i = hash_u64(key) & mask; m->slots[i].val != HASHMAP_NONE; i = (i + 1) & mask)
		if (m->slots[i].key == key)
			return m->slots[i].val;
	return HASHMAP_NONE;
}

uint32_t hashmap_put(struct hashmap *m, uint64_t key, uint32_t val)
{
	size_t mask, i;

	if (val == HASHMAP_NONE)
		BUG("hashmap_put: reserved value");
	if ((m->len + 1) * 2 > m->cap)
		rehash(m, m->cap ? m->cap * 2 : 64);
	mask = m->cap - 1;
	for (i = hash_u64(key) & mask; m->slots[i].val != HASHMAP_NONE; i = (i + 1) & mask) {
		if (m->slots[i].key == key) {
			uint32_t old = m->slots[i].val;

			m->slots[i].val = val;
			return old;
		}
	}
	m->slots[i].key = key;
	m->slots[i].val = val;
	m->len++;
	return HASHMAP_NONE;
}

uint32_t hashmap_remove(struct hashmap *m, uint64_t key)
{
	size_t mask, i, j;
	uint32_t old;

	if (!m->cap)
		return HASHMAP_NONE;
	mask = m->cap - 1;
	for (i = hash_u64(key) & mask;; i = (i + 1) & mask) {
		if (m->slots[i].val == HASHMAP_NONE)
			return HASHMAP_NONE;
		if (m->slots[i].key == key)
			break;
	}
	old = m->slots[i].val;
	/* Backward shift: move each later run member whose home is not in (i, j]. */
	for (j = (i + 1) & mask; m->slots[j].val != HASHMAP_NONE; j = (j + 1) & mask) {
		size_t home = hash_u64(m->slots[j].key) & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = HASHMAP_NONE;
	m->len--;
	return old;
}
