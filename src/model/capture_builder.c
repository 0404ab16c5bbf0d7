/*
 * capture_builder: interning, and appending to the event log (eventlog.c).
 *
 * Totals and the peak are updated per event by the capture's peak rule, so
 * finishing a capture costs nothing beyond sealing the last chunk.
 */
#include "capture_builder.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_impl.h"
#include "event_keys.h"
#include "event_pipe.h"
#include "idtable.h"
#include "item_pipe.h"
#include "task.h"
#include "xalloc.h"

#include <zstd.h>

struct capture_builder {
	struct capture *cap;
	struct idtable frame_index;	/* frame ids by content */
	struct eventlog_writer log;	/* the open chunk, live figures per stack */
	int64_t current_bytes;
	int64_t current_count;
	int64_t time_ms;
	struct event *decoded;		/* capture_builder_chunk's events, reused */
	bool chunk_seen;		/* capture_builder_chunk was called */
	bool chunks_ended;		/* a short chunk came: no more may follow */
	bool lazy;			/* capture_builder_backing: totals are the stored ones */
	int64_t *calls[4];		/* per stack: calls, bytes, temporaries, their bytes */
	size_t calls_cap;
	struct vec leaks;		/* struct leak: capture_builder_leak's, unsorted */
	bool leaks_known;		/* capture_builder_leaks_known was called */
	enum { ALLOCATORS_NONE, ALLOCATORS_SUMMED, ALLOCATORS_GIVEN } allocators;
	struct vec alloc_calls;		/* struct allocator_calls: summed or given */
	struct hashmap alloc_index;	/* stack << 8 | allocator -> alloc_calls entry */
	/*
	 * Recent answers of the two lookups made once per record (a stack's
	 * child by frame, a stack's allocator entry), in front of their
	 * hashmaps: the keys repeat far more often than not (a loop calls the
	 * same functions from the same places), and a few thousand recent ones
	 * stay in the cache where the maps of millions do not.
	 */
	struct recent {
		uint64_t key;
		uint32_t val;		/* HASHMAP_NONE: empty */
	} *recent_stack, *recent_alloc;
	uint8_t *zbuf;			/* capture_builder_chunk's decompression */
	size_t zbuf_cap;
	void *zctx;
	/*
	 * The events' thread (capture_builder_threaded), or NULL.  While it
	 * runs it alone touches the log, the running figures (current_*,
	 * calls, the totals but time_ms) and the summed allocator table;
	 * settle() waits for it before anything else reads them.  handed
	 * counts the events given to it.
	 */
	struct event_pipe *pipe;
	uint64_t handed;
	bool may_thread;		/* the events' thread may still start */
	/*
	 * Keys (capture_builder_key) of a streamed capture: their definitions
	 * and the sums per key, on the keys' own events' thread when key_pipe
	 * runs (its batches of key events tagged with the keys defined),
	 * folded into the stacks when the capture is finished.
	 */
	struct key_defs keys;
	struct key_sums key_sums;
	struct item_pipe *key_pipe;
	int64_t *key_peak[2];		/* fold_keys: the peak's bytes and counts per stack */
	size_t n_key_peak;		/* entries in each */
	struct checkpoint_entry *key_end;	/* fold_keys: the end's entries (stack order) */
	size_t n_key_end;
	bool keyed;			/* capture_builder_key_run was called */
	bool plain;			/* capture_builder_event_run was called */
	bool threaded;			/* capture_builder_threaded was called */
	size_t event_stacks;		/* capture_builder_events_from, or 0 */
};

struct capture_builder *capture_builder_new(void)
{
	struct capture_builder *b = xcalloc(1, sizeof(*b));

	b->cap = xmalloc(sizeof(*b->cap));
	capture_init(b->cap);
	vec_init(&b->leaks, sizeof(struct leak));
	vec_init(&b->alloc_calls, sizeof(struct allocator_calls));
	return b;
}

/* Stops the keys' events' thread, if any, once it has applied every key event. */
static void stop_keys(struct capture_builder *b)
{
	if (!b->key_pipe)
		return;
	item_pipe_stop(b->key_pipe);
	free(b->key_pipe);
	b->key_pipe = NULL;
}

void capture_builder_free(struct capture_builder *b)
{
	if (!b)
		return;
	event_pipe_stop(b->pipe);
	stop_keys(b);
	key_defs_release(&b->keys);
	key_sums_release(&b->key_sums);
	free(b->key_peak[0]);
	free(b->key_peak[1]);
	free(b->key_end);
	capture_free(b->cap);
	idtable_release(&b->frame_index);
	eventlog_writer_release(&b->log);
	free(b->decoded);
	vec_release(&b->leaks);
	vec_release(&b->alloc_calls);
	hashmap_release(&b->alloc_index);
	free(b->recent_stack);
	free(b->recent_alloc);
	for (int i = 0; i < 4; i++)
		free(b->calls[i]);
	free(b->zbuf);
	ZSTD_freeDCtx(b->zctx);
	free(b);
}

void capture_builder_inconsistent(struct capture_builder *b, const char *fmt, ...)
{
	struct capture_meta *m = &b->cap->meta;
	char buf[512];
	va_list ap;

	if (m->inconsistent)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->inconsistent = true;
	m->inconsistent_why = xstrdup(buf);
}

/* A stack with negative live figures (bytes, count): one more in *stacks, its frees in *frees. */
static void note_negative(int64_t bytes, int64_t count, size_t *stacks, int64_t *frees)
{
	if (count < 0 || bytes < 0) {
		(*stacks)++;
		*frees += count < 0 ? count : 0;
	}
}

/*
 * More frees than allocations on some stack: a free the file repeats, or
 * one of an allocation it never recorded.  The figures stay as recorded.
 * A keyed capture's are its end entries (its writer took no event).
 */
