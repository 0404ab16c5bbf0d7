/*
 * event_keys: events named by keys, for a reader whose events repeat a few
 * (stack, bytes) pairs (heaptrack's allocation infos: 98 k of them for a
 * compiler's 15 M events).  A key event is one 32-bit word, the key and
 * what happened to one allocation of it: made, freed, or freed as a
 * temporary.  A streamed capture (capture_builder_streamed) sums them per
 * key and folds the keys into their stacks once, at the end: one small
 * record per event to hand over and a table of keys to keep, where events
 * are 24 bytes each and every stack has its own figures.
 *
 * The definitions (struct key_defs) are made on the reader's thread and
 * read on the events' thread: they live in blocks that never move, and a
 * batch of key events only names keys defined before it was handed over.
 * The sums (struct key_sums) are the events' thread's alone.
 */
#ifndef MT_EVENT_KEYS_H
#define MT_EVENT_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "eventlog.h"

#define EVENT_KEYS_MAX (1u << 30)	/* keys fit a key event's 30 bits */

enum key_kind {
	KEY_ALLOC = 0,		/* an allocation call of the key's bytes (EV_ALLOC) */
	KEY_FREE = 1,		/* a free of one of them */
	KEY_FREE_TEMPORARY = 2,	/* a free the tool counts as a temporary's (EV_TEMPORARY) */
};

#define KEY_EVENT(key, kind) ((uint32_t)(key) << 2 | (uint32_t)(kind))
#define KEY_OF(ev) ((ev) >> 2)
#define KEY_KIND_OF(ev) ((ev) & 3u)

#define KEY_BLOCK_BITS 16

struct key_def {
	uint32_t stack;
	int64_t bytes;		/* >= 0 */
};

struct key_defs {
	struct key_def **blocks;	/* EVENT_KEYS_MAX >> KEY_BLOCK_BITS, each made once */
	uint32_t n;
};

/* Adds key d->n; false when there are EVENT_KEYS_MAX keys already. */
bool key_defs_add(struct key_defs *d, uint32_t stack, int64_t bytes);
static inline const struct key_def *key_defs_at(const struct key_defs *d, uint32_t key)
{
	return &d->blocks[key >> KEY_BLOCK_BITS][key & ((1u << KEY_BLOCK_BITS) - 1)];
}
void key_defs_release(struct key_defs *d);

/* One key's figures: its bytes, then counts of its allocations. */
struct key_sum {
	int64_t bytes;
	int64_t live;		/* after the last event */
	int64_t peak;		/* after the peak's event */
	int64_t calls;
	int64_t temporary;
};

/*
 * The running figures of a capture being built, as a loop over events keeps
 * them: in a local copy, since its stores into per-stack or per-key arrays
 * could alias them wherever else they live (capture_builder.c's
 * sum_events, key_sums_apply).
 */
struct running_figures {
	int64_t current_bytes, current_count, peak_bytes;
	uint64_t events, peak_ev_idx, alloc_count, alloc_bytes, temporary_count;
	bool last_max;			/* PEAK_LAST_MAX: a later equal heap is the peak */
};

struct key_sums {
	struct key_sum *keys;
	size_t n, cap;
	uint64_t *changed;	/* a bit per key: listed since the last peak */
	uint32_t *changed_list;
	size_t n_changed, changed_cap;
};

/*
 * Applies key events ev[0..n), of keys below n_keys (all defined in d):
 * into the sums and the running figures, the sums' peak figures kept as
 * they were after the peak's event.
 */
void key_sums_apply(struct key_sums *s, const struct key_defs *d, size_t n_keys,
		    const uint32_t *ev, size_t n, struct running_figures *r);
/*
 * Adds every key's figures to its stack's (each array covers the stacks
 * the keys name): the peak's bytes and counts; calls, their bytes,
 * temporary frees and their bytes (calls[3], unless NULL).  The two read
 * the sums alone, so they may run at once.
 */
void key_sums_fold_peak(const struct key_sums *s, const struct key_defs *d, int64_t *peak_bytes,
			int64_t *peak_count);
void key_sums_fold_calls(const struct key_sums *s, const struct key_defs *d,
			 int64_t *const calls[4]);
/*
 * The keys' live figures after the last event, summed per stack: the
 * entries of the stacks with any, in stack order (malloc'd, NULL when
 * none), their count in *n.
 */
struct checkpoint_entry *key_sums_end(const struct key_sums *s, const struct key_defs *d,
				      size_t *n);
void key_sums_release(struct key_sums *s);

#endif
