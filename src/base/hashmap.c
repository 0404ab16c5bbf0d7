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
	free(m->keys);
	free(m->vals);
	hashmap_init(m);
}

static void rehash(struct hashmap *m, size_t cap)
{
	uint64_t *keys = m->keys;
	uint32_t *vals = m->vals;
	size_t old_cap = m->cap;

	m->keys = xmalloc(cap * sizeof(*m->keys));
	m->vals = xmalloc(cap * sizeof(*m->vals));
	memset(m->vals, 0xff, cap * sizeof(*m->vals));
	m->cap = cap;
	m->len = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (vals[i] != HASHMAP_NONE)
			hashmap_put(m, keys[i], vals[i]);
	free(keys);
	free(vals);
}

uint32_t hashmap_get(const struct hashmap *m, uint64_t key)
{
	size_t mask, i;

	if (!m->cap)
		return HASHMAP_NONE;
	mask = m->cap - 1;
	for (i = hash_u64(key) & mask; m->vals[i] != HASHMAP_NONE; i = (i + 1) & mask)
		if (m->keys[i] == key)
			return m->vals[i];
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
	for (i = hash_u64(key) & mask; m->vals[i] != HASHMAP_NONE; i = (i + 1) & mask) {
		if (m->keys[i] == key) {
			uint32_t old = m->vals[i];

			m->vals[i] = val;
			return old;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
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
		if (m->vals[i] == HASHMAP_NONE)
			return HASHMAP_NONE;
		if (m->keys[i] == key)
			break;
	}
	old = m->vals[i];
	/* Backward shift: move each later run member whose home is not in (i, j]. */
	for (j = (i + 1) & mask; m->vals[j] != HASHMAP_NONE; j = (j + 1) & mask) {
		size_t home = hash_u64(m->keys[j]) & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->vals[i] = HASHMAP_NONE;
	m->len--;
	return old;
}
