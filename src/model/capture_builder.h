/*
 * capture_builder: the one sink every reader writes into.
 *
 * A reader turns its file format into calls on a builder and knows nothing
 * else of memtui.  The builder interns strings, frames and call stacks, appends
 * events to the capture's compact event log, and keeps the running totals.
 * capture_builder_finish() hands back the immutable struct capture.
 *
 * Ids: string 0 is "", stack 0 is the root (empty call path).  Frames and
 * stacks are interned: the same frame or (parent, frame) pair gives the same id.
 *
 * A typical call sequence (a malloc of 64 bytes in g called from f, freed later):
 *
 *	struct capture_builder *b = capture_builder_new();
 *	struct capture_meta *m = capture_builder_meta(b);
 *	m->format = "heaptrack"; ...
 *	uint32_t fn = capture_builder_string(b, "f", 1), file = ...;
 *	uint32_t ff = capture_builder_frame(b, &(struct frame){ .function = fn, ... });
 *	uint32_t sf = capture_builder_stack(b, 0, ff);          // root -> f
 *	uint32_t sg = capture_builder_stack(b, sf, fg);         // f -> g
 *	capture_builder_time(b, 13);                            // events from here are at 13 ms
 *	capture_builder_event(b, sg, 64, 1, EV_ALLOC);          // allocation
 *	capture_builder_event(b, sg, -64, -1, 0);               // its free
 *	capture_builder_rss(b, 20, 933 * 4096);
 *	struct capture *cap = capture_builder_finish(b);        // b is gone
 *
 * Frees are resolved by the reader: an event names the stack that made the
 * allocation.  Events never fail; a reader checks its own ids before calling
 * (an out-of-range stack id is a BUG()).
 */
#ifndef MT_CAPTURE_BUILDER_H
#define MT_CAPTURE_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "event_keys.h"
#include "eventlog.h"

struct capture_builder;

struct capture_builder *capture_builder_new(void);
/* Discards an unfinished capture. */
void capture_builder_free(struct capture_builder *b);
/* Seals the log, builds checkpoints, frees b and returns the capture (owned by the caller). */
struct capture *capture_builder_finish(struct capture_builder *b);

/* The capture's metadata, for the reader to fill in (strings via capture_meta_set_str). */
struct capture_meta *capture_builder_meta(struct capture_builder *b);

uint32_t capture_builder_string(struct capture_builder *b, const char *s, size_t len);
uint32_t capture_builder_cstring(struct capture_builder *b, const char *s);
/* The text of string id ("" for an unknown id), valid until the next string is interned. */
const char *capture_builder_string_text(const struct capture_builder *b, uint32_t id);
uint32_t capture_builder_frame(struct capture_builder *b, const struct frame *f);
/* The stack id of parent's call path extended by frame (0 <= parent < stack count). */
uint32_t capture_builder_stack(struct capture_builder *b, uint32_t parent, uint32_t frame);
/*
 * The root stack of thread tid: its thread frame under the root, under which
 * a reader builds that thread's call paths (capture.h, "Threads").
 */
uint32_t capture_builder_thread_stack(struct capture_builder *b, uint64_t tid);

/*
 * Appends one event: bytes and count are signed deltas of the live heap of
 * stack.  flags: EV_ALLOC for an allocation call (counted in totals; bytes is
 * its size, count normally 1), EV_TEMPORARY on a free that the tool counts
 * as freeing a temporary allocation.  A free is bytes < 0, count -1; a partial
 * munmap that splits a mapping in two is bytes < 0, count +1.
 */
void capture_builder_event(struct capture_builder *b, uint32_t stack, int64_t bytes,
			   int32_t count, unsigned flags);
/*
 * Appends ev[0..n) in order, each as capture_builder_event(b, stack, bytes,
 * count, flags) would (count fits in 32 bits), at less cost per event: for
 * a reader that has a run of events at hand.
 */