static void check_live(struct capture_builder *b)
{
	const struct eventlog_writer *w = &b->log;
	size_t stacks = 0;
	int64_t count = 0;

	for (size_t i = 0; i < w->live_cap; i++)
		note_negative(w->live_bytes[i], w->live_count[i], &stacks, &count);
	for (size_t i = 0; i < b->n_key_end; i++)
		note_negative(b->key_end[i].bytes, b->key_end[i].count, &stacks, &count);
	if (stacks)
		capture_builder_inconsistent(b, "%" PRId64 " more frees than allocations on %zu "
					     "call stack%s: leaks are negative there", -count,
					     stacks, stacks == 1 ? "" : "s");
}

/*
 * Grows the per-stack call counts to cover n stacks (zeros for the new ones):
 * doubling as stacks come with events, exactly n for the first (a keyed
 * capture's fold, which makes them once).  A keyed capture keeps no bytes of
 * its temporaries: its tool's rule counts them, their bytes weigh nothing
 * (snapshot_temporary), and calls[3] stays NULL, as a .mtui opened in place
 * has it.
 */
static void keep_calls_to(struct capture_builder *b, size_t n)
{
	size_t cap = b->calls_cap ? b->calls_cap : 64;

	if (n <= b->calls_cap && b->calls[0])
		return;
	if (!b->calls[0] && n > cap)
		cap = n;
	while (cap < n)
		cap *= 2;
	for (int i = 0; i < (b->keyed ? 3 : 4); i++)
		b->calls[i] = xrealloc_zeroed(b->calls[i], b->calls_cap, cap, sizeof(int64_t));
	b->calls_cap = cap;
}

/* The same for every stack. */
static void keep_calls(struct capture_builder *b)
{
	keep_calls_to(b, b->cap->stacks.len);
}

/* Waits until the events' thread, if any, has applied every event handed to it. */
static void settle(const struct capture_builder *b)
{
	if (b->pipe)
		event_pipe_settle(b->pipe);
	if (b->key_pipe)
		item_pipe_settle(b->key_pipe);
}

bool capture_builder_stack_calls_equal(struct capture_builder *b, uint32_t first, uint32_t n,
				       const int64_t *count, const int64_t *bytes,
				       const int64_t *temporary)
{
	settle(b);
	keep_calls(b);
	if (first > b->cap->stacks.len || n > b->cap->stacks.len - first)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (b->calls[0][first + i] != count[i] || b->calls[1][first + i] != bytes[i] ||
		    b->calls[2][first + i] != temporary[i])
			return false;
	return true;
}

void capture_builder_allocators(struct capture_builder *b)
{
	/*
	 * A streamed capture's report reads no allocator table, and a summed
	 * one always adds up: there is nothing to sum, or to check.
	 */
	if (!b->log.streamed)
		b->allocators = ALLOCATORS_SUMMED;
}

void capture_builder_allocator_calls(struct capture_builder *b, const struct allocator_calls *e)
{
	settle(b);
	b->allocators = ALLOCATORS_GIVEN;
	if (!e)
		return;
	if (e->stack >= b->cap->stacks.len || e->allocator > ALLOCATOR_MAX || e->count < 1 ||
	    e->bytes < 0)
		BUG("capture_builder_allocator_calls: bad stack, allocator or figures");
	vec_push(&b->alloc_calls, e);
}

/* An allocating event's call into the summed table. */
#define RECENT 4096	/* entries of each struct recent table (a power of two) */

/* The slot of key in a recent table (made empty on first use). */
static struct recent *recent_slot(struct recent **table, uint64_t key)
{
	if (!*table) {
		*table = xmalloc(RECENT * sizeof(**table));
		for (size_t i = 0; i < RECENT; i++)
			(*table)[i] = (struct recent){ 0, HASHMAP_NONE };
	}
	return &(*table)[hash_u64(key) & (RECENT - 1)];
}

static void sum_allocator(struct capture_builder *b, uint32_t stack, unsigned allocator,
			  int64_t bytes)
{
	uint64_t key = (uint64_t)stack << 8 | (allocator <= ALLOCATOR_MAX ? allocator : 0);
	struct recent *r = recent_slot(&b->recent_alloc, key);
	uint32_t i = r->val != HASHMAP_NONE && r->key == key ? r->val
							     : hashmap_get(&b->alloc_index, key);
	struct allocator_calls *e;

	if (i == HASHMAP_NONE) {
		i = (uint32_t)b->alloc_calls.len;
		e = vec_grow(&b->alloc_calls, 1);
		*e = (struct allocator_calls){ stack, (uint8_t)(key & 0xff), 0, 0 };
		hashmap_put(&b->alloc_index, key, i);
	}
	e = vec_at(&b->alloc_calls, i);
	e->count++;
	e->bytes += bytes;
	*r = (struct recent){ key, i };
}

bool capture_builder_allocators_add_up(struct capture_builder *b)
{
	const struct allocator_calls *e = b->alloc_calls.data;
	uint64_t count = 0, bytes = 0;

	settle(b);
	if (b->allocators == ALLOCATORS_NONE)
		return true;
	for (size_t i = 0; i < b->alloc_calls.len; i++)
		if (__builtin_add_overflow(count, (uint64_t)e[i].count, &count) ||
		    __builtin_add_overflow(bytes, (uint64_t)e[i].bytes, &bytes))
			return false;
	return count == b->cap->totals.alloc_count && bytes == b->cap->totals.alloc_bytes;
}

static int allocator_cmp(const void *a, const void *b)
{
	const struct allocator_calls *x = a, *y = b;

	if (x->stack != y->stack)
		return x->stack < y->stack ? -1 : 1;
	return (x->allocator > y->allocator) - (x->allocator < y->allocator);
}

