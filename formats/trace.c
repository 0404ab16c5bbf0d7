/*
 * trace: reader for the raw trace of memtui's recorder (formats/trace_format.h,
 * the contract with src/record's preload library).
 *
 * Model.  Records are read front to back.  Events (allocations, frees, marks,
 * with the time and RSS samples) come out of order, buffered per thread, and
 * go into a binary heap keyed by (seq, class): a TR_FLUSH of watermark w
 * releases every event with seq < w into the capture in seq order, and the
 * end of the file releases the rest.  The heap therefore holds at most the
 * events between two flushes.  Time and RSS samples sort before an event of
 * the same seq.  Events that arrive in order (one thread's, or every event of
 * a single-threaded program) skip the heap: they go to a sorted run, and each
 * release takes the smaller of the run's first and the heap's top.
 *
 * Released events replay the recorded heap through a live table, as memray's
 * reader does: simple allocations by address (live_map.h: size, model stack
 * and allocating event), mappings (TA_MMAP, TA_MREMAP) as a list of intervals
 * that TR_MUNMAP trims, splits or removes (memray's rule: a whole interval is
 * a free, count -1; a trimmed one keeps its count; a split one counts +1).
 *
 * Rules, all stated in README.md "Recording native programs":
 *  - a free, realloc or munmap of an address that is not live is ignored: the
 *    memory was allocated before recording started, by the parent of a forked
 *    child (which inherits its parent's heap), or by a path the recorder does
 *    not see;
 *  - an allocation at an address still live (its free was not seen) first
 *    frees the old block, counted and warned about at the end;
 *  - a realloc BEGIN is held until the END of the same thread: the END frees
 *    the old block (unless the call failed: new pointer 0 with size > 0) and
 *    allocates the new one, both at the END's place.  If another allocation
 *    takes the old address first, the realloc has freed it: it is freed there;
 *  - an allocation of pointer 0 (a failed call) is not counted;
 *  - no TR_END at the end of the file: the process died; what is there
 *    loads and the capture is flagged truncated.  A TR_END of how TE_EXEC followed
 *    by more records is an exec that failed.
 *
 * Stacks are resolved to model stacks when an event first uses them, against
 * the modules mapped at the stack's seq (or, failing that, any module ever
 * mapped over the address): frames from the resolver (inlined callees above
 * the function they are in), else module + offset, else the bare address.
 *
 * Hostile input: every bound of trace_format.h is enforced, every id checked
 * against what was defined before, every record decoded whole before it has
 * any effect; a bad record ends the capture as truncated at its offset.
 */
#include "trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "hashmap.h"
#include "live_map.h"
#include "mappings.h"
#include "trace_format.h"
#include "vec.h"
#include "xalloc.h"

#define TRACE_MAGIC_LEN 8
/* Window to start a record with; grown up to INPUT_MAX_WINDOW for a long one. */
#define START_WINDOW (64u << 10)
/* A heap larger than this (2^62 bytes) is corrupt data; keeps every model sum in int64. */
#define HEAP_LIMIT ((int64_t)1 << 62)
/* Inline depth asked of the resolver for one address. */
#define MAX_INLINE 32
/* The command line kept in meta (longer ones are cut). */
#define COMMAND_MAX (64u << 10)
/*
 * Modules the address lookups may scan in total (each new return address
 * scans the module list once): real traces scan thousands; a hostile one of
 * many modules and many addresses would take quadratic time.  Past it,
 * addresses stay unnamed, with a warning.
 */
#define MODULE_SCAN_BUDGET ((uint64_t)1 << 28)
/* Threads named (the model's thread list is searched linearly); later ones stay unnamed. */
#define MAX_THREAD_NAMES (1u << 14)
/* Threads with a sorted run of their own (the others' events go to the heap). */
#define MAX_RUNS 16

enum rec { REC_OK, REC_SHORT, REC_BAD };

/* One event waiting in the heap; a, b by type. */
struct tr_event {
	uint64_t seq;
	uint64_t a;		/* ptr, old ptr, munmap addr, mark/time/rss ns */
	uint64_t b;		/* size, munmap len, rss bytes; mark: name index */
	uint32_t stack;		/* index in stacks */
	uint32_t tid;
	uint8_t type;		/* enum trace_record */
	uint8_t kind;		/* alloc or free kind, mark origin */
};

struct tr_stack {
	uint64_t seq;
	uint32_t first, n;	/* addresses in addrs, innermost first */
};

struct tr_module {
	uint64_t from, gone;	/* mapped for seq in [from, gone) */
	uint64_t bias;
	char *path;
	uint32_t name;		/* string id of path */
	uint32_t first_seg, nseg;	/* in segs */
	uint8_t *build_id;	/* GNU build-id (owned), NULL when none */
	size_t id_len;
	int handle;		/* resolver's; -1 = none */
	bool tried;
};

struct tr_ip {
	uint64_t addr;
	uint32_t module;	/* index in modules, UINT32_MAX none */
	uint32_t first, n;	/* model frame ids in ip_frames, outermost first */
};


/* One thread's events that came in order, [at, len) not yet released. */
struct tr_run {
	struct vec ev;		/* struct tr_event */
	size_t at;
	uint32_t tid;
};

struct pending_realloc {
	uint64_t old_ptr;
	bool active, freed;	/* freed: another allocation took old_ptr first */
};

struct tr {
	struct input *in;
	struct capture_builder *b;
	const struct native_resolver *res;

	uint64_t start_ns;
	char *exe;

	struct vec heap;		/* struct tr_event, binary min-heap */
	struct tr_run runs[MAX_RUNS];	/* the events that came sorted, by thread */
	size_t n_runs;
	uint64_t watermark;		/* every seq below it has been released */
	uint64_t last_seq;		/* last event released (released_any) */
	bool released_any;
	int64_t time_ms;		/* last time given to the builder */
	bool ended;			/* the last record was a TR_END */
	uint64_t end_ns;

