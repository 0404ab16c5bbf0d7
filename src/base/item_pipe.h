/*
 * item_pipe: items of one fixed size handed, in batches and in order, from
 * one thread to a thread of its own that applies them.
 *
 * The producer takes a slot at a time (item_pipe_next) and writes the item
 * into it in place; a batch goes over when it is full, or at a settle.  The
 * ring holds a fixed number of batches, so memory stays bounded: the
 * producer waits while every batch is full.  Batches should be big (a
 * hand-over may wake the thread: 4096 events a batch made churn 50 M load in
 * 1.69 s, 65536 made it 1.26 s).  Each batch carries a tag, the largest the
 * producer gave while filling it (the event pipe's: how many stacks its
 * events may name).
 */
#ifndef MT_ITEM_PIPE_H
#define MT_ITEM_PIPE_H

#include <stddef.h>
#include <stdint.h>

/* Applies items[0..n) of a batch tagged tag; runs on the pipe's thread. */
typedef void (*item_apply_fn)(void *ctx, void *items, size_t n, uint64_t tag);

struct item_ring;

/* The producer's side, inline; the ring and the thread are behind ring. */
struct item_pipe {
	uint8_t *next;		/* the next free slot of the batch being filled */
	uint8_t *end;		/* past its last slot; next == end: full, or none yet */
	size_t item_size;
	uint64_t tag;		/* the batch's tag so far */
	struct item_ring *ring;
};

/*
 * Starts the thread with batches of batch_items items of item_size bytes,
 * n_batches of them; false when no thread can be made (p is then unused).
 */
_Bool item_pipe_start(struct item_pipe *p, size_t item_size, size_t batch_items,
		      size_t n_batches, item_apply_fn apply, void *ctx);
/* Hands the full batch over (if any) and opens the next, waiting for room. */
void item_pipe_turn(struct item_pipe *p);

/* The slot of the next item, to be written before the next call on p. */
static inline void *item_pipe_next(struct item_pipe *p)
{
	void *slot;

	if (__builtin_expect(p->next == p->end, 0))
		item_pipe_turn(p);
	slot = p->next;
	p->next += p->item_size;
	return slot;
}

/* Slots for up to n items in a row, *got of them (at least one), as item_pipe_next's. */
static inline void *item_pipe_next_n(struct item_pipe *p, size_t n, size_t *got)
{
	size_t room;
	void *slot;

	if (p->next == p->end)
		item_pipe_turn(p);
	room = (size_t)(p->end - p->next) / p->item_size;
	*got = n < room ? n : room;
	slot = p->next;
	p->next += *got * p->item_size;
	return slot;
}

/* Raises the tag of the batch being filled to at least tag. */
static inline void item_pipe_tag(struct item_pipe *p, uint64_t tag)
{
	if (tag > p->tag)
		p->tag = tag;
}

/* Hands over what was written and returns once all of it has been applied. */
void item_pipe_settle(struct item_pipe *p);
/* Settles, stops the thread and frees the ring. */
void item_pipe_stop(struct item_pipe *p);

#endif
