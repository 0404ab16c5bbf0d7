/*
 * memray_heap: memray's allocation records applied to the model (see
 * memray_heap.h), in line or on the heap's thread.
 */
#include "memray_heap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Ops a batch of the thread holds: a hand-over per 64 Ki records, as the events' pipe. */
#define HEAP_OPS 65536
#define HEAP_BATCHES 4

enum op_kind { OP_ALLOC, OP_FREE, OP_MUNMAP, OP_TIME, OP_MARK };

/*
 * One record for the thread, written field by field into its slot: 24
 * bytes, so that fewer cache lines cross from the reader's core.
 */
struct mr_op {
	uint64_t addr;		/* OP_TIME: the time in ms; OP_MARK: its struct mark * */
	uint64_t size;
	uint32_t stack;
	uint32_t what;		/* thread << 8 | kind << 4 | allocator (memray's id, < 16) */
};

/* Threads an op can name (24 bits); an op of a thread past them is applied in line. */
#define OP_THREADS (1u << 24)

struct mark {
	uint32_t function;
	char *name, *where;
};

void mr_heap_init(struct mr_heap *h, struct capture_builder *b, uint32_t threshold)
{
	memset(h, 0, sizeof(*h));
	h->b = b;
	h->mark_next = UINT64_MAX;
	h->stacks_bound = 1;
	live_map_init(&h->live);
	mappings_init(&h->maps);
	mr_temporary_init(&h->temp, threshold);
	vec_init(&h->orphans, sizeof(struct live_alloc));
}

void mr_heap_release(struct mr_heap *h)
{
	mr_heap_settle(h);
	live_map_release(&h->live);
	mappings_release(&h->maps);
	mr_temporary_release(&h->temp);
	vec_release(&h->orphans);
}

static bool fail(struct mr_heap *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct mr_heap *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
	return false;
}

bool mr_heap_add(struct mr_heap *h, int64_t bytes)
{
	int64_t sum;

	if (__builtin_add_overflow(h->heap, bytes, &sum) || sum > HEAP_LIMIT || sum < -HEAP_LIMIT)
		return false;
	h->heap = sum;
	return true;
}

/* ------------------------------------------------------------------------- */
/* The records applied (on the thread, or in line). */

/* The model's name of a §4.4 allocator id that allocates (2..4, 6..14). */
static enum allocator model_allocator(unsigned a)
{
	static const uint8_t model[A_MMAP + 1] = {
		[2] = ALLOCATOR_PYMALLOC_MALLOC,	[3] = ALLOCATOR_PYMALLOC_CALLOC,
		[4] = ALLOCATOR_PYMALLOC_REALLOC,	[6] = ALLOCATOR_MALLOC,
		[7] = ALLOCATOR_REALLOC,		[8] = ALLOCATOR_CALLOC,
		[9] = ALLOCATOR_POSIX_MEMALIGN,		[10] = ALLOCATOR_ALIGNED_ALLOC,
		[11] = ALLOCATOR_MEMALIGN,		[12] = ALLOCATOR_VALLOC,
		[13] = ALLOCATOR_PVALLOC,		[A_MMAP] = ALLOCATOR_MMAP,
	};

	return a <= A_MMAP ? (enum allocator)model[a] : ALLOCATOR_UNKNOWN;
}

/*
 * The records' events go to the builder a run at a time (one call per
 * run, not two per event: 4% of the CPU on memraygen's 10 M records).
 * Whatever else reaches the builder (a MUNMAP's events, a time, a stage
 * mark) and the end of each batch hand the run over first.
 */
static void hand_over(struct mr_heap *h)
{
	if (h->n_held) {
		capture_builder_event_run(h->b, h->held, h->n_held);
		h->n_held = 0;
	}
}

static void emit(struct mr_heap *h, uint32_t stack, int64_t bytes, int64_t count, unsigned flags)
{
	if (h->n_held == sizeof(h->held) / sizeof(h->held[0]))
		hand_over(h);
	h->held[h->n_held++] = (struct event){ stack, flags, bytes, count };
}

/* The index of the next event, those held included. */
static uint64_t next_event(const struct mr_heap *h)
{
	return capture_builder_events(h->b) + h->n_held;
}

