/*
 * tree: a call tree over a snapshot, merged by function.
 *
 * Top-down: a node is a call path from the root, with frames merged when they
 * are the same code, never by address or line, so one function called from
 * one place is one node whatever lines it allocated on.  Bottom-up: the same
 * from the allocating frame outwards (callers of each function).  The same
 * code is the same (function, file), and for a Python frame also the same
 * code object (its first line): two <listcomp>s of one file stay apart in
 * both directions.  Unnamed native frames merge only with themselves (same
 * module and offset).  docs/NUMBERS.md "Trees" states the rule.
 *
 * Nodes are in one array, node 0 the root; children are linked lists sorted by
 * tree_sort.  Each node has a 64-bit key, a hash of its merge keys from the
 * root, stable across metrics, directions' rebuilds and snapshots of one
 * capture: views restore the cursor and expanded nodes by it.  The merge keys
 * are the capture's string and frame ids, so keys do not match across two
 * captures; diff.c matches those by the names themselves.
 */
#ifndef MT_TREE_H
#define MT_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "fold.h"
#include "idtable.h"
#include "snapshot.h"

enum tree_direction { TREE_TOP_DOWN, TREE_BOTTOM_UP };
/* The sort order of sibling lists (the explorer's `s`). */
enum tree_order {
	TREE_ORDER_SIZE,	/* |total_bytes| descending: by the metric */
	TREE_ORDER_COUNT,	/* |total_count| descending */
	TREE_ORDER_NAME,	/* by function name, then |total_bytes| */
	TREE_ORDER_SELF,	/* |self_bytes| descending, then |total_bytes| */
};

#define TREE_NONE UINT32_MAX

struct tree_node {
	uint32_t parent;	/* TREE_NONE for the root */
	uint32_t first_child;	/* TREE_NONE when a leaf */
	uint32_t next_sibling;	/* TREE_NONE when last */
	uint32_t frame;		/* representative frame (first seen); 0 for the root */
	uint32_t depth;		/* root 0 */
	uint64_t key;		/* path hash, stable identity */
	int64_t self_bytes;	/* weight of paths ending here */
	int64_t self_count;
	int64_t total_bytes;	/* weight of paths through here */
	int64_t total_count;
};

struct tree {
	const struct capture *cap;
	enum tree_direction dir;
	struct tree_node *nodes;
	uint32_t n;
	size_t cap_nodes;
	struct idtable children;	/* node ids by (parent, merge key) */
};

/*
 * Builds the tree of the stacks with nonzero weight in w, leaving out the
 * frames fold folds (fold.h; NULL: none): a folded frame's children are its
 * caller's, its self weight its caller's self, and no total changes.
 */
void tree_build(struct tree *t, const struct capture *cap, const struct snapshot *w,
		enum tree_direction dir, const struct fold_mask *fold);
/*
 * tree_build that also gives *map (malloc'd, w->n entries; the caller frees
 * it): the node each stack of w with a weight counts at (top-down: its
 * deepest node; bottom-up: its outermost caller's), so that the stacks
 * through a node are those whose map entry is at or below it.
 */
void tree_build_mapped(struct tree *t, const struct capture *cap, const struct snapshot *w,
		       enum tree_direction dir, const struct fold_mask *fold, uint32_t **map);
/*
 * tree_build for a reader that goes no deeper than max_depth (the root is
 * depth 0; a report printed to its depth): the nodes below it are not made,
 * and their weight is in their ancestor's total there, not in its self.
 * The nodes it makes have tree_build's figures, children at max_depth
 * aside.  clang's peak: 173 k nodes in the whole tree, 12 k to depth 7.
 * TREE_ALL_DEPTHS: tree_build.
 */
#define TREE_ALL_DEPTHS UINT32_MAX
void tree_build_to(struct tree *t, const struct capture *cap, const struct snapshot *w,
		   enum tree_direction dir, const struct fold_mask *fold, uint32_t max_depth);
/*
 * Keeps in w only the weights of the stacks through node (map from
 * tree_build_mapped of t over w): what a focus on node shows, whole stacks
 * whose sum is node's total.  Totals recounted.
 */
void tree_keep_below(const struct tree *t, const uint32_t *map, uint32_t node,
		     struct snapshot *w);
/* Orders every sibling list by order (ties by function name, or by bytes for TREE_ORDER_NAME). */
void tree_sort(struct tree *t, enum tree_order order);
/* The order's name, as the status line shows it: "size", "count", "name", "self". */
const char *tree_order_name(enum tree_order order);
/*
 * The child of node parent that frame merges into (the same code, or the same
 * unnamed frame), or TREE_NONE.  For finding "this function" in
 * another tree, e.g. its callers in the bottom-up tree of a top-down node.
 */
uint32_t tree_child(const struct tree *t, uint32_t parent, uint32_t frame);
/*
 * The deepest node of t on a path of keys from the root (keys[0] the root's);
 * 0 (the root) when even keys[0] differs or n is 0.
 */
uint32_t tree_find_path(const struct tree *t, const uint64_t *keys, size_t n);
/*
 * The name tree_find_names knows node by: its function's name, or an unnamed
 * frame's label written into buf.
 */
const char *tree_node_name(const struct tree *t, uint32_t node, char *buf, size_t size);
/*
 * The node at a path of names from the root's child, separated by sep
 * ("main;load;parse"): each a function's name, or an unnamed frame's label
 * ("libfoo.so+0x1a2b"); of siblings with the same name, the one with the
 * largest |total_bytes|.  "" is the root.  TREE_NONE when a name is not
 * found; *matched says how many were.
 */
uint32_t tree_find_names(const struct tree *t, const char *path, char sep, size_t *matched);
/*
 * Writes the keys of node's path from the root into keys (up to cap entries);
 * returns the path's length (depth + 1), which may exceed cap.
 */
size_t tree_path(const struct tree *t, uint32_t node, uint64_t *keys, size_t cap);
/*
 * Keeping a place across a change of folding.  tree_key_folded: the key
 * node of t has in the tree built with fold (t's node keys with the frames
 * fold folds left out; a folded node gets its nearest kept ancestor's).
 * tree_find_folded: the shallowest node of t whose key with fold is key, or
 * TREE_NONE; t may be built with fold (then it is the node keyed key) or
 * with less folded.
 */
uint64_t tree_key_folded(const struct tree *t, uint32_t node, const struct fold_mask *fold);
uint32_t tree_find_folded(const struct tree *t, const struct fold_mask *fold, uint64_t key);
void tree_release(struct tree *t);

/*
 * Trees of paths that are not the capture's stacks (functions.h: the callers
 * and callees of one function): an empty tree whose root stands for frame
 * root_frame, then paths added one by one from the root's child (frames[0])
 * down, each with its weight, merged by the same rule as tree_build.
 */
void tree_begin(struct tree *t, const struct capture *cap, enum tree_direction dir,
		uint32_t root_frame);
void tree_add_path(struct tree *t, const uint32_t *frames, size_t n, int64_t bytes,
		   int64_t count);

#endif