	struct vec stacks;		/* struct tr_stack */
	struct hashmap stack_ids;	/* trace stack id -> index in stacks */
	struct hashmap model_stacks;	/* tid << 32 | index in stacks -> model stack */
	struct vec addrs;		/* uint64_t */
	struct vec modules;		/* struct tr_module */
	struct vec segs;		/* struct native_segment */
	struct vec ips;			/* struct tr_ip */
	struct hashmap ip_index;	/* address -> index in ips (last resolved) */
	struct vec ip_frames;		/* uint32_t model frame ids */
	struct vec names;		/* char *: mark names, owned */

	struct live_map live;		/* the live simple allocations by address */
	struct mappings maps;		/* live mapping intervals */
	int64_t heap_bytes;
	struct vec reallocs;		/* struct pending_realloc, by thread slot */
	struct hashmap realloc_tid;	/* tid -> index in reallocs */
	struct hashmap realloc_ptr;	/* old ptr of an active realloc -> index in reallocs */

	uint64_t last_alloc;		/* the pointer of the last allocation (last_alloc_live) */
	bool last_alloc_live;		/* no free or allocation since: its free is temporary */
	uint64_t replaced;		/* allocations at a live address */
	uint64_t module_scans;		/* MODULE_SCAN_BUDGET */
	struct hashmap named;		/* tids named so far (MAX_THREAD_NAMES) */
	uint64_t unnamed;		/* thread names dropped past MAX_THREAD_NAMES */

	uint64_t rec_off;		/* offset of the record being read */
	char why[160];			/* what is wrong with the bad record */
	bool cut;
};

