/*
 * explore: the analysis results the explorer shows, computed when first
 * asked for and then kept.
 *
 * One struct report (computed as `memtui report` does for the peak view)
 * gives the headline figures; every tree comes from report_view_weights()
 * and tree_build(), exactly like the report's own tree, so that a number on
 * screen and the same number in `memtui report` are one computation.  Trees
 * are kept per (view, direction) and re-sorted in place when another order
 * is asked for.  Pure: no I/O, no screen.
 */
#ifndef MT_EXPLORE_H
#define MT_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "report.h"
#include "tree.h"

struct explore_tree {
	struct tree t;
	bool built;
	bool are_count;			/* weights are counts (bytes fields hold them too) */
	enum tree_metric sorted_by;
};

struct explore {
	const struct capture *cap;
	const char *path;		/* borrowed: the file, as the user named it */
	struct report base;		/* the peak report: header figures, leaks, top */
	struct explore_tree trees[REPORT_N_VIEWS][2];	/* by view, direction */
};

/* Computes the headline figures (a few passes over the log); cap and path are borrowed. */
void explore_init(struct explore *e, const struct capture *cap, const char *path);
void explore_release(struct explore *e);

/* Whether the capture has what view v weighs (totals, temporary allocations). */
bool explore_available(const struct explore *e, enum report_view v);
/*
 * The tree of view v in direction dir, sorted by sort; owned by e and valid
 * until explore_release (a later call with another sort re-orders it in
 * place).  *are_count (may be NULL) says whether it weighs counts.
 */
const struct tree *explore_tree(struct explore *e, enum report_view v, enum tree_direction dir,
				enum tree_metric sort, bool *are_count);
/* The live heap after event ev_idx as a tree, into *out (caller's: tree_release). */
void explore_tree_at(struct explore *e, uint64_t ev_idx, enum tree_direction dir,
		     enum tree_metric sort, struct tree *out);

#endif
