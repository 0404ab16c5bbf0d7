/*
 * tree: construction by walking each weighted stack.
 *
 * Top-down: the node of a stack is the child of its parent stack's node for
 * the stack's frame key; stack ids are created parent-first, so the memo
 * node_of[stack] of a parent is known before its children when stacks are
 * visited in id order.  Only stacks on a weighted path are materialised.
 * Bottom-up: each weighted stack is walked leaf to root and the path is
 * inserted from the tree root with the leaf first; totals are added on the way.
 *
 * Child lookup is one idtable keyed by (parent node, frame), where two frames
 * are equal when they are the same code (same_code: function and file, and for
 * Python frames the code object's first line; an unnamed frame only itself).
 */
#include "tree.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "xalloc.h"

/*
 * Whether frames a and b are the same code.  A native function is known by
 * its name and file (C++ names carry class and parameters; inlined frames the
 * file of the inlined code); a Python function's name is only co_name, so two
 * <listcomp>s or two classes' __init__ in one file share it, and the first
 * line of the code object (frame.address) tells them apart.  The line a frame
 * is at never does: one function is one node whatever lines it allocated on.
 */
static bool same_code(const struct capture *cap, uint32_t a, uint32_t b)
{
	const struct frame *x, *y;

	if (a == b)
		return true;
	x = capture_frame(cap, a);
	y = capture_frame(cap, b);
	if (!x->function || x->function != y->function || x->file != y->file)
		return false;
	if ((x->kind == FRAME_PYTHON) != (y->kind == FRAME_PYTHON))
		return false;
	return x->kind != FRAME_PYTHON || x->address == y->address;
}

/* A hash of what same_code compares: equal code, equal hash. */
static uint64_t code_hash(const struct capture *cap, uint32_t frame)
{
	const struct frame *f = capture_frame(cap, frame);
	uint64_t h;

	if (!f->function)
		return 1ULL << 63 | frame;
	h = (uint64_t)f->function << 32 | f->file;
	if (f->kind == FRAME_PYTHON)
		h = hash_u64(h ^ hash_u64(f->address + 1));
	return h;
}

static uint64_t node_hash(uint32_t parent, uint64_t mkey)
{
	return hash_u64(mkey ^ hash_u64((uint64_t)parent + 0x9e3779b97f4a7c15ULL));
}

static uint64_t node_hash_id(const void *ctx, uint32_t id)
{
	const struct tree *t = ctx;
	const struct tree_node *nd = &t->nodes[id];

	return node_hash(nd->parent, code_hash(t->cap, nd->frame));
}

struct child_key {
	const struct tree *t;
	uint32_t parent;
	uint32_t frame;
};

static bool child_equal(const void *ctx, uint32_t id)
{
	const struct child_key *k = ctx;
	const struct tree_node *nd = &k->t->nodes[id];

	return nd->parent == k->parent && same_code(k->t->cap, nd->frame, k->frame);
}

#define ROOT_KEY 0x6d656d747569ULL

/* The key of a child of a node keyed parent_key, for frame: the one path-key rule. */
static uint64_t extend_key(const struct tree *t, uint64_t parent_key, uint32_t frame)
{
	return hash_u64(parent_key ^ code_hash(t->cap, frame) * 0x100000001b3ULL);
}

