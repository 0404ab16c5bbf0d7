/*
 * live_map: a reader's live allocations by address, for formats whose frees
 * name only an address (memray, memtui's own trace).
 *
 * Built for the job: open addressing over entries that hold the allocation
 * itself (one cache line visited per lookup, where a map to a slab of
 * entries visited two or three), keys that are aligned pointers (Fibonacci
 * hashing of the address without its low bits), linear probing and deletion
 * by backward shift (no tombstones, so probes stay short however many
 * millions of short-lived blocks come and go).
 *
 * Load stays at most 1/2 up to 2^22 slots (128 MiB), and 3/4 past them.
 * Runs are then short, and a take's backward shift, which walks the rest of
 * its run, with them: memraygen's 10 M records (300 k live blocks at the
 * top) took 5% less time than at 3/4, for 12 MiB more.  Past 128 MiB memory
 * weighs more than that.
 *
 * From 2 MiB on, the table doubles in place, in address space reserved for
 * it up to 1 GiB (2^25 slots): a copy into a new table had the old and the
 * new present at once, and made the pages of every size before the last.
 * memraygen's 10 M records: peak RSS 55.0 to 46.9 MB, time within the noise.
 */
#ifndef MT_LIVE_MAP_H
#define MT_LIVE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct live_alloc {
	uint64_t addr;
	uint64_t size;
	uint64_t ev_idx;	/* the allocating event (the leak table) */
	uint32_t stack;
};

struct live_map {
	struct live_alloc *slots;	/* cap entries; addr 0 marks an empty one */
	bool reserved;			/* slots begin a reservation of LIVE_RESERVE bytes */
	size_t cap;			/* a power of two, or 0 */
	size_t len;			/* entries, zero_live included */
	size_t grow_at;			/* the entries that double cap */
	unsigned shift;			/* 64 minus the bits of cap - 1 */
	bool zero_live;			/* the allocation at address 0 (hostile input) */
	struct live_alloc zero;
};

/* The slot where the lookup of addr starts (cap > 0). */
static inline size_t live_map_home(const struct live_map *m, uint64_t addr)
{
	/* Pointers are 8- or 16-byte aligned: the low bits carry nothing. */
	return (size_t)(((addr >> 3) * 0x9e3779b97f4a7c15ull) >> m->shift);
}

/*
 * Starts fetching the slot where the lookup of addr starts and the one
 * after it, for a caller that knows its next addresses: the first probe
 * misses the cache as often as not in a map of millions, and a take's
 * backward shift always reads the next slot, on the next cache line for
 * every other slot (two 32-byte entries a line).
 */
static inline void live_map_prefetch(const struct live_map *m, uint64_t addr)
{
	if (m->cap) {
		size_t i = live_map_home(m, addr);

		__builtin_prefetch(&m->slots[i]);
		__builtin_prefetch(&m->slots[(i + 1) & (m->cap - 1)]);
	}
}

void live_map_init(struct live_map *m);
void live_map_release(struct live_map *m);
/*
 * The live allocations in no particular order: the first with *pos 0, then
 * the next at each call; NULL after the last.
 */
const struct live_alloc *live_map_next(const struct live_map *m, size_t *pos);

/* For the inline calls below, out of line: the table doubled; address 0's entry. */
void live_map_grow(struct live_map *m);
bool live_map_put_zero(struct live_map *m, uint64_t size, uint64_t ev_idx, uint32_t stack,
		       struct live_alloc *replaced);
bool live_map_take_zero(struct live_map *m, struct live_alloc *out);

/*
 * put and take are inline, one of them per record of a capture: called, they
 * made memraygen's 10 M records 6% slower (the call, and *out through memory).
 * Invariant: every entry is reachable from its home slot by a run of
 * occupied slots; take restores it by shifting later members of the run back
 * into the hole (Knuth's algorithm R).
 */

static inline void live_map_set(struct live_alloc *s, uint64_t addr, uint64_t size,
				uint64_t ev_idx, uint32_t stack)
{
	s->addr = addr;
	s->size = size;
	s->ev_idx = ev_idx;
	s->stack = stack;
}

/*
 * Makes the allocation (addr, size, ev_idx, stack) live; true when one at
 * its address was live already: that one is then copied to *replaced and
 * leaves the map.  Given by its fields, which go straight into the slot: a
 * struct built just before and copied would stall the copy (its wide loads
 * cannot take the narrow stores' values on their way).
 */
static inline bool live_map_put(struct live_map *m, uint64_t addr, uint64_t size,
				uint64_t ev_idx, uint32_t stack, struct live_alloc *replaced)
{
	size_t mask, i;

	if (!addr)
		return live_map_put_zero(m, size, ev_idx, stack, replaced);
	if (m->len >= m->grow_at)
		live_map_grow(m);
	mask = m->cap - 1;
	for (i = live_map_home(m, addr); m->slots[i].addr; i = (i + 1) & mask) {
		if (m->slots[i].addr == addr) {
			*replaced = m->slots[i];
			live_map_set(&m->slots[i], addr, size, ev_idx, stack);
			return true;
		}
	}
	live_map_set(&m->slots[i], addr, size, ev_idx, stack);
	m->len++;
	return false;
}

/* Takes the allocation at addr out of the map into *out; false when none is live there. */
static inline bool live_map_take(struct live_map *m, uint64_t addr, struct live_alloc *out)
{
	size_t mask, i, j;

	if (!addr)
		return live_map_take_zero(m, out);
	if (!m->cap)
		return false;
	mask = m->cap - 1;
	for (i = live_map_home(m, addr); m->slots[i].addr != addr; i = (i + 1) & mask)
		if (!m->slots[i].addr)
			return false;
	*out = m->slots[i];
	/* Backward shift: a later member moves into the hole unless its home lies in (i, j]. */
	for (j = (i + 1) & mask; m->slots[j].addr; j = (j + 1) & mask) {
		size_t h = live_map_home(m, m->slots[j].addr);

		if (((j - h) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].addr = 0;
	m->len--;
	return true;
}

#endif
