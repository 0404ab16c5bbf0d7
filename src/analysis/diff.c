/*
 * diff: per capture, a path key per stack (hash of the parent's key and the
 * frame's (function, file) strings, and within one capture a Python frame's
 * first line), computed in stack id order (parents
 * first) from one key per frame; then one hashmap from path key to change, filled from A's nonzero
 * stacks and then B's.  64-bit keys: a collision would merge two paths, at
 * odds of about n^2 / 2^64.
 */
#include "diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "xalloc.h"

static uint64_t str_hash(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

uint64_t diff_frame_key(const struct capture *cap, uint32_t frame, bool by_code)
{
	const struct frame *f = capture_frame(cap, frame);
	uint64_t h = 0xcbf29ce484222325ULL;

	/* Unnamed: module and offset; absolute addresses (ASLR) leave only the module. */
	if (!f->function) {
		h = str_hash(h, f->module ? capture_string(cap, f->module) : "");
		return hash_u64(h ^ (capture_meta(cap)->native_offsets ? f->address : 0));
	}
	h = str_hash(h, capture_string(cap, f->function));
	h = str_hash(h, f->file ? capture_string(cap, f->file) : "");
	if (by_code && f->kind == FRAME_PYTHON)
		h = hash_u64(h ^ f->address);
	return h;
}

uint64_t *diff_frame_keys(const struct capture *cap, bool by_code, const struct fold_mask *fold)
{
	uint32_t n = capture_frame_count(cap);
	uint64_t *k = xmalloc((n ? n : 1) * sizeof(*k));

	for (uint32_t f = 0; f < n; f++)
		k[f] = fold_mask_has(fold, f) ? DIFF_FOLDED : diff_frame_key(cap, f, by_code);
	return k;
}

uint64_t diff_path_extend(uint64_t parent_key, uint64_t frame_key)
{
	return hash_u64(parent_key * 31 + frame_key);
}

uint64_t *diff_path_keys(const struct capture *cap, bool by_code, const struct fold_mask *fold)
{
	uint32_t n = capture_stack_count(cap);
	uint64_t *k = xmalloc((n ? n : 1) * sizeof(*k));
	uint64_t *fk = diff_frame_keys(cap, by_code, fold);

	for (uint32_t s = 0; s < n; s++) {
		const struct stack_node *sn = capture_stack(cap, s);

		/* A thread frame is no call: paths match over threads (capture.h, "Threads"). */
		if (!sn->depth || sn->thread == s)
			k[s] = DIFF_ROOT_KEY;
		else if (fk[sn->frame] == DIFF_FOLDED)
			k[s] = k[sn->parent];
		else
			k[s] = diff_path_extend(k[sn->parent], fk[sn->frame]);
	}
	free(fk);
	return k;
}

static void add_side(struct diff *d, struct hashmap *idx, size_t *cap_changes, int side,
		     const struct snapshot *w)
{
	uint64_t *keys = diff_path_keys(d->cap[side], d->cap[DIFF_A] == d->cap[DIFF_B],
					d->fold[side]);

	for (uint32_t s = 0; s < w->n; s++) {
		struct diff_change *c;
		uint32_t i;

		if (!w->bytes[s] && !w->count[s])
			continue;
		i = hashmap_get(idx, keys[s]);
		if (i == HASHMAP_NONE) {
			d->changes = xgrow(d->changes, cap_changes, d->n + 1, sizeof(*d->changes));
			i = (uint32_t)d->n++;
			c = &d->changes[i];
			memset(c, 0, sizeof(*c));
			c->key = keys[s];
			c->side = (uint8_t)side;
			c->stack = s;
			hashmap_put(idx, keys[s], i);
		}
		c = &d->changes[i];
		if (side == DIFF_A) {
			c->a_bytes += w->bytes[s];
			c->a_count += w->count[s];
		} else {
			c->b_bytes += w->bytes[s];
			c->b_count += w->count[s];
		}
	}
	free(keys);
}

static int cmp_change(const void *x, const void *y)
{
	const struct diff_change *a = x, *b = y;
	int64_t da = llabs(diff_delta(a)), db = llabs(diff_delta(b));

	if (da != db)
		return da > db ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

void diff_compute(struct diff *d, const struct capture *a, const struct snapshot *wa,
		  const struct capture *b, const struct snapshot *wb)
{
	diff_compute_folded(d, a, wa, b, wb, (const struct fold_mask *const[2]){ NULL, NULL });
}

void diff_compute_folded(struct diff *d, const struct capture *a, const struct snapshot *wa,
			 const struct capture *b, const struct snapshot *wb,
			 const struct fold_mask *const fold[2])
{
	struct hashmap idx;
	size_t cap_changes = 0;

	memset(d, 0, sizeof(*d));
	d->cap[DIFF_A] = a;
	d->cap[DIFF_B] = b;
	d->fold[DIFF_A] = fold[DIFF_A];
	d->fold[DIFF_B] = fold[DIFF_B];
	d->a_total = wa->total_bytes;
	d->b_total = wb->total_bytes;
	hashmap_init(&idx);
	add_side(d, &idx, &cap_changes, DIFF_A, wa);
	add_side(d, &idx, &cap_changes, DIFF_B, wb);
	hashmap_release(&idx);
	if (d->n)
		qsort(d->changes, d->n, sizeof(*d->changes), cmp_change);
}

void diff_release(struct diff *d)
{
	free(d->changes);
	d->changes = NULL;
	d->n = 0;
}

bool diff_path_matches(const struct diff *d, const struct diff_change *c, const char *gate)
{
	const struct capture *cap = d->cap[c->side];
	uint32_t depth = capture_stack_call_depth(cap, c->stack);
	uint32_t *frames = xmalloc((depth ? depth : 1) * sizeof(*frames));
	bool found = false;

	for (uint32_t i = depth, s = c->stack; i-- > 0; s = capture_stack(cap, s)->parent)
		frames[i] = capture_stack(cap, s)->frame;
	for (uint32_t start = 0; start < depth && !found; start++) {
		const char *g = gate;
		uint32_t i = start;

		for (;;) {
			const char *semi = strchr(g, ';');
			size_t len = semi ? (size_t)(semi - g) : strlen(g);
			char label[256];
			const char *fn;

			if (i >= depth)
				break;
			fn = capture_frame_label(cap, frames[i], label, sizeof(label));
			if (strlen(fn) != len || strncmp(fn, g, len))
				break;
			i++;
			if (!semi) {
				found = true;
				break;
			}
			g = semi + 1;
		}
	}
	free(frames);
	return found;
}