static uint32_t new_node(struct tree *t, uint32_t parent, uint32_t frame)
{
	struct tree_node *nd;

	XGROW(t->nodes, t->cap_nodes, (size_t)t->n + 1);
	nd = &t->nodes[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->parent = parent;
	nd->first_child = TREE_NONE;
	nd->next_sibling = TREE_NONE;
	nd->frame = frame;
	if (parent != TREE_NONE) {
		struct tree_node *p = &t->nodes[parent];

		nd->depth = p->depth + 1;
		nd->key = extend_key(t, p->key, frame);
		nd->next_sibling = p->first_child;
		p->first_child = t->n;
	}
	return t->n++;
}

static uint32_t child(struct tree *t, uint32_t parent, uint32_t frame)
{
	struct child_key key = { t, parent, frame };
	size_t slot = 0;
	uint32_t id;

	idtable_reserve(&t->children, t->n, 1, node_hash_id, t);
	id = idtable_find(&t->children, node_hash(parent, code_hash(t->cap, frame)), child_equal,
			  &key, &slot);
	if (id != IDTABLE_NONE)
		return id;
	id = new_node(t, parent, frame);
	idtable_insert(&t->children, slot, id);
	return id;
}

/*
 * *map (when map is not NULL): the node of every stack of w, given to the
 * caller.  Below max_depth, a stack is its ancestor's node there, marked in
 * below (NULL when nothing is cut): its weight is in that node's total only.
 */
static void build_top_down(struct tree *t, const struct snapshot *w,
			   const struct fold_mask *fold, uint32_t max_depth, uint32_t **map)
{
	const struct capture *cap = t->cap;
	uint32_t *node_of = xmalloc((size_t)w->n * sizeof(*node_of));
	uint64_t *below = max_depth == TREE_ALL_DEPTHS ? NULL
			  : xcalloc((size_t)w->n / 64 + 1, sizeof(*below));
	uint32_t *path = NULL;
	size_t path_cap = 0;

	memset(node_of, 0xff, (size_t)w->n * sizeof(*node_of));
	node_of[0] = 0;
	/* A thread frame is no call: every thread's paths merge at the root (capture.h). */
	for (uint32_t s = 1; s < w->n; s++)
		if (capture_stack_thread(cap, s) == s)
			node_of[s] = 0;
	for (uint32_t s = 0; s < w->n; s++) {
		size_t depth = 0;
		uint32_t up = s, nd;
		bool deep;

		if (!w->bytes[s] && !w->count[s])
			continue;
		/* Collect the unmaterialised part of the path, leaf first. */
		while (node_of[up] == TREE_NONE) {
			XGROW(path, path_cap, depth + 1);
			path[depth++] = up;
			up = capture_stack(cap, up)->parent;
		}
		nd = node_of[up];
		deep = below && below[up / 64] >> up % 64 & 1;
		while (depth--) {
			uint32_t frame = capture_stack(cap, path[depth])->frame;

			/* A folded frame is its caller's node: its weight and children go there. */
			if (!deep && !fold_mask_has(fold, frame)) {
				if (t->nodes[nd].depth < max_depth)
					nd = child(t, nd, frame);
				else
					deep = true;
			}
			node_of[path[depth]] = nd;
			if (deep)
				below[path[depth] / 64] |= 1ull << path[depth] % 64;
		}
		if (deep) {
			t->nodes[nd].total_bytes += w->bytes[s];
			t->nodes[nd].total_count += w->count[s];
			continue;
		}
		t->nodes[nd].self_bytes += w->bytes[s];
		t->nodes[nd].self_count += w->count[s];
	}
	/* Children always have larger ids than their parents: sum upwards (onto what is cut). */
	for (uint32_t i = t->n; i-- > 0;) {
		struct tree_node *nd = &t->nodes[i];

		nd->total_bytes += nd->self_bytes;
		nd->total_count += nd->self_count;
		if (nd->parent != TREE_NONE) {
			t->nodes[nd->parent].total_bytes += nd->total_bytes;
			t->nodes[nd->parent].total_count += nd->total_count;
		}
	}
	free(path);
	free(below);
	if (map)
		*map = node_of;
	else
		free(node_of);
}

/*
 * Folded frames are skipped on the way up; the allocating function is the
 * first frame that is not folded, and a path with none counts at the root.
 */
static void build_bottom_up(struct tree *t, const struct snapshot *w,
			    const struct fold_mask *fold, uint32_t max_depth, uint32_t *map)
{
	const struct capture *cap = t->cap;

	for (uint32_t s = 1; s < w->n; s++) {
		uint32_t nd = 0, up = s, thread = capture_stack_thread(cap, s);
		bool leaf = true;

		if (!w->bytes[s] && !w->count[s])
			continue;
		t->nodes[0].total_bytes += w->bytes[s];
		t->nodes[0].total_count += w->count[s];
		/* Up to the thread frame, which is no call (capture.h). */
		for (; up != thread; up = capture_stack(cap, up)->parent) {
			const struct stack_node *sn = capture_stack(cap, up);

			if (fold_mask_has(fold, sn->frame))
				continue;
			if (t->nodes[nd].depth >= max_depth) {
				leaf = false;	/* its weight is in nd's total, below it */
				break;
			}
			nd = child(t, nd, sn->frame);
			t->nodes[nd].total_bytes += w->bytes[s];
			t->nodes[nd].total_count += w->count[s];
			if (leaf) {
				t->nodes[nd].self_bytes += w->bytes[s];
				t->nodes[nd].self_count += w->count[s];
				leaf = false;
			}
		}
		if (leaf) {
			t->nodes[0].self_bytes += w->bytes[s];
			t->nodes[0].self_count += w->count[s];
		}
		if (map)
			map[s] = nd;
	}
	t->nodes[0].self_bytes += w->bytes[0];
	t->nodes[0].self_count += w->count[0];
	t->nodes[0].total_bytes += w->bytes[0];
	t->nodes[0].total_count += w->count[0];
}

void tree_build(struct tree *t, const struct capture *cap, const struct snapshot *w,
		enum tree_direction dir, const struct fold_mask *fold)
{
	tree_build_mapped(t, cap, w, dir, fold, NULL);
}

static void build(struct tree *t, const struct capture *cap, const struct snapshot *w,
		  enum tree_direction dir, const struct fold_mask *fold, uint32_t max_depth,
		  uint32_t **map)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap;
	t->dir = dir;
	new_node(t, TREE_NONE, 0);
	t->nodes[0].key = ROOT_KEY;
	if (dir == TREE_TOP_DOWN) {
		build_top_down(t, w, fold, max_depth, map);
		return;
	}
	if (map) {
		*map = xmalloc((w->n ? w->n : 1) * sizeof(**map));
		memset(*map, 0xff, (w->n ? w->n : 1) * sizeof(**map));
		(*map)[0] = 0;
	}
	build_bottom_up(t, w, fold, max_depth, map ? *map : NULL);
}