/* The table into the capture, sorted (the summed one comes in first-seen order). */
static void keep_allocators(struct capture_builder *b)
{
	struct capture *cap = b->cap;
	size_t n = b->alloc_calls.len;

	if (b->allocators == ALLOCATORS_NONE)
		return;
	if (!capture_builder_allocators_add_up(b)) {
		capture_builder_warning(b, "the allocator table does not add up to the allocation "
				       "calls: dropped");
		return;
	}
	cap->allocators = xmalloc((n ? n : 1) * sizeof(*cap->allocators));
	cap->n_allocators = n;
	if (n) {
		memcpy(cap->allocators, b->alloc_calls.data, n * sizeof(*cap->allocators));
		qsort(cap->allocators, n, sizeof(*cap->allocators), allocator_cmp);
	}
}

void capture_builder_leaks_known(struct capture_builder *b)
{
	b->leaks_known = true;
}

void capture_builder_leak(struct capture_builder *b, uint64_t ev_idx, uint32_t stack,
			  int64_t bytes, int64_t count)
{
	struct leak l = { ev_idx, stack, bytes, count };

	if (ev_idx >= capture_builder_events(b) || stack >= b->cap->stacks.len || bytes < 0 ||
	    count < 1)
		BUG("capture_builder_leak: bad event, stack or figures");
	vec_push(&b->leaks, &l);
}