static enum rec bad(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum rec bad(struct tr *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	return REC_BAD;
}

static bool rd_le16(struct rd *r, uint16_t *out)
{
	if (rd_left(r) < 2)
		return false;
	*out = (uint16_t)(r->p[0] | r->p[1] << 8);
	r->p += 2;
	return true;
}

/* A str16 or bytes8: a length of lenbytes bytes, then that many bytes. */
static bool rd_sized(struct rd *r, bool wide, const uint8_t **p, size_t *n)
{
	struct rd save = *r;
	uint16_t n16 = 0;
	uint8_t n8 = 0;

	if (wide ? !rd_le16(r, &n16) : !rd_u8(r, &n8))
		return false;
	*n = wide ? n16 : n8;
	if (!rd_bytes(r, *n, p)) {
		*r = save;
		return false;
	}
	return true;
}

static int64_t ms_of(const struct tr *t, uint64_t ns)
{
	return ns > t->start_ns ? (int64_t)((ns - t->start_ns) / 1000000u) : 0;
}

/* ------------------------------------------------------------------------- */
/* The heap of events waiting for their watermark. */

static bool is_event(uint8_t type)
{
	return type >= TR_ALLOC && type <= TR_MARK;
}

/*
 * (seq, class, ns): events have unique seqs; time and RSS samples (which may
 * share a seq, each other's or an event's) go before the event, by time.
 */
static bool ev_less(const struct tr_event *x, const struct tr_event *y)
{
	if (x->seq != y->seq)
		return x->seq < y->seq;
	if (is_event(x->type) != is_event(y->type))
		return is_event(y->type);
	return !is_event(x->type) && x->a < y->a;
}

static void heap_push(struct tr *t, const struct tr_event *ev)
{
	struct tr_event *h;
	size_t i = t->heap.len;

	vec_push(&t->heap, ev);
	h = t->heap.data;
	while (i > 0 && ev_less(&h[i], &h[(i - 1) / 2])) {
		struct tr_event tmp = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static struct tr_event heap_pop(struct tr *t)
{
	struct tr_event *h = t->heap.data, top = h[0];
	size_t n = --t->heap.len, i = 0;

	h[0] = h[n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct tr_event tmp;

		if (l < n && ev_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && ev_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			break;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
	return top;
}

/* ------------------------------------------------------------------------- */
/* Stacks and modules. */

static int module_handle(struct tr *t, struct tr_module *m)
{
	if (!m->tried && t->res) {
		const char *path = m->path[0] ? m->path : t->exe;

		m->tried = true;
		m->handle = t->res->module(t->res->ctx, path, vec_at(&t->segs, m->first_seg),
					   m->nseg, m->build_id, m->id_len);
	}
	return m->handle;
}

static bool module_covers(const struct tr *t, const struct tr_module *m, uint64_t addr)
{
	for (uint32_t i = 0; i < m->nseg; i++) {
		const struct native_segment *s = vec_at(&t->segs, m->first_seg + i);
		uint64_t lo = m->bias + s->vaddr;

		if (lo >= m->bias && addr >= lo && addr - lo < s->memsz)
			return true;
	}
	return false;
}

/*
 * The module mapped over addr at seq (the newest), else the newest ever
 * mapped there; none once MODULE_SCAN_BUDGET is spent.
 */
static uint32_t find_module(struct tr *t, uint64_t addr, uint64_t seq)
{
	uint32_t any = UINT32_MAX;

	if (t->modules.len > MODULE_SCAN_BUDGET - t->module_scans)
		return UINT32_MAX;
	t->module_scans += t->modules.len;
	for (size_t i = t->modules.len; i-- > 0;) {
		const struct tr_module *m = vec_at(&t->modules, i);

		if (!module_covers(t, m, addr))
			continue;
		if (m->from <= seq && seq < m->gone)
			return (uint32_t)i;
		if (any == UINT32_MAX)
			any = (uint32_t)i;
	}
	return any;
}

static bool module_live_at(const struct tr *t, uint32_t idx, uint64_t seq)
{
	const struct tr_module *m = vec_at(&t->modules, idx);

	return m->from <= seq && seq < m->gone;
}

/* The frames of return address addr (outermost first) as an index in ips. */
static uint32_t resolve_ip(struct tr *t, uint64_t addr, uint64_t seq)
{
	uint32_t idx = hashmap_get(&t->ip_index, addr);
	struct native_symbol syms[MAX_INLINE];
	enum native_source source;
	struct frame f = { .kind = FRAME_NATIVE, .address = addr };
	struct tr_ip ip = { addr, UINT32_MAX, (uint32_t)t->ip_frames.len, 0 };
	size_t k = 0;

	if (idx != HASHMAP_NONE) {
		const struct tr_ip *c = vec_at(&t->ips, idx);

		if (c->module != UINT32_MAX && module_live_at(t, c->module, seq))
			return idx;
	}
	ip.module = find_module(t, addr, seq);
	if (idx != HASHMAP_NONE &&
	    ((const struct tr_ip *)vec_at(&t->ips, idx))->module == ip.module)
		return idx;
	if (ip.module != UINT32_MAX) {
		struct tr_module *m = vec_at(&t->modules, ip.module);
		int h = module_handle(t, m);

		f.module = m->name;
		f.address = addr - m->bias;
		/* A return address: the call instruction is the byte before it. */
		if (h >= 0 && f.address > 0)
			k = t->res->lookup(t->res->ctx, h, f.address - 1, syms, MAX_INLINE,
					   &source);
		if (k > MAX_INLINE)
			k = MAX_INLINE;
	}
	if (!k) {
		uint32_t id = capture_builder_frame(t->b, &f);

		vec_push(&t->ip_frames, &id);
	}
	while (k--) {
		uint32_t id;

		f.function = syms[k].function ? capture_builder_cstring(t->b, syms[k].function) : 0;
		f.file = syms[k].file ? capture_builder_cstring(t->b, syms[k].file) : 0;
		f.line = syms[k].line;
		id = capture_builder_frame(t->b, &f);
		vec_push(&t->ip_frames, &id);
		f.kind = FRAME_INLINED;
	}
	ip.n = (uint32_t)(t->ip_frames.len - ip.first);
	idx = (uint32_t)t->ips.len;
	vec_push(&t->ips, &ip);
	hashmap_put(&t->ip_index, addr, idx);
	return idx;
}

/*
 * The model stack of trace stack index on thread tid: its frames under the
 * thread's frame, so that the stack says its thread (capture.h, "Threads").
 */
static uint32_t model_stack(struct tr *t, uint32_t index, uint32_t tid)
{
	struct tr_stack st = *(struct tr_stack *)vec_at(&t->stacks, index);
	uint64_t key = (uint64_t)tid << 32 | index;
	uint32_t parent = hashmap_get(&t->model_stacks, key);

	if (parent != HASHMAP_NONE)
		return parent;
	parent = capture_builder_thread_stack(t->b, tid);
	for (uint32_t i = st.n; i-- > 0;) {
		uint64_t addr = *(uint64_t *)vec_at(&t->addrs, st.first + i);
		struct tr_ip ip = *(struct tr_ip *)vec_at(&t->ips, resolve_ip(t, addr, st.seq));

		for (uint32_t j = 0; j < ip.n; j++)
			parent = capture_builder_stack(t->b, parent,
						       *(uint32_t *)vec_at(&t->ip_frames,
									   ip.first + j));
	}
	hashmap_put(&t->model_stacks, key, parent);
	return parent;
}

/* ------------------------------------------------------------------------- */
/* The live table. */

static bool heap_add(struct tr *t, uint64_t size)
{
	int64_t sum;

	if (size > (uint64_t)HEAP_LIMIT ||
	    __builtin_add_overflow(t->heap_bytes, (int64_t)size, &sum) || sum > HEAP_LIMIT)
		return false;
	t->heap_bytes = sum;
	return true;
}

/*
 * Frees a, taken out of the live map.  A free of the block the last allocation
 * made, with no other allocation or free between, is temporary (heaptrack's rule).
 */
static void free_live(struct tr *t, const struct live_alloc *a)
{
	bool temporary = t->last_alloc_live && t->last_alloc == a->addr;

	t->last_alloc_live = false;
	t->heap_bytes -= (int64_t)a->size;
	capture_builder_event(t->b, a->stack, -(int64_t)a->size, -1,
			      temporary ? EV_TEMPORARY : 0);
}

/* Frees ptr if it is live. */
static void free_simple(struct tr *t, uint64_t ptr)
{
	struct live_alloc a;

	if (live_map_take(&t->live, ptr, &a))
		free_live(t, &a);
}

/* An active realloc whose old block is ptr has freed it: another allocation got it. */
static void realloc_lost_ptr(struct tr *t, uint64_t ptr)
{
	uint32_t idx = hashmap_remove(&t->realloc_ptr, ptr);

	if (idx == HASHMAP_NONE)
		return;
	((struct pending_realloc *)vec_at(&t->reallocs, idx))->freed = true;
	free_simple(t, ptr);
}

/* The model's allocator of a TA_ kind (checked in range when read). */
static unsigned model_allocator(unsigned kind)
{
	static const uint8_t model[TA_MREMAP + 1] = {
		[TA_MALLOC] = ALLOCATOR_MALLOC,
		[TA_CALLOC] = ALLOCATOR_CALLOC,
		[TA_REALLOC] = ALLOCATOR_REALLOC,
		[TA_REALLOCARRAY] = ALLOCATOR_REALLOCARRAY,
		[TA_POSIX_MEMALIGN] = ALLOCATOR_POSIX_MEMALIGN,
		[TA_ALIGNED_ALLOC] = ALLOCATOR_ALIGNED_ALLOC,
		[TA_MEMALIGN] = ALLOCATOR_MEMALIGN,
		[TA_VALLOC] = ALLOCATOR_VALLOC,
		[TA_PVALLOC] = ALLOCATOR_PVALLOC,
		[TA_MMAP] = ALLOCATOR_MMAP,
		[TA_MREMAP] = ALLOCATOR_MREMAP,
	};

	return kind <= TA_MREMAP ? model[kind] : ALLOCATOR_UNKNOWN;
}

static enum rec alloc_simple(struct tr *t, uint64_t ptr, uint64_t size, uint32_t stack,
			     unsigned kind)
{
	struct live_alloc old;

	realloc_lost_ptr(t, ptr);
	if (live_map_take(&t->live, ptr, &old)) {
		t->replaced++;
		free_live(t, &old);
	}
	if (!heap_add(t, size))
		return bad(t, "allocation of %" PRIu64 " bytes overflows the heap size", size);
	live_map_put(&t->live, ptr, size, capture_builder_events(t->b), stack, &old);
	t->last_alloc = ptr;
	t->last_alloc_live = true;
	capture_builder_event(t->b, stack, (int64_t)size, 1,
			      EV_ALLOC | EV_ALLOCATOR(model_allocator(kind)));
	return REC_OK;
}

static enum rec alloc_map(struct tr *t, uint64_t addr, uint64_t size, uint32_t stack,
			  unsigned kind)
{
	if (!heap_add(t, size))
		return bad(t, "mapping of %" PRIu64 " bytes overflows the heap size", size);
	if (!mappings_add(&t->maps, addr, size, capture_builder_events(t->b), stack))
		return bad(t, "mapping at 0x%" PRIx64 " of %" PRIu64 " bytes wraps around", addr,
			   size);
	t->last_alloc_live = false;
	capture_builder_event(t->b, stack, (int64_t)size, size ? 1 : 0,
			      EV_ALLOC | EV_ALLOCATOR(model_allocator(kind)));
	return REC_OK;
}

/* A TR_MUNMAP: mappings_unmap, as memray's reader does, but no event when nothing overlaps. */
static enum rec unmap(struct tr *t, uint64_t addr, uint64_t len)
{
	uint64_t unmapped;

	if (!mappings_unmap(&t->maps, addr, len, t->b, false, 0, &unmapped))
		return bad(t, "TR_MUNMAP: over %" PRIu64 " mapping intervals scanned; too many "
			      "overlapping mappings", MAPPINGS_SCAN_BUDGET);
	t->heap_bytes -= (int64_t)unmapped;
	return REC_OK;
}

static enum rec alloc_any(struct tr *t, const struct tr_event *ev)
{
	uint32_t stack;

	if (!ev->a && ev->kind != TA_MMAP && ev->kind != TA_MREMAP)
		return REC_OK;	/* a failed call */
	stack = model_stack(t, ev->stack, ev->tid);
	if (ev->kind == TA_MMAP || ev->kind == TA_MREMAP)
		return alloc_map(t, ev->a, ev->b, stack, ev->kind);
	return alloc_simple(t, ev->a, ev->b, stack, ev->kind);
}

static struct pending_realloc *thread_realloc(struct tr *t, uint32_t tid)
{
	uint32_t idx = hashmap_get(&t->realloc_tid, tid);

	if (idx == HASHMAP_NONE) {
		idx = (uint32_t)t->reallocs.len;
		vec_grow(&t->reallocs, 1);
		hashmap_put(&t->realloc_tid, tid, idx);
	}
	return vec_at(&t->reallocs, idx);
}

static enum rec realloc_end(struct tr *t, const struct tr_event *ev)
{
	struct pending_realloc *p = thread_realloc(t, ev->tid), r = *p;

	p->active = false;
	if (!r.active)
		return alloc_any(t, ev);	/* its BEGIN was not seen: an allocation */
	if (!r.freed)
		hashmap_remove(&t->realloc_ptr, r.old_ptr);
	if (!ev->a && ev->b)
		return REC_OK;	/* failed: the old block stays */
	if (!r.freed)
		free_simple(t, r.old_ptr);
	return alloc_any(t, ev);
}

static void stage_mark(struct tr *t, const struct tr_event *ev)
{
	static const uint8_t origin[] = {
		[TM_C_API] = MARK_C_API, [TM_PYTHON_API] = MARK_PYTHON_API,
		[TM_SIGNAL] = MARK_SIGNAL,
	};
	struct stage_mark m = {
		.ev_idx = capture_builder_events(t->b),
		.time_ms = ms_of(t, ev->a),
		.origin = origin[ev->kind],
		.name = *(char **)vec_at(&t->names, ev->b),
		.where = "",
	};

	capture_builder_stage_mark(t->b, &m);
}

static void set_time(struct tr *t, int64_t ms)
{
	if (ms <= t->time_ms)
		return;
	t->time_ms = ms;
	capture_builder_time(t->b, ms);
}

static enum rec apply(struct tr *t, const struct tr_event *ev)
{
	struct pending_realloc *p;

	if (is_event(ev->type)) {
		if (t->released_any && ev->seq <= t->last_seq)
			return bad(t, "event seq %" PRIu64 " repeated or below the flush watermark",
				   ev->seq);
		t->released_any = true;
		t->last_seq = ev->seq;
	}
	switch (ev->type) {
	case TR_ALLOC:
		return alloc_any(t, ev);
	case TR_FREE:
		free_simple(t, ev->a);
		return REC_OK;
	case TR_REALLOC_BEGIN:
		p = thread_realloc(t, ev->tid);
		if (p->active && !p->freed)
			hashmap_remove(&t->realloc_ptr, p->old_ptr);
		p->active = true;
		p->freed = false;
		p->old_ptr = ev->a;
		hashmap_put(&t->realloc_ptr, ev->a, hashmap_get(&t->realloc_tid, ev->tid));
		return REC_OK;
	case TR_REALLOC_END:
		return realloc_end(t, ev);
	case TR_MUNMAP:
		return unmap(t, ev->a, ev->b);
	case TR_MARK:
		stage_mark(t, ev);
		return REC_OK;
	case TR_TIME:
		set_time(t, ms_of(t, ev->a));
		return REC_OK;
	case TR_RSS:
		capture_builder_rss(t->b, ms_of(t, ev->a), ev->b);
		return REC_OK;
	default:
		return REC_OK;
	}
}

/* The next event in (seq, class) order, or NULL when none waits; *run: its run, or NULL. */
static const struct tr_event *peek(struct tr *t, struct tr_run **run)
{
	const struct tr_event *best = t->heap.len ? t->heap.data : NULL;

	*run = NULL;
	for (size_t i = 0; i < t->n_runs; i++) {
		struct tr_run *r = &t->runs[i];
		const struct tr_event *e;

		if (r->at == r->ev.len)
			continue;
		e = vec_at(&r->ev, r->at);
		/* A run's event goes before a heap event of the same key, as before. */
		if (!best || ev_less(e, best) || (!*run && !ev_less(best, e))) {
			best = e;
			*run = r;
		}
	}
	return best;
}

/* Releases every waiting event with seq < w (all of them with all). */
static enum rec release(struct tr *t, uint64_t w, bool all)
{
	const struct tr_event *next;
	struct tr_run *run;

	while ((next = peek(t, &run)) && (all || next->seq < w)) {
		struct tr_event ev = run ? *next : heap_pop(t);

		if (run)
			run->at++;
		if (apply(t, &ev) != REC_OK)
			return REC_BAD;
	}
	for (size_t i = 0; i < t->n_runs; i++)
		if (t->runs[i].at == t->runs[i].ev.len)
			t->runs[i].ev.len = t->runs[i].at = 0;
	return REC_OK;
}

/* ------------------------------------------------------------------------- */
/* Records. */

static enum rec take_event(struct tr *t, struct tr_event *ev)
{
	if (is_event(ev->type) && ev->seq < t->watermark)
		return bad(t, "event seq %" PRIu64 " after the flush watermark %" PRIu64,
			   ev->seq, t->watermark);
	struct tr_run *r = NULL;

	for (size_t i = 0; i < t->n_runs && !r; i++)
		if (t->runs[i].tid == ev->tid)
			r = &t->runs[i];
	if (!r && t->n_runs < MAX_RUNS) {
		r = &t->runs[t->n_runs++];
		vec_init(&r->ev, sizeof(struct tr_event));
		r->at = 0;
		r->tid = ev->tid;
	}
	if (r && (r->at == r->ev.len || !ev_less(ev, vec_at(&r->ev, r->ev.len - 1))))
		vec_push(&r->ev, ev);
	else
		heap_push(t, ev);
	return REC_OK;
}

static enum rec event_record(struct tr *t, struct rd *r, uint8_t type, uint32_t tid)
{
	struct tr_event ev = { .type = type, .tid = tid };
	const uint8_t *name = NULL;
	size_t name_len = 0;
	uint32_t id = 0;
	bool ok;
	char *s;

	switch (type) {
	case TR_ALLOC:
		ok = rd_le64(r, &ev.seq) && rd_le64(r, &ev.a) && rd_le64(r, &ev.b) &&
		     rd_le32(r, &id) && rd_u8(r, &ev.kind);
		break;
	case TR_FREE:
		ok = rd_le64(r, &ev.seq) && rd_le64(r, &ev.a) && rd_u8(r, &ev.kind);
		break;
	case TR_REALLOC_BEGIN:
		ok = rd_le64(r, &ev.seq) && rd_le64(r, &ev.a);
		break;
	case TR_REALLOC_END:
		ok = rd_le64(r, &ev.seq) && rd_le64(r, &ev.a) && rd_le64(r, &ev.b) &&
		     rd_le32(r, &id) && rd_u8(r, &ev.kind);
		break;
	case TR_MUNMAP:
		ok = rd_le64(r, &ev.seq) && rd_le64(r, &ev.a) && rd_le64(r, &ev.b);
		break;
	default:	/* TR_MARK */
		ok = rd_le64(r, &ev.seq) && rd_le64(r, &ev.a) && rd_u8(r, &ev.kind) &&
		     rd_sized(r, true, &name, &name_len);
		break;
	}
	if (!ok)
		return REC_SHORT;
	if (type == TR_ALLOC || type == TR_REALLOC_END) {
		ev.stack = hashmap_get(&t->stack_ids, id);
		if (ev.stack == HASHMAP_NONE)
			return bad(t, "stack %" PRIu32 " used before its TR_STACK", id);
		if (ev.kind < TA_MALLOC || ev.kind > TA_MREMAP)
			return bad(t, "unknown allocation kind %u", ev.kind);
	}
	if (type == TR_FREE && (ev.kind < TF_FREE || ev.kind > TF_FREE_ALIGNED_SIZED))
		return bad(t, "unknown free kind %u", ev.kind);
	if (type == TR_FREE && !ev.a)
		return bad(t, "a free of address 0");
	if (type == TR_MARK) {
		if (ev.kind < TM_C_API || ev.kind > TM_SIGNAL)
			return bad(t, "unknown mark origin %u", ev.kind);
		s = xmalloc(name_len + 1);
		memcpy(s, name, name_len);
		s[name_len] = '\0';
		ev.b = t->names.len;
		vec_push(&t->names, &s);
	}
	return take_event(t, &ev);
}

static enum rec stack_record(struct tr *t, struct rd *r)
{
	struct tr_stack st = { 0 };
	const uint8_t *p;
	uint32_t id;
	uint16_t n;

	if (!rd_le32(r, &id) || !rd_le64(r, &st.seq) || !rd_le16(r, &n) ||
	    !rd_bytes(r, (size_t)n * 8, &p))
		return REC_SHORT;
	if (n > TRACE_MAX_FRAMES)
		return bad(t, "stack %" PRIu32 " of %u frames (at most %u)", id, n,
			   TRACE_MAX_FRAMES);
	if (hashmap_get(&t->stack_ids, id) != HASHMAP_NONE)
		return bad(t, "stack %" PRIu32 " defined twice", id);
	if (t->stacks.len >= UINT32_MAX - 1)
		return bad(t, "too many stacks");
	st.first = (uint32_t)t->addrs.len;
	st.n = n;
	for (uint16_t i = 0; i < n; i++) {
		struct rd a = { p + 8 * i, p + 8 * i + 8 };
		uint64_t addr = 0;

		rd_le64(&a, &addr);
		vec_push(&t->addrs, &addr);
	}
	hashmap_put(&t->stack_ids, id, (uint32_t)t->stacks.len);
	vec_push(&t->stacks, &st);
	return REC_OK;
}

static enum rec module_record(struct tr *t, struct rd *r)
{
	struct tr_module m = { .gone = UINT64_MAX, .handle = -1 };
	const uint8_t *path, *build_id, *p;
	size_t path_len, id_len;
	uint16_t n;

	if (!rd_le64(r, &m.from) || !rd_le64(r, &m.bias) || !rd_sized(r, true, &path, &path_len) ||
	    !rd_sized(r, false, &build_id, &id_len) || !rd_le16(r, &n) ||
	    !rd_bytes(r, (size_t)n * 16, &p))
		return REC_SHORT;
	if (n > TRACE_MAX_SEGMENTS)
		return bad(t, "module of %u segments (at most %u)", n, TRACE_MAX_SEGMENTS);
	if (memchr(path, '\0', path_len))
		return bad(t, "a module path with a NUL byte");
	m.path = xmalloc(path_len + 1);
	memcpy(m.path, path, path_len);
	m.path[path_len] = '\0';
	if (id_len) {
		m.build_id = xmalloc(id_len);
		memcpy(m.build_id, build_id, id_len);
		m.id_len = id_len;
	}
	m.name = path_len ? capture_builder_string(t->b, m.path, path_len)
			  : capture_builder_cstring(t->b, t->exe);
	m.first_seg = (uint32_t)t->segs.len;
	m.nseg = n;
	for (uint16_t i = 0; i < n; i++) {
		struct rd s = { p + 16 * i, p + 16 * i + 16 };
		struct native_segment seg = { 0, 0 };

		rd_le64(&s, &seg.vaddr);
		rd_le64(&s, &seg.memsz);
		vec_push(&t->segs, &seg);
	}
	vec_push(&t->modules, &m);
	return REC_OK;
}

static enum rec module_gone(struct tr *t, struct rd *r)
{
	uint64_t seq, bias;

	if (!rd_le64(r, &seq) || !rd_le64(r, &bias))
		return REC_SHORT;
	for (size_t i = t->modules.len; i-- > 0;) {
		struct tr_module *m = vec_at(&t->modules, i);

		if (m->bias == bias && m->gone == UINT64_MAX) {
			m->gone = seq;
			break;
		}
	}
	return REC_OK;
}

static enum rec other_record(struct tr *t, struct rd *r, uint8_t type)
{
	struct tr_event ev = { .type = type };
	const uint8_t *name;
	size_t len;
	uint32_t tid;
	uint8_t how;
	uint64_t w;
	char *s;

	switch (type) {
	case TR_THREAD_NAME:
		if (!rd_le32(r, &tid) || !rd_sized(r, true, &name, &len))
			return REC_SHORT;
		if (hashmap_get(&t->named, tid) == HASHMAP_NONE) {
			if (t->named.len >= MAX_THREAD_NAMES) {
				t->unnamed++;
				return REC_OK;
			}
			hashmap_put(&t->named, tid, 0);
		}
		s = xmalloc(len + 1);
		memcpy(s, name, len);
		s[len] = '\0';
		capture_builder_thread(t->b, tid, s);
		free(s);
		return REC_OK;
	case TR_STACK:
		return stack_record(t, r);
	case TR_MODULE:
		return module_record(t, r);
	case TR_MODULE_GONE:
		return module_gone(t, r);
	case TR_TIME:
		if (!rd_le64(r, &ev.seq) || !rd_le64(r, &ev.a))
			return REC_SHORT;
		return take_event(t, &ev);
	case TR_RSS:
		if (!rd_le64(r, &ev.seq) || !rd_le64(r, &ev.a) || !rd_le64(r, &ev.b))
			return REC_SHORT;
		return take_event(t, &ev);
	case TR_FLUSH:
		if (!rd_le64(r, &w))
			return REC_SHORT;
		if (w < t->watermark)
			return bad(t, "flush watermark %" PRIu64 " below the previous %" PRIu64, w,
				   t->watermark);
		t->watermark = w;
		return release(t, w, false);
	case TR_END:
		if (!rd_le64(r, &w) || !rd_le64(r, &t->end_ns) || !rd_u8(r, &how))
			return REC_SHORT;
		if (how < TE_EXIT || how > TE_EXEC)
			return bad(t, "unknown end %u", how);
		t->ended = true;
		return REC_OK;
	default:
		return bad(t, "unknown record type 0x%02x", type);
	}
}

/* The records of one TR_BLOCK: events of thread tid, each whole. */
static enum rec block_records(struct tr *t, const uint8_t *p, size_t len, uint32_t tid)
{
	struct rd r = { p, p + len };
	uint64_t base = t->rec_off;

	while (rd_left(&r)) {
		uint8_t type = 0;
		enum rec rc;

		t->rec_off = base + (uint64_t)(r.p - p);
		rd_u8(&r, &type);
		if (!is_event(type))
			return bad(t, "record type 0x%02x inside a TR_BLOCK", type);
		rc = event_record(t, &r, type, tid);
		if (rc == REC_SHORT)
			return bad(t, "a record crosses the end of its TR_BLOCK");
		if (rc != REC_OK)
			return rc;
	}
	return REC_OK;
}

static void cut(struct tr *t, uint64_t offset, const char *why)
{
	const struct mt_error *se = input_stream_error(t->in);

	t->cut = true;
	capture_builder_truncated(t->b, offset, se ? se->msg : why);
}

/* One record at the read position; false at the end of the records. */
static bool next_record(struct tr *t)
{
	size_t want = START_WINDOW;

	for (;;) {
		ssize_t n = input_fill(t->in, want, NULL);
		const uint8_t *p = input_ptr(t->in);
		struct rd r = { p, p + (n > 0 ? n : 0) };
		uint32_t tid = 0, len = 0;
		uint8_t type = 0;
		enum rec rc;

		t->rec_off = input_offset(t->in);
		if (n <= 0)
			return false;
		rd_u8(&r, &type);
		if (type != TR_BLOCK) {
			rc = is_event(type) ? event_record(t, &r, type, 0)
					    : other_record(t, &r, type);
			if (rc == REC_SHORT && (size_t)n >= want && want < INPUT_MAX_WINDOW) {
				want *= 4;
				continue;
			}
			if (rc == REC_OK) {
				if (type != TR_END)
					t->ended = false;
				input_consume(t->in, (size_t)(r.p - p));
				return true;
			}
		} else if (!rd_le32(&r, &tid) || !rd_le32(&r, &len)) {
			rc = REC_SHORT;
		} else if (len > TRACE_MAX_BLOCK) {
			rc = bad(t, "TR_BLOCK of %" PRIu32 " bytes (at most %u)", len,
				 TRACE_MAX_BLOCK);
		} else {
			input_consume(t->in, 9);
			n = input_fill(t->in, len, NULL);
			t->ended = false;
			if (n < (ssize_t)len) {
				cut(t, t->rec_off, "cut inside a TR_BLOCK");
				return false;
			}
			t->rec_off += 9;
			rc = block_records(t, input_ptr(t->in), len, tid);
			if (rc == REC_OK) {
				input_consume(t->in, len);
				return true;
			}
		}
		if (rc == REC_SHORT)
			snprintf(t->why, sizeof(t->why), "cut inside a record of type 0x%02x",
				 type);
		cut(t, t->rec_off, t->why);
		return false;
	}
}

/* ------------------------------------------------------------------------- */
/* The header. */

static void append(struct vec *cmd, const uint8_t *p, size_t n)
{
	if (cmd->len + n + 2 > COMMAND_MAX)
		n = cmd->len + 2 < COMMAND_MAX ? COMMAND_MAX - cmd->len - 2 : 0;
	if (cmd->len && n)
		*(char *)vec_grow(cmd, 1) = ' ';
	if (n)
		memcpy(vec_grow(cmd, n), p, n);
}

/* Decodes the header from r into meta; REC_SHORT when the window is too small. */
static enum rec parse_header(struct tr *t, struct rd *r, struct vec *cmd)
{
	struct capture_meta *m = capture_builder_meta(t->b);
	uint32_t version, pid, ppid, exec_index, page_size, flags, argc;
	uint64_t start_unix_ns;
	const uint8_t *exe, *arg;
	size_t exe_len, len;

	cmd->len = 0;
	if (!rd_bytes(r, TRACE_MAGIC_LEN, &exe) || !rd_le32(r, &version))
		return REC_SHORT;
	if (version != TRACE_VERSION)
		return bad(t, "trace version %" PRIu32 " (this memtui reads %u)", version,
			   TRACE_VERSION);
	if (!rd_le32(r, &pid) || !rd_le32(r, &ppid) || !rd_le32(r, &exec_index) ||
	    !rd_le64(r, &t->start_ns) || !rd_le64(r, &start_unix_ns) ||
	    !rd_le32(r, &page_size) || !rd_le32(r, &flags) || !rd_sized(r, true, &exe, &exe_len) ||
	    !rd_le32(r, &argc))
		return REC_SHORT;
	if (flags & ~(uint32_t)(TRACE_FOLLOW_FORK | TRACE_FORK_CHILD))
		return bad(t, "unknown header flags 0x%" PRIx32, flags);
	if (memchr(exe, '\0', exe_len))
		return bad(t, "an executable path with a NUL byte");
	for (uint32_t i = 0; i < argc; i++) {
		if (!rd_sized(r, true, &arg, &len))
			return REC_SHORT;
		append(cmd, arg, len);
	}
	free(t->exe);
	t->exe = xstrndup((const char *)exe, exe_len);
	m->pid = pid;
	m->start_time_ms = (int64_t)(start_unix_ns / 1000000u);
	*(char *)vec_grow(cmd, 1) = '\0';
	capture_meta_set_str(&m->command, argc ? cmd->data : t->exe);
	return REC_OK;
}

static int read_header(struct tr *t, struct mt_error *err)
{
	size_t want = START_WINDOW;
	struct vec cmd;
	enum rec rc;

	vec_init(&cmd, 1);
	for (;;) {
		ssize_t n = input_fill(t->in, want, NULL);
		const uint8_t *p = input_ptr(t->in);
		struct rd r = { p, p + (n > 0 ? n : 0) };

		rc = parse_header(t, &r, &cmd);
		if (rc == REC_SHORT && n >= (ssize_t)want && want < INPUT_MAX_WINDOW) {
			want *= 4;
			continue;
		}
		if (rc == REC_OK)
			input_consume(t->in, (size_t)(r.p - p));
		break;
	}
	vec_release(&cmd);
	if (rc == REC_SHORT)
		return mt_error_set(err, MT_ERR_TRUNCATED, input_offset(t->in) + (uint64_t)
				    input_avail(t->in), "trace header cut short");
	if (rc == REC_BAD)
		return mt_error_set(err, strstr(t->why, "version") ? MT_ERR_VERSION
					: MT_ERR_CORRUPT, 8, "%s", t->why);
	return 0;
}

/* ------------------------------------------------------------------------- */

static void tr_init(struct tr *t, struct input *in, struct capture_builder *b,
		    const struct native_resolver *res)
{
	memset(t, 0, sizeof(*t));
	t->in = in;
	t->b = b;
	t->res = res;
	vec_init(&t->heap, sizeof(struct tr_event));
	vec_init(&t->stacks, sizeof(struct tr_stack));
	hashmap_init(&t->stack_ids);
	vec_init(&t->addrs, sizeof(uint64_t));
	vec_init(&t->modules, sizeof(struct tr_module));
	vec_init(&t->segs, sizeof(struct native_segment));
	vec_init(&t->ips, sizeof(struct tr_ip));
	hashmap_init(&t->ip_index);
	vec_init(&t->ip_frames, sizeof(uint32_t));
	vec_init(&t->names, sizeof(char *));
	live_map_init(&t->live);
	mappings_init(&t->maps);
	vec_init(&t->reallocs, sizeof(struct pending_realloc));
	hashmap_init(&t->realloc_tid);
	hashmap_init(&t->model_stacks);
	hashmap_init(&t->realloc_ptr);
	hashmap_init(&t->named);
}

static void tr_release(struct tr *t)
{
	for (size_t i = 0; i < t->modules.len; i++) {
		struct tr_module *m = vec_at(&t->modules, i);

		free(m->path);
		free(m->build_id);
	}
	for (size_t i = 0; i < t->names.len; i++)
		free(*(char **)vec_at(&t->names, i));
	vec_release(&t->heap);
	for (size_t i = 0; i < t->n_runs; i++)
		vec_release(&t->runs[i].ev);
	vec_release(&t->stacks);
	hashmap_release(&t->stack_ids);
	vec_release(&t->addrs);
	vec_release(&t->modules);
	vec_release(&t->segs);
	vec_release(&t->ips);
	hashmap_release(&t->ip_index);
	vec_release(&t->ip_frames);
	vec_release(&t->names);
	live_map_release(&t->live);
	mappings_release(&t->maps);
	vec_release(&t->reallocs);
	hashmap_release(&t->realloc_tid);
	hashmap_release(&t->model_stacks);
	hashmap_release(&t->realloc_ptr);
	hashmap_release(&t->named);
	free(t->exe);
	t->exe = NULL;
}

/*
 * The leak table (capture_builder_leak): every live allocation and every
 * piece of a live mapping, by the event that made it.
 */
static void emit_leaks(struct tr *t)
{
	const struct live_alloc *a;
	size_t pos = 0;

	capture_builder_leaks_known(t->b);
	while ((a = live_map_next(&t->live, &pos)))
		capture_builder_leak(t->b, a->ev_idx, a->stack, (int64_t)a->size, 1);
	mappings_leaks(&t->maps, t->b);
}

static void finish(struct tr *t)
{
	struct capture_meta *m = capture_builder_meta(t->b);

	if (!t->cut && !t->ended)
		cut(t, input_offset(t->in), "no TR_END: the process died or was killed");
	emit_leaks(t);
	m->duration_ms = t->ended ? ms_of(t, t->end_ns) : t->time_ms;
	if (t->modules.len > MODULE_SCAN_BUDGET - t->module_scans)
		capture_builder_warning(t->b, "over %" PRIu64 " module scans: later addresses left "
					"unnamed", MODULE_SCAN_BUDGET);
	if (t->unnamed)
		capture_builder_warning(t->b, "%" PRIu64 " thread names past the first %u dropped",
					t->unnamed, MAX_THREAD_NAMES);
	if (t->replaced)
		capture_builder_warning(t->b, "%" PRIu64 " allocations at an address still live "
					"(its free was not recorded): the old block counted freed",
					t->replaced);
	native_resolver_store(t->res, t->b);
}

static bool trace_probe(const uint8_t *buf, size_t n)
{
	return n >= TRACE_MAGIC_LEN && !memcmp(buf, TRACE_MAGIC, TRACE_MAGIC_LEN);
}

static int trace_read(struct input *in, struct capture_builder *b,
		      const struct native_resolver *res, struct mt_error *err)
{
	struct capture_meta *m = capture_builder_meta(b);
	char version[24];
	struct tr t;
	int rc;

	m->format = "memtui";
	snprintf(version, sizeof(version), "trace %u", TRACE_VERSION);
	capture_meta_set_str(&m->format_version, version);
	m->native_traces = true;
	m->native_offsets = true;
	m->has_totals = true;
	m->has_event_stream = true;
	m->peak_rule = PEAK_FIRST_MAX;
	m->top_rule = TOP_INNERMOST_FRAME;
	tr_init(&t, in, b, res);
	capture_builder_allocators(b);
	rc = read_header(&t, err);
	if (rc == 0) {
		while (next_record(&t) && !input_cancelled(in))
			;
		if (release(&t, 0, true) != REC_OK && !t.cut)
			cut(&t, input_offset(in), t.why);
		finish(&t);
	}
	tr_release(&t);
	return rc;
}

const struct reader trace_reader = { "trace", trace_probe, trace_read };
