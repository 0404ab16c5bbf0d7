/*
 * event_keys: key definitions in blocks that never move, and the sums per
 * key of a streamed capture (event_keys.h).  The peak's figures follow the
 * live ones lazily, as eventlog_stream.c's per stack: a key whose count
 * changes is listed once, and a new peak copies the listed keys' counts.
 */
#include "event_keys.h"

#include <stdlib.h>

#include "xalloc.h"

#define BLOCK_KEYS (1u << KEY_BLOCK_BITS)
/*
 * Key events looked ahead: a capture may have many more keys than stacks
 * (a program of a few call paths allocating many sizes: 137 k keys of
 * 40 bytes for churn's 200 stacks), and each event's key is a miss then.
 */
#define KEY_AHEAD 16

bool key_defs_add(struct key_defs *d, uint32_t stack, int64_t bytes)
{
	uint32_t k = d->n;
	struct key_def *def;

	if (k >= EVENT_KEYS_MAX)
		return false;
	if (!d->blocks)
		d->blocks = xcalloc(EVENT_KEYS_MAX / BLOCK_KEYS, sizeof(*d->blocks));
	if (!(k % BLOCK_KEYS))
		d->blocks[k / BLOCK_KEYS] = xmalloc(BLOCK_KEYS * sizeof(struct key_def));
	def = &d->blocks[k / BLOCK_KEYS][k % BLOCK_KEYS];
	def->stack = stack;
	def->bytes = bytes;
	d->n = k + 1;
	return true;
}

void key_defs_release(struct key_defs *d)
{
	for (uint32_t i = 0; d->blocks && i < (d->n + BLOCK_KEYS - 1) / BLOCK_KEYS; i++)
		free(d->blocks[i]);
	free(d->blocks);
	d->blocks = NULL;
	d->n = 0;
}

/* Sums for keys up to n, taking the new keys' bytes from their definitions. */
static void cover(struct key_sums *s, const struct key_defs *d, size_t n)
{
	if (n <= s->n)
		return;
	if (n > s->cap) {
		size_t cap = s->cap ? s->cap : 1024;

		while (cap < n)
			cap *= 2;
		s->keys = xrealloc_array(s->keys, cap, sizeof(*s->keys));
		s->changed = xrealloc_zeroed(s->changed, s->cap / 64, cap / 64, sizeof(uint64_t));
		s->cap = cap;
	}
	for (size_t k = s->n; k < n; k++)
		s->keys[k] = (struct key_sum){ .bytes = key_defs_at(d, (uint32_t)k)->bytes };
	s->n = n;
}

/* A new peak: the listed keys' live counts are the peak's now. */
static void keep_peak(struct key_sums *s)
{
	for (size_t i = 0; i < s->n_changed; i++) {
		uint32_t k = s->changed_list[i];

		s->keys[k].peak = s->keys[k].live;
		s->changed[k / 64] &= ~(1ull << (k % 64));
	}
	s->n_changed = 0;
}

void key_sums_apply(struct key_sums *s, const struct key_defs *d, size_t n_keys,
		    const uint32_t *ev, size_t n, struct running_figures *r)
{
	struct running_figures f = *r;
	struct key_sum *keys;

	cover(s, d, n_keys);
	keys = s->keys;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = KEY_OF(ev[i]), kind = KEY_KIND_OF(ev[i]);
		struct key_sum *ks;

		if (k >= s->n || kind > KEY_FREE_TEMPORARY)
			BUG("key_sums_apply: bad key event");
		ks = &keys[k];
		if (i + KEY_AHEAD < n && KEY_OF(ev[i + KEY_AHEAD]) < s->n)
			__builtin_prefetch(&keys[KEY_OF(ev[i + KEY_AHEAD])], 1);
		if (kind == KEY_ALLOC) {
			f.current_bytes += ks->bytes;
			f.current_count++;
			ks->live++;
			ks->calls++;
			f.alloc_count++;
			f.alloc_bytes += (uint64_t)ks->bytes;
		} else {
			f.current_bytes -= ks->bytes;
			f.current_count--;
			ks->live--;
			if (kind == KEY_FREE_TEMPORARY) {
				f.temporary_count++;
				ks->temporary++;
			}
		}
		if (!(s->changed[k / 64] & 1ull << (k % 64))) {
			s->changed[k / 64] |= 1ull << (k % 64);
			if (s->n_changed == s->changed_cap)
				XGROW(s->changed_list, s->changed_cap, s->n_changed + 1);
			s->changed_list[s->n_changed++] = k;
		}
		if (f.last_max ? f.current_bytes >= f.peak_bytes : f.current_bytes > f.peak_bytes) {
			f.peak_bytes = f.current_bytes;
			f.peak_ev_idx = f.events + i;
			keep_peak(s);
		}
	}
	f.events += n;
	*r = f;
}

void key_sums_fold_peak(const struct key_sums *s, const struct key_defs *d, int64_t *peak_bytes,
			int64_t *peak_count)
{
	for (size_t k = 0; k < s->n; k++) {
		const struct key_sum *ks = &s->keys[k];
		uint32_t st = key_defs_at(d, (uint32_t)k)->stack;

		peak_bytes[st] += ks->peak * ks->bytes;
		peak_count[st] += ks->peak;
	}
}

void key_sums_fold_calls(const struct key_sums *s, const struct key_defs *d,
			 int64_t *const calls[4])
{
	for (size_t k = 0; k < s->n; k++) {
		const struct key_sum *ks = &s->keys[k];
		uint32_t st = key_defs_at(d, (uint32_t)k)->stack;

		calls[0][st] += ks->calls;
		calls[1][st] += ks->calls * ks->bytes;
		calls[2][st] += ks->temporary;
		if (calls[3])
			calls[3][st] += ks->temporary * ks->bytes;
	}
}

static int by_stack(const void *a, const void *b)
{
	uint32_t x = ((const struct checkpoint_entry *)a)->stack;
	uint32_t y = ((const struct checkpoint_entry *)b)->stack;

	return (x > y) - (x < y);
}

struct checkpoint_entry *key_sums_end(const struct key_sums *s, const struct key_defs *d,
				      size_t *n)
{
	struct checkpoint_entry *e = NULL;
	size_t cap = 0, m = 0;

	*n = 0;
	for (size_t k = 0; k < s->n; k++) {
		const struct key_sum *ks = &s->keys[k];

		if (!ks->live)
			continue;
		XGROW(e, cap, m + 1);
		e[m++] = (struct checkpoint_entry){ key_defs_at(d, (uint32_t)k)->stack,
						    ks->live * ks->bytes, ks->live };
	}
	if (!m)
		return e;
	/* The keys of one stack (its allocations' sizes) into one entry. */
	qsort(e, m, sizeof(*e), by_stack);
	for (size_t i = 0; i < m; i++) {
		if (*n && e[*n - 1].stack == e[i].stack) {
			e[*n - 1].bytes += e[i].bytes;
			e[*n - 1].count += e[i].count;
		} else {
			e[(*n)++] = e[i];
		}
	}
	/* Keys that cancel out (more frees than allocations on one) leave their stack none. */
	m = *n;
	*n = 0;
	for (size_t i = 0; i < m; i++)
		if (e[i].bytes || e[i].count)
			e[(*n)++] = e[i];
	return e;
}

void key_sums_release(struct key_sums *s)
{
	free(s->keys);
	free(s->changed);
	free(s->changed_list);
	*s = (struct key_sums){ 0 };
}