void tree_build_mapped(struct tree *t, const struct capture *cap, const struct snapshot *w,
		       enum tree_direction dir, const struct fold_mask *fold, uint32_t **map)
{
	build(t, cap, w, dir, fold, TREE_ALL_DEPTHS, map);
}

void tree_build_to(struct tree *t, const struct capture *cap, const struct snapshot *w,
		   enum tree_direction dir, const struct fold_mask *fold, uint32_t max_depth)
{
	build(t, cap, w, dir, fold, max_depth, NULL);
}

void tree_keep_below(const struct tree *t, const uint32_t *map, uint32_t node,
		     struct snapshot *w)
{
	uint8_t *under = xcalloc(t->n ? t->n : 1, 1);

	snapshot_own(w);
	/* Parents come before their children: one pass in id order. */
	for (uint32_t i = 0; i < t->n; i++)
		under[i] = i == node || (t->nodes[i].parent != TREE_NONE &&
					 under[t->nodes[i].parent]);
	for (uint32_t s = 0; s < w->n; s++) {
		if (!w->bytes[s] && !w->count[s])
			continue;
		if (map[s] != TREE_NONE && under[map[s]])
			continue;
		w->bytes[s] = 0;
		w->count[s] = 0;
	}
	snapshot_recount(w);
	free(under);
}

struct sort_ctx {
	const struct tree *t;
	enum tree_order order;
};

static int cmp_nodes(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *ctx = arg;
	const struct capture *cap = ctx->t->cap;
	const struct tree_node *x = &ctx->t->nodes[*(const uint32_t *)a];
	const struct tree_node *y = &ctx->t->nodes[*(const uint32_t *)b];
	int64_t vx = llabs(ctx->order == TREE_ORDER_COUNT ? x->total_count
			   : ctx->order == TREE_ORDER_SELF ? x->self_bytes : x->total_bytes);
	int64_t vy = llabs(ctx->order == TREE_ORDER_COUNT ? y->total_count
			   : ctx->order == TREE_ORDER_SELF ? y->self_bytes : y->total_bytes);
	int by_name = strcmp(capture_string(cap, capture_frame(cap, x->frame)->function),
			     capture_string(cap, capture_frame(cap, y->frame)->function));

	if (ctx->order == TREE_ORDER_NAME && by_name)
		return by_name;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	/* Equal self (often 0: a caller of callers): the larger total first. */
	if (ctx->order == TREE_ORDER_SELF && llabs(x->total_bytes) != llabs(y->total_bytes))
		return llabs(x->total_bytes) > llabs(y->total_bytes) ? -1 : 1;
	return by_name;
}

const char *tree_order_name(enum tree_order order)
{
	return order == TREE_ORDER_COUNT  ? "count"
	       : order == TREE_ORDER_NAME ? "name"
	       : order == TREE_ORDER_SELF ? "self"
					  : "size";
}

void tree_sort(struct tree *t, enum tree_order order)
{
	uint32_t *kids = NULL;
	size_t kids_cap = 0;
	struct sort_ctx ctx = { t, order };

	for (uint32_t i = 0; i < t->n; i++) {
		size_t k = 0;

		for (uint32_t c = t->nodes[i].first_child; c != TREE_NONE;
		     c = t->nodes[c].next_sibling) {
			XGROW(kids, kids_cap, k + 1);
			kids[k++] = c;
		}
		if (k < 2)
			continue;
		qsort_r(kids, k, sizeof(*kids), cmp_nodes, &ctx);
		t->nodes[i].first_child = kids[0];
		for (size_t j = 0; j + 1 < k; j++)
			t->nodes[kids[j]].next_sibling = kids[j + 1];
		t->nodes[kids[k - 1]].next_sibling = TREE_NONE;
	}
	free(kids);
}

uint32_t tree_child(const struct tree *t, uint32_t parent, uint32_t frame)
{
	struct child_key key = { t, parent, frame };
	size_t slot = 0;

	if (!t->children.cap)
		return TREE_NONE;
	return idtable_find(&t->children, node_hash(parent, code_hash(t->cap, frame)), child_equal,
			    &key, &slot);
}