static int leak_cmp(const void *a, const void *b)
{
	const struct leak *x = a, *y = b;

	if (x->ev_idx != y->ev_idx)
		return x->ev_idx < y->ev_idx ? -1 : 1;
	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/*
 * Sorts n leaks as leak_cmp orders them: a radix sort on ev_idx, LSD, in as
 * few passes of at most 11 bits as ev_idx needs, each as narrow as they
 * allow (a compiler's capture leaves half a million live allocations, which
 * qsort took a tenth of its report on; 8-bit passes scatter into fewer
 * places at once than 11-bit ones, and took a sixth less time), then the
 * rare runs of one ev_idx (the pieces of one mapping) by stack.
 */
static void sort_leak_table(struct leak *l, size_t n)
{
	enum { MAX_BITS = 11 };
	size_t pos[1u << MAX_BITS];
	struct leak *src = l, *dst, *tmp;
	uint64_t top = 0;
	unsigned bits = 0, passes, width;

	if (n < 1024) {
		if (n)
			qsort(l, n, sizeof(*l), leak_cmp);
		return;
	}
	for (size_t i = 0; i < n; i++)
		top |= l[i].ev_idx;
	while (bits < 64 && top >> bits)
		bits++;
	passes = (bits + MAX_BITS - 1) / MAX_BITS;
	width = passes ? (bits + passes - 1) / passes : 0;
	dst = tmp = xmalloc(n * sizeof(*l));
	for (unsigned shift = 0; shift < bits; shift += width) {
		size_t at = 0, buckets = (size_t)1 << width;

		memset(pos, 0, buckets * sizeof(pos[0]));
		for (size_t i = 0; i < n; i++)
			pos[src[i].ev_idx >> shift & (buckets - 1)]++;
		for (size_t d = 0; d < buckets; d++) {
			size_t c = pos[d];

			pos[d] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[pos[src[i].ev_idx >> shift & (buckets - 1)]++] = src[i];
		dst = src;		/* the pass's output is the next one's input */
		src = src == l ? tmp : l;
	}
	if (src != l)
		memcpy(l, src, n * sizeof(*l));
	free(tmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && l[j].ev_idx == l[i].ev_idx; j++)
			;
		if (j - i > 1)
			qsort(l + i, j - i, sizeof(*l), leak_cmp);
	}
}

/*
 * Sorts the leak table and merges one allocation's pieces; false when two
 * stacks share an event or a sum overflows.
 */
static bool sort_leaks(struct vec *v)
{
	struct leak *l = v->data;
	size_t n = 0;

	sort_leak_table(l, v->len);
	for (size_t i = 0; i < v->len; i++) {
		if (n && l[n - 1].ev_idx == l[i].ev_idx) {
			if (l[n - 1].stack != l[i].stack ||
			    __builtin_add_overflow(l[n - 1].bytes, l[i].bytes, &l[n - 1].bytes) ||
			    __builtin_add_overflow(l[n - 1].count, l[i].count, &l[n - 1].count))
				return false;
			continue;
		}
		l[n++] = l[i];
	}
	v->len = n;
	return true;
}

/*
 * Whether the sorted table sums to the live figures after the last event:
 * per stack when the events went through the builder, else (lazily) as a
 * whole to the stored end totals.
 */
static bool leaks_match(struct capture_builder *b, const struct leak *l, size_t n)
{
	size_t n_stacks = b->cap->stacks.len;
	int64_t *sum = xcalloc(2 * n_stacks, sizeof(int64_t)), tb = 0, tc = 0;
	bool ok = true;

	for (size_t i = 0; i < n && ok; i++) {
		int64_t *sb = &sum[2 * l[i].stack], *sc = sb + 1;

		ok = !__builtin_add_overflow(*sb, l[i].bytes, sb) &&
		     !__builtin_add_overflow(*sc, l[i].count, sc) &&
		     !__builtin_add_overflow(tb, l[i].bytes, &tb) &&
		     !__builtin_add_overflow(tc, l[i].count, &tc);
	}
	if (ok && b->lazy) {
		ok = tb == b->cap->totals.end_bytes && tc == b->cap->totals.end_count;
	} else if (ok) {
		eventlog_writer_live(&b->log, n_stacks);
		for (size_t s = 0; s < n_stacks && ok; s++)
			ok = sum[2 * s] == b->log.live_bytes[s] &&
			     sum[2 * s + 1] == b->log.live_count[s];
	}
	free(sum);
	return ok;
}

bool capture_builder_leaks_equal(struct capture_builder *b)
{
	settle(b);
	return leaks_match(b, b->leaks.data, b->leaks.len);
}

/* The leak table goes into the capture, or is dropped when it fails its checks. */
static void keep_leaks(struct capture_builder *b)
{
	struct capture *cap = b->cap;

	if (!sort_leaks(&b->leaks) || !leaks_match(b, b->leaks.data, b->leaks.len)) {
		capture_builder_warning(b, "the live allocations do not add up to the live heap "
					"at the end: per-stage leaks follow each stack's most "
					"recent allocation");
		return;
	}
	cap->n_leaks = b->leaks.len;
	if (!cap->n_leaks) {
		cap->leaks = xmalloc(sizeof(struct leak));
		return;
	}
	/* The table moves into the capture (half a million leaks are 16 MiB to copy). */
	vec_shrink(&b->leaks);
	cap->leaks = b->leaks.data;
	vec_init(&b->leaks, sizeof(struct leak));
}

/*
 * fold_keys' task: the peak's figures for every stack, made present and
 * summed, and the end's entries; they read the sums alone.
 */
static void peak_and_end(void *arg)
{
	struct capture_builder *b = arg;
	size_t n = b->cap->stacks.len ? b->cap->stacks.len : 1;

	b->key_peak[0] = xrealloc_zeroed(NULL, 0, n, sizeof(int64_t));
	b->key_peak[1] = xrealloc_zeroed(NULL, 0, n, sizeof(int64_t));
	b->n_key_peak = n;
	key_sums_fold_peak(&b->key_sums, &b->keys, b->key_peak[0], b->key_peak[1]);
	b->key_end = key_sums_end(&b->key_sums, &b->keys, &b->n_key_end);
}

/*
 * A streamed capture's sums per key, into its stacks' peak and call figures
 * and its end's entries: the end has live figures on a few per cent of the
 * stacks (clang's leaks: 10.7 k of 983 k), so it is no array per stack.
 */
static void fold_keys(struct capture_builder *b)
{
	struct task task;

	/* Fresh arrays made present on two cores: most of their cost is the kernel zeroing them. */
	task_start(&task, peak_and_end, b);
	keep_calls(b);
	key_sums_fold_calls(&b->key_sums, &b->keys, b->calls);
	task_join(&task);
}

/* The log's end: a keyed capture's folded figures, a streamed log's, or its chunks. */
static void finish_log(struct capture_builder *b)
{
	struct eventlog *log = &b->cap->log;

	if (b->keyed) {
		eventlog_stream_finish_summed(log, &b->log, b->key_peak[0], b->key_peak[1],
					      b->n_key_peak, b->key_end, b->n_key_end);
		b->key_peak[0] = b->key_peak[1] = NULL;
		b->key_end = NULL;
		b->n_key_end = 0;
	} else if (b->log.streamed) {
		eventlog_stream_finish(log, &b->log);
	} else {
		eventlog_finish(log, &b->log);
	}
}

struct capture *capture_builder_finish(struct capture_builder *b)
{
	struct capture *cap = b->cap;

	event_pipe_stop(b->pipe);
	b->pipe = NULL;
	stop_keys(b);
	if (b->keyed)
		fold_keys(b);
	if (!b->lazy) {
		check_live(b);
		cap->totals.end_bytes = b->current_bytes;
		cap->totals.end_count = b->current_count;
	}
	if (b->leaks_known)
		keep_leaks(b);
	keep_allocators(b);
	finish_log(b);
	vec_shrink(&cap->frames);
	vec_shrink(&cap->stacks);
	stack_index_shrink(&cap->stack_index);
	if (b->calls[0]) {
		keep_calls(b);
		cap->calls_count = b->calls[0];
		cap->calls_bytes = b->calls[1];
		cap->calls_temporary = b->calls[2];
		cap->calls_temporary_bytes = b->calls[3];
		b->calls[0] = b->calls[1] = b->calls[2] = b->calls[3] = NULL;
	}
	b->cap = NULL;
	capture_builder_free(b);
	return cap;
}

struct capture_meta *capture_builder_meta(struct capture_builder *b)
{
	return &b->cap->meta;
}

uint32_t capture_builder_string(struct capture_builder *b, const char *s, size_t len)
{
	return strtab_intern(&b->cap->strings, s, len);
}

uint32_t capture_builder_cstring(struct capture_builder *b, const char *s)
{
	return strtab_intern(&b->cap->strings, s, strlen(s));
}

const char *capture_builder_string_text(const struct capture_builder *b, uint32_t id)
{
	return strtab_get(&b->cap->strings, id);
}

static uint64_t frame_hash(const struct frame *f)
{
	uint64_t h = hash_u64((uint64_t)f->function << 32 | f->file);

	h = hash_u64(h ^ ((uint64_t)f->module << 32 | f->line));
	return hash_u64(h ^ f->address ^ ((uint64_t)f->kind << 56));
}

static bool frame_equal(const struct frame *a, const struct frame *b)
{
	return a->function == b->function && a->file == b->file && a->module == b->module &&
	       a->line == b->line && a->address == b->address && a->kind == b->kind;
}

static uint64_t frame_hash_id(const void *ctx, uint32_t id)
{
	return frame_hash(vec_at(ctx, id));
}

struct frame_key {
	const struct vec *frames;
	const struct frame *f;
};

static bool frame_key_equal(const void *ctx, uint32_t id)
{
	const struct frame_key *k = ctx;

	return frame_equal(vec_at(k->frames, id), k->f);
}

uint32_t capture_builder_frame(struct capture_builder *b, const struct frame *f)
{
	struct vec *frames = &b->cap->frames;
	struct frame_key key = { frames, f };
	size_t slot = 0;
	uint32_t id;

	if (f->function >= strtab_count(&b->cap->strings) ||
	    f->file >= strtab_count(&b->cap->strings) ||
	    f->module >= strtab_count(&b->cap->strings))
		BUG("capture_builder_frame: bad string id");
	idtable_reserve(&b->frame_index, frames->len, 1, frame_hash_id, frames);
	id = idtable_find(&b->frame_index, frame_hash(f), frame_key_equal, &key, &slot);
	if (id != IDTABLE_NONE)
		return id;
	if (frames->len >= UINT32_MAX - 1)
		BUG("capture_builder_frame: more than 2^32 frames");
	id = (uint32_t)frames->len;
	vec_push(frames, f);
	idtable_insert(&b->frame_index, slot, id);
	return id;
}

uint32_t capture_builder_stack(struct capture_builder *b, uint32_t parent, uint32_t frame)
{
	struct capture *cap = b->cap;
	uint64_t key = (uint64_t)parent << 32 | frame;
	struct recent *r = recent_slot(&b->recent_stack, key);
	uint32_t id;
	struct stack_node *node;

	if (r->val != HASHMAP_NONE && r->key == key)
		return r->val;
	id = stack_index_find(&cap->stack_index, parent, frame);
	if (id != STACK_NONE) {
		*r = (struct recent){ key, id };
		return id;
	}
	if (parent >= cap->stacks.len || frame == 0 || frame >= cap->frames.len)
		BUG("capture_builder_stack: bad parent or frame id");
	if (cap->stacks.len >= UINT32_MAX / 8)
		BUG("capture_builder_stack: too many stacks");
	id = (uint32_t)cap->stacks.len;
	node = vec_append(&cap->stacks);	/* set field by field, not copied in */
	node->parent = parent;
	node->frame = frame;
	node->depth = ((struct stack_node *)vec_at(&cap->stacks, parent))->depth + 1;
	node->thread = ((struct stack_node *)vec_at(&cap->stacks, parent))->thread;
	if (!parent && ((struct frame *)vec_at(&cap->frames, frame))->kind == FRAME_THREAD) {
		node->thread = id;
		cap->thread_stacks++;
	}
	stack_index_add(&cap->stack_index, parent, frame, id);
	*r = (struct recent){ key, id };
	return id;
}

uint32_t capture_builder_thread_stack(struct capture_builder *b, uint64_t tid)
{
	struct frame f = { .kind = FRAME_THREAD, .address = tid };

	return capture_builder_stack(b, 0, capture_builder_frame(b, &f));
}

/* The running figures so far, for a loop over events to keep in a local copy. */
static struct running_figures running_get(const struct capture_builder *b)
{
	const struct capture_totals *t = &b->cap->totals;

	return (struct running_figures){
		.current_bytes = b->current_bytes, .current_count = b->current_count,
		.peak_bytes = t->peak_bytes, .events = t->events, .peak_ev_idx = t->peak_ev_idx,
		.alloc_count = t->alloc_count, .alloc_bytes = t->alloc_bytes,
		.temporary_count = t->temporary_count,
		.last_max = b->cap->meta.peak_rule == PEAK_LAST_MAX,
	};
}

static void running_set(struct capture_builder *b, const struct running_figures *f)
{
	struct capture_totals *t = &b->cap->totals;

	b->current_bytes = f->current_bytes;
	b->current_count = f->current_count;
	t->peak_bytes = f->peak_bytes;
	t->events = f->events;
	t->peak_ev_idx = f->peak_ev_idx;
	t->alloc_count = f->alloc_count;
	t->alloc_bytes = f->alloc_bytes;
	t->temporary_count = f->temporary_count;
}

/*
 * The running figures of ev[0..n), the events after the totals' so far:
 * totals, the calls per stack and the peak (ev's stacks are checked and
 * calls covers them).
 */
static void sum_events(struct capture_builder *b, const struct event *ev, size_t n)
{
	struct running_figures f = running_get(b);
	int64_t *calls = b->calls[0], *call_bytes = b->calls[1];

	for (size_t i = 0; i < n; i++) {
		uint32_t stack = ev[i].stack;

		f.current_bytes += ev[i].bytes;
		f.current_count += ev[i].count;
		if (ev[i].flags & EV_ALLOC) {
			f.alloc_count++;
			f.alloc_bytes += (uint64_t)ev[i].bytes;
			calls[stack]++;
			call_bytes[stack] += ev[i].bytes;
			if (b->allocators == ALLOCATORS_SUMMED)
				sum_allocator(b, stack, EV_ALLOCATOR_OF(ev[i].flags), ev[i].bytes);
		}
		if (ev[i].flags & EV_TEMPORARY) {
			f.temporary_count++;
			b->calls[2][stack]++;
			b->calls[3][stack] -= ev[i].bytes;	/* a free: its bytes are < 0 */
		}
		if (f.last_max ? f.current_bytes >= f.peak_bytes : f.current_bytes > f.peak_bytes) {
			f.peak_bytes = f.current_bytes;
			f.peak_ev_idx = f.events + i;
		}
	}
	f.events += n;
	running_set(b, &f);
}

/*
 * apply_events on a streamed log: the running figures, then the live ones,
 * with those after the last new peak among ev[0..n) (if any) kept on the
 * way.
 */
static void stream_events(struct capture_builder *b, uint64_t first, const struct event *ev,
			  size_t n, size_t n_stacks)
{
	uint64_t before = b->cap->totals.peak_ev_idx, peak;

	sum_events(b, ev, n);
	peak = b->cap->totals.peak_ev_idx;
	if (peak != before) {
		size_t k = (size_t)(peak - first) + 1;

		eventlog_stream(&b->log, n_stacks, ev, k);
		eventlog_stream_peak(&b->log);
		ev += k;
		n -= k;
	}
	eventlog_stream(&b->log, n_stacks, ev, n);
}

/*
 * Applies ev[0..n), events of a capture of n_stacks stacks (each names one
 * below n_stacks): into the log and the running figures.  On the events'
 * thread when there is one.
 */
static void apply_events(void *ctx, const struct event *ev, size_t n, size_t n_stacks)
{
	struct capture_builder *b = ctx;
	struct capture *cap = b->cap;

	keep_calls_to(b, n_stacks);
	if (b->log.streamed) {
		stream_events(b, cap->totals.events, ev, n, n_stacks);
		return;
	}
	while (n) {
		uint64_t idx = cap->totals.events;
		size_t k = EVENTS_PER_CHUNK - (size_t)(idx % EVENTS_PER_CHUNK);

		if (k == EVENTS_PER_CHUNK) {
			/* a chunk starts: its seal and checkpoint come with the one event */
			eventlog_append(&cap->log, &b->log, idx, n_stacks, ev);
			k = 1;
		} else {
			if (k > n)
				k = n;
			eventlog_append_run(&b->log, idx, n_stacks, ev, k);
		}
		sum_events(b, ev, k);
		ev += k;
		n -= k;
	}
}

/* The stacks an event may name (capture_builder_events_from). */
static size_t event_stack_count(const struct capture_builder *b)
{
	return b->event_stacks ? b->event_stacks : b->cap->stacks.len;
}

/*
 * Whether the events' thread (of events or of key events) is to start now:
 * once, at the first events of a threaded builder that takes no chunks.
 */
static bool thread_starts(struct capture_builder *b)
{
	if (!b->may_thread || b->lazy || b->chunk_seen)
		return false;
	b->may_thread = false;	/* one try */
	return true;
}

void capture_builder_event(struct capture_builder *b, uint32_t stack, int64_t bytes,
			   int32_t count, unsigned flags)
{
	size_t n_stacks = event_stack_count(b);
	struct event ev;

	/* The common case, once the pipe runs: one event straight into its batch. */
	if (b->pipe && stack < n_stacks) {
		b->handed++;
		event_pipe_add_one(b->pipe, stack, flags, bytes, count, n_stacks);
		return;
	}
	ev = (struct event){ stack, flags, bytes, count };
	capture_builder_event_run(b, &ev, 1);
}

void capture_builder_event_run(struct capture_builder *b, const struct event *ev, size_t n)
{
	size_t n_stacks = event_stack_count(b);

	for (size_t i = 0; i < n; i++)
		if (ev[i].stack >= n_stacks)
			BUG("capture_builder_event: bad stack id");
	if (b->keyed)
		BUG("capture_builder_event: the capture took key events");
	b->plain = true;
	b->handed += n;
	if (!b->pipe && thread_starts(b))
		b->pipe = event_pipe_start(apply_events, b);
	if (b->pipe)
		event_pipe_add(b->pipe, ev, n, n_stacks);
	else
		apply_events(b, ev, n, n_stacks);
}

uint32_t capture_builder_key(struct capture_builder *b, uint32_t stack, int64_t bytes)
{
	uint32_t key = b->keys.n;

	if (stack >= event_stack_count(b) || bytes < 0 || !b->log.streamed)
		BUG("capture_builder_key: bad stack id or bytes, or a log kept");
	return key_defs_add(&b->keys, stack, bytes) ? key : UINT32_MAX;
}

/* Sums key events of keys below n_keys per key. */
static void apply_keys(struct capture_builder *b, const uint32_t *ev, size_t n, size_t n_keys)
{
	struct running_figures f = running_get(b);

	key_sums_apply(&b->key_sums, &b->keys, n_keys, ev, n, &f);
	running_set(b, &f);
}

/* A batch of key events tagged with the keys defined, on the keys' events' thread. */
static void apply_key_batch(void *ctx, void *items, size_t n, uint64_t tag)
{
	apply_keys(ctx, items, n, (size_t)tag);
}

void capture_builder_key_run(struct capture_builder *b, const uint32_t *ev, size_t n)
{
	if (b->plain)
		BUG("capture_builder_key_run: the capture took plain events");
	b->keyed = true;
	b->handed += n;
	if (!b->key_pipe && thread_starts(b)) {
		b->key_pipe = xmalloc(sizeof(*b->key_pipe));
		if (!item_pipe_start(b->key_pipe, sizeof(uint32_t), PIPE_EVENTS, PIPE_BATCHES,
				     apply_key_batch, b)) {
			free(b->key_pipe);
			b->key_pipe = NULL;
		}
	}
	if (!b->key_pipe) {
		apply_keys(b, ev, n, b->keys.n);
		return;
	}
	while (n) {
		size_t k;
		uint32_t *slots = item_pipe_next_n(b->key_pipe, n, &k);

		memcpy(slots, ev, k * sizeof(*ev));
		item_pipe_tag(b->key_pipe, b->keys.n);
		ev += k;
		n -= k;
	}
}

void capture_builder_streamed(struct capture_builder *b)
{
	eventlog_writer_stream(&b->log);
}

bool capture_builder_is_streamed(const struct capture_builder *b)
{
	return b->log.streamed;
}

void capture_builder_threaded(struct capture_builder *b)
{
	b->may_thread = true;
	b->threaded = true;
}

bool capture_builder_is_threaded(const struct capture_builder *b)
{
	return b->threaded;
}

void capture_builder_events_from(struct capture_builder *b, size_t n_stacks)
{
	b->event_stacks = n_stacks;
}

void capture_builder_time(struct capture_builder *b, int64_t time_ms)
{
	struct vec *marks = &b->cap->time_marks;
	struct time_mark m = { capture_builder_events(b), time_ms };

	b->time_ms = time_ms;
	if (marks->len) {
		struct time_mark *last = vec_at(marks, marks->len - 1);

		if (last->time_ms == time_ms)
			return;
		if (last->ev_idx == m.ev_idx) {
			last->time_ms = time_ms;
			return;
		}
	}
	vec_push(marks, &m);
}

/*
 * No machine has a resident set this large (2^48 bytes, 256 TiB, the reach
 * of 48-bit virtual addresses): such a sample is damage.  Keeping every
 * sample at or below it keeps the RSS figures far from overflow.
 */
#define RSS_LIMIT ((uint64_t)1 << 48)

void capture_builder_rss(struct capture_builder *b, int64_t time_ms, uint64_t rss_bytes)
{
	struct rss_sample s = { time_ms, rss_bytes };

	if (rss_bytes > RSS_LIMIT) {
		capture_builder_inconsistent(b, "an RSS sample of %" PRIu64 " bytes at %" PRId64
					     " ms, beyond 256 TiB: the sample is dropped",
					     rss_bytes, time_ms);
		return;
	}
	vec_push(&b->cap->rss, &s);
}

void capture_builder_thread(struct capture_builder *b, uint64_t tid, const char *name)
{
	struct capture_meta *m = &b->cap->meta;

	for (size_t i = 0; i < m->n_threads; i++) {
		if (m->threads[i].tid == tid) {
			capture_meta_set_str(&m->threads[i].name, name);
			return;
		}
	}
	m->threads = xrealloc_array(m->threads, m->n_threads + 1, sizeof(*m->threads));
	m->threads[m->n_threads].tid = tid;
	m->threads[m->n_threads].name = xstrdup(name);
	m->n_threads++;
}

void capture_builder_mark(struct capture_builder *b, const char *name)
{
	capture_builder_mark_where(b, name, "");
}

void capture_builder_mark_where(struct capture_builder *b, const char *name, const char *where)
{
	struct stage_mark m = { capture_builder_events(b), -1, MARK_SOURCE_FILE, xstrdup(name),
				xstrdup(where) };

	if (b->cap->time_marks.len)
		m.time_ms = b->time_ms;
	vec_push(&b->cap->stage_marks, &m);
}

void capture_builder_stage_mark(struct capture_builder *b, const struct stage_mark *m)
{
	struct stage_mark c = *m;

	c.name = xstrdup(m->name);
	c.where = xstrdup(m->where ? m->where : "");
	vec_push(&b->cap->stage_marks, &c);
}

void capture_builder_symbol_coverage(struct capture_builder *b, const struct symbol_coverage *c)
{
	struct symbol_coverage k = *c;

	k.path = xstrdup(c->path ? c->path : "");
	k.file_used = c->file_used ? xstrdup(c->file_used) : NULL;
	k.debug_file = c->debug_file ? xstrdup(c->debug_file) : NULL;
	vec_push(&b->cap->coverage, &k);
}

void capture_builder_backing(struct capture_builder *b, void *ctx, void (*release)(void *ctx),
			     const char *(*load_chunk)(void *ctx, size_t k, bool verify,
						       struct chunk_view *out),
			     void (*done_chunk)(void *ctx, size_t k))
{
	b->cap->backing.done_chunk = done_chunk;
	b->lazy = true;
	b->log.streamed = false;	/* the backing holds the whole log */
	b->cap->backing.ctx = ctx;
	b->cap->backing.release = release;
	b->cap->backing.load_chunk = load_chunk;
}

void capture_builder_lazy_chunk(struct capture_builder *b, uint32_t n_events)
{
	struct event_chunk ch = { NULL, 0, 0, false, true, false, 0 };
	struct capture_backing *bk = &b->cap->backing;
	size_t k = b->cap->log.chunks.len;

	if (!b->lazy || b->cap->totals.events != (uint64_t)k * EVENTS_PER_CHUNK)
		BUG("capture_builder_lazy_chunk: out of order");
	vec_push(&b->cap->log.chunks, &ch);
	bk->checked = xrealloc_array(bk->checked, k + 1, sizeof(*bk->checked));
	atomic_init(&bk->checked[k], 0);
	b->cap->totals.events += n_events;
}

void capture_builder_lazy_checkpoint(struct capture_builder *b,
				     const struct checkpoint_entry *entries, size_t n)
{
	struct checkpoint cp = { xmalloc((n ? n : 1) * sizeof(*entries)), n };

	if (n)
		memcpy(cp.entries, entries, n * sizeof(*entries));
	vec_push(&b->cap->log.checkpoints, &cp);
}

void capture_builder_lazy_calls(struct capture_builder *b, const int64_t *count,
				const int64_t *bytes, const int64_t *temporary)
{
	struct capture *cap = b->cap;
	size_t n = cap->stacks.len * sizeof(int64_t);

	cap->calls_count = xmalloc(n);
	cap->calls_bytes = xmalloc(n);
	cap->calls_temporary = xmalloc(n);
	memcpy(cap->calls_count, count, n);
	memcpy(cap->calls_bytes, bytes, n);
	memcpy(cap->calls_temporary, temporary, n);
}

void capture_builder_lazy_totals(struct capture_builder *b, const struct capture_totals *t)
{
	if (t->events != b->cap->totals.events)
		BUG("capture_builder_lazy_totals: another number of events");
	b->cap->totals = *t;
}

void capture_builder_time_mark(struct capture_builder *b, uint64_t ev_idx, int64_t time_ms)
{
	struct time_mark m = { ev_idx, time_ms };

	vec_push(&b->cap->time_marks, &m);
	b->time_ms = time_ms;
}

uint64_t capture_builder_events(const struct capture_builder *b)
{
	return b->pipe || b->key_pipe ? b->handed : b->cap->totals.events;
}

const struct capture_totals *capture_builder_totals(const struct capture_builder *b)
{
	settle(b);
	return &b->cap->totals;
}

bool capture_builder_live_equal(struct capture_builder *b, const struct checkpoint_entry *entries,
				size_t n)
{
	const struct eventlog_writer *w = &b->log;
	size_t n_stacks = b->cap->stacks.len, k = 0;

	settle(b);
	eventlog_writer_live(&b->log, n_stacks);
	for (size_t i = 0; i < n_stacks; i++) {
		if (!w->live_bytes[i] && !w->live_count[i])
			continue;
		if (k >= n || entries[k].stack != i || entries[k].bytes != w->live_bytes[i] ||
		    entries[k].count != w->live_count[i])
			return false;
		k++;
	}
	return k == n;
}

/* Adds the figures of ev (sign +1) or takes them back (-1); false on overflow, nothing changed. */
static bool apply(struct capture_builder *b, const struct event *ev, int sign)
{
	struct eventlog_writer *w = &b->log;
	int64_t lb, lc, cb, cc, db = sign * ev->bytes, dc = sign * ev->count;

	if (__builtin_add_overflow(w->live_bytes[ev->stack], db, &lb) ||
	    __builtin_add_overflow(w->live_count[ev->stack], dc, &lc) ||
	    __builtin_add_overflow(b->current_bytes, db, &cb) ||
	    __builtin_add_overflow(b->current_count, dc, &cc))
		return false;
	w->live_bytes[ev->stack] = lb;
	w->live_count[ev->stack] = lc;
	b->current_bytes = cb;
	b->current_count = cc;
	return true;
}

/* Decodes a stored chunk into b->decoded; NULL or why it is not n_events good events. */
static const char *decode_chunk(struct capture_builder *b, const struct event_chunk *ch,
				uint32_t n_events)
{
	const uint8_t *p = eventlog_chunk_bytes(ch, &b->zctx, &b->zbuf, &b->zbuf_cap), *end;

	if (!p)
		return "the events do not decompress to their stated length";
	end = p + ch->raw_len;
	if (!b->decoded)
		b->decoded = xmalloc(EVENTS_PER_CHUNK * sizeof(*b->decoded));
	for (uint32_t i = 0; i < n_events; i++) {
		if (!eventlog_decode(&p, end, &b->decoded[i]))
			return "an event that does not decode";
		if (b->decoded[i].stack >= b->cap->stacks.len)
			return "an event of a stack not defined before it";
	}
	return p == end ? NULL : "bytes after the last event";
}

/* Takes back the figures of the first n decoded events. */
static void unapply(struct capture_builder *b, uint32_t n)
{
	while (n--)
		apply(b, &b->decoded[n], -1);
}

const char *capture_builder_chunk(struct capture_builder *b, const uint8_t *data, uint32_t len,
				  uint32_t raw_len, bool compressed, uint32_t n_events)
{
	struct capture *cap = b->cap;
	struct capture_totals *t = &cap->totals;
	struct event_chunk ch = { (uint8_t *)data, len, raw_len, compressed, false, false, 0 };
	uint64_t alloc_bytes = t->alloc_bytes, alloc_count = t->alloc_count;
	uint64_t temporary = t->temporary_count, peak_idx = t->peak_ev_idx;
	int64_t peak = t->peak_bytes;
	const char *why;

	if (b->pipe || b->log.chunk_len || t->events % EVENTS_PER_CHUNK ||
	    (b->log.streamed && t->events))
		BUG("capture_builder_chunk: mixed with capture_builder_event");
	b->log.streamed = false;	/* the chunks come whole: they are kept */
	b->chunk_seen = true;
	if (b->chunks_ended)
		return "an event chunk after a short one";
	if (!n_events || n_events > EVENTS_PER_CHUNK || !raw_len ||
	    raw_len > n_events * EVENT_MAX_BYTES)
		return "an event count or length out of bounds";
	why = decode_chunk(b, &ch, n_events);
	if (why)
		return why;
	eventlog_writer_live(&b->log, cap->stacks.len);
	keep_calls(b);
	for (uint32_t i = 0; i < n_events; i++) {
		const struct event *ev = &b->decoded[i];

		if (!apply(b, ev, 1)) {
			unapply(b, i);
			return "a figure that overflows 64 bits";
		}
		if ((ev->flags & EV_ALLOC) &&
		    __builtin_add_overflow(alloc_bytes, (uint64_t)ev->bytes, &alloc_bytes)) {
			unapply(b, i + 1);
			return "allocated bytes that overflow 64 bits";
		}
		alloc_count += (ev->flags & EV_ALLOC) != 0;
		temporary += (ev->flags & EV_TEMPORARY) != 0;
		if (cap->meta.peak_rule == PEAK_LAST_MAX ? b->current_bytes >= peak
							 : b->current_bytes > peak) {
			peak = b->current_bytes;
			peak_idx = t->events + i;
		}
	}
	/* The checkpoint due before this chunk holds the figures before its events. */
	if (t->events % CHECKPOINT_EVENTS == 0) {
		unapply(b, n_events);
		eventlog_checkpoint_due(&cap->log, &b->log, t->events, cap->stacks.len);
		for (uint32_t i = 0; i < n_events; i++)
			apply(b, &b->decoded[i], 1);
	}
	for (uint32_t i = 0; i < n_events; i++) {
		const struct event *ev = &b->decoded[i];

		if (ev->flags & EV_ALLOC) {
			b->calls[0][ev->stack]++;
			b->calls[1][ev->stack] += ev->bytes;
		}
		if (ev->flags & EV_TEMPORARY) {
			b->calls[2][ev->stack]++;
			b->calls[3][ev->stack] -= ev->bytes;
		}
	}
	ch.data = xmalloc(len ? len : 1);
	memcpy(ch.data, data, len);
	vec_push(&cap->log.chunks, &ch);
	t->alloc_count = alloc_count;
	t->alloc_bytes = alloc_bytes;
	t->temporary_count = temporary;
	t->peak_bytes = peak;
	t->peak_ev_idx = peak_idx;
	t->events += n_events;
	b->chunks_ended = n_events < EVENTS_PER_CHUNK;
	return NULL;
}
void capture_builder_truncated(struct capture_builder *b, uint64_t offset, const char *why)
{
	struct capture_meta *m = &b->cap->meta;

	if (m->truncated)
		return;
	m->truncated = true;
	m->truncated_at = offset;
	capture_meta_set_str(&m->truncated_why, why);
}

void capture_builder_warning(struct capture_builder *b, const char *fmt, ...)
{
	struct capture_meta *m = &b->cap->meta;
	char buf[512];
	va_list ap;

	if (m->n_warnings >= CAPTURE_MAX_WARNINGS) {
		m->n_warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->warnings[m->n_warnings++] = xstrdup(buf);
}

void capture_builder_suppression(struct capture_builder *b, const char *pattern)
{
	struct capture_meta *m = &b->cap->meta;

	m->suppressions = xrealloc_array(m->suppressions, m->n_suppressions + 1,
					 sizeof(*m->suppressions));
	m->suppressions[m->n_suppressions++] = xstrdup(pattern);
}
