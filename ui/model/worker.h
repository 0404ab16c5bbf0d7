/*
 * worker: one job at a time on a thread of its own, so that a long build
 * (a tree of a million nodes, a pass over a billion events) never freezes
 * the explorer.  The explorer starts a job, goes on reading keys and drawing
 * what it has, and polls for the end; the job's result is published by the
 * job itself (explore_build), never touched by the explorer before the end.
 */
#ifndef MT_WORKER_H
#define MT_WORKER_H

#include <stdbool.h>

struct worker;

struct worker *worker_new(void);
/* Waits for the job, if one runs, and frees the worker. */
void worker_free(struct worker *w);
/*
 * Runs fn(ctx) on the worker's thread, described by what ("the bottom-up
 * tree of allocated bytes"; copied).  False when a job is running still
 * (one at a time) or no thread can be made: the caller then runs fn itself.
 */
bool worker_start(struct worker *w, void (*fn)(void *ctx), void *ctx, const char *what);
/* Whether a job has started and not yet been collected by worker_done or worker_wait. */
bool worker_busy(const struct worker *w);
/* True once the job has ended (its thread is then joined): the caller may use its result. */
bool worker_done(struct worker *w);
/* Waits for the job to end (nothing to wait for: returns at once). */
void worker_wait(struct worker *w);
/* Waits up to ms for the job to end; true when it has (as worker_done). */
bool worker_wait_for(struct worker *w, int ms);
/* The running job's description, or "" when none. */
const char *worker_what(const struct worker *w);
/* Milliseconds since the running job started (0 when none). */
long worker_elapsed_ms(const struct worker *w);

#endif
