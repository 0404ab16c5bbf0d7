/*
 * capture_impl: the layout of struct capture, private to capture.c,
 * capture_builder.c and eventlog.c.  Consumers use capture.h and eventlog.h.
 */
#ifndef MT_CAPTURE_IMPL_H
#define MT_CAPTURE_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "capture.h"
#include "eventlog.h"
#include "hashmap.h"
#include "spill.h"
#include "stack_index.h"
#include "strtab.h"
#include "vec.h"

/*
 * Event log layout (EVENTS_PER_CHUNK and CHECKPOINT_EVENTS are in eventlog.h):
 * events are grouped in chunks of EVENTS_PER_CHUNK; chunk k
 * holds events [k * EVENTS_PER_CHUNK, (k+1) * EVENTS_PER_CHUNK).  Each event is
 *	varint(stack << 3 | flags << 1 | count_is_default)  svarint(bytes)  [svarint(count)]
 * where the default count is +1 for EV_ALLOC events and -1 otherwise.
 * A checkpoint every CHECKPOINT_EVENTS holds the live figures of every stack
 * with a nonzero value *before* its first event, so a snapshot costs one
 * checkpoint plus at most CHECKPOINT_EVENTS decoded events.
 */
#define EVENT_MAX_BYTES 31	/* 10 + 10 + 10, rounded up */

/*
 * Where sealed chunks go.  From the second one on, a log being built spills
 * them to a temporary file (spill.h) as they are, and maps the file when it
 * is finished: memory then grows with stacks, not events, and no CPU goes
 * into compressing (zstd level 1 took a fifth of a heaptrack load).  The
 * first chunk, and every chunk when no temporary file can be made, stays on
 * the heap, zstd-compressed (level CHUNK_ZSTD_LEVEL) when that saves space
 * (event streams are repetitive: typically 2-4x).  A cursor decodes one
 * chunk at a time.
 */
#define CHUNK_ZSTD_LEVEL 1
struct event_chunk {
	uint8_t *data;		/* NULL: in the backing, or spilled and not yet mapped */
	uint32_t len;		/* stored bytes */
	uint32_t raw_len;	/* encoded bytes before compression */
	bool compressed;	/* data is a zstd frame of raw_len bytes */
	bool borrowed;		/* data lies in the backing or the spill's map (not freed) */
	bool spilled;		/* stored in the log's spill at spill_off */
	uint64_t spill_off;
};

/*
 * A capture whose chunks lie in a file mapped by its reader (a .mtui opened
 * lazily): the reader's state, freed with the capture, and where chunk k is
 * (its struct event_chunk has no data).  load_chunk checks the chunk's
 * section too when verify is set, which the cursor asks the first time it
 * reads it.  A chunk that fails, or does not decode, is damage: the cursor
 * ends there and capture_damage() says where.
 */
struct capture_backing {
	void *ctx;
	void (*release)(void *ctx);
	/* Fills *out; NULL, or why chunk k is damaged (a static string). */
	const char *(*load_chunk)(void *ctx, size_t k, bool verify, struct chunk_view *out);
	/* A cursor is done with chunk k: its pages may leave memory (NULL: nothing to do). */
	void (*done_chunk)(void *ctx, size_t k);
	_Atomic unsigned char *checked;	/* per chunk: 0 not yet, 1 good, 2 damaged */
	_Atomic(const char *) damage;	/* the first damage found, or NULL */
};

struct checkpoint {
	struct checkpoint_entry *entries;	/* sorted by stack */
	size_t n;
};

struct eventlog {
	struct vec chunks;		/* struct event_chunk */
	struct vec checkpoints;		/* struct checkpoint, one per CHECKPOINT_EVENTS */
	struct spill spill;		/* the chunks spilled while writing */
	struct streamed_live *streamed;	/* a streamed log (no chunks): its two moments; or NULL */
};

/*
 * A streamed log (eventlog_writer_stream) keeps no events, only the live
 * figures of its stacks at two moments: after the peak's event, per stack
 * (n entries; a stack past them has none), and after the last event, as
 * the entries of the stacks that have any, in stack order (a compiler's
 * leaks are on a few per cent of its stacks).
 */
struct streamed_live {
	int64_t *peak_bytes, *peak_count;
	size_t n;
	struct checkpoint_entry *end;
	size_t n_end;
};

/*
 * What appending needs besides the log: the chunk being filled, reused
 * buffers for compressing it, and every stack's live figures so far (the
 * next checkpoint's content).  Zeroed is empty.
 */