/* An allocation by a simple allocator, which is event ev. */
static bool simple_alloc(struct mr_heap *h, uint64_t addr, uint64_t size, uint32_t stack,
			 unsigned allocator, uint64_t ev)
{
	struct live_alloc old;

	if (size > (uint64_t)HEAP_LIMIT || !mr_heap_add(h, (int64_t)size))
		return fail(h, "allocation of %" PRIu64 " bytes overflows the heap size", size);
	/*
	 * memray replaces the entry of a still-live address and adds the new size
	 * to its running heap without taking the old one out; the model does the
	 * same (the old bytes stay with their stack), so the peak stays memray's.
	 * Leaks then differ from memray's by the replaced entries: warned at the end.
	 */
	if (live_map_put(&h->live, addr, size, ev, stack, &old)) {
		h->replaced++;
		vec_push(&h->orphans, &old);
	}
	emit(h, stack, (int64_t)size, 1, EV_ALLOC | EV_ALLOCATOR(model_allocator(allocator)));
	return true;
}

/*
 * The flags of the free of the allocation made by event alloc_ev, by memray's
 * temporary rule: EV_TEMPORARY when memray's window on this thread finds that
 * same allocation (temporary, the allocation memray's rule found, or
 * UINT64_MAX).  When memray's rule finds another allocation than the one the
 * model frees (a stale entry of a block freed before, an address reused by
 * another thread), the model has no event to mark: counted, and warned.
 */
static unsigned temporary_flags(struct mr_heap *h, uint64_t alloc_ev, uint64_t temporary)
{
	if (temporary == UINT64_MAX)
		return 0;
	if (temporary == alloc_ev)
		return EV_TEMPORARY;
	h->temp.missed++;
	return 0;
}

static void simple_free(struct mr_heap *h, uint32_t thread, uint64_t addr)
{
	uint64_t temporary = mr_temporary_freed(&h->temp, thread, addr, 0, false);
	struct live_alloc a;

	if (!live_map_take(&h->live, addr, &a)) {
		temporary_flags(h, UINT64_MAX - 1, temporary);
		emit(h, 0, 0, 0, 0);
		return;
	}
	h->heap -= (int64_t)a.size;
	emit(h, a.stack, -(int64_t)a.size, -1, temporary_flags(h, a.ev_idx, temporary));
}

static bool mmap_alloc(struct mr_heap *h, uint64_t addr, uint64_t size, uint32_t stack)
{
	if (size > (uint64_t)HEAP_LIMIT || !mr_heap_add(h, (int64_t)size))
		return fail(h, "mapping of %" PRIu64 " bytes overflows the heap size", size);
	if (!mappings_add(&h->maps, addr, size, next_event(h), stack))
		return fail(h, "mapping at 0x%" PRIx64 " of %" PRIu64 " bytes wraps around", addr,
			    size);
	emit(h, stack, (int64_t)size, size ? 1 : 0, EV_ALLOC | EV_ALLOCATOR(ALLOCATOR_MMAP));
	return true;
}

/*
 * The flags of a MUNMAP's event by memray's temporary rule: the mapping that
 * memray's window finds must be whole in the model and the only one the range
 * touches, so that the MUNMAP is one event freeing exactly it.
 */
static unsigned munmap_flags(struct mr_heap *h, uint32_t thread, uint64_t addr, uint64_t size)
{
	uint64_t temporary = mr_temporary_freed(&h->temp, thread, addr, size, true);
	uint64_t alloc_ev = UINT64_MAX - 1;
	size_t overlaps = 0;

	if (temporary == UINT64_MAX)
		return 0;
	for (size_t i = 0; i < h->maps.list.len; i++) {
		const struct mapping *map = vec_at(&h->maps.list, i);

		if (map->end <= addr || map->begin - addr >= size)
			continue;
		overlaps++;
		if (map->begin == addr && map->end - map->begin == size)
			alloc_ev = map->ev_idx;
	}
	return temporary_flags(h, overlaps == 1 ? alloc_ev : UINT64_MAX - 1, temporary);
}

/* A MUNMAP: mappings_unmap, with memray's one event per record. */
static bool munmap_range(struct mr_heap *h, uint32_t thread, uint64_t addr, uint64_t size)
{
	unsigned flags = munmap_flags(h, thread, addr, size);
	uint64_t unmapped;

	if (!mappings_unmap(&h->maps, addr, size, h->b, true, flags, &unmapped))
		return fail(h, "MUNMAP: over %" PRIu64 " memory-mapping intervals scanned; too "
			       "many overlapping mmaps", MAPPINGS_SCAN_BUDGET);
	h->heap -= (int64_t)unmapped;
	return true;
}

