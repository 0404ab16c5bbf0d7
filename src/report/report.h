/*
 * report: `memtui report`, the batch form of every view.
 *
 * report_compute() runs the analyses once (peak, leaks, calls, the chosen
 * metric's weights, its tree and its top locations) into a struct report; the
 * writers turn that into text, JSON, CSV or collapsed stacks.  The figures are
 * the same ones the views show, and mean what the writing tool means by them
 * (docs/NUMBERS.md).
 *
 * Folding (fold.h) applies to the tree, the CSV and the collapsed stacks, not
 * to the top list, which stays the tool's own list.
 *
 * The top list is the metric's, grouped as the tool groups its own list for
 * that metric: heaptrack_print's PEAK MEMORY CONSUMERS, MEMORY LEAKS (-l),
 * MOST CALLS TO ALLOCATION FUNCTIONS and MOST TEMPORARY ALLOCATIONS; memray's
 * high-water-mark and leaks top locations and `memray stats`' top locations by
 * size and by count (by the innermost Python frame, as memray stats groups).
 * Where the tool has no such list (heaptrack: bytes allocated) the title says
 * so.  Its count column is the tool's: heaptrack prints allocation calls over
 * the whole run beside every list, memray the allocations its list counts.
 */
#ifndef MT_REPORT_H
#define MT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "fold.h"
#include "metric.h"
#include "snapshot.h"
#include "threads.h"
#include "top.h"
#include "tree.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_CSV, REPORT_COLLAPSED };

struct report_options {
	enum metric metric;	/* what the tree weighs */
	enum tree_direction direction;
	enum report_format format;
	unsigned depth;		/* tree levels printed (text/JSON); 0 = no tree */
	unsigned top;		/* top locations listed */
	const char *const *threads;	/* --thread: tids or names (borrowed); the
					 * figures of these threads only (threads.h) */
	size_t n_threads;
	enum tree_order order;	/* the tree's sibling order (--sort; default size) */
	struct fold_rules fold;	/* frames the trees and stacks leave out (--fold, --no-fold) */
	/*
	 * The focus (--focus; the explorer's F): the tree from one node, and the
	 * stacks through it.  Names from the root's child separated by ';'
	 * (tree_find_names), or the node's keys from the root (the explorer's, when
	 * focus_len is not 0: the deepest node of that path the tree has, as the
	 * explorer shows it); NULL and 0: the whole tree.  Borrowed.
	 */
	const char *focus;
	const uint64_t *focus_keys;
	size_t focus_len;
	/*
	 * The report is written once and dropped (memtui report, an export):
	 * what no writer reads is not made.  The tree goes only as deep as it
	 * is printed (tree_build_to; a focus has it whole), and the leaks are
	 * totals alone (snapshot_leak_totals) unless the metric or a thread
	 * table reads them per stack.  false (the default): all of it, as the
	 * explorer keeps it.
	 */
	bool write_only;
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
	struct snapshot weights;	/* the metric's weights (metric_weights), of the
					 * filter's threads only */
	struct thread_table threads;	/* every thread's figures (unfiltered) */
	struct thread_filter filter;	/* opt.threads as thread stacks; n 0 = all */
	const char *thread_unknown;	/* the first of opt.threads that names no thread */
	bool weights_are_count;		/* the metric weighs by count, not bytes */
	int64_t temporary_bytes;	/* freed by temporary allocations (memray's rule only) */
	struct top_list top;		/* the metric's top locations (report_top_words) */
	struct fold_mask fold;		/* opt.fold over the capture's frames */
	struct tree tree;		/* the metric's tree, folded by fold, sorted by opt.order */
	uint32_t focus;			/* the tree's node the focus names: the writers' root;
					 * weights hold only the stacks through it */
	bool focus_missing;		/* the focus is not in the tree (focus is 0) */
	size_t focus_matched;		/* then: how many of its names or keys were */
};

void report_compute(struct report *r, const struct capture *cap, const char *path,
		    const struct report_options *opt);
/*
 * The focus in words into buf: "main;load;parse" (names as --focus takes
 * them), "" without a focus.
 */
char *report_focus_names(const struct report *r, char *buf, size_t size);
/*
 * The first half of report_compute: the snapshots and the metric's weights,
 * without the top list and the tree (what a diff of two captures needs).
 * report_release frees either.
 */
void report_compute_weights(struct report *r, const struct capture *cap, const char *path,
			    const struct report_options *opt);
void report_release(struct report *r);

/*
 * Words for what the figures count, shared by the writers and the explorer so
 * that a column means one thing everywhere and never "allocs" for two things.
 *
 * report_count_name: the count column of m's tree: "live" (allocations live
 * at the peak), "leaked" (allocations leaked), "calls" (allocation calls over
 * the run); for a count metric, whose value is that count already, its own
 * name ("calls", "temporary").  report_count_means: the same in words.
 */
const char *report_count_name(enum metric m);
const char *report_count_means(enum metric m);
/* report_count_name in at most 6 columns, for the explorer's tree ("temp"). */
const char *report_count_column(enum metric m);

/* The top list of a report, in words (static strings). */
struct report_top_words {
	const char *title;		/* "locations at the peak" */
	const char *value;		/* the value column: "bytes", "calls", "temporary" */
	const char *count;		/* the count column, NULL when it would repeat the value */
	const char *count_means;	/* "allocation calls over the whole run ..." */
	const char *tool_list;		/* the tool's own list it equals, NULL when none */
};
void report_top_words(const struct report *r, struct report_top_words *w);

/*
 * Why cap has no figures for metric m (a sentence without a final stop), or
 * NULL when it has them: aggregated captures have no calls, memray counts no
 * temporary allocations without a threshold, a capture may have none.
 */
const char *report_metric_missing(const struct capture *cap, enum metric m);

void report_write_text(FILE *out, const struct report *r);
void report_write_json(FILE *out, const struct report *r);
void report_write_csv(FILE *out, const struct report *r);
void report_write_collapsed(FILE *out, const struct report *r);
/* Dispatches on r->opt.format. */
void report_write(FILE *out, const struct report *r);
/*
 * Writes stack's frames from the root, separated by sep, as the collapsed
 * stacks name them ("main (app.py:3);load (app.py:9)"; "<root>" for stack 0
 * or a path whose every frame folds), leaving out the frames fold folds
 * (NULL: none).
 */
void report_write_path(FILE *out, const struct capture *cap, uint32_t stack, char sep,
		       const struct fold_mask *fold);
/*
 * The weights of r's metric summed per folded path (fold_stack_reps): *bytes
 * and *count (malloc'd, caller frees) have an entry per stack, nonzero only
 * at the stacks that stand for a folded path.  For the CSV and collapsed
 * stacks, one line per path.
 */
void report_path_weights(const struct report *r, int64_t **bytes, int64_t **count);
/* The rules folding applied, "runpy, cpython, libc, std::*", or "none", into buf. */
char *report_fold_list(const struct report_options *o, char *buf, size_t size);

#endif
