/*
 * diff_trees: a refcounted pair of diff trees (diff_trees.h).
 *
 * Invariants: dt[d] is valid exactly when built[d]; with two captures every
 * built tree weighs metric (diff_trees_weigh drops them all before another
 * is built), so are_count holds for both; dropping bumps gen, never refs.
 */
#include "diff_trees.h"

#include <stdlib.h>

#include "xalloc.h"

struct diff_trees *diff_trees_new(void)
{
	return xcalloc(1, sizeof(struct diff_trees));
}

struct diff_trees *diff_trees_new_moments(uint64_t a, uint64_t b)
{
	struct diff_trees *dts = diff_trees_new();

	dts->moments = true;
	dts->at[0] = a;
	dts->at[1] = b;
	return dts;
}

void diff_trees_ref(struct diff_trees *dts)
{
	dts->refs++;
}

static void drop(struct diff_trees *dts)
{
	for (int d = 0; d < 2; d++) {
		if (dts->built[d])
			diff_tree_release(&dts->dt[d]);
		dts->built[d] = false;
	}
	dts->gen++;
}

void diff_trees_unref(struct diff_trees *dts)
{
	if (--dts->refs > 0)
		return;
	drop(dts);
	snapshot_release(&dts->snap[0]);
	snapshot_release(&dts->snap[1]);
	free(dts);
}

void diff_trees_weigh(struct diff_trees *dts, enum metric m, bool folded)
{
	if ((dts->built[0] || dts->built[1]) &&
	    ((!dts->moments && dts->metric != m) || dts->folded != folded))
		drop(dts);
}

bool diff_trees_built(const struct diff_trees *dts, enum metric m, bool folded,
		      enum tree_direction d)
{
	return dts->built[d] && dts->folded == folded && (dts->moments || dts->metric == m);
}

struct diff_tree *diff_trees_get(struct diff_trees *dts, const struct explore *a,
				 const struct explore *b, enum metric m, enum tree_direction d)
{
	struct snapshot w[2];

	if (dts->built[d])
		return &dts->dt[d];
	dts->folded = a->folding;
	if (dts->moments) {
		if (!dts->have_snap) {
			snapshot_live_at(&dts->snap[0], a->cap, dts->at[0]);
			snapshot_live_at(&dts->snap[1], a->cap, dts->at[1]);
			dts->have_snap = true;
		}
		diff_tree_build_folded(&dts->dt[d], a->cap, &dts->snap[0], a->cap, &dts->snap[1], d,
				       (const struct fold_mask *const[2]){ explore_fold(a),
									   explore_fold(a) });
		dts->are_count = false;
	} else {
		explore_weights(a, m, &w[0]);
		explore_weights(b, m, &w[1]);
		diff_tree_build_folded(&dts->dt[d], a->cap, &w[0], b->cap, &w[1], d,
				       (const struct fold_mask *const[2]){ explore_fold(a),
									   explore_fold(b) });
		snapshot_release(&w[0]);
		snapshot_release(&w[1]);
		dts->are_count = metric_is_count(a->cap, m);
		dts->metric = m;
	}
	dts->built[d] = true;
	return &dts->dt[d];
}
