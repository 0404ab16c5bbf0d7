/*
 * live_map: invariant: every entry is reachable from its home slot by a run
 * of occupied slots; take restores it by shifting later members of the run
 * back into the hole (Knuth's algorithm R).
 */
#include "live_map.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define LIVE_MIN_CAP 1024

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

static void grow(struct live_map *m)
{
	struct live_alloc *old = m->slots;
	size_t old_cap = m->cap;

	m->cap = old_cap ? old_cap * 2 : LIVE_MIN_CAP;
	m->shift = 64 - (unsigned)__builtin_ctzll(m->cap);
	/* Not calloc'd: a lookup reads a slot before an insert writes it. */
	m->slots = xtable(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].addr)
			insert(m, &old[i]);
	free(old);
}

static void set(struct live_alloc *s, uint64_t addr, uint64_t size, uint64_t ev_idx,
		uint32_t stack)
{
	s->addr = addr;
	s->size = size;
	s->ev_idx = ev_idx;
	s->stack = stack;
}

bool live_map_put(struct live_map *m, uint64_t addr, uint64_t size, uint64_t ev_idx,
		  uint32_t stack, struct live_alloc *replaced)
{
	size_t mask, i;

	if (!addr) {
		bool was = m->zero_live;

		if (was)
			*replaced = m->zero;
		else
			m->len++;
		set(&m->zero, addr, size, ev_idx, stack);
		m->zero_live = true;
		return was;
	}
	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	mask = m->cap - 1;
	for (i = live_map_home(m, addr); m->slots[i].addr; i = (i + 1) & mask) {
		if (m->slots[i].addr == addr) {
			*replaced = m->slots[i];
			set(&m->slots[i], addr, size, ev_idx, stack);
			return true;
		}
	}
	set(&m->slots[i], addr, size, ev_idx, stack);
	m->len++;
	return false;
}

bool live_map_take(struct live_map *m, uint64_t addr, struct live_alloc *out)
{
	size_t mask, i, j;

	if (!addr) {
		if (!m->zero_live)
			return false;
		*out = m->zero;
		m->zero_live = false;
		m->len--;
		return true;
	}
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
