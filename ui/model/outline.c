/*
 * outline: visible rows of a tree by a set of expanded keys.
 *
 * Invariants, after every public call:
 *  - rows[] is exactly the pre-order walk of the tree from o->root (the
 *    root, or a focus) that descends into a node only when its key is in
 *    open (o->root's key is always in open);
 *  - cursor < n_rows (or 0 when n_rows is 0);
 *  - path[] holds the keys from the root to rows[cursor], or, right after an
 *    attach, of a deeper path that the cursor's node stands in for (the
 *    selection asked for what this tree lacks), until the cursor moves.
 * The walk needs no recursion: it follows first_child, next_sibling and
 * parent links, and stops when it climbs back to the node it started under.
 */
#include "outline.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "xalloc.h"

static void put_open(struct outline *o, uint64_t key)
{
	hashmap_put(&o->open, key, 1);
}

void outline_init(struct outline *o)
{
	memset(o, 0, sizeof(*o));
	hashmap_init(&o->open);
}

void outline_release(struct outline *o)
{
	hashmap_release(&o->open);
	free(o->rows);
	free(o->path);
	free(o->match);
	memset(o, 0, sizeof(*o));
}

bool outline_is_open(const struct outline *o, uint32_t node)
{
	const struct tree_node *nd = &o->t->nodes[node];

	return nd->first_child != TREE_NONE && hashmap_get(&o->open, nd->key) != HASHMAP_NONE;
}

/* Appends the visible rows below node (not node itself) to *buf. */
static void walk_below(const struct outline *o, uint32_t node, uint32_t **buf, size_t *n,
		       size_t *cap)
{
	const struct tree_node *nodes = o->t->nodes;
	uint32_t c;

	if (!outline_is_open(o, node))
		return;
	c = nodes[node].first_child;
	while (c != TREE_NONE) {
		*buf = xgrow(*buf, cap, *n + 1, sizeof(**buf));
		(*buf)[(*n)++] = c;
		if (outline_is_open(o, c)) {
			c = nodes[c].first_child;
			continue;
		}
		while (c != node && nodes[c].next_sibling == TREE_NONE)
			c = nodes[c].parent;
		if (c == node)
			break;
		c = nodes[c].next_sibling;
	}
}

static void remember_path(struct outline *o)
{
	uint32_t nd = outline_node(o);
	size_t depth;

	o->path_len = 0;
	if (nd == TREE_NONE)
		return;
	depth = o->t->nodes[nd].depth + 1;
	XGROW(o->path, o->path_cap, depth);
	o->path_len = depth;
	for (; nd != TREE_NONE; nd = o->t->nodes[nd].parent)
		o->path[--depth] = o->t->nodes[nd].key;
}

static void rebuild_rows(struct outline *o)
{
	o->n_rows = 0;
	if (!o->t || !o->t->n)
		return;
	put_open(o, o->t->nodes[o->root].key);
	XGROW(o->rows, o->rows_cap, 1);
	o->rows[o->n_rows++] = o->root;
	walk_below(o, o->root, &o->rows, &o->n_rows, &o->rows_cap);
}

/* The row of node, or SIZE_MAX when it is not visible. */
static size_t row_of(const struct outline *o, uint32_t node)
{
	/* Keys act on the cursor's node: answer that without a scan of every row. */
	if (o->cursor < o->n_rows && o->rows[o->cursor] == node)
		return o->cursor;
	for (size_t i = 0; i < o->n_rows; i++)
		if (o->rows[i] == node)
			return i;
	return SIZE_MAX;
}

/* Opens every ancestor of node; true when one was closed. */
static bool open_ancestors(struct outline *o, uint32_t node)
{
	bool changed = false;

	for (uint32_t p = o->t->nodes[node].parent; p != TREE_NONE; p = o->t->nodes[p].parent) {
		if (hashmap_get(&o->open, o->t->nodes[p].key) != HASHMAP_NONE)
			continue;
		put_open(o, o->t->nodes[p].key);
		changed = true;
	}
	return changed;
}

static void compute_matches(struct outline *o);

void outline_attach(struct outline *o, const struct tree *t)
{
	uint32_t nd;
	size_t row;

	o->t = t;
	o->root = 0;
	free(o->match);
	o->match = NULL;
	o->n_matches = 0;
	o->cursor = 0;
	if (!t->n) {
		o->n_rows = 0;
		return;
	}
	put_open(o, t->nodes[0].key);
	nd = tree_find_path(t, o->path, o->path_len);
	open_ancestors(o, nd);
	rebuild_rows(o);
	if (o->pattern[0])
		compute_matches(o);
	row = row_of(o, nd);
	o->cursor = row == SIZE_MAX ? 0 : row;
	/* Standing in for a deeper path t lacks: keep asking for it until the cursor moves. */
	if (!o->path_len || o->path_len <= t->nodes[nd].depth + 1)
		remember_path(o);
}

void outline_detach(struct outline *o)
{
	o->t = NULL;
	o->root = 0;
	o->n_rows = 0;
	o->cursor = 0;
	free(o->match);
	o->match = NULL;
}

