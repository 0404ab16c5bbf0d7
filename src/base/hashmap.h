/*
 * hashmap: open addressing from a 64-bit key to a 32-bit value.
 *
 * Used for address maps in readers (live allocations by pointer) and for the
 * stack trie's children.  Linear probing with backward-shift deletion, so
 * removals leave no tombstones and lookups stay short under heavy churn.
 * The value UINT32_MAX is reserved (it marks an empty slot).
 */
#ifndef MT_HASHMAP_H
#define MT_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASHMAP_NONE UINT32_MAX

/* A key beside its value: a probe touches one cache line, not two. */
struct hashmap_slot {
	uint64_t key;
	uint32_t val;		/* HASHMAP_NONE = empty slot */
};

struct hashmap {
	struct hashmap_slot *slots;
	size_t cap;		/* power of two, or 0 */
	size_t len;		/* occupied slots */
};

void hashmap_init(struct hashmap *m);
void hashmap_release(struct hashmap *m);
/* The value for key, or HASHMAP_NONE. */
uint32_t hashmap_get(const struct hashmap *m, uint64_t key);
/* Inserts or replaces; returns the previous value or HASHMAP_NONE. */
uint32_t hashmap_put(struct hashmap *m, uint64_t key, uint32_t val);
/* Removes key; returns its value or HASHMAP_NONE if absent. */
uint32_t hashmap_remove(struct hashmap *m, uint64_t key);

static inline uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

#endif
