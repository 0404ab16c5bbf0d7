/*
 * diff_tree: construction, order and filter.
 *
 * One hashmap goes from path key to node for the whole build, so a path met
 * in A and again in B (or twice in one capture, through two stacks that
 * differ only in lines) is one node.  A node is created only once its parent
 * exists, so parents have smaller ids than their children in both
 * directions; sums and flags that go upwards are one reverse pass over ids.
 *
 * Top-down: each side's stacks get diff.h's path keys (one pass, parents
 * first); the node of a stack is memoised (node_of), so each weighted stack
 * costs the walk up to its first already-placed ancestor, and the self
 * weights are summed into totals at the end.  Bottom-up: each weighted stack
 * is walked from the allocating frame to the root, the key extended by every
 * frame on the way, and its weight added to every node it passes (the
 * tree.c rule); the leaf node also gets it as self.
 *
 * Names: with two captures, every node's representative frame is copied
 * (strings and all) into a capture of our own, once per distinct frame of
 * each side, so that outline's search, flame labels and the views read one
 * capture through t.cap.  The side a node is named from is the first that
 * has it: A, then B.
 *
 * Children are kept twice: all of them in kids[] (sorted in place by
 * diff_tree_arrange) and the shown ones linked through first_child /
 * next_sibling (what tree.h's users walk).
 */
#include "diff_tree.h"

#include <stdlib.h>
#include <string.h>

#include "capture_builder.h"
#include "hashmap.h"
#include "xalloc.h"

struct build {
	struct diff_tree *dt;
	struct hashmap idx;		/* path key -> node */
	struct capture_builder *names;	/* two captures: the names' capture being built */
	uint32_t *name_of[2];		/* per frame of each side: its id in names, or TREE_NONE */
};

static int64_t magnitude(int64_t v)
{
	return v < 0 ? -v : v;
}

static int64_t larger(int64_t a, int64_t b)
{
	return magnitude(a) > magnitude(b) ? magnitude(a) : magnitude(b);
}

static uint32_t copy_string(struct capture_builder *nb, const struct capture *cap, uint32_t id)
{
	return id ? capture_builder_cstring(nb, capture_string(cap, id)) : 0;
}

/* The frame id that names (side, frame) in t.cap. */
static uint32_t name_frame(struct build *bd, int side, uint32_t frame)
{
	const struct capture *cap = bd->dt->cap[side];
	struct frame f;

	if (!bd->names)
		return frame;
	if (bd->name_of[side][frame] != TREE_NONE)
		return bd->name_of[side][frame];
	f = *capture_frame(cap, frame);
	f.function = copy_string(bd->names, cap, f.function);
	f.file = copy_string(bd->names, cap, f.file);
	f.module = copy_string(bd->names, cap, f.module);
	bd->name_of[side][frame] = capture_builder_frame(bd->names, &f);
	return bd->name_of[side][frame];
}

static uint32_t new_node(struct build *bd, uint32_t parent, uint64_t key, int side,
			 uint32_t frame)
{
	struct diff_tree *dt = bd->dt;
	struct tree_node *nd;

	if (dt->t.n == dt->t.cap_nodes) {
		XGROW(dt->t.nodes, dt->t.cap_nodes, (size_t)dt->t.n + 1);
		dt->dn = xrealloc_array(dt->dn, dt->t.cap_nodes, sizeof(*dt->dn)); /* in step */
	}
	nd = &dt->t.nodes[dt->t.n];
	memset(nd, 0, sizeof(*nd));
	memset(&dt->dn[dt->t.n], 0, sizeof(dt->dn[0]));
	nd->parent = parent;
	nd->first_child = TREE_NONE;
	nd->next_sibling = TREE_NONE;
	nd->key = key;
	if (parent != TREE_NONE) {
		nd->depth = dt->t.nodes[parent].depth + 1;
		nd->frame = name_frame(bd, side, frame);
		dt->dn[dt->t.n].rep_frame = frame;
		dt->dn[dt->t.n].rep_side = (uint8_t)side;
	}
	hashmap_put(&bd->idx, key, dt->t.n);
	return dt->t.n++;
}

