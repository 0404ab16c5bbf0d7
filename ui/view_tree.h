/*
 * view_tree (opened trees): the tree view over weights a caller supplies.
 *
 * The numbered tree view weighs the app's metric (ui/model/explore.h).  A tree
 * opened from another view weighs something of its own: the live heap at a
 * moment of the timeline, what a stage allocated, or what of it is alive at
 * the stage's end.  The opener describes that with a struct tree_source:
 * one or more variants of weights (t cycles them), their names, and the
 * actions the tree leaves to it (d: a diff).  The view owns the source and
 * builds its own trees, per direction and variant, from the weights; the
 * app's metric does not apply (m says so).  With flame set, f switches the
 * same view between the tree and a flame graph of the same tree
 * (view_flame.h, fixed mode), and Backspace at the top of either closes it.
 */
#ifndef MT_VIEW_TREE_H
#define MT_VIEW_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"
#include "view.h"

struct tree_source {
	unsigned n_variants;	/* >= 1; t cycles them when more than one */
	bool flame;		/* f switches between tree and flame graph */
	/* Fills *w (released by the view) with the weights of variant. */
	void (*weights)(struct tree_source *src, const struct capture *cap, unsigned variant,
			struct snapshot *w);
	/*
	 * The variant in words: a title ("live heap at 12 ms") and a short form
	 * for the status line's metric ("live at 12 ms").
	 */
	void (*describe)(const struct tree_source *src, unsigned variant, char *title,
			 size_t title_size, char *metric, size_t metric_size);
	/* What the variant's allocation counts are, one word for the count column: "live". */
	const char *(*count_name)(const struct tree_source *src, unsigned variant);
	/* An action the tree does not handle itself (d); ACT_IGNORED when none. */
	enum view_result (*key)(struct tree_source *src, struct app *app, unsigned variant,
				enum action a, struct view **push);
	void (*free)(struct tree_source *src);
};

/* A tree over src, which the view takes over (src->free on the view's free). */
struct view *view_tree_new_source(struct tree_source *src);

#endif
