/*
 * explore: lazily built, cached trees over one capture.
 */
#include "explore.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void explore_init(struct explore *e, const struct capture *cap, const char *path,
		  const struct fold_rules *fold)
{
	struct report_options opt;
	struct explore_tree *peak;

	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
	e->cap = cap;
	e->path = path;
	e->folding = true;
	report_options_init(&opt);
	if (fold)
		opt.fold = *fold;
	report_compute(&e->base, cap, path, &opt);
	/* The report's own tree is the peak's top-down tree: keep it rather than build it twice. */
	peak = &e->trees[1][METRIC_PEAK][TREE_TOP_DOWN];
	peak->t = e->base.tree;
	peak->built = true;
	peak->are_count = e->base.weights_are_count;
	peak->order = TREE_ORDER_SIZE;
	memset(&e->base.tree, 0, sizeof(e->base.tree));
}

void explore_release(struct explore *e)
{
	for (int f = 0; f < 2; f++)
		for (int m = 0; m < N_METRICS; m++)
			for (int d = 0; d < 2; d++)
				if (e->trees[f][m][d].built)
					tree_release(&e->trees[f][m][d].t);
	report_release(&e->base);
	thread_filter_release(&e->threads);
	pthread_mutex_destroy(&e->lock);
	memset(e, 0, sizeof(*e));
}

void explore_set_folding(struct explore *e, bool on)
{
	e->folding = on;
}

const struct fold_mask *explore_fold(const struct explore *e)
{
	return e->folding ? &e->base.fold : NULL;
}

const struct fold_rules *explore_fold_rules(const struct explore *e)
{
	return &e->base.opt.fold;
}

void explore_weights(const struct explore *e, enum metric m, struct snapshot *out)
{
	metric_weights(out, e->cap, m, &e->base.peak, &e->base.leaks, &e->base.calls);
	thread_filter_apply(&e->threads, e->cap, out);
}

void explore_set_threads(struct explore *e, const struct thread_filter *f)
{
	thread_filter_release(&e->threads);
	for (size_t i = 0; i < f->n; i++)
		thread_filter_add(&e->threads, f->stacks[i]);
	e->threads_gen++;
	for (int fold = 0; fold < 2; fold++)
		for (int m = 0; m < N_METRICS; m++)
			for (int d = 0; d < 2; d++)
				if (e->trees[fold][m][d].built) {
					tree_release(&e->trees[fold][m][d].t);
					e->trees[fold][m][d].built = false;
				}
}

void explore_threads_label(const struct explore *e, char *buf, size_t size)
{
	thread_filter_label(&e->threads, &e->base.threads, buf, size);
}

bool explore_tree_built(struct explore *e, bool folded, enum metric m, enum tree_direction dir)
{
	bool built;

	pthread_mutex_lock(&e->lock);
	built = e->trees[folded][m][dir].built;
	pthread_mutex_unlock(&e->lock);
	return built;
}

/*
 * Built outside the lock (it is the long part), published under it.  A
 * published tree is only ever touched by the explorer's thread (explore_tree
 * sorts it), so the worker builds into its own and never looks again.
 */
void explore_build(struct explore *e, bool folded, enum metric m, enum tree_direction dir,
		   enum tree_order order)
{
	struct explore_tree *et = &e->trees[folded][m][dir];
	struct snapshot w;
	struct tree t;

	if (explore_tree_built(e, folded, m, dir))
		return;
	explore_weights(e, m, &w);
	tree_build(&t, e->cap, &w, dir, folded ? &e->base.fold : NULL);
	snapshot_release(&w);
	tree_sort(&t, order);
	pthread_mutex_lock(&e->lock);
	if (et->built) {
		tree_release(&t);
	} else {
		et->t = t;
		et->are_count = metric_is_count(e->cap, m);
		et->order = order;
		et->built = true;
	}
	pthread_mutex_unlock(&e->lock);
}

const struct tree *explore_tree(struct explore *e, enum metric m, enum tree_direction dir,
				enum tree_order order, bool *are_count)
{
	struct explore_tree *et = &e->trees[e->folding][m][dir];

	if (!explore_tree_built(e, e->folding, m, dir))
		explore_build(e, e->folding, m, dir, order);
	if (et->order != order) {
		tree_sort(&et->t, order);
		et->order = order;
	}
	if (are_count)
		*are_count = et->are_count;
	return &et->t;
}
