/*
 * event_pipe: a ring of event batches between a reader and the thread that
 * applies them (event_pipe.h).
 *
 * Batches are numbered from 0 as the reader hands them over; batch k lives
 * in ring[k % PIPE_BATCHES].  The reader fills batch `handed` while fewer
 * than PIPE_BATCHES batches wait (handed - applied < PIPE_BATCHES), so it
 * never writes a batch the thread is reading; the thread applies batch
 * `applied` while applied < handed.  Both counters change under the lock.
 */
#include "event_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "xalloc.h"

struct batch {
	struct event ev[PIPE_EVENTS];
	size_t n;		/* set when the batch is handed over */
	size_t n_stacks;	/* the most stacks any add to it named */
};

struct event_pipe {
	event_apply_fn apply;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* the thread: a batch was handed over, or stop */
	pthread_cond_t done;	/* the reader: a batch was applied */
	size_t handed;		/* batches handed over */
	size_t applied;		/* batches applied */
	size_t filled;		/* (the reader's) events in batch `handed` so far */
	bool stop;
	struct batch ring[PIPE_BATCHES];
};

static void *run(void *arg)
{
	struct event_pipe *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct batch *b;

		while (p->applied == p->handed && !p->stop)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->applied == p->handed)
			break;
		b = &p->ring[p->applied % PIPE_BATCHES];
		pthread_mutex_unlock(&p->lock);
		p->apply(p->ctx, b->ev, b->n, b->n_stacks);
		pthread_mutex_lock(&p->lock);
		p->applied++;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct event_pipe *event_pipe_start(event_apply_fn apply, void *ctx)
{
	struct event_pipe *p = xcalloc(1, sizeof(*p));

	p->apply = apply;
	p->ctx = ctx;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->done, NULL);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pthread_cond_destroy(&p->done);
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

/* A batch to fill: waits until the thread has applied what it held before. */
static __attribute__((noinline)) struct batch *fresh_batch(struct event_pipe *p)
{
	struct batch *b = &p->ring[p->handed % PIPE_BATCHES];

	pthread_mutex_lock(&p->lock);
	while (p->handed - p->applied >= PIPE_BATCHES)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
	b->n_stacks = 0;
	return b;
}

/* The batch being filled (fresh_batch() out of line, so the one-event path stays short). */
static struct batch *filling(struct event_pipe *p)
{
	return p->filled ? &p->ring[p->handed % PIPE_BATCHES] : fresh_batch(p);
}

/* Hands the batch being filled to the thread (when it holds any event). */
static __attribute__((noinline)) void hand_over(struct event_pipe *p)
{
	if (!p->filled)
		return;
	pthread_mutex_lock(&p->lock);
	p->ring[p->handed % PIPE_BATCHES].n = p->filled;
	p->handed++;
	p->filled = 0;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

void event_pipe_add(struct event_pipe *p, const struct event *ev, size_t n, size_t n_stacks)
{
	while (n) {
		struct batch *b = filling(p);
		size_t k = PIPE_EVENTS - p->filled;

		if (k > n)
			k = n;
		memcpy(b->ev + p->filled, ev, k * sizeof(*ev));
		p->filled += k;
		if (n_stacks > b->n_stacks)
			b->n_stacks = n_stacks;
		ev += k;
		n -= k;
		if (p->filled == PIPE_EVENTS)
			hand_over(p);
	}
}

void event_pipe_add_one(struct event_pipe *p, uint32_t stack, unsigned flags, int64_t bytes,
			int64_t count, size_t n_stacks)
{
	struct batch *b = filling(p);
	struct event *ev = &b->ev[p->filled++];

	ev->stack = stack;
	ev->flags = flags;
	ev->bytes = bytes;
	ev->count = count;
	if (n_stacks > b->n_stacks)
		b->n_stacks = n_stacks;
	if (__builtin_expect(p->filled == PIPE_EVENTS, 0))
		hand_over(p);
}

void event_pipe_settle(struct event_pipe *p)
{
	hand_over(p);
	pthread_mutex_lock(&p->lock);
	while (p->applied != p->handed)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void event_pipe_stop(struct event_pipe *p)
{
	if (!p)
		return;
	event_pipe_settle(p);
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
