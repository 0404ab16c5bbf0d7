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
	size_t in_place;	/* 1 + the chunk read in its file (a lazy capture), or 0 */
	size_t spilled;		/* 1 + the chunk read in the log's spill, or 0 */
	uint8_t *buf;		/* the current chunk, decompressed (owned) */
	size_t buf_cap;
	void *zctx;		/* decompression context (owned) */
};
void event_cursor_init(struct event_cursor *c, const struct capture *cap, uint64_t ev_idx);
/* Decodes the next event into *ev; false at the end of the log. */
bool event_cursor_next(struct event_cursor *c, struct event *ev);
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

#endif