static uint32_t node_for(struct build *bd, uint32_t parent, uint64_t key, int side,
			 uint32_t frame)
{
	uint32_t nd = hashmap_get(&bd->idx, key);

	return nd != HASHMAP_NONE ? nd : new_node(bd, parent, key, side, frame);
}

static void add_weight(struct diff_tree_node *d, int side, bool self, int64_t bytes,
		       int64_t count)
{
	if (side == DIFF_A) {
		d->a_total += bytes;
		d->a_total_count += count;
		if (self) {
			d->a_self += bytes;
			d->a_self_count += count;
		}
	} else {
		d->b_total += bytes;
		d->b_total_count += count;
		if (self) {
			d->b_self += bytes;
			d->b_self_count += count;
		}
	}
}

/* Self weights only; totals are summed upwards once both sides are in. */
static void add_top_down(struct build *bd, int side, const struct snapshot *w,
			 const struct fold_mask *fold)
{
	const struct capture *cap = bd->dt->cap[side];
	uint32_t n = capture_stack_count(cap);
	/* A folded frame keys as its caller's path: node_for finds the caller's node. */
	uint64_t *keys = diff_path_keys(cap, bd->dt->by_code, fold);
	uint32_t *node_of = xmalloc((size_t)n * sizeof(*node_of));
	uint32_t *path = NULL;
	size_t path_cap = 0;

	memset(node_of, 0xff, (size_t)n * sizeof(*node_of));
	node_of[0] = 0;
	/* A thread frame is no call: every thread's paths merge at the root (capture.h). */
	for (uint32_t s = 1; s < n; s++)
		if (capture_stack_thread(cap, s) == s)
			node_of[s] = 0;
	for (uint32_t s = 0; s < w->n && s < n; s++) {
		size_t depth = 0;
		uint32_t up = s, nd;

		if (!w->bytes[s] && !w->count[s])
			continue;
		while (node_of[up] == TREE_NONE) {
			XGROW(path, path_cap, depth + 1);
			path[depth++] = up;
			up = capture_stack(cap, up)->parent;
		}
		nd = node_of[up];
		while (depth--) {
			uint32_t st = path[depth];

			nd = node_for(bd, nd, keys[st], side, capture_stack(cap, st)->frame);
			node_of[st] = nd;
		}
		if (side == DIFF_A) {
			bd->dt->dn[nd].a_self += w->bytes[s];
			bd->dt->dn[nd].a_self_count += w->count[s];
		} else {
			bd->dt->dn[nd].b_self += w->bytes[s];
			bd->dt->dn[nd].b_self_count += w->count[s];
		}
	}
	free(path);
	free(node_of);
	free(keys);
}

static void sum_top_down(struct diff_tree *dt)
{
	for (uint32_t i = dt->t.n; i-- > 0;) {
		struct diff_tree_node *d = &dt->dn[i];
		uint32_t p = dt->t.nodes[i].parent;

		d->a_total += d->a_self;
		d->b_total += d->b_self;
		d->a_total_count += d->a_self_count;
		d->b_total_count += d->b_self_count;
		if (p == TREE_NONE)
			continue;
		dt->dn[p].a_total += d->a_total;
		dt->dn[p].b_total += d->b_total;
		dt->dn[p].a_total_count += d->a_total_count;
		dt->dn[p].b_total_count += d->b_total_count;
	}
}

/* Folded frames are skipped: the allocating function is the first that is not. */
static void add_bottom_up(struct build *bd, int side, const struct snapshot *w,
			  const struct fold_mask *fold)
{
	const struct capture *cap = bd->dt->cap[side];
	uint32_t n = capture_stack_count(cap);
	uint64_t *fk = diff_frame_keys(cap, bd->dt->by_code, fold);

	for (uint32_t s = 1; s < w->n && s < n; s++) {
		uint64_t key = DIFF_ROOT_KEY;
		uint32_t nd = 0, thread = capture_stack_thread(cap, s);
		bool leaf = true;

		/* A thread's own root weighs like stack 0: no call frame (capture.h, "Threads"). */
		if ((!w->bytes[s] && !w->count[s]) || s == thread)
			continue;
		for (uint32_t up = s; up != thread;) {
			const struct stack_node *sn = capture_stack(cap, up);

			up = sn->parent;
			if (fk[sn->frame] == DIFF_FOLDED)
				continue;
			key = diff_path_extend(key, fk[sn->frame]);
			nd = node_for(bd, nd, key, side, sn->frame);
			add_weight(&bd->dt->dn[nd], side, leaf, w->bytes[s], w->count[s]);
			leaf = false;
		}
		/* A path whose every frame folds counts at the root, as its self. */
		add_weight(&bd->dt->dn[0], side, leaf, w->bytes[s], w->count[s]);
	}
	if (w->n)
		add_weight(&bd->dt->dn[0], side, true, w->bytes[0], w->count[0]);
	free(fk);
}

