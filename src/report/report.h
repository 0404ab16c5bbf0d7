/*
 * report: `memtui report`, the batch form of every view.
 *
 * report_compute() runs the analyses once (peak, leaks, calls, the chosen
 * view's weights, its tree and the top locations) into a struct report; the
 * writers turn that into text, JSON, CSV or collapsed stacks.  The figures are
 * the same ones the views show, and mean what the writing tool means by them
 * (docs/NUMBERS.md).
 */
#ifndef MT_REPORT_H
#define MT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "snapshot.h"
#include "top.h"
#include "tree.h"

enum report_view {
	VIEW_PEAK,		/* live bytes at the high-water mark */
	VIEW_LEAKS,		/* live bytes at the end (after the tool's suppressions) */
	VIEW_ALLOCATED,		/* bytes allocated over the whole run */
	VIEW_ALLOCATIONS,	/* allocation calls over the whole run */
	VIEW_TEMPORARY,		/* temporary allocations (where the capture says) */
};
#define REPORT_N_VIEWS (VIEW_TEMPORARY + 1)

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_CSV, REPORT_COLLAPSED };

struct report_options {
	enum report_view view;
	enum tree_direction direction;
	enum report_format format;
	unsigned depth;		/* tree levels printed (text/JSON); 0 = no tree */
	unsigned top;		/* top locations listed */
};

void report_options_init(struct report_options *o);
/* "peak" -> VIEW_PEAK etc.; -1 if unknown. */
int report_view_parse(const char *s);
const char *report_view_name(enum report_view v);
/* What the view weighs, for titles: "live bytes at the peak". */
const char *report_view_title(enum report_view v);

struct report {
	const struct capture *cap;
	const char *path;
	struct report_options opt;
	struct snapshot peak;		/* live at the peak */
	struct snapshot leaks;		/* live at the end, suppressions removed */
	struct snapshot suppressed;	/* what the suppressions removed */
	struct snapshot calls;		/* allocation calls over the run; empty (n 0)
					 * unless the top rule or the view needs them */
	struct snapshot weights;	/* the view's weights (a copy of one of the above) */
	bool weights_are_count;		/* the view weighs by count, not bytes */
	struct top_list top;		/* locations at the peak */
	struct tree tree;		/* the view's tree, sorted */
};

void report_compute(struct report *r, const struct capture *cap, const char *path,
		    const struct report_options *opt);
/*
 * The first half of report_compute: the snapshots and the view's weights,
 * without the top list and the tree (what a diff of two captures needs).
 * report_release frees either.
 */
void report_compute_weights(struct report *r, const struct capture *cap, const char *path,
			    const struct report_options *opt);
void report_release(struct report *r);
/*
 * The per-stack weights of view v, exactly as report_compute weighs its tree
 * (count views carry the count in bytes too; *are_count says so), from the
 * snapshots r holds (calls computed on the fly when r has none).  out is
 * owned by the caller (snapshot_release).  The explorer builds its trees from
 * this, so the screen and the report cannot disagree.
 */
void report_view_weights(const struct report *r, enum report_view v, struct snapshot *out,
			 bool *are_count);

void report_write_text(FILE *out, const struct report *r);
void report_write_json(FILE *out, const struct report *r);
void report_write_csv(FILE *out, const struct report *r);
void report_write_collapsed(FILE *out, const struct report *r);
/* Dispatches on r->opt.format. */
void report_write(FILE *out, const struct report *r);

#endif