uint32_t outline_node(const struct outline *o)
{
	if (!o->t || !o->n_rows)
		return TREE_NONE;
	return o->rows[o->cursor];
}

void outline_set_cursor(struct outline *o, size_t row)
{
	if (!o->n_rows)
		return;
	o->cursor = row < o->n_rows ? row : o->n_rows - 1;
	remember_path(o);
}

void outline_move(struct outline *o, long delta)
{
	long row = (long)o->cursor + delta;

	if (row < 0)
		row = 0;
	outline_set_cursor(o, (size_t)row);
}

void outline_expand(struct outline *o, uint32_t node)
{
	uint32_t *add = NULL;
	size_t n = 0, cap = 0, row;

	if (o->t->nodes[node].first_child == TREE_NONE || outline_is_open(o, node))
		return;
	row = row_of(o, node);
	put_open(o, o->t->nodes[node].key);
	if (row == SIZE_MAX)
		return;
	walk_below(o, node, &add, &n, &cap);
	XGROW(o->rows, o->rows_cap, o->n_rows + n);
	memmove(o->rows + row + 1 + n, o->rows + row + 1, (o->n_rows - row - 1) * sizeof(*o->rows));
	memcpy(o->rows + row + 1, add, n * sizeof(*add));
	o->n_rows += n;
	if (o->cursor > row)
		o->cursor += n;
	free(add);
}

void outline_collapse(struct outline *o, uint32_t node)
{
	const struct tree_node *nodes = o->t->nodes;
	size_t row, end;

	if (!outline_is_open(o, node) || node == o->root)
		goto out;
	hashmap_remove(&o->open, nodes[node].key);
	row = row_of(o, node);
	if (row == SIZE_MAX)
		goto out;
	for (end = row + 1; end < o->n_rows && nodes[o->rows[end]].depth > nodes[node].depth; end++)
		;
	memmove(o->rows + row + 1, o->rows + end, (o->n_rows - end) * sizeof(*o->rows));
	o->n_rows -= end - row - 1;
	if (o->cursor >= end)
		o->cursor -= end - row - 1;
	else if (o->cursor > row)
		o->cursor = row;
out:
	remember_path(o);
}

/* Calls fn on node and every node below it, in pre-order. */
static void each_below(struct outline *o, uint32_t node, void (*fn)(struct outline *, uint32_t))
{
	const struct tree_node *nodes = o->t->nodes;
	uint32_t c = node;

	for (;;) {
		fn(o, c);
		if (nodes[c].first_child != TREE_NONE) {
			c = nodes[c].first_child;
			continue;
		}
		while (c != node && nodes[c].next_sibling == TREE_NONE)
			c = nodes[c].parent;
		if (c == node)
			return;
		c = nodes[c].next_sibling;
	}
}

static void open_one(struct outline *o, uint32_t node)
{
	if (o->t->nodes[node].first_child != TREE_NONE)
		put_open(o, o->t->nodes[node].key);
}

static void close_one(struct outline *o, uint32_t node)
{
	if (node != o->root)
		hashmap_remove(&o->open, o->t->nodes[node].key);
}

/* Rebuilds the rows and puts the cursor on node, or on its nearest visible ancestor. */
static void rebuild_at(struct outline *o, uint32_t node)
{
	size_t row;

	rebuild_rows(o);
	while ((row = row_of(o, node)) == SIZE_MAX && o->t->nodes[node].parent != TREE_NONE)
		node = o->t->nodes[node].parent;
	o->cursor = row == SIZE_MAX ? 0 : row;
	remember_path(o);
}

void outline_set_root(struct outline *o, uint32_t node)
{
	uint32_t nd = outline_node(o), up = nd;

	if (!o->t || !o->t->n || node == o->root)
		return;
	o->root = node;
	while (up != TREE_NONE && up != node)
		up = o->t->nodes[up].parent;
	/* A cursor outside the new root goes to the root. */
	rebuild_at(o, up == TREE_NONE ? node : nd);
}

void outline_expand_all(struct outline *o, uint32_t node)
{
	if (!o->t || !o->t->n)
		return;
	each_below(o, node, open_one);
	rebuild_at(o, outline_node(o));
}

void outline_collapse_all(struct outline *o, uint32_t node)
{
	if (!o->t || !o->t->n)
		return;
	each_below(o, node, close_one);
	rebuild_at(o, outline_node(o));
}

void outline_expand_heavy(struct outline *o, unsigned permille)
{
	const struct tree_node *nodes;
	int64_t whole;
	uint32_t nd = 0;

	if (!o->t || !o->t->n)
		return;
	nodes = o->t->nodes;
	nd = o->root;
	whole = llabs(nodes[nd].total_bytes);
	/* Siblings share their parent's weight: at most one child can hold more than half. */
	while (nd != TREE_NONE && nodes[nd].first_child != TREE_NONE) {
		uint32_t next = TREE_NONE;

		put_open(o, nodes[nd].key);
		for (uint32_t c = nodes[nd].first_child; c != TREE_NONE; c = nodes[c].next_sibling)
			if (llabs(nodes[c].total_bytes) * 1000 >= whole * (int64_t)permille &&
			    (next == TREE_NONE ||
			     llabs(nodes[c].total_bytes) > llabs(nodes[next].total_bytes)))
				next = c;
		nd = next;
	}
	rebuild_at(o, outline_node(o));
}

