/*
 * explore: lazily built, cached trees over one capture.
 */
#include "explore.h"

#include <string.h>

void explore_init(struct explore *e, const struct capture *cap, const char *path)
{
	struct report_options opt;
	struct explore_tree *peak;

	memset(e, 0, sizeof(*e));
	e->cap = cap;
	e->path = path;
	report_options_init(&opt);
	report_compute(&e->base, cap, path, &opt);
	/* The report's own tree is the peak's top-down tree: keep it rather than build it twice. */
	peak = &e->trees[VIEW_PEAK][TREE_TOP_DOWN];
	peak->t = e->base.tree;
	peak->built = true;
	peak->are_count = e->base.weights_are_count;
	peak->sorted_by = METRIC_BYTES;
	memset(&e->base.tree, 0, sizeof(e->base.tree));
}

void explore_release(struct explore *e)
{
	for (int v = 0; v < REPORT_N_VIEWS; v++)
		for (int d = 0; d < 2; d++)
			if (e->trees[v][d].built)
				tree_release(&e->trees[v][d].t);
	report_release(&e->base);
	memset(e, 0, sizeof(*e));
}

bool explore_available(const struct explore *e, enum report_view v)
{
	const struct capture_meta *m = capture_meta(e->cap);

	switch (v) {
	case VIEW_ALLOCATED:
	case VIEW_ALLOCATIONS:
		return m->has_totals;
	case VIEW_TEMPORARY:
		return m->has_totals && capture_totals(e->cap)->temporary_count > 0;
	default:
		return true;
	}
}

const struct tree *explore_tree(struct explore *e, enum report_view v, enum tree_direction dir,
				enum tree_metric sort, bool *are_count)
{
	struct explore_tree *et = &e->trees[v][dir];

	if (!et->built) {
		struct snapshot w;

		report_view_weights(&e->base, v, &w, &et->are_count);
		tree_build(&et->t, e->cap, &w, dir);
		snapshot_release(&w);
		tree_sort(&et->t, sort);
		et->sorted_by = sort;
		et->built = true;
	} else if (et->sorted_by != sort) {
		tree_sort(&et->t, sort);
		et->sorted_by = sort;
	}
	if (are_count)
		*are_count = et->are_count;
	return &et->t;
}

void explore_tree_at(struct explore *e, uint64_t ev_idx, enum tree_direction dir,
		     enum tree_metric sort, struct tree *out)
{
	struct snapshot w;

	snapshot_live_at(&w, e->cap, ev_idx);
	tree_build(out, e->cap, &w, dir);
	snapshot_release(&w);
	tree_sort(out, sort);
}
