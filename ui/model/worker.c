/*
 * worker: a thread per job, joined when the explorer collects it.  Jobs are
 * seconds long at most and few, so a thread each costs nothing worth a pool.
 */
#include "worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "xalloc.h"

struct worker {
	pthread_t thread;
	bool running;		/* a thread was started and not joined */
	atomic_bool ended;	/* the job returned */
	void (*fn)(void *ctx);
	void *ctx;
	char what[160];
	struct timespec started;
};

struct worker *worker_new(void)
{
	return xcalloc(1, sizeof(struct worker));
}

void worker_free(struct worker *w)
{
	if (!w)
		return;
	worker_wait(w);
	free(w);
}

static void *run(void *arg)
{
	struct worker *w = arg;

	w->fn(w->ctx);
	atomic_store(&w->ended, true);
	return NULL;
}

bool worker_start(struct worker *w, void (*fn)(void *ctx), void *ctx, const char *what)
{
	if (w->running)
		return false;
	w->fn = fn;
	w->ctx = ctx;
	snprintf(w->what, sizeof(w->what), "%s", what);
	atomic_store(&w->ended, false);
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	if (pthread_create(&w->thread, NULL, run, w) != 0)
		return false;
	w->running = true;
	return true;
}

bool worker_busy(const struct worker *w)
{
	return w->running;
}

bool worker_done(struct worker *w)
{
	if (!w->running || !atomic_load(&w->ended))
		return false;
	pthread_join(w->thread, NULL);
	w->running = false;
	return true;
}

void worker_wait(struct worker *w)
{
	if (!w->running)
		return;
	pthread_join(w->thread, NULL);
	w->running = false;
}

bool worker_wait_for(struct worker *w, int ms)
{
	struct timespec tick = { 0, 1000000 };

	for (int i = 0; i < ms && w->running && !atomic_load(&w->ended); i++)
		nanosleep(&tick, NULL);
	return worker_done(w);
}

const char *worker_what(const struct worker *w)
{
	return w->running ? w->what : "";
}

long worker_elapsed_ms(const struct worker *w)
{
	struct timespec now;

	if (!w->running)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - w->started.tv_sec) * 1000 +
	       (now.tv_nsec - w->started.tv_nsec) / 1000000;
}
