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

void live_map_init(struct live_map *m)
{
	memset(m, 0, sizeof(*m));
}

void live_map_release(struct live_map *m)
{
	free(m->slots);
	live_map_init(m);
}

static void insert(struct live_map *m, const struct live_alloc *a)
{
	size_t mask = m->cap - 1, i = live_map_home(m, a->addr);

	while (m->slots[i].addr)
		i = (i + 1) & mask;
	m->slots[i] = *a;
}

void live_map_grow(struct live_map *m)
{
	struct live_alloc *old = m->slots;
	size_t old_cap = m->cap;

	m->cap = old_cap ? old_cap * 2 : LIVE_MIN_CAP;
	m->shift = 64 - (unsigned)__builtin_ctzll(m->cap);
	m->grow_at = m->cap < LIVE_DENSE_CAP ? m->cap / 2 : m->cap / 4 * 3;
	/* Not calloc'd: a lookup reads a slot before an insert writes it. */
	m->slots = xtable(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].addr)
			insert(m, &old[i]);
	free(old);
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
