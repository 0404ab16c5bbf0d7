/*
 * item_pipe: the ring of batches between a producer and the thread that
 * applies them (item_pipe.h).
 *
 * Batches are numbered from 0 as the producer hands them over; batch k lives
 * in slot k % n_batches of the ring.  The producer fills batch `handed`
 * while fewer than n_batches batches wait (handed - applied < n_batches),
 * so it never writes a batch the thread is reading; the thread applies
 * batch `applied` while applied < handed.  Both counters change under the
 * lock.
 */
#include "item_pipe.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xalloc.h"

struct batch_head {
	size_t n;		/* items, set when the batch is handed over */
	uint64_t tag;
};

struct item_ring {
	item_apply_fn apply;
	void *ctx;
	size_t batch_items, n_batches, item_size;
	uint8_t *items;		/* n_batches * batch_items items */
	struct batch_head *heads;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* the thread: a batch was handed over, or stop */
	pthread_cond_t done;	/* the producer: a batch was applied */
	size_t handed;		/* batches handed over */
	size_t applied;		/* batches applied */
	bool filling;		/* (the producer's) batch `handed` is open */
	bool stop;
};

static uint8_t *batch_items(const struct item_ring *r, size_t k)
{
	return r->items + (k % r->n_batches) * r->batch_items * r->item_size;
}

static void *run(void *arg)
{
	struct item_ring *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct batch_head *h;
		uint8_t *items;

		while (r->applied == r->handed && !r->stop)
			pthread_cond_wait(&r->wake, &r->lock);
		if (r->applied == r->handed)
			break;
		h = &r->heads[r->applied % r->n_batches];
		items = batch_items(r, r->applied);
		pthread_mutex_unlock(&r->lock);
		r->apply(r->ctx, items, h->n, h->tag);
		pthread_mutex_lock(&r->lock);
		r->applied++;
		pthread_cond_signal(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Frees the ring once its thread is gone (or was never made). */
static void ring_free(struct item_ring *r)
{
	pthread_cond_destroy(&r->done);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r->heads);
	free(r->items);
	free(r);
}

bool item_pipe_start(struct item_pipe *p, size_t item_size, size_t batch_items,
		     size_t n_batches, item_apply_fn apply, void *ctx)
{
	struct item_ring *r = xcalloc(1, sizeof(*r));

	r->apply = apply;
	r->ctx = ctx;
	r->batch_items = batch_items;
	r->n_batches = n_batches;
	r->item_size = item_size;
	r->items = xcalloc(n_batches * batch_items, item_size);
	r->heads = xcalloc(n_batches, sizeof(*r->heads));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_cond_init(&r->done, NULL);
	if (pthread_create(&r->thread, NULL, run, r) != 0) {
		ring_free(r);
		return false;
	}
	*p = (struct item_pipe){ NULL, NULL, item_size, 0, r };
	return true;
}

/* Hands the open batch over, with the items written into it. */
static void hand_over(struct item_pipe *p)
{
	struct item_ring *r = p->ring;
	uint8_t *start = batch_items(r, r->handed);
	size_t n = (size_t)(p->next - start) / r->item_size;

	r->filling = false;
	p->next = p->end = NULL;
	if (!n)
		return;
	pthread_mutex_lock(&r->lock);
	r->heads[r->handed % r->n_batches] = (struct batch_head){ n, p->tag };
	r->handed++;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	p->tag = 0;
}

void item_pipe_turn(struct item_pipe *p)
{
	struct item_ring *r = p->ring;

	if (r->filling)
		hand_over(p);
	pthread_mutex_lock(&r->lock);
	while (r->handed - r->applied >= r->n_batches)
		pthread_cond_wait(&r->done, &r->lock);
	pthread_mutex_unlock(&r->lock);
	r->filling = true;
	p->next = batch_items(r, r->handed);
	p->end = p->next + r->batch_items * r->item_size;
}

void item_pipe_settle(struct item_pipe *p)
{
	struct item_ring *r = p->ring;

	if (r->filling)
		hand_over(p);
	pthread_mutex_lock(&r->lock);
	while (r->applied != r->handed)
		pthread_cond_wait(&r->done, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

void item_pipe_stop(struct item_pipe *p)
{
	struct item_ring *r = p->ring;

	item_pipe_settle(p);
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	ring_free(r);
	p->ring = NULL;
}
