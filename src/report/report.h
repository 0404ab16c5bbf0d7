/*
 * report: `memtui report`, the batch form of every view.
 *
 * report_compute() runs the analyses once (peak, leaks, calls, the chosen
 * metric's weights, its tree and the top locations) into a struct report; the
 * writers turn that into text, JSON, CSV or collapsed stacks.  The figures are
 * the same ones the views show, and mean what the writing tool means by them
 * (docs/NUMBERS.md).
 */
#ifndef MT_REPORT_H
#define MT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "metric.h"
#include "snapshot.h"
#include "top.h"
#include "tree.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_CSV, REPORT_COLLAPSED };

struct report_options {
	enum metric metric;	/* what the tree weighs */
	enum tree_direction direction;
	enum report_format format;
	unsigned depth;		/* tree levels printed (text/JSON); 0 = no tree */
	unsigned top;		/* top locations listed */
};

void report_options_init(struct report_options *o);

struct report {
	const struct capture *cap;
	const char *path;
	struct report_options opt;
	struct snapshot peak;		/* live at the peak */
	struct snapshot leaks;		/* live at the end, suppressions removed */
	struct snapshot suppressed;	/* what the suppressions removed */
	struct snapshot calls;		/* allocation calls over the run; empty (n 0)
					 * unless the top rule or the metric needs them */
	struct snapshot weights;	/* the metric's weights (metric_weights) */
	bool weights_are_count;		/* the metric weighs by count, not bytes */
	struct top_list top;		/* locations at the peak */
	struct tree tree;		/* the metric's tree, sorted by size */
};

void report_compute(struct report *r, const struct capture *cap, const char *path,
		    const struct report_options *opt);
/*
 * The first half of report_compute: the snapshots and the metric's weights,
 * without the top list and the tree (what a diff of two captures needs).
 * report_release frees either.
 */
void report_compute_weights(struct report *r, const struct capture *cap, const char *path,
			    const struct report_options *opt);
void report_release(struct report *r);

void report_write_text(FILE *out, const struct report *r);
void report_write_json(FILE *out, const struct report *r);
void report_write_csv(FILE *out, const struct report *r);
void report_write_collapsed(FILE *out, const struct report *r);
/* Dispatches on r->opt.format. */
void report_write(FILE *out, const struct report *r);
/*
 * Writes stack's frames from the root, separated by sep, as the collapsed
 * stacks name them ("main (app.py:3);load (app.py:9)"; "<root>" for stack 0).
 */
void report_write_path(FILE *out, const struct capture *cap, uint32_t stack, char sep);

#endif