/* Tree weights (the larger side), changed flags and the children arrays. */
static void finish(struct diff_tree *dt)
{
	uint32_t n = dt->t.n;
	uint32_t *fill;

	for (uint32_t i = n; i-- > 0;) {
		struct tree_node *nd = &dt->t.nodes[i];
		struct diff_tree_node *d = &dt->dn[i];

		nd->self_bytes = larger(d->a_self, d->b_self);
		nd->self_count = larger(d->a_self_count, d->b_self_count);
		nd->total_bytes = larger(d->a_total, d->b_total);
		nd->total_count = larger(d->a_total_count, d->b_total_count);
		d->changed = d->changed || d->a_total != d->b_total || d->a_self != d->b_self;
		if (d->changed && nd->parent != TREE_NONE)
			dt->dn[nd->parent].changed = true;
	}
	dt->kids_start = xcalloc((size_t)n + 1, sizeof(*dt->kids_start));
	dt->kids = xmalloc((n ? n : 1) * sizeof(*dt->kids));
	for (uint32_t i = 1; i < n; i++)
		dt->kids_start[dt->t.nodes[i].parent + 1]++;
	for (uint32_t i = 0; i < n; i++)
		dt->kids_start[i + 1] += dt->kids_start[i];
	fill = xmalloc((n ? n : 1) * sizeof(*fill));
	memcpy(fill, dt->kids_start, (n ? n : 1) * sizeof(*fill));
	for (uint32_t i = 1; i < n; i++)
		dt->kids[fill[dt->t.nodes[i].parent]++] = i;
	free(fill);
}

void diff_tree_build(struct diff_tree *dt, const struct capture *a, const struct snapshot *wa,
		     const struct capture *b, const struct snapshot *wb, enum tree_direction dir)
{
	diff_tree_build_folded(dt, a, wa, b, wb, dir,
			       (const struct fold_mask *const[2]){ NULL, NULL });
}

void diff_tree_build_folded(struct diff_tree *dt, const struct capture *a,
			    const struct snapshot *wa, const struct capture *b,
			    const struct snapshot *wb, enum tree_direction dir,
			    const struct fold_mask *const fold[2])
{
	struct build bd = { dt, { 0 }, NULL, { NULL, NULL } };

	memset(dt, 0, sizeof(*dt));
	dt->cap[DIFF_A] = a;
	dt->cap[DIFF_B] = b;
	dt->t.dir = dir;
	dt->by_code = a == b;
	hashmap_init(&bd.idx);
	if (a != b) {
		bd.names = capture_builder_new();
		capture_builder_meta(bd.names)->native_offsets = capture_meta(a)->native_traces
			? capture_meta(a)->native_offsets : capture_meta(b)->native_offsets;
		for (int side = 0; side < 2; side++) {
			size_t nf = capture_frame_count(dt->cap[side]);

			bd.name_of[side] = xmalloc((nf ? nf : 1) * sizeof(uint32_t));
			memset(bd.name_of[side], 0xff, (nf ? nf : 1) * sizeof(uint32_t));
		}
	}
	new_node(&bd, TREE_NONE, DIFF_ROOT_KEY, DIFF_A, 0);
	if (dir == TREE_TOP_DOWN) {
		add_top_down(&bd, DIFF_A, wa, fold[DIFF_A]);
		add_top_down(&bd, DIFF_B, wb, fold[DIFF_B]);
		sum_top_down(dt);
	} else {
		add_bottom_up(&bd, DIFF_A, wa, fold[DIFF_A]);
		add_bottom_up(&bd, DIFF_B, wb, fold[DIFF_B]);
	}
	hashmap_release(&bd.idx);
	free(bd.name_of[0]);
	free(bd.name_of[1]);
	if (bd.names)
		dt->names = capture_builder_finish(bd.names);
	dt->t.cap = dt->names ? dt->names : a;
	finish(dt);
	diff_tree_arrange(dt, DIFF_ORDER_DELTA, false);
}

