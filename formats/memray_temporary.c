/*
 * memray_temporary: each thread's window of its last allocations, a ring.
 */
#include "memray_temporary.h"

#include <stdlib.h>

#include "xalloc.h"

struct mr_temp_entry {
	uint64_t addr, size, ev_idx;
};

struct mr_temp_window {
	struct mr_temp_entry *ring;	/* window entries, allocated at the first allocation */
	uint32_t newest;		/* index in ring of the newest entry */
	uint32_t len;			/* entries in use, at most window */
};

void mr_temporary_init(struct mr_temporary *t, uint32_t threshold)
{
	t->window = (threshold > MR_TEMPORARY_MAX ? MR_TEMPORARY_MAX : threshold) + 1;
	vec_init(&t->threads, sizeof(struct mr_temp_window));
	t->missed = 0;
}

void mr_temporary_release(struct mr_temporary *t)
{
	for (size_t i = 0; i < t->threads.len; i++)
		free(((struct mr_temp_window *)vec_at(&t->threads, i))->ring);
	vec_release(&t->threads);
}

void mr_temporary_alloc(struct mr_temporary *t, uint32_t thread, uint64_t addr, uint64_t size,
			uint64_t ev_idx)
{
	struct mr_temp_window *w;

	if (thread >= t->threads.len) {
		size_t n = thread + 1 - t->threads.len;
		struct mr_temp_window *fresh = vec_grow(&t->threads, n);

		for (size_t i = 0; i < n; i++)
			fresh[i] = (struct mr_temp_window){ NULL, 0, 0 };
	}
	w = vec_at(&t->threads, thread);
	if (!w->ring)
		w->ring = xmalloc(t->window * sizeof(*w->ring));
	/* The newest goes in front; past the window the oldest falls out (memray's deque). */
	w->newest = w->len && w->newest + 1 < t->window ? w->newest + 1 : 0;
	w->ring[w->newest] = (struct mr_temp_entry){ addr, size, ev_idx };
	if (w->len < t->window)
		w->len++;
}

uint64_t mr_temporary_freed(const struct mr_temporary *t, uint32_t thread, uint64_t addr,
			    uint64_t size, bool ranged)
{
	const struct mr_temp_window *w;

	if (thread >= t->threads.len)
		return UINT64_MAX;
	w = vec_at(&t->threads, thread);
	/* Newest first, stepping back around the ring (no division on this path). */
	for (uint32_t k = 0, i = w->newest; k < w->len; k++, i = i ? i - 1 : t->window - 1) {
		const struct mr_temp_entry *e = &w->ring[i];

		if (e->addr == addr && (!ranged || e->size == size))
			return e->ev_idx;
	}
	return UINT64_MAX;
}