uint32_t tree_find_path(const struct tree *t, const uint64_t *keys, size_t n)
{
	uint32_t nd = 0;

	if (!t->n || !n || keys[0] != t->nodes[0].key)
		return 0;
	for (size_t i = 1; i < n; i++) {
		uint32_t c = t->nodes[nd].first_child;

		while (c != TREE_NONE && t->nodes[c].key != keys[i])
			c = t->nodes[c].next_sibling;
		if (c == TREE_NONE)
			break;
		nd = c;
	}
	return nd;
}

const char *tree_node_name(const struct tree *t, uint32_t node, char *buf, size_t size)
{
	const struct frame *f = capture_frame(t->cap, t->nodes[node].frame);

	if (f->function)
		return capture_string(t->cap, f->function);
	return capture_frame_label(t->cap, t->nodes[node].frame, buf, size);
}

/* Whether node is called name (tree_node_name). */
static bool named(const struct tree *t, uint32_t node, const char *name, size_t len)
{
	char label[256];
	const char *s = tree_node_name(t, node, label, sizeof(label));

	return strlen(s) == len && !memcmp(s, name, len);
}

uint32_t tree_find_names(const struct tree *t, const char *path, char sep, size_t *matched)
{
	uint32_t nd = 0;

	*matched = 0;
	if (!t->n)
		return TREE_NONE;
	while (*path) {
		const char *end = strchr(path, sep);
		size_t len = end ? (size_t)(end - path) : strlen(path);
		uint32_t best = TREE_NONE;

		for (uint32_t c = t->nodes[nd].first_child; c != TREE_NONE;
		     c = t->nodes[c].next_sibling)
			if (named(t, c, path, len) &&
			    (best == TREE_NONE ||
			     llabs(t->nodes[c].total_bytes) > llabs(t->nodes[best].total_bytes)))
				best = c;
		if (best == TREE_NONE)
			return TREE_NONE;
		nd = best;
		++*matched;
		path += len + (end != NULL);
	}
	return nd;
}

size_t tree_path(const struct tree *t, uint32_t node, uint64_t *keys, size_t cap)
{
	size_t len = (size_t)t->nodes[node].depth + 1, i = len;

	for (uint32_t nd = node; nd != TREE_NONE; nd = t->nodes[nd].parent)
		if (--i < cap)
			keys[i] = t->nodes[nd].key;
	return len;
}

uint64_t tree_key_folded(const struct tree *t, uint32_t node, const struct fold_mask *fold)
{
	uint32_t depth = t->nodes[node].depth;
	uint32_t *frames = xmalloc(((size_t)depth + 1) * sizeof(*frames));
	uint64_t key = ROOT_KEY;
	uint32_t i = depth;

	for (uint32_t nd = node; t->nodes[nd].parent != TREE_NONE; nd = t->nodes[nd].parent)
		frames[--i] = t->nodes[nd].frame;
	for (; i < depth; i++)
		if (!fold_mask_has(fold, frames[i]))
			key = extend_key(t, key, frames[i]);
	free(frames);
	return key;
}

uint32_t tree_find_folded(const struct tree *t, const struct fold_mask *fold, uint64_t key)
{
	uint64_t *fk = xmalloc((t->n ? t->n : 1) * sizeof(*fk));
	uint32_t best = TREE_NONE;

	/* Parents come before their children: one pass in id order. */
	for (uint32_t i = 0; i < t->n; i++) {
		const struct tree_node *nd = &t->nodes[i];

		if (nd->parent == TREE_NONE)
			fk[i] = ROOT_KEY;
		else if (fold_mask_has(fold, nd->frame))
			fk[i] = fk[nd->parent];
		else
			fk[i] = extend_key(t, fk[nd->parent], nd->frame);
		if (fk[i] == key && (best == TREE_NONE || nd->depth < t->nodes[best].depth))
			best = i;
	}
	free(fk);
	return best;
}

void tree_release(struct tree *t)
{
	free(t->nodes);
	idtable_release(&t->children);
	memset(t, 0, sizeof(*t));
}

void tree_begin(struct tree *t, const struct capture *cap, enum tree_direction dir,
		uint32_t root_frame)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap;
	t->dir = dir;
	new_node(t, TREE_NONE, root_frame);
	t->nodes[0].key = 0x6d656d747569ULL;
}

void tree_add_path(struct tree *t, const uint32_t *frames, size_t n, int64_t bytes,
		   int64_t count)
{
	uint32_t nd = 0;

	for (size_t i = 0;; i++) {
		t->nodes[nd].total_bytes += bytes;
		t->nodes[nd].total_count += count;
		if (i == n)
			break;
		nd = child(t, nd, frames[i]);
	}
	t->nodes[nd].self_bytes += bytes;
	t->nodes[nd].self_count += count;
}
