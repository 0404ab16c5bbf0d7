/*
 * live_map: what is out of line: the table's growth, address 0's entry, the
 * walk.  put and take are inline in live_map.h, with the invariant.
 */
#include "live_map.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define LIVE_MIN_CAP 1024
#define LIVE_DENSE_CAP ((size_t)1 << 22)	/* from here on, load up to 3/4 */
#ifndef LIVE_RESERVE
#define LIVE_RESERVE ((size_t)1 << 30)		/* address space the table grows in */
#endif
#ifndef LIVE_RESERVE_FROM
#define LIVE_RESERVE_FROM ((size_t)2 << 20)	/* tables this big on go there */
#endif

void live_map_init(struct live_map *m)
{
	memset(m, 0, sizeof(*m));
}

/* Frees a table: a reservation, or one of its own. */
static void free_slots(struct live_alloc *slots, bool reserved)
{
	if (reserved)
		xunreserve(slots, LIVE_RESERVE);
	else
		free(slots);
}

void live_map_release(struct live_map *m)
{
	free_slots(m->slots, m->reserved);
	live_map_init(m);
}

static void insert(struct live_map *m, const struct live_alloc *a)
{
	size_t mask = m->cap - 1, i = live_map_home(m, a->addr);

	while (m->slots[i].addr)
		i = (i + 1) & mask;
	m->slots[i] = *a;
}

static void set_cap(struct live_map *m, size_t cap)
{
	m->cap = cap;
	m->shift = 64 - (unsigned)__builtin_ctzll(m->cap);
	m->grow_at = m->cap < LIVE_DENSE_CAP ? m->cap / 2 : m->cap / 4 * 3;
}

/*
 * Doubles the table where it lies; the slots past the old ones are zero.
 * Home slots keep their order as the table doubles: an entry whose home was
 * h has 2h or 2h + 1.  So each old slot i first moves to 2i (from the top
 * down, where 2i is free by then).  Every entry then lies at or after its
 * new home, but the odd slots between are empty, so lookups would stop
 * short: a sweep takes each entry out and puts it back from its home, in
 * order from an old slot that was empty (no run crossed it).  Every slot
 * from an entry's home to the slot it left has been swept by then, so the
 * entry lands in the swept part, at the latest where it was (or just
 * after, the odd slot beside it): the sweep inserts into a valid table.
 */
static void grow_in_place(struct live_map *m)
{
	struct live_alloc *s = m->slots, a;
	size_t old_cap = m->cap, e = 0;

	for (size_t i = old_cap; i-- > 1;) {
		s[2 * i] = s[i];
		s[i].addr = 0;
	}
	while (s[2 * e].addr)	/* the load is below 1: some old slot was empty */
		e++;
	set_cap(m, old_cap * 2);
	for (size_t k = 0; k < m->cap; k++) {
		size_t j = (2 * e + k) & (m->cap - 1);

		if (!s[j].addr)
			continue;
		a = s[j];
		s[j].addr = 0;
		insert(m, &a);
	}
}

/*
 * A table of cap slots: from LIVE_RESERVE_FROM bytes on (2 MiB, a huge
 * page), a reservation of huge pages, while cap slots fit in it; smaller,
 * or when the system refuses it, a table of its own (xtable).
 */
static struct live_alloc *new_table(struct live_map *m, size_t cap)
{
	size_t bytes = cap * sizeof(*m->slots);
	struct live_alloc *t = NULL;

	m->reserved = false;
	if (bytes >= LIVE_RESERVE_FROM && bytes <= LIVE_RESERVE)
		t = xreserve(LIVE_RESERVE);
	if (t) {
		xreserved_huge(t, LIVE_RESERVE);
		m->reserved = true;
		return t;
	}
	/* Not calloc'd: a lookup reads a slot before an insert writes it. */
	return xtable(cap, sizeof(*m->slots));
}

void live_map_grow(struct live_map *m)
{
	struct live_alloc *old = m->slots;
	size_t old_cap = m->cap, cap = old_cap ? old_cap * 2 : LIVE_MIN_CAP;
	bool was_reserved = m->reserved;

	if (was_reserved && cap * sizeof(*m->slots) <= LIVE_RESERVE) {
		grow_in_place(m);
		return;
	}
	m->slots = new_table(m, cap);
	set_cap(m, cap);
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].addr)
			insert(m, &old[i]);
	free_slots(old, was_reserved);
}

bool live_map_put_zero(struct live_map *m, uint64_t size, uint64_t ev_idx, uint32_t stack,
		       struct live_alloc *replaced)
{
	bool was = m->zero_live;

	if (was)
		*replaced = m->zero;
	else
		m->len++;
	live_map_set(&m->zero, 0, size, ev_idx, stack);
	m->zero_live = true;
	return was;
}

bool live_map_take_zero(struct live_map *m, struct live_alloc *out)
{
	if (!m->zero_live)
		return false;
	*out = m->zero;
	m->zero_live = false;
	m->len--;
	return true;
}

const struct live_alloc *live_map_next(const struct live_map *m, size_t *pos)
{
	while (*pos < m->cap) {
		const struct live_alloc *a = &m->slots[(*pos)++];

		if (a->addr)
			return a;
	}
	if (*pos == m->cap && m->zero_live) {
		(*pos)++;
		return &m->zero;
	}
	return NULL;
}
