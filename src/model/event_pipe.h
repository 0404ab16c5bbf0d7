/*
 * event_pipe: a capture's events applied on a thread of their own.
 *
 * Encoding an event into the log and adding it to the running figures is a
 * third of reading a big capture.  A reader that streams a file hands its
 * events to the pipe (an item_pipe.h of events) in batches of PIPE_EVENTS,
 * a chunk's worth; the pipe's thread applies them, in order, while the
 * reader parses on.  Memory stays bounded (6 MiB): the reader waits while
 * all PIPE_BATCHES batches are full.
 *
 * Each batch is tagged with how many stacks the capture had when events
 * were added to it (every stack its events name is below that), so the
 * thread never looks at the stacks the reader is still adding.
 */
#ifndef MT_EVENT_PIPE_H
#define MT_EVENT_PIPE_H

#include <stddef.h>

#include "eventlog.h"

#define PIPE_EVENTS 65536
#define PIPE_BATCHES 4

/* Applies events ev[0..n) of a capture that has n_stacks stacks; runs on the thread. */
typedef void (*event_apply_fn)(void *ctx, const struct event *ev, size_t n, size_t n_stacks);

struct event_pipe;

/* Starts the thread; NULL when none can be made (the caller applies events itself). */
struct event_pipe *event_pipe_start(event_apply_fn apply, void *ctx);
/* Hands ev[0..n) over (copied), waiting while every batch is full. */
void event_pipe_add(struct event_pipe *p, const struct event *ev, size_t n, size_t n_stacks);
/*
 * Hands one event over, given by its fields: they are stored straight into
 * the batch (an event built in memory first and copied from there stalls
 * on every copy: the copy's wide loads cannot take the narrow stores'
 * values on their way).
 */
void event_pipe_add_one(struct event_pipe *p, uint32_t stack, unsigned flags, int64_t bytes,
			int64_t count, size_t n_stacks);
/* Returns once every event handed over has been applied. */
void event_pipe_settle(struct event_pipe *p);
/* Settles, stops the thread and frees the pipe; NULL is allowed. */
void event_pipe_stop(struct event_pipe *p);

#endif