void capture_builder_event_run(struct capture_builder *b, const struct event *ev, size_t n);
/*
 * Keys, for a reader of a streamed capture (capture_builder_streamed) whose
 * events repeat a few (stack, bytes) pairs (heaptrack's allocation infos):
 * it defines each pair once as a key (ids 0, 1, ... in order; stack below
 * the stacks so far, bytes >= 0) and gives its events as key events
 * (event_keys.h, KEY_EVENT(key, kind)), each exactly the event
 * capture_builder_event(b, stack, +-bytes, +-1, EV_ALLOC or EV_TEMPORARY or
 * 0) would be.  They are handed over 4 bytes each (to a thread of their own
 * when the builder is threaded), summed per key and folded into the stacks
 * at capture_builder_finish (so nothing that reads live figures before it,
 * such as capture_builder_live_equal, may follow them).  Only for a
 * streamed capture, which takes key events or plain ones, never both (a
 * BUG() otherwise): a capture that keeps its log takes the events.
 * capture_builder_key returns the new key, or UINT32_MAX once
 * EVENT_KEYS_MAX are defined.  As with events, the reader keeps the sum of
 * its events' bytes within INT64_MAX.
 */
uint32_t capture_builder_key(struct capture_builder *b, uint32_t stack, int64_t bytes);
void capture_builder_key_run(struct capture_builder *b, const uint32_t *ev, size_t n);
/*
 * Keeps no event log, before the first event: the capture then answers
 * capture_live_at at its peak and after its last event alone (a plain
 * report's snapshots), and no view or cache that reads events can take it.
 * Memory and time go to the stacks, not the events.  Event chunks and a
 * backing (a .mtui) come whole: they are kept as ever.
 */
void capture_builder_streamed(struct capture_builder *b);
/*
 * Whether the capture keeps no event log (so far): a reader may then skip
 * what only the log's readers use, such as a leak table it has to build.
 */
bool capture_builder_is_streamed(const struct capture_builder *b);
/*
 * Lets the builder apply events on a thread of its own (event_pipe.h), from
 * the first event on, for a reader that streams a file: every call stays
 * the same, and any that reads what the events make (totals, live figures,
 * finish) first waits for the thread.  Not for event chunks.
 */
void capture_builder_threaded(struct capture_builder *b);
/* Whether capture_builder_threaded was called. */
bool capture_builder_is_threaded(const struct capture_builder *b);
/*
 * For a reader that makes its events on a thread of its own while it makes
 * stacks on another: from now on, until the next call, events are made on
 * the calling thread and each names a stack below n_stacks, and the event
 * calls read nothing of the stacks (whose thread may be adding to them).
 * 0 ends it (called from the stacks' thread once the other has stopped).
 */
void capture_builder_events_from(struct capture_builder *b, size_t n_stacks);

/* From now on events happen at time_ms (milliseconds since the capture started). */
void capture_builder_time(struct capture_builder *b, int64_t time_ms);
/*
 * A resident-set-size sample.  One above 2^48 bytes (256 TiB) is damage: it
 * is dropped and the capture flagged inconsistent.
 */
void capture_builder_rss(struct capture_builder *b, int64_t time_ms, uint64_t rss_bytes);
/* Names a thread (a later name replaces an earlier one). */
void capture_builder_thread(struct capture_builder *b, uint64_t tid, const char *name);
/*
 * A named stage mark before the next event, recorded by the profiler's own
 * file (origin MARK_SOURCE_FILE, at the time of the last capture_builder_time,
 * or -1 before any).
 */
void capture_builder_mark(struct capture_builder *b, const char *name);
/* The same, made at where ("app.py:42"; "" unknown); both strings copied. */
void capture_builder_mark_where(struct capture_builder *b, const char *name, const char *where);

/*
 * The allocator table (capture.h, struct allocator_calls).  A reader that
 * knows the allocator of each allocation calls capture_builder_allocators()
 * before its first event, then gives EV_ALLOC | EV_ALLOCATOR(a) to every
 * allocating capture_builder_event (a missing EV_ALLOCATOR counts as
 * ALLOCATOR_UNKNOWN); the builder sums the table.  A .mtui reader gives the
 * stored table instead, entry by entry, with capture_builder_allocator_calls
 * (strictly increasing (stack, allocator), checked by the reader; e NULL
 * says the table is given and adds no entry: an empty table); its sums
 * must then equal the totals (capture_builder_allocators_add_up).  Without
 * either, or when a streamed capture (capture_builder_streamed) would sum
 * it, the capture has no table.
 */