void diff_tree_release(struct diff_tree *dt)
{
	tree_release(&dt->t);
	free(dt->dn);
	free(dt->kids);
	free(dt->kids_start);
	capture_free(dt->names);
	memset(dt, 0, sizeof(*dt));
}

static const char *function_of(const struct diff_tree *dt, uint32_t node)
{
	const struct capture *cap = dt->t.cap;

	return capture_string(cap, capture_frame(cap, dt->t.nodes[node].frame)->function);
}

static int cmp_desc(int64_t x, int64_t y)
{
	return x > y ? -1 : x < y ? 1 : 0;
}

static int cmp_kids(const void *pa, const void *pb, void *arg)
{
	const struct diff_tree *dt = arg;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	int by_delta =
		cmp_desc(magnitude(diff_tree_delta(dt, x)), magnitude(diff_tree_delta(dt, y)));
	int by_size = cmp_desc(dt->t.nodes[x].total_bytes, dt->t.nodes[y].total_bytes);
	int r = 0;

	switch (dt->order) {
	case DIFF_ORDER_DELTA:
		r = by_delta ? by_delta : by_size;
		break;
	case DIFF_ORDER_SIZE:
		r = by_size ? by_size : by_delta;
		break;
	case DIFF_ORDER_NAME:
		r = strcmp(function_of(dt, x), function_of(dt, y));
		if (!r)
			r = by_size;
		break;
	}
	if (!r)
		r = strcmp(function_of(dt, x), function_of(dt, y));
	if (!r && dt->t.nodes[x].key != dt->t.nodes[y].key)
		r = dt->t.nodes[x].key < dt->t.nodes[y].key ? -1 : 1;
	return r;
}

void diff_tree_arrange(struct diff_tree *dt, enum diff_tree_order order, bool changed_only)
{
	dt->order = order;
	dt->changed_only = changed_only;
	for (uint32_t i = 0; i < dt->t.n; i++) {
		uint32_t lo = dt->kids_start[i], hi = dt->kids_start[i + 1];
		uint32_t next = TREE_NONE;

		if (hi - lo > 1)
			qsort_r(dt->kids + lo, hi - lo, sizeof(*dt->kids), cmp_kids, dt);
		for (uint32_t k = hi; k-- > lo;) {
			uint32_t c = dt->kids[k];

			if (changed_only && !dt->dn[c].changed)
				continue;
			dt->t.nodes[c].next_sibling = next;
			next = c;
		}
		dt->t.nodes[i].first_child = next;
	}
}

uint32_t diff_tree_hot(const struct diff_tree *dt)
{
	uint32_t best = 0;
	int64_t best_delta = 0;

	for (uint32_t i = 1; i < dt->t.n; i++) {
		int64_t d = magnitude(dt->dn[i].b_self - dt->dn[i].a_self);

		if (d > best_delta ||
		    (d == best_delta && d && dt->t.nodes[i].key < dt->t.nodes[best].key)) {
			best = i;
			best_delta = d;
		}
	}
	return best;
}

uint32_t diff_tree_child_like(const struct diff_tree *dt, uint32_t parent,
			      const struct diff_tree *other, uint32_t node)
{
	const struct diff_tree_node *o;
	uint64_t key;

	if (node == 0 || node >= other->t.n || parent >= dt->t.n)
		return TREE_NONE;
	o = &other->dn[node];
	key = diff_path_extend(dt->t.nodes[parent].key,
			       diff_frame_key(other->cap[o->rep_side], o->rep_frame, dt->by_code));
	for (uint32_t k = dt->kids_start[parent]; k < dt->kids_start[parent + 1]; k++)
		if (dt->t.nodes[dt->kids[k]].key == key)
			return dt->kids[k];
	return TREE_NONE;
}
