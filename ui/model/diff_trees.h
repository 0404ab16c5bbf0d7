/*
 * diff_trees: the diff trees (diff_tree.h) a diff view shows, one per
 * direction, each built when first asked for and kept until what they weigh
 * changes.
 *
 * Two kinds.  Of two captures (explore.h A and B), weighed by a metric: a
 * new metric drops the trees.  Of two moments of one capture (two times,
 * two stages' ends): the live heap after each, taken with the first tree
 * (a pass over the event log each), and never changed.  The two
 * views of `memtui A B` share one set (refcounted), so switching between
 * them never builds a tree twice; each view arranges a tree (order, filter)
 * before it shows it, so a tree is in the order of the view that last
 * arranged it.  gen changes whenever the trees are dropped, which tells a
 * view that its outlines point to freed trees.  Pure: no I/O, no screen.
 */
#ifndef MT_DIFF_TREES_H
#define MT_DIFF_TREES_H

#include <stdbool.h>

#include "diff_tree.h"
#include "explore.h"
#include "snapshot.h"

struct diff_trees {
	struct diff_tree dt[2];		/* per direction, valid when built */
	bool built[2];
	bool moments;			/* of two moments: snap[], not a metric */
	uint64_t at[2];			/* the moments: after these events */
	bool have_snap;			/* snap[] taken */
	struct snapshot snap[2];	/* the live heap at at[] (owned) */
	enum metric metric;		/* what dt[] weigh (two captures) */
	bool folded;			/* dt[] were built with folding on */
	bool are_count;			/* the weights are allocation counts */
	unsigned gen;			/* bumped when the trees are dropped */
	int refs;
};

/* An empty set for two captures, with no reference yet (diff_trees_ref). */
struct diff_trees *diff_trees_new(void);
/*
 * An empty set for the live heap of one capture after event a and after
 * event b (snapshot_live_at: UINT64_MAX is before any); no reference yet.
 */
struct diff_trees *diff_trees_new_moments(uint64_t a, uint64_t b);
void diff_trees_ref(struct diff_trees *dts);
/* Drops a reference; the last one frees the trees and the set. */
void diff_trees_unref(struct diff_trees *dts);

/*
 * Drops the trees (gen changes) if they weigh another metric than m (two
 * captures) or were built with folding otherwise than folded (either kind).
 * A view calls it first, before it reads its trees.
 */
void diff_trees_weigh(struct diff_trees *dts, enum metric m, bool folded);
/* Whether diff_trees_get(m, d) would find its tree built, after diff_trees_weigh(m, folded). */
bool diff_trees_built(const struct diff_trees *dts, enum metric m, bool folded,
		      enum tree_direction d);
/*
 * The tree of direction d, built now if it is not: of a against b (both
 * borrowed, and their captures must outlive the tree) by metric m, or of the
 * two moments of a's capture, folded as a and b fold now (explore_fold).
 * Valid until gen changes.
 */
struct diff_tree *diff_trees_get(struct diff_trees *dts, const struct explore *a,
				 const struct explore *b, enum metric m, enum tree_direction d);

#endif