void capture_builder_allocators(struct capture_builder *b);
void capture_builder_allocator_calls(struct capture_builder *b, const struct allocator_calls *e);
/* Whether the table's sums are totals.alloc_count and alloc_bytes (true without a table). */
bool capture_builder_allocators_add_up(struct capture_builder *b);

/*
 * The leak table (capture.h, struct leak): what is still live after the last
 * event, per allocation, from a reader that follows every allocation to its
 * free (memray's address table, heaptrack's allocation indices, a .mtui's
 * LEAKS sections; memtui's recorder will give it the same way).  The stage
 * table (stages.h) then gives every stage exactly the leaks it allocated.
 *
 * capture_builder_leaks_known() says the reader gives the table; without it
 * the capture has none (capture_leaks() NULL), whatever else was called, and
 * with it and no capture_builder_leak() the capture has an empty one (nothing
 * is live at the end).  capture_builder_leak() adds one live allocation once
 * every event is in (at the end of the load):
 *
 *	ev_idx	the EV_ALLOC event that made it (< events so far; a reader keeps
 *		capture_builder_events() in its live table when it allocates)
 *	stack	that event's stack (< stacks so far)
 *	bytes	what of it is still live (>= 0: an mmap partly unmapped keeps
 *		part of its bytes)
 *	count	its live pieces (>= 1: a mapping split in two by a munmap is 2)
 *
 * Calls may come in any order (a reader walks its hash table); calls with
 * the same ev_idx are one allocation's pieces and are summed (their stacks
 * must agree).  Bad ids are a BUG() as for events.  capture_builder_finish()
 * sorts the table by ev_idx and checks it: per stack, its entries must sum to
 * the stack's live bytes and count after the last event (for a capture opened
 * in place, capture_builder_backing, the whole table to the stored
 * totals.end_bytes and end_count).  A table that fails (a free the reader
 * could not pair with an allocation, pieces of two stacks at one event) is
 * dropped with a warning: the capture then has no table, and stages fall back
 * to the stack rule.  A reader that knows it lost track of an allocation
 * should not call capture_builder_leaks_known() at all.
 *
 * At the end of a reader's load:
 *
 *	capture_builder_leaks_known(b);
 *	for (each live allocation a of the reader's address table)
 *		capture_builder_leak(b, a->ev_idx, a->stack, a->size, 1);
 *	struct capture *cap = capture_builder_finish(b);
 */
void capture_builder_leaks_known(struct capture_builder *b);
void capture_builder_leak(struct capture_builder *b, uint64_t ev_idx, uint32_t stack,
			  int64_t bytes, int64_t count);
/*
 * Whether the leak table so far sums per stack to the live figures of every
 * stack after the events so far (the check capture_builder_finish() makes),
 * for a reader that checks a stored table before the end (a .mtui's SUMMARY).
 */
bool capture_builder_leaks_equal(struct capture_builder *b);

/*
 * Loading a capture stored by memtui (docs/FORMAT.md): the stored tables go
 * in as they are.  The caller checks what these say they need.
 *
 * capture_builder_chunk() appends one sealed event chunk as stored: data
 * (len bytes, copied) encodes n_events events in raw_len bytes, zstd-compressed
 * when compressed.  Chunks start at event 0 and hold EVENTS_PER_CHUNK events
 * each but the last; no capture_builder_event() may be mixed with them.  The
 * chunk is decoded and checked (every event well formed and of a defined
 * stack, exactly raw_len bytes, no figure overflowing int64), the totals,
 * peak and checkpoints kept as capture_builder_event() keeps them.  Returns
 * NULL, or a short reason with the capture unchanged.
 */