/* An allocation record's event, and its place in memray's temporary window. */
static bool allocated(struct mr_heap *h, uint32_t thread, unsigned allocator, uint64_t addr,
		      uint64_t size, uint32_t stack)
{
	uint64_t ev = next_event(h);
	bool ok = allocator == A_MMAP ? mmap_alloc(h, addr, size, stack)
				      : simple_alloc(h, addr, size, stack, allocator, ev);

	if (ok)
		mr_temporary_alloc(&h->temp, thread, addr, size, ev);
	return ok;
}

/*
 * A marker allocation right after one of the same name is the same mark
 * (§18): with --trace-python-allocators one bytearray is a PYMALLOC_MALLOC
 * record and then a MALLOC record.
 */
static void apply_mark(struct mr_heap *h, struct mark *k)
{
	uint64_t ev = capture_builder_events(h->b);

	if (ev == h->mark_next && k->function == h->mark_name) {
		h->mark_next = ev + 1;
	} else {
		h->mark_name = k->function;
		h->mark_next = ev + 1;
		capture_builder_mark_where(h->b, k->name, k->where);
	}
	free(k->name);
	free(k->where);
	free(k);
}

/*
 * Applies one op of thread (the op's own bits hold it only on the thread's
 * side: below OP_THREADS); false (h->why) only for an op the reader keeps
 * off the thread.
 */
static bool apply(struct mr_heap *h, const struct mr_op *op, uint32_t thread)
{
	switch ((enum op_kind)(op->what >> 4 & 15)) {
	case OP_ALLOC:
		return allocated(h, thread, op->what & 15, op->addr, op->size, op->stack);
	case OP_FREE:
		simple_free(h, thread, op->addr);
		return true;
	case OP_MUNMAP:
		hand_over(h);
		return munmap_range(h, thread, op->addr, op->size);
	case OP_TIME:
		hand_over(h);
		capture_builder_time(h->b, (int64_t)op->addr);
		return true;
	case OP_MARK:
		hand_over(h);
		apply_mark(h, (struct mark *)(uintptr_t)op->addr);
		return true;
	}
	return true;
}

/* apply, in line on the reader's thread: its events handed over at once. */
static bool apply_in_line(struct mr_heap *h, const struct mr_op *op, uint32_t thread)
{
	bool ok = apply(h, op, thread);

	hand_over(h);
	return ok;
}

/* ------------------------------------------------------------------------- */
/* The thread. */

/*
 * Ops ahead of the one applied whose address-map slot is fetched meanwhile.
 * A slot the cache does not hold costs about 170 ns on these machines (the
 * map of memraygen's 300 k live blocks is 32 MiB, past their 4 to 8 MiB of
 * cache), twenty ops' time: 8 ahead left most of it waiting.  32 took
 * memraygen's 10 M records 0.965x the time in a fast phase of the machine
 * (10 rounds each way), the same as 8 in a slow one; 64 no less than 32.
 */
#define PREFETCH_AHEAD 32

/* A batch of ops, made while the capture had tag stacks; on the heap's thread. */
static void apply_batch(void *ctx, void *items, size_t n, uint64_t tag)
{
	struct mr_heap *h = ctx;
	const struct mr_op *op = items;

	capture_builder_events_from(h->b, (size_t)tag);
	for (size_t i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n && (op[i + PREFETCH_AHEAD].what >> 4 & 15) <= OP_FREE)
			live_map_prefetch(&h->live, op[i + PREFETCH_AHEAD].addr);
		if (!apply(h, &op[i], op[i].what >> 8))
			BUG("memray_heap: an op failed on the thread");
	}
	hand_over(h);
}

void mr_heap_threaded(struct mr_heap *h)
{
	h->may_pipe = true;
}

void mr_heap_settle(struct mr_heap *h)
{
	if (!h->piped)
		return;
	item_pipe_stop(&h->pipe);
	h->piped = false;
	capture_builder_events_from(h->b, 0);
}

/*
 * An op slot on the thread (started on the first call), or NULL: the op
 * must be applied in line, the thread settled for good.
 */
static struct mr_op *slot(struct mr_heap *h, bool safe)
{
	struct mr_op *op;

