/*
 * memray_temporary: each thread's window of its last allocations, a ring.
 */
#include "memray_temporary.h"

#include <stdlib.h>

#include "xalloc.h"

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

struct mr_temp_window *mr_temporary_open(struct mr_temporary *t, uint32_t thread)
{
	struct mr_temp_window *w;

	if (thread >= t->threads.len)
		vec_grow(&t->threads, thread + 1 - t->threads.len);	/* zeroed: no ring */
	w = vec_at(&t->threads, thread);
	if (!w->ring) {
		w->ring = xmalloc(t->window * sizeof(*w->ring));
		for (uint32_t i = 0; i < t->window; i++)
			w->ring[i] = (struct mr_temp_entry){ 0, 0, UINT64_MAX };
		w->newest = t->window - 1;	/* the first goes to 0 */
	}
	return w;
}