const char *capture_builder_chunk(struct capture_builder *b, const uint8_t *data, uint32_t len,
				  uint32_t raw_len, bool compressed, uint32_t n_events);
/*
 * Whether the live figures of every stack so far equal entries (n, sorted by
 * stack, nonzero ones only): a stored checkpoint checked against the events.
 */
bool capture_builder_live_equal(struct capture_builder *b, const struct checkpoint_entry *entries,
				size_t n);
/*
 * Whether stacks [first, first + n) made count[i] allocation calls of bytes[i]
 * bytes and temporary[i] temporary frees over the events adopted by
 * capture_builder_chunk() (which counts them, and keeps them in the capture:
 * capture_stack_calls()).
 */
bool capture_builder_stack_calls_equal(struct capture_builder *b, uint32_t first, uint32_t n,
				       const int64_t *count, const int64_t *bytes,
				       const int64_t *temporary);
/*
 * Opening a stored capture lazily: its event chunks stay in the file (ctx,
 * which the capture frees with release when it is freed), found and checked
 * by load_chunk(ctx, k, verify, out) when a cursor reads them (capture_impl.h,
 * struct capture_backing).  Nothing is decoded: the stored checkpoints,
 * per-stack calls and totals are taken as they are, in place of what
 * capture_builder_chunk() computes.  Call capture_builder_backing() first.
 */
void capture_builder_backing(struct capture_builder *b, void *ctx, void (*release)(void *ctx),
			     const char *(*load_chunk)(void *ctx, size_t k, bool verify,
						       struct chunk_view *out),
			     void (*done_chunk)(void *ctx, size_t k));
/* The next chunk, of n_events events, left in the backing. */
void capture_builder_lazy_chunk(struct capture_builder *b, uint32_t n_events);
/* The checkpoint before event k * CHECKPOINT_EVENTS, sorted by stack (copied). */
void capture_builder_lazy_checkpoint(struct capture_builder *b,
				     const struct checkpoint_entry *entries, size_t n);
/* Per stack calls, bytes and temporaries (copied; capture_stack_count() each). */
void capture_builder_lazy_calls(struct capture_builder *b, const int64_t *count,
				const int64_t *bytes, const int64_t *temporary);
/* The totals as stored (events must equal the chunks' events). */
void capture_builder_lazy_totals(struct capture_builder *b, const struct capture_totals *t);

/* A time mark as stored (ev_idx strictly increasing, at most the events so far). */
void capture_builder_time_mark(struct capture_builder *b, uint64_t ev_idx, int64_t time_ms);
/* A stage mark as stored (strings copied; ev_idx non-decreasing, at most the events). */
void capture_builder_stage_mark(struct capture_builder *b, const struct stage_mark *m);
/* A module's symbol coverage (strings copied, NULL allowed but for path). */
void capture_builder_symbol_coverage(struct capture_builder *b, const struct symbol_coverage *c);
/* Events so far. */
uint64_t capture_builder_events(const struct capture_builder *b);
/* The totals so far (end figures are set when the capture is finished). */
const struct capture_totals *capture_builder_totals(const struct capture_builder *b);
/*
 * The file ended early or was damaged at byte offset: the events so far are
 * all the capture has.  why is a short phrase ("cut inside a FRAME_PUSH record").
 */
void capture_builder_truncated(struct capture_builder *b, uint64_t offset, const char *why);
/*
 * The file contradicts itself (why: "the header says 490 allocations, the
 * records hold 192"): the capture is flagged inconsistent, the first reason kept.
 */
void capture_builder_inconsistent(struct capture_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Adds a leak suppression pattern, as the writing tool applies it: a stack whose
 * frames have a function, file or module name matching pattern (sanitizer
 * style: '*' wildcard, optional '^'/'$' anchors, otherwise a substring) is not
 * counted in the leaks.  Only for tools whose leak figure works that way.
 */
void capture_builder_suppression(struct capture_builder *b, const char *pattern);
/* A non-fatal problem worth telling the user (kept in meta.warnings, first 16). */
void capture_builder_warning(struct capture_builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
