/*
 * explore: the analysis results the explorer shows, computed when first
 * asked for and then kept.
 *
 * One struct report (computed as `memtui report` does for the peak metric)
 * gives the headline figures; every tree comes from metric_weights() and
 * tree_build(), exactly like the report's own tree, so that a number on
 * screen and the same number in `memtui report` are one computation.  Trees
 * are kept per (metric, direction) and re-sorted in place when another order
 * is asked for.  Trees are folded by the rules explore_init was given
 * (fold.h) while folding is on (explore_set_folding; the explorer's `z`),
 * and kept for both states.  Pure: no I/O, no screen.
 */
#ifndef MT_EXPLORE_H
#define MT_EXPLORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "report.h"
#include "tree.h"

struct explore_tree {
	struct tree t;
	bool built;
	bool are_count;			/* weights are counts (bytes fields hold them too) */
	enum tree_order order;
};

struct explore {
	const struct capture *cap;
	const char *path;		/* borrowed: the file, as the user named it */
	struct report base;		/* the peak report: header figures, leaks, top */
	struct explore_tree trees[2][N_METRICS][2];	/* by folding (off, on), metric,
							 * direction */
	bool folding;			/* explore_tree gives folded trees (the default) */
	struct thread_filter threads;	/* the threads every weight is of (threads.h);
					 * n 0: all; base.threads lists them */
	unsigned threads_gen;		/* bumped by explore_set_threads: views that keep
					 * weights of their own (view 5, callers) rebuild */
	pthread_mutex_t lock;		/* trees[].built and .t as explore_build publishes them */
};

/*
 * Computes the headline figures (a few passes over the log); cap, path and
 * fold's patterns are borrowed; fold NULL: the presets.
 */
void explore_init(struct explore *e, const struct capture *cap, const char *path,
		  const struct fold_rules *fold);
/* Folding on or off: which trees explore_tree gives from now on. */
void explore_set_folding(struct explore *e, bool on);
/* The frames the trees fold now: NULL when folding is off. */
const struct fold_mask *explore_fold(const struct explore *e);
/* The rules folding applies (whether on or off). */
const struct fold_rules *explore_fold_rules(const struct explore *e);
void explore_release(struct explore *e);

/*
 * The per-stack weights of metric m (metric_weights over the headline
 * snapshots), of the filter's threads only: what every tree is built from.
 */
void explore_weights(const struct explore *e, enum metric m, struct snapshot *out);
/*
 * Shows only the threads of f from now on (a copy; n 0: all threads), as
 * `memtui report --thread` does.  Drops the trees built so far.
 */
void explore_set_threads(struct explore *e, const struct thread_filter *f);
/* The filter in words into buf: "worker-0, mapper", "2 of 6 threads"; "" when none. */
void explore_threads_label(const struct explore *e, char *buf, size_t size);
/*
 * The tree of metric m in direction dir, sorted by order; owned by e and valid
 * until explore_release (a later call with another order re-orders it in
 * place).  *are_count (may be NULL) says whether it weighs counts.
 */
const struct tree *explore_tree(struct explore *e, enum metric m, enum tree_direction dir,
				enum tree_order order, bool *are_count);
/*
 * Whether explore_tree would give the tree of metric m in direction dir,
 * folded or not, without building it.
 */
bool explore_tree_built(struct explore *e, bool folded, enum metric m, enum tree_direction dir);
/*
 * Builds that tree, sorted by order, unless it is built: the long part of
 * explore_tree, for a worker thread while the explorer goes on (the thread
 * filter must not change meanwhile; every other call of explore is safe).
 */
void explore_build(struct explore *e, bool folded, enum metric m, enum tree_direction dir,
		   enum tree_order order);
#endif
