/*
 * sizes: the three histograms.  The peak's replay keeps the live
 * allocations as counts per (stack, size) in an open-addressing table of
 * its own (the two keys do not fit hashmap.h's one): a free takes one from
 * its (stack, size); entries that drop to zero stay, so probing needs no
 * tombstones.
 */
#include "sizes.h"

#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "hashmap.h"
#include "snapshot.h"
#include "xalloc.h"

const char *sizes_moment_name(enum sizes_moment m)
{
	static const char *const names[SIZES_MOMENTS] = { "run", "peak", "leaks" };

	return names[m];
}

const char *sizes_missing(const struct capture *cap, enum sizes_moment m)
{
	const struct capture_meta *meta = capture_meta(cap);
	size_t n;

	if (!meta->has_totals || !meta->has_event_stream)
		return "the capture is aggregated (memray run --aggregate): it keeps figures per "
		       "call path, not the size of each allocation";
	if (m == SIZES_LEAKS && !capture_leaks(cap, &n))
		return "the capture has no leak table (a .mtui written without its LEAKS "
		       "section keeps leaks per call path only)";
	return NULL;
}

unsigned sizes_bin(uint64_t size)
{
	unsigned k = 0;

	while (size) {
		size >>= 1;
		k++;
	}
	return k < SIZES_BINS ? k : SIZES_BINS - 1;
}

uint64_t sizes_bin_from(unsigned k)
{
	return k ? (uint64_t)1 << (k - 1) : 0;
}

uint64_t sizes_bin_below(unsigned k)
{
	return (uint64_t)1 << k;
}

/*
 * a += b, held at the int64 bounds: the model's sums never overflow, but a
 * hostile log's frees may match no allocation and leave the peak's live
 * counts above what the heap held.
 */
static void sat_add(int64_t *a, int64_t b)
{
	if (__builtin_add_overflow(*a, b, a))
		*a = b < 0 ? INT64_MIN : INT64_MAX;
}

static void add(struct size_hist *h, uint64_t size, int64_t count, int64_t bytes)
{
	struct size_bin *b = &h->bins[sizes_bin(size)];

	sat_add(&b->count, count);
	sat_add(&b->bytes, bytes);
	sat_add(&h->total_count, count);
	sat_add(&h->total_bytes, bytes);
}

static void unplaced(struct size_hist *h, const struct event *ev)
{
	sat_add(&h->unplaced_count, ev->count);
	sat_add(&h->unplaced_bytes, ev->bytes);
	sat_add(&h->total_count, ev->count);
	sat_add(&h->total_bytes, ev->bytes);
	h->n_unmatched++;
}

static void hist_leaks(struct size_hist *h, const struct capture *cap, const bool *only)
{
	struct snapshot leaks, suppressed;
	const struct leak *l;
	size_t n;

	snapshot_leaks(&leaks, cap, &suppressed);
	l = capture_leaks(cap, &n);
	for (size_t i = 0; i < n; i++) {
		uint32_t s = l[i].stack;

		if ((only && !only[s]) || suppressed.count[s] || suppressed.bytes[s])
			continue;
		add(h, l[i].bytes > 0 ? (uint64_t)l[i].bytes : 0, l[i].count, l[i].bytes);
	}
	snapshot_release(&suppressed);
	snapshot_release(&leaks);
}

/* Live allocations per (stack, size): the peak's replay. */
struct live_slot {
	uint64_t size;
	uint32_t stack;		/* UINT32_MAX: empty */
	int64_t count;
};

struct live_table {
	struct live_slot *slots;
	size_t cap, len;	/* cap a power of two */
};

