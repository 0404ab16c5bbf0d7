/*
 * memray_heap: what memray's allocation records do, for the memray reader:
 * the live simple allocations by address (live_map.h), the live mappings
 * (mappings.h), memray's temporary rule (memray_temporary.h) and its running
 * heap, with each record's event, and the time and stage marks between them.
 *
 * The reader decodes records; the heap applies them.  On a streamed capture
 * the two run on two threads (mr_heap_threaded): the reader hands each
 * record over as an op and the heap's thread applies the ops in order, so
 * that the address map's cache misses and the events overlap the decoding
 * (the address map alone was a third of the reader's thread).  Every call
 * below gives the same capture either way.
 *
 * An op that could fail on the thread is never handed over: the reader
 * settles the thread, applies that op itself and goes on without the
 * thread, so every error still comes from its record.  The reader knows
 * without the thread's state when no op can fail: the heap never exceeds
 * the sum of the sizes allocated so far, mappings never outnumber the MMAP
 * and MUNMAP records so far, and a MUNMAP scans at most that many.  Only a
 * damaged or hostile file gets near the bounds.
 */
#ifndef MT_MEMRAY_HEAP_H
#define MT_MEMRAY_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "capture_builder.h"
#include "item_pipe.h"
#include "live_map.h"
#include "mappings.h"
#include "memray_temporary.h"
#include "vec.h"

/* A heap larger than this (2^62 bytes) is corrupt data; keeps every model sum in int64. */
#define HEAP_LIMIT ((int64_t)1 << 62)

/* §4.4 allocator ids. */
enum mr_allocator {
	A_PYMALLOC_FREE = 1,
	A_FREE = 5,
	A_MMAP = 14,
	A_MUNMAP = 15,
};

struct mr_heap {
	struct capture_builder *b;
	struct live_map live;		/* the live simple allocations by address */
	struct mappings maps;		/* live mmap intervals */
	struct mr_temporary temp;	/* memray's temporary allocations */
	int64_t heap;			/* sum of emitted byte deltas (memray's current) */
	uint64_t replaced;		/* allocations at a still-live address */
	struct vec orphans;		/* struct live_alloc: those replaced, live for good */
	uint32_t mark_name;		/* function of the last marker allocation (string id) */
	uint64_t mark_next;		/* the event after it; UINT64_MAX before any */
	struct event held[256];		/* events made, not yet handed to the builder */
	uint32_t n_held;
	char why[160];			/* why the last call failed */

	/*
	 * The reader's side of the thread, written once per record, kept off
	 * the cache lines of the heap thread's fields above by a line's worth
	 * of bytes (sharing one with n_held made memraygen's load 35% slower).
	 */
	char apart[64];
	struct item_pipe pipe;		/* of struct mr_op, tagged with the stack count */
	bool piped;			/* the thread runs */
	bool may_pipe;			/* it may still start */
	uint64_t heap_bound;		/* sum of the sizes allocated: the heap is at most this */
	uint64_t maps_bound;		/* MMAP and MUNMAP records: mappings are at most this */
	uint64_t scans_bound;		/* what MUNMAPs scanned at most so far */
	uint32_t stacks_bound;		/* above every stack an op named (the ops' tag) */
};

void mr_heap_init(struct mr_heap *h, struct capture_builder *b, uint32_t threshold);
/* Settles the thread (if any) and frees everything. */
void mr_heap_release(struct mr_heap *h);
/* Lets the heap apply ops on a thread of its own from the next call on. */
void mr_heap_threaded(struct mr_heap *h);
/* Returns once every op handed over has been applied, and stops the thread. */
void mr_heap_settle(struct mr_heap *h);

/*
 * The calls of the records, each the record's one event (a MUNMAP's, one
 * per stack it frees from).  thread is the reader's index of the record's
 * thread.  false when the record is invalid: h->why says why.
 */
bool mr_heap_alloc(struct mr_heap *h, uint32_t thread, unsigned allocator, uint64_t addr,
		   uint64_t size, uint32_t stack);
void mr_heap_free(struct mr_heap *h, uint32_t thread, uint64_t addr);
bool mr_heap_munmap(struct mr_heap *h, uint32_t thread, uint64_t addr, uint64_t size);
/* From now on events happen at time_ms (capture_builder_time, in order with the events). */
void mr_heap_time(struct mr_heap *h, int64_t time_ms);
/*
 * A marker allocation of the stage named name (function: its string id)
 * called from where, just before its allocation's call: a stage mark,
 * unless it repeats the mark just made (docs/FORMAT.md §18).
 */
void mr_heap_mark(struct mr_heap *h, uint32_t function, const char *name, const char *where);

/* Adds bytes to the heap sum (an aggregated record); false past HEAP_LIMIT. */
bool mr_heap_add(struct mr_heap *h, int64_t bytes);
/* The leak table: every live allocation and mapping (after mr_heap_settle). */
void mr_heap_leaks(struct mr_heap *h);

#endif
