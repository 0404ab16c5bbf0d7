/*
 * view: the interface every view implements (tree, flame graph, timeline,
 * help, ...), so that a new view is one more file.
 *
 * A view is state plus four functions.  sync() brings the state up to date
 * with the settings the views share (struct app: metric, direction, sort
 * order, selected call path) and is called by the app before a draw whenever
 * they changed.  draw() only reads the state and fills its rectangle of the
 * screen.  key() changes the state for one action and returns what the app
 * should do; a view returns ACT_IGNORED for actions it leaves to the app
 * (metric, sort, view switching, closing).  All numbers come from the
 * analyses (ui/model/explore.h), never from the screen.
 */
#ifndef MT_VIEW_H
#define MT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "keys.h"
#include "report.h"
#include "screen.h"

struct app;

enum view_result {
	ACT_NONE,		/* handled; redraw */
	ACT_IGNORED,		/* not this view's: the app applies its global meaning */
	ACT_PUSH,		/* open *push on top of this view */
	ACT_POP,		/* close this view */
	ACT_QUIT,		/* end the program */
	ACT_RECOMPUTE,		/* shared settings changed: sync every view */
};

struct rect {
	int x, y, w, h;
};

struct view;

#define VIEW_NO_FRAME UINT32_MAX	/* view_ops.frame: the cursor is on no frame */

struct view_ops {
	const char *name;	/* "tree", "flame graph", "timeline", "help" */
	bool header;		/* wants the capture header above it */
	/*
	 * Shows the explore's trees (explore_tree): a metric, direction or
	 * folding key picks another, which the explorer builds on its worker.
	 */
	bool explore_trees;
	void (*sync)(struct view *v, struct app *app);
	/*
	 * Whether sync would be long for app (a pass over the event log): the
	 * explorer then runs sync on its worker before the view is shown, with
	 * a copy of app that holds only ex, ex_b, metric, dir, order and body
	 * (sync must read no more).  NULL: sync is never long.
	 */
	bool (*prepare)(const struct view *v, const struct app *app);
	void (*draw)(const struct view *v, const struct app *app, struct screen *s, struct rect r);
	enum view_result (*key)(struct view *v, struct app *app, enum action a, struct view **push);
	/* Applies a search ("" clears); NULL when the view cannot search. */
	void (*search)(struct view *v, struct app *app, const char *pattern);
	/* The left part of the status line: view, metric, order, position. */
	void (*status)(const struct view *v, const struct app *app, char *buf, size_t size);
	/*
	 * w (export.h): writes what the view shows to out in format, exactly as
	 * the `memtui report` form of the view's settings writes it (the same
	 * writer of src/report).  Returns 0, or -1 with a one-line reason in why
	 * (no report form for this format: the formats the view has).  NULL:
	 * the view has no report form at all.
	 */
	int (*export)(const struct view *v, const struct app *app, FILE *out,
		      enum report_format format, char *why, size_t why_size);
	/*
	 * O (editor.h): the capture frame under the cursor, or VIEW_NO_FRAME
	 * when the cursor is on none (a root, a file's row).  NULL: the view
	 * selects no frame.
	 */
	uint32_t (*frame)(const struct view *v, const struct app *app);
	void (*free)(struct view *v);
};

/* Embedded first in every view's own struct. */
struct view {
	const struct view_ops *ops;
	unsigned synced_gen;	/* app->gen at the last sync; the app syncs when it differs */
};

/* Constructors (one per view file; the numbered ones listed in views.c); each returns a view
 * owned by the app. */
struct view *view_tree_new(void);
/*
 * The tree of the live heap after event ev_idx, pushed from the timeline;
 * label names the moment (timeline_moment_label) and is copied.
 */
struct view *view_tree_new_at(uint64_t ev_idx, const char *label);
struct view *view_flame_new(void);
struct view *view_timeline_new(void);
struct view *view_help_new(void);
/* The allocation size histograms: the run, the peak, leaks (t: the next). */
struct view *view_sizes_new(void);
/* The thread selector (T) of app->ex's threads; NULL when the capture has none. */
struct view *view_threads_new(const struct app *app);
/*
 * The stage table of the successive calls of the children of function
 * (stages.h STAGES_UNDER); NULL: the capture's marks if it has any, else the
 * calls under "main" if that gives stages, else 10 time slices.
 */
struct view *view_stages_new(const char *function);
/*
 * The diff views of a two-capture app (app->ex is A, app->ex_b is B),
 * weighed by the app's metric: the tree, and the flame graph, which shares
 * the diff trees of the tree view given (one build serves both).
 */
struct view *view_diff_new_tree(void);
struct view *view_diff_new_flame(struct view *diff_tree);
/*
 * The diff of two moments of app->ex's capture (two times, two stages, a
 * stage's start and end): the live heap after event a and after event b
 * (snapshot_live_at), taken on the explorer's worker with the first tree.
 * Labels are copied ("12.0 s", "start of calibrate").
 */
struct view *view_diff_new_moments(uint64_t a, const char *label_a, uint64_t b,
				   const char *label_b);

/* View 5: the flat list of functions, locations, files or modules (functions.h). */
struct view *view_top_new(void);
/*
 * The callers and callees of the group (enum func_group) that frame belongs
 * to, merged over all its call paths, for the app's metric (x, and Enter in
 * view 5).
 */
struct view *view_callers_new(int group, uint32_t frame);

#endif