static struct live_slot *live_find(struct live_table *t, uint32_t stack, uint64_t size,
				   bool make)
{
	size_t i;

	if (make && (t->len + 1) * 4 > t->cap * 3) {
		struct live_table bigger = { NULL, t->cap ? t->cap * 2 : 1024, 0 };

		bigger.slots = xrealloc_array(NULL, bigger.cap, sizeof(*bigger.slots));
		for (size_t k = 0; k < bigger.cap; k++)
			bigger.slots[k].stack = UINT32_MAX;
		for (size_t k = 0; k < t->cap; k++)
			if (t->slots[k].stack != UINT32_MAX)
				*live_find(&bigger, t->slots[k].stack, t->slots[k].size, true) =
					t->slots[k];
		free(t->slots);
		*t = bigger;
	}
	if (!t->cap)
		return NULL;
	i = hash_u64(size * 0x9e3779b97f4a7c15u ^ stack) & (t->cap - 1);
	for (;; i = (i + 1) & (t->cap - 1)) {
		struct live_slot *s = &t->slots[i];

		if (s->stack == stack && s->size == size)
			return s;
		if (s->stack == UINT32_MAX) {
			if (!make)
				return NULL;
			s->stack = stack;
			s->size = size;
			s->count = 0;
			t->len++;
			return s;
		}
	}
}

/* One event of the peak's replay: its allocation made live, or its free matched. */
static void peak_event(struct live_table *t, struct size_hist *h, const struct event *ev)
{
	struct live_slot *s;

	if (!ev->bytes && !ev->count)
		return;
	if (ev->count == 1 && ev->bytes >= 0) {
		live_find(t, ev->stack, (uint64_t)ev->bytes, true)->count++;
		return;
	}
	s = ev->count == -1 && ev->bytes <= 0 ? live_find(t, ev->stack, (uint64_t)-ev->bytes, false)
					       : NULL;
	if (s && s->count > 0)
		s->count--;
	else
		unplaced(h, ev);
}

/* The live allocations of the peak's replay into h, by size. */
static void peak_histogram(struct size_hist *h, const struct live_table *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		const struct live_slot *s = &t->slots[i];
		int64_t bytes;

		if (s->stack == UINT32_MAX || !s->count)
			continue;
		if (__builtin_mul_overflow(s->count, (int64_t)s->size, &bytes))
			bytes = INT64_MAX;
		add(h, s->size, s->count, bytes);
	}
}

void sizes_compute_run_peak(struct size_hist *run, struct size_hist *peak,
			    const struct capture *cap, const bool *only)
{
	uint64_t peak_idx = capture_totals(cap)->peak_ev_idx;
	struct live_table t = { NULL, 0, 0 };
	struct event_cursor c;
	struct event ev;

	if (run) {
		memset(run, 0, sizeof(*run));
		run->moment = SIZES_RUN;
	}
	if (peak) {
		memset(peak, 0, sizeof(*peak));
		peak->moment = SIZES_PEAK;
		if (peak_idx == UINT64_MAX)
			peak = NULL;	/* no peak: an empty histogram */
	}
	event_cursor_init(&c, cap, 0);
	for (;;) {
		uint64_t idx = c.ev_idx;	/* the index of the event read next */
		bool at_peak = peak && idx <= peak_idx;

		if ((!run && !at_peak) || !event_cursor_next(&c, &ev))
			break;
		if (only && !only[ev.stack])
			continue;
		if (run && (ev.flags & EV_ALLOC))
			add(run, ev.bytes > 0 ? (uint64_t)ev.bytes : 0, 1, ev.bytes);
		if (at_peak)
			peak_event(&t, peak, &ev);
	}
	event_cursor_release(&c);
	if (peak)
		peak_histogram(peak, &t);
	free(t.slots);
}

void sizes_compute(struct size_hist *out, const struct capture *cap, enum sizes_moment m,
		   const bool *only)
{
	if (m == SIZES_RUN || m == SIZES_PEAK) {
		sizes_compute_run_peak(m == SIZES_RUN ? out : NULL, m == SIZES_PEAK ? out : NULL,
				       cap, only);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->moment = m;
	hist_leaks(out, cap, only);
}
