/*
 * eventlog: the capture's event log, as consumers read it.
 *
 * Every allocation and free is one event: a signed delta of one stack's live
 * bytes and count.  Events are stored in order, chunked and compressed
 * (capture_impl.h says how); a cursor decodes them forward from any index,
 * and the live heap at any index is one checkpoint plus a short replay.
 */
#ifndef MT_EVENTLOG_H
#define MT_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "capture.h"

/*
 * The log's geometry: events are stored in chunks of EVENTS_PER_CHUNK
 * (capture_impl.h has the encoding), and the live figures of every stack are
 * kept before every CHECKPOINT_EVENTS-th event.  The .mtui format stores both
 * as they are (docs/FORMAT.md).
 */
#define EVENTS_PER_CHUNK (1u << 16)
#define CHECKPOINT_EVENTS (1u << 20)

enum event_flags {
	EV_ALLOC = 1 << 0,	/* an allocation call: counts in the totals */
	EV_TEMPORARY = 1 << 1,	/* a free of a temporary allocation (tool's rule) */
};
/*
 * A reader says which allocator made an EV_ALLOC event (enum allocator) in
 * the flags it gives capture_builder_event: EV_ALLOC | EV_ALLOCATOR(a).  The
 * log does not keep it; the builder sums it into the capture's allocator
 * table (capture_allocator_calls).
 */
#define EV_ALLOCATOR(a) ((unsigned)(a) << 8)
#define EV_ALLOCATOR_OF(flags) ((flags) >> 8 & 0xffu)

/* One decoded event of the log. */
struct event {
	uint32_t stack;
	unsigned flags;		/* enum event_flags */
	int64_t bytes;
	int64_t count;
};

/*
 * A forward cursor over the event log.  Cheap to make; positions at any index
 * by jumping to the containing chunk.  Valid while the capture lives.
 */
struct event_cursor {
	const struct capture *cap;
	uint64_t ev_idx;	/* index of the event the next call returns */
	size_t chunk;
	const uint8_t *p, *end;
	uint64_t chunk_end;	/* index of the first event after the current chunk */
	uint64_t inline_end;	/* chunk_end, or the log's end when sooner */
	size_t n_stacks;	/* the capture's at init (the inline path checks stacks by it) */
	size_t in_place;	/* 1 + the chunk read in its file (a lazy capture), or 0 */
	size_t spilled;		/* 1 + the chunk read in the log's spill, or 0 */
	uint8_t *buf;		/* the current chunk, decompressed (owned) */
	size_t buf_cap;
	void *zctx;		/* decompression context (owned) */
};
void event_cursor_init(struct event_cursor *c, const struct capture *cap, uint64_t ev_idx);
/*
 * Decodes the event at *p (before end) into *ev and moves *p past it; false
 * when the bytes there are not an event (a varint running past end or past
 * 64 bits, bytes of INT64_MIN, a count beyond int32).  Stack ids are not
 * checked here.
 */
static inline bool eventlog_decode(const uint8_t **p, const uint8_t *end, struct event *ev)
{
	struct rd r = { *p, end };
	uint64_t head, zb, zc;

	if (!rd_varint(&r, &head) || !rd_varint(&r, &zb) || head >> 35)
		return false;
	ev->stack = (uint32_t)(head >> 3);
	ev->flags = (unsigned)(head >> 1) & 3;
	ev->bytes = zigzag_decode(zb);
	if (ev->bytes == INT64_MIN)
		return false;
	if (head & 1) {
		ev->count = (ev->flags & EV_ALLOC) ? 1 : -1;
	} else {
		if (!rd_varint(&r, &zc))
			return false;
		ev->count = zigzag_decode(zc);
		if (ev->count < INT32_MIN || ev->count > INT32_MAX)
			return false;
	}
	*p = r.p;
	return true;
}
/* event_cursor_next past the inline case: a chunk to load, the end, damage. */
bool event_cursor_next_slow(struct event_cursor *c, struct event *ev);
/*
 * Decodes the next event into *ev; false at the end of the log.  Inline for
 * the common case, an event of the current chunk, since every pass over the
 * log calls it for every event.
 */
static inline bool event_cursor_next(struct event_cursor *c, struct event *ev)
{
	const uint8_t *p = c->p;

	if (c->ev_idx < c->inline_end && p != c->end && eventlog_decode(&p, c->end, ev) &&
	    ev->stack < c->n_stacks) {
		c->p = p;
		c->ev_idx++;
		return true;
	}
	return event_cursor_next_slow(c, ev);
}
/*
 * Why the event log could not be read to its end, or NULL.  Only a capture
 * whose chunks are read lazily from its file (a .mtui opened by the
 * explorer) can find damage after loading: a chunk whose checksum fails or
 * that does not decode ends every cursor at its first event, and the figures
 * computed over it are short.  Thread-safe.
 */
const char *capture_damage(const struct capture *cap);
/* Frees the cursor's buffer; the cursor can be initialised again. */
void event_cursor_release(struct event_cursor *c);

/*
 * The stored log, for writing it out as it is: chunk k holds events
 * [k * EVENTS_PER_CHUNK, + n_events), encoded (docs/FORMAT.md section 8),
 * zstd-compressed when compressed is set.
 */
struct chunk_view {
	const uint8_t *data;
	uint32_t len;		/* stored bytes */
	uint32_t raw_len;	/* encoded bytes */
	uint32_t n_events;
	bool compressed;
};
size_t capture_chunk_count(const struct capture *cap);
void capture_chunk(const struct capture *cap, size_t k, struct chunk_view *out);
/* The caller is done with capture_chunk's view of chunk k: its pages may leave memory. */
void capture_chunk_done(const struct capture *cap, size_t k);

/* A checkpoint: the live figures of every stack with nonzero ones, sorted by stack. */
struct checkpoint_entry {
	uint32_t stack;
	int64_t bytes;
	int64_t count;
};
/* Checkpoint k holds the figures before event k * CHECKPOINT_EVENTS. */
size_t capture_checkpoint_count(const struct capture *cap);
const struct checkpoint_entry *capture_checkpoint(const struct capture *cap, size_t k,
						  size_t *n);

/*
 * Per-stack live figures after event ev_idx (inclusive), or before any event
 * when ev_idx is UINT64_MAX.  Starts from the nearest checkpoint and replays.
 * bytes and count are arrays of capture_stack_count() entries owned by the
 * caller (zeroed here).
 */
void capture_live_at(const struct capture *cap, uint64_t ev_idx, int64_t *bytes, int64_t *count);
/*
 * The live figures at the peak, when the capture keeps them per stack for
 * every stack (a streamed capture): true, with *bytes and *count the
 * capture's own arrays (capture_stack_count() entries, read only).
 */
bool capture_peak_figures(const struct capture *cap, const int64_t **bytes,
			  const int64_t **count);
/*
 * The live figures after the last event, when the capture keeps them as the
 * entries of the stacks that have any (a streamed capture): true, with
 * *entries the capture's own (stack order; NULL when *n is 0).
 */
bool capture_end_entries(const struct capture *cap, const struct checkpoint_entry **entries,
			 size_t *n);

#endif
