/*
 * input_pipe: a ring of decoded blocks between one decoding thread and one
 * reader, under a mutex and two condition variables.  Blocks are large
 * (a mutex round trip per MiB costs nothing beside the decoding).
 */
#include "input_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct block {
	uint8_t *data;
	size_t len;
	bool last;		/* the stream ends after this block */
	struct stream_status st;
};

struct input_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled;	/* a block was added: the reader may go on */
	pthread_cond_t freed;	/* a block was used up: the thread may go on */
	struct block ring[PIPE_BLOCKS];
	unsigned head, count;	/* the reader's block, and blocks ready from it */
	bool stop;		/* the reader is closing */
	bool ended;		/* the thread decoded its last block */
	size_t pos;		/* bytes of the head block copied out */
	pipe_decode_fn decode;
	void *ctx;
};

static void *run(void *arg)
{
	struct input_pipe *p = arg;
	unsigned tail = 0;

	for (;;) {
		struct block *b;

		pthread_mutex_lock(&p->mu);
		while (p->count == PIPE_BLOCKS && !p->stop)
			pthread_cond_wait(&p->freed, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		pthread_mutex_unlock(&p->mu);
		/* The ring is not full, so the reader is not using block tail. */
		b = &p->ring[tail];
		b->len = p->decode(p->ctx, b->data, PIPE_BLOCK, &b->st);
		b->last = b->len < PIPE_BLOCK;
		pthread_mutex_lock(&p->mu);
		p->count++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->mu);
		if (b->last)
			return NULL;
		tail = (tail + 1) % PIPE_BLOCKS;
	}
}

/* Frees what input_pipe_start made (the thread is not running). */
static void pipe_free(struct input_pipe *p)
{
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->freed);
	for (unsigned i = 0; i < PIPE_BLOCKS; i++)
		free(p->ring[i].data);
	free(p);
}

struct input_pipe *input_pipe_start(pipe_decode_fn decode, void *ctx)
{
	struct input_pipe *p = xcalloc(1, sizeof(*p));

	p->decode = decode;
	p->ctx = ctx;
	for (unsigned i = 0; i < PIPE_BLOCKS; i++)
		p->ring[i].data = xmalloc(PIPE_BLOCK);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		pipe_free(p);
		return NULL;
	}
	return p;
}

/* The head block, once the thread has made it. */
static struct block *head_block(struct input_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (!p->count)
		pthread_cond_wait(&p->filled, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return &p->ring[p->head];
}

/* Goes n bytes on in head block b; a block used up goes back to the thread. */
static void advance(struct input_pipe *p, struct block *b, size_t n, struct stream_status *st)
{
	p->pos += n;
	if (p->pos < b->len)
		return;
	/* Used up: its status is now the reader's, and the thread may refill it. */
	*st = b->st;
	p->ended = b->last;
	p->pos = 0;
	p->head = (p->head + 1) % PIPE_BLOCKS;
	pthread_mutex_lock(&p->mu);
	p->count--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mu);
}

size_t input_pipe_read(struct input_pipe *p, uint8_t *dst, size_t room,
		       struct stream_status *st)
{
	size_t done = 0;

	while (done < room && !p->ended) {
		struct block *b = head_block(p);
		size_t n = b->len - p->pos < room - done ? b->len - p->pos : room - done;

		memcpy(dst + done, b->data + p->pos, n);
		done += n;
		advance(p, b, n, st);
		if (p->pos)
			break;	/* room is full, inside the block */
	}
	return done;
}

size_t input_pipe_peek(struct input_pipe *p, const uint8_t **data, struct stream_status *st)
{
	while (!p->ended) {
		struct block *b = head_block(p);

		if (p->pos < b->len) {
			*data = b->data + p->pos;
			return b->len - p->pos;
		}
		advance(p, b, 0, st);	/* an empty block: the stream's last */
	}
	return 0;
}

void input_pipe_skip(struct input_pipe *p, size_t n, struct stream_status *st)
{
	if (n)
		advance(p, &p->ring[p->head], n, st);
}

void input_pipe_stop(struct input_pipe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pipe_free(p);
}
