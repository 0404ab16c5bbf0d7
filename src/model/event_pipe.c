/* event_pipe: events over an item_pipe, tagged with their stack count (event_pipe.h). */
#include "event_pipe.h"

#include <stdlib.h>
#include <string.h>

#include "item_pipe.h"
#include "xalloc.h"

struct event_pipe {
	struct item_pipe items;	/* of struct event, tagged n_stacks */
	event_apply_fn apply;
	void *ctx;
};

static void apply_batch(void *ctx, void *items, size_t n, uint64_t tag)
{
	struct event_pipe *p = ctx;

	p->apply(p->ctx, items, n, (size_t)tag);
}

struct event_pipe *event_pipe_start(event_apply_fn apply, void *ctx)
{
	struct event_pipe *p = xcalloc(1, sizeof(*p));

	p->apply = apply;
	p->ctx = ctx;
	if (!item_pipe_start(&p->items, sizeof(struct event), PIPE_EVENTS, PIPE_BATCHES,
			     apply_batch, p)) {
		free(p);
		return NULL;
	}
	return p;
}

void event_pipe_add(struct event_pipe *p, const struct event *ev, size_t n, size_t n_stacks)
{
	while (n) {
		size_t k;
		void *slots = item_pipe_next_n(&p->items, n, &k);

		memcpy(slots, ev, k * sizeof(*ev));
		item_pipe_tag(&p->items, n_stacks);
		ev += k;
		n -= k;
	}
}

void event_pipe_add_one(struct event_pipe *p, uint32_t stack, unsigned flags, int64_t bytes,
			int64_t count, size_t n_stacks)
{
	struct event *ev = item_pipe_next(&p->items);

	ev->stack = stack;
	ev->flags = flags;
	ev->bytes = bytes;
	ev->count = count;
	item_pipe_tag(&p->items, n_stacks);
}

void event_pipe_settle(struct event_pipe *p)
{
	item_pipe_settle(&p->items);
}

void event_pipe_stop(struct event_pipe *p)
{
	if (!p)
		return;
	item_pipe_stop(&p->items);
	free(p);
}
