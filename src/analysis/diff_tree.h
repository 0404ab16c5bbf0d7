/*
 * diff_tree: the call tree of a diff, both sides in every node.
 *
 * Two weighted snapshots (of two captures, or two of one capture) are merged
 * into one tree whose nodes are call paths matched by content, exactly as
 * diff.h matches them: the (function, file) of each frame from the root (or
 * from the allocating frame, bottom-up), never addresses or lines, so a
 * rebuilt binary or an edited script lines up and two stacks that differ only
 * in their lines are one node.  Within one capture (a == b) Python frames
 * also match by their code object's first line, as the call tree merges them
 * (tree.h), so two <listcomp>s of one file stay two nodes there.  A node's key
 * is diff.h's path key (top-down: the very key diff_compute gives that path,
 * so a node's self figures are the change `memtui report --diff` lists for
 * it); bottom-up keys chain the same way from the allocating frame.  Keys are
 * stable across metrics, orders, filters and rebuilds, and equal for the same
 * path in any two captures.
 *
 * The tree is a struct tree (tree.h) so that the generic code works on it:
 * outline.h browses it, flame.h lays it out, tree_path/tree_find_path walk
 * keys.  Its tree_node weights are the larger side, max(|A|, |B|) (bytes and
 * counts, total and self), which is the width of a diff flame graph; the
 * figures of each side are in the parallel array dn[].  t.cap names the
 * frames: with two captures it is a small capture of its own holding the
 * representative frame of every node (from A when the path is in A, else
 * from B, so a path only in B is named from B); with one capture, that one.
 *
 * Orders (diff_tree_arrange): by |delta| descending (the default), by size
 * = max(|A|, |B|) descending (what a flame graph needs), or by function
 * name.  The changed-only filter unlinks the nodes whose subtree is the same
 * in A and B (delta 0 in the node and in every node below it); a node whose
 * own delta is 0 stays when something below it changed.
 *
 * Pure: no I/O.  Cost: one pass over the stacks of each side (top-down) or
 * over their frames (bottom-up), a hash lookup per node visited.
 */
#ifndef MT_DIFF_TREE_H
#define MT_DIFF_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "diff.h"
#include "snapshot.h"
#include "tree.h"

enum diff_tree_order {
	DIFF_ORDER_DELTA,	/* |b_total - a_total| desc, then size, name */
	DIFF_ORDER_SIZE,	/* max(|a_total|, |b_total|) desc, then |delta|, name */
	DIFF_ORDER_NAME,	/* function name, then size */
};

struct diff_tree_node {
	int64_t a_self, b_self;		/* weight of the paths ending here (self) */
	int64_t a_total, b_total;	/* weight of the paths through here */
	int64_t a_self_count, b_self_count;	/* allocations, same split */
	int64_t a_total_count, b_total_count;
	uint32_t rep_frame;		/* a frame of capture rep_side naming this node */
	uint8_t rep_side;		/* enum diff_side */
	bool changed;			/* some delta in this node or below it */
};

struct diff_tree {
	struct tree t;			/* nodes, links and keys; weights are max(|A|, |B|) */
	struct diff_tree_node *dn;	/* per node of t: both sides */
	const struct capture *cap[2];	/* borrowed: A and B */
	struct capture *names;		/* owned (two captures): t.cap; NULL otherwise */
	uint32_t *kids;			/* every child of node i: kids[kids_start[i] ..
					 * kids_start[i + 1]), in the arranged order */
	uint32_t *kids_start;
	enum diff_tree_order order;
	bool changed_only;
	bool by_code;			/* one capture: Python frames by code object (diff.h) */
};

/*
 * Builds the tree of wa (weights of capture a) against wb (of b); a may be b.
 * The captures are borrowed and must outlive dt; the snapshots are not kept.
 * Children come out in DIFF_ORDER_DELTA, unfiltered.  Release with
 * diff_tree_release.
 */
void diff_tree_build(struct diff_tree *dt, const struct capture *a, const struct snapshot *wa,
		     const struct capture *b, const struct snapshot *wb, enum tree_direction dir);
/*
 * The same, leaving out the frames fold[0] folds of a and fold[1] of b
 * (borrowed; NULL: none), as tree_build does: no total changes.
 */
void diff_tree_build_folded(struct diff_tree *dt, const struct capture *a,
			    const struct snapshot *wa, const struct capture *b,
			    const struct snapshot *wb, enum tree_direction dir,
			    const struct fold_mask *const fold[2]);
void diff_tree_release(struct diff_tree *dt);

/*
 * Re-links the children of every node in order, leaving out unchanged
 * subtrees when changed_only.  Node ids and keys do not change; anything
 * holding links (an outline, a flame layout) must be re-attached or redone.
 */
void diff_tree_arrange(struct diff_tree *dt, enum diff_tree_order order, bool changed_only);

/* b_total - a_total of node. */
static inline int64_t diff_tree_delta(const struct diff_tree *dt, uint32_t node)
{
	return dt->dn[node].b_total - dt->dn[node].a_total;
}

/*
 * Where the diff changed most: the node with the largest |b_self - a_self|
 * (top-down: the path `memtui report --diff` lists first; bottom-up: the
 * allocating function that changed most); the root when nothing changed.
 */
uint32_t diff_tree_hot(const struct diff_tree *dt);

/*
 * The child of parent that names the same function as node of other (another
 * diff tree of the same captures, e.g. the other direction), or TREE_NONE.
 */
uint32_t diff_tree_child_like(const struct diff_tree *dt, uint32_t parent,
			      const struct diff_tree *other, uint32_t node);

#endif