struct eventlog_writer {
	uint8_t *chunk;			/* the encoded events of the open chunk */
	size_t chunk_len, chunk_cap;
	uint8_t *zbuf;			/* compression output, reused */
	size_t zbuf_cap;
	void *zctx;			/* ZSTD_CCtx, reused */
	int64_t *live_bytes;		/* per stack */
	int64_t *live_count;
	size_t live_cap;		/* entries allocated in live_*, peak_* and changed */
	/*
	 * Streamed (eventlog_writer_stream): no chunks or checkpoints, but
	 * every stack's live figures after the peak's event, kept up to date
	 * by copying, at each new peak, those of the stacks whose figures
	 * changed since the last (each listed once, so the list is bounded by
	 * the stacks, whatever the events between two peaks).
	 */
	bool streamed;
	int64_t *peak_bytes, *peak_count;
	uint64_t *changed;		/* a bit per stack: in the list */
	uint32_t *changed_list;		/* grown as needed: most runs change few stacks */
	size_t n_changed, changed_cap;
};

struct capture {
	struct capture_meta meta;
	struct strtab strings;
	struct vec frames;		/* struct frame */
	struct vec stacks;		/* struct stack_node; [0] is the root */
	struct stack_index stack_index;	/* (parent, frame) -> stack id */
	uint32_t thread_stacks;		/* stacks that are a thread frame under the root */
	struct eventlog log;
	struct vec time_marks;		/* struct time_mark, ev_idx non-decreasing */
	struct vec rss;			/* struct rss_sample */
	struct vec stage_marks;		/* struct stage_mark */
	struct vec coverage;		/* struct symbol_coverage */
	struct capture_totals totals;
	int64_t *calls_count;		/* capture_stack_calls(), or all four NULL */
	int64_t *calls_bytes;
	int64_t *calls_temporary;
	int64_t *calls_temporary_bytes;	/* or NULL (struct stack_calls) */
	struct leak *leaks;		/* capture_leaks(), or NULL: no table */
	size_t n_leaks;
	struct allocator_calls *allocators;	/* capture_allocator_calls(), or NULL */
	size_t n_allocators;
	struct capture_backing backing;	/* ctx NULL: the capture owns all its data */
	atomic_uint owners;		/* capture_ref() adds one, capture_free() drops one */
};

void capture_init(struct capture *cap);

void eventlog_init(struct eventlog *log);
void eventlog_release(struct eventlog *log);
/*
 * Appends ev as event ev_idx (the log's next) of a capture of n_stacks
 * stacks: a checkpoint first when ev_idx is a multiple of CHECKPOINT_EVENTS,
 * a sealed chunk when the open one is full.
 */
void eventlog_append(struct eventlog *log, struct eventlog_writer *w, uint64_t ev_idx,
		     size_t n_stacks, const struct event *ev);
/*
 * Appends ev[0..n) as events ev_idx, ev_idx + 1, ... when they all fall
 * inside one chunk and none starts it (so no checkpoint or seal is due):
 * what n eventlog_append() calls would do, at less cost per event.
 */
void eventlog_append_run(struct eventlog_writer *w, uint64_t ev_idx, size_t n_stacks,
			 const struct event *ev, size_t n);
/* Seals the open chunk and frees what w holds (w is empty again). */
void eventlog_finish(struct eventlog *log, struct eventlog_writer *w);
/* Frees what w holds without sealing (an abandoned capture). */
void eventlog_writer_release(struct eventlog_writer *w);
/* Before appending event ev_idx: the checkpoint due there, if any. */
void eventlog_checkpoint_due(struct eventlog *log, struct eventlog_writer *w, uint64_t ev_idx,
			     size_t n_stacks);
/* Makes w's live figures cover n_stacks stacks. */
void eventlog_writer_live(struct eventlog_writer *w, size_t n_stacks);

/* Makes w a streamed writer (before its first event): eventlog_stream, not eventlog_append. */
void eventlog_writer_stream(struct eventlog_writer *w);
/* A streamed writer's next events ev[0..n), of a capture of n_stacks stacks. */
void eventlog_stream(struct eventlog_writer *w, size_t n_stacks, const struct event *ev,
		     size_t n);
/* The moment after the last event streamed is the peak. */
void eventlog_stream_peak(struct eventlog_writer *w);
/* The streamed log's two moments into log, from w (which is then empty). */
void eventlog_stream_finish(struct eventlog *log, struct eventlog_writer *w);
/*
 * The same for a log whose figures were summed elsewhere (a keyed capture's,
 * event_keys.h), w having taken no event: the peak's per stack (n entries
 * each) and the end's entries (stack order), which log now owns.
 */
void eventlog_stream_finish_summed(struct eventlog *log, struct eventlog_writer *w,
				   int64_t *peak_bytes, int64_t *peak_count, size_t n,
				   struct checkpoint_entry *end, size_t n_end);

/*
 * The encoded events of ch: ch->data itself, or ch decompressed into *buf
 * (grown as needed, owned by the caller, as is *zctx, a ZSTD_DCtx made on
 * first use).  NULL when a compressed chunk does not decode to exactly
 * raw_len bytes.
 */
const uint8_t *eventlog_chunk_bytes(const struct event_chunk *ch, void **zctx, uint8_t **buf,
				    size_t *buf_cap);

#endif