	if (!safe) {
		h->may_pipe = false;
		mr_heap_settle(h);
		return NULL;
	}
	if (!h->piped && h->may_pipe) {
		h->may_pipe = false;	/* one try */
		h->piped = item_pipe_start(&h->pipe, sizeof(struct mr_op), HEAP_OPS,
					   HEAP_BATCHES, apply_batch, h);
	}
	if (!h->piped)
		return NULL;
	op = item_pipe_next(&h->pipe);
	item_pipe_tag(&h->pipe, h->stacks_bound);
	return op;
}

/* Fills an op in place, field by field. */
static void put(struct mr_op *op, enum op_kind kind, uint32_t thread, uint64_t addr,
		uint64_t size, uint32_t stack, unsigned allocator)
{
	op->addr = addr;
	op->size = size;
	op->stack = stack;
	op->what = (thread & (OP_THREADS - 1)) << 8 | (uint32_t)kind << 4 | allocator;
}

bool mr_heap_alloc(struct mr_heap *h, uint32_t thread, unsigned allocator, uint64_t addr,
		   uint64_t size, uint32_t stack)
{
	uint64_t bound, end;
	bool safe = !__builtin_add_overflow(h->heap_bound, size, &bound) &&
		    bound <= (uint64_t)HEAP_LIMIT && thread < OP_THREADS &&
		    (allocator != A_MMAP || !__builtin_add_overflow(addr, size, &end));
	struct mr_op *op, in_line;

	if (stack >= h->stacks_bound)
		h->stacks_bound = stack + 1;
	op = slot(h, safe);

	h->heap_bound = bound;
	if (allocator == A_MMAP)
		h->maps_bound++;
	if (op) {
		put(op, OP_ALLOC, thread, addr, size, stack, allocator);
		return true;
	}
	put(&in_line, OP_ALLOC, thread, addr, size, stack, allocator);
	return apply_in_line(h, &in_line, thread);
}

void mr_heap_free(struct mr_heap *h, uint32_t thread, uint64_t addr)
{
	struct mr_op *op = slot(h, thread < OP_THREADS), in_line;

	put(op ? op : &in_line, OP_FREE, thread, addr, 0, 0, 0);
	if (!op)
		apply_in_line(h, &in_line, thread);
}

bool mr_heap_munmap(struct mr_heap *h, uint32_t thread, uint64_t addr, uint64_t size)
{
	struct mr_op *op, in_line;
	bool safe;

	/* A split adds one mapping at most; the scan is over the mappings there are. */
	h->maps_bound++;
	safe = h->maps_bound <= MAPPINGS_SCAN_BUDGET - h->scans_bound && thread < OP_THREADS;
	if (safe)
		h->scans_bound += h->maps_bound;
	op = slot(h, safe);
	put(op ? op : &in_line, OP_MUNMAP, thread, addr, size, 0, 0);
	return op ? true : apply_in_line(h, &in_line, thread);
}

void mr_heap_time(struct mr_heap *h, int64_t time_ms)
{
	struct mr_op *op = slot(h, true), in_line;

	put(op ? op : &in_line, OP_TIME, 0, (uint64_t)time_ms, 0, 0, 0);
	if (!op)
		apply_in_line(h, &in_line, 0);
}

void mr_heap_mark(struct mr_heap *h, uint32_t function, const char *name, const char *where)
{
	struct mark *k = xmalloc(sizeof(*k));
	struct mr_op *op = slot(h, true), in_line;

	k->function = function;
	k->name = xstrdup(name);
	k->where = xstrdup(where);
	put(op ? op : &in_line, OP_MARK, 0, (uint64_t)(uintptr_t)k, 0, 0, 0);
	if (!op)
		apply_in_line(h, &in_line, 0);
}

/*
 * The leak table (capture_builder_leak): every slot in use, every allocation
 * replaced at a still-live address (whose bytes the model keeps live, as
 * memray's current does), and every piece of a live mapping, by the event
 * that allocated it (the pieces of one mmap are summed by the builder).
 */
void mr_heap_leaks(struct mr_heap *h)
{
	const struct live_alloc *a;
	size_t pos = 0;

	mr_heap_settle(h);
	capture_builder_leaks_known(h->b);
	while ((a = live_map_next(&h->live, &pos)))
		capture_builder_leak(h->b, a->ev_idx, a->stack, (int64_t)a->size, 1);
	for (size_t i = 0; i < h->orphans.len; i++) {
		a = vec_at(&h->orphans, i);
		capture_builder_leak(h->b, a->ev_idx, a->stack, (int64_t)a->size, 1);
	}
	mappings_leaks(&h->maps, h->b);
}