void outline_select(struct outline *o, uint32_t node)
{
	size_t row;

	if (open_ancestors(o, node)) {
		rebuild_at(o, node);
		return;
	}
	row = row_of(o, node);
	if (row != SIZE_MAX)
		o->cursor = row;
	remember_path(o);
}

const uint64_t *outline_path(const struct outline *o, size_t *len)
{
	*len = o->path_len;
	return o->path;
}

void outline_set_path(struct outline *o, const uint64_t *keys, size_t len)
{
	XGROW(o->path, o->path_cap, len);
	if (len)
		memmove(o->path, keys, len * sizeof(*keys));
	o->path_len = len;
}

const char *outline_find(const char *s, const char *pattern)
{
	bool icase = true;
	size_t n = strlen(pattern);

	for (const char *p = pattern; *p; p++)
		if (isupper((unsigned char)*p))
			icase = false;
	if (!icase)
		return strstr(s, pattern);
	for (; *s; s++)
		if (!strncasecmp(s, pattern, n))
			return s;
	return NULL;
}

bool outline_shortens(const struct capture *cap, uint32_t frame)
{
	const struct frame *f = capture_frame(cap, frame);

	return (f->kind == FRAME_NATIVE || f->kind == FRAME_INLINED) &&
	       *capture_string(cap, f->function);
}

const char *outline_search_text(const struct capture *cap, uint32_t frame, char *buf,
				size_t size)
{
	const char *label = capture_frame_label(cap, frame, buf, size);

	if (!outline_shortens(cap, frame))
		return label;
	return names_shorten(label, NAMES_BRIEF, buf, size);
}

/* Marks the matching nodes; a frame's name is tested once however many nodes share it. */
static void compute_matches(struct outline *o)
{
	const struct capture *cap = o->t->cap;
	uint32_t n_frames = capture_frame_count(cap);
	uint8_t *frame_match = xcalloc(n_frames ? n_frames : 1, 1);
	char name[OUTLINE_MAX_NAME];

	for (uint32_t f = 1; f < n_frames; f++) {
		const char *file = capture_string(cap, capture_frame(cap, f)->file);
		const char *slash = strrchr(file, '/');

		frame_match[f] = outline_find(outline_search_text(cap, f, name, sizeof(name)),
					      o->pattern) ||
				 outline_find(slash ? slash + 1 : file, o->pattern);
	}
	free(o->match);
	o->match = xcalloc(o->t->n, 1);
	o->n_matches = 0;
	for (uint32_t i = 1; i < o->t->n; i++) {
		o->match[i] = frame_match[o->t->nodes[i].frame];
		o->n_matches += o->match[i];
	}
	free(frame_match);
}

/*
 * Opens every ancestor of every match, visiting each node at most once: a
 * climb stops at a node an earlier climb passed, whose ancestors that climb
 * opened already.  Linear in the tree, however deep (a climb per match with
 * no stop is quadratic: 40,000 matching frames in one chain took 13 s).
 */
static void open_match_ancestors(struct outline *o)
{
	const struct tree_node *nodes = o->t->nodes;
	uint8_t *climbed = xcalloc(o->t->n, 1);

	for (uint32_t i = 1; i < o->t->n; i++) {
		if (!o->match[i])
			continue;
		for (uint32_t p = nodes[i].parent; p != TREE_NONE && !climbed[p];
		     p = nodes[p].parent) {
			climbed[p] = 1;
			o->search_steps++;
			put_open(o, nodes[p].key);
		}
	}
	free(climbed);
}

size_t outline_search(struct outline *o, const char *pattern)
{
	uint32_t cur;

	snprintf(o->pattern, sizeof(o->pattern), "%s", pattern);
	o->search_steps = 0;
	free(o->match);
	o->match = NULL;
	o->n_matches = 0;
	if (!o->t || !o->t->n || !pattern[0])
		return 0;
	compute_matches(o);
	cur = outline_node(o);
	open_match_ancestors(o);
	rebuild_at(o, cur);
	if (o->n_matches && !o->match[outline_node(o)])
		outline_next_match(o, 1);
	return o->n_matches;
}

bool outline_next_match(struct outline *o, int dir)
{
	size_t n = o->n_rows;

	if (!o->match || !n)
		return false;
	for (size_t k = 1; k <= n; k++) {
		size_t row = dir > 0 ? (o->cursor + k) % n : (o->cursor + n - k % n) % n;

		if (o->match[o->rows[row]]) {
			o->cursor = row;
			remember_path(o);
			return true;
		}
	}
	return false;
}
