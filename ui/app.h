/*
 * app: the state the explorer's views share.
 *
 * The explorer (explorer.h) owns the views and the loop; every view is
 * given this struct instead, and reads from it the analyses, the settings
 * the views have in common and the rectangle it was last laid out in.
 * Shared settings live here, not in a view: the metric, the tree direction,
 * the sort order, full or short names and the selected call path (node keys
 * from the root).  A change bumps gen; a view is synced before it is drawn
 * with a newer gen, so the selection follows the user across metrics, sort
 * orders and views.  The focus (F, and Enter in the flame graph) is a node
 * path too, of one direction's trees, that the tree and flame views show as
 * their root; each change of it is pushed on a history that Backspace pops.
 * Full names change only what is drawn: no gen.  Folding
 * is the analyses' (explore_set_folding: which trees they give);
 * app_toggle_fold switches it and moves the selection with it.
 */
#ifndef MT_APP_H
#define MT_APP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore.h"
#include "view.h"

/* A focus: a node's keys from the root in the trees of direction dir. */
struct app_focus {
	uint64_t *keys;
	size_t len;			/* 0 or 1: no focus (the root) */
	enum tree_direction dir;
};

struct app {
	struct explore *ex;		/* borrowed: the analyses (capture A of a diff) */
	struct explore *ex_b;		/* borrowed: capture B of `memtui A B`, else NULL */
	enum metric metric;		/* what the trees weigh */
	enum tree_direction dir;
	enum tree_order order;		/* sort order: by size (the metric), count, name */
	bool full_names;		/* C++ names in full, not shortened (names.h) */
	uint64_t *sel;			/* selected call path: node keys from the root */
	size_t sel_len, sel_cap;
	struct app_focus focus;		/* the root the trees show; len 0: the whole tree */
	struct app_focus *back;		/* earlier focuses, the last one on top */
	size_t n_back, back_cap;
	unsigned gen;			/* bumped when a shared setting changes */
	struct rect body;		/* where the top view draws (from the last layout) */
	char msg[200];			/* shown on the next frame only */
};

/* The state at the start: peak, top-down, by size, nothing selected; ex and ex_b borrowed. */
void app_init(struct app *app, struct explore *ex, struct explore *ex_b);
void app_release(struct app *app);

/*
 * Folding on or off in ex (explore_set_folding), the selection kept on the
 * same code where the other tree has it (the node itself, or the caller it
 * folds into); bumps gen.  With two captures both fold alike (the diff
 * trees; the selection finds its deepest path that remains).
 */
void app_toggle_fold(struct app *app);
/* "fold: 3 presets" (or "fold: off", "fold: none") for status lines, into buf. */
char *app_fold_status(const struct app *app, char *buf, size_t size);

/*
 * The focus of the app's direction: its keys in *keys, and their number (0
 * when there is none, or it is of the other direction).
 */
size_t app_focus(const struct app *app, const uint64_t **keys);
/* The node of t the focus names (the deepest of its path t has); 0 without a focus. */
uint32_t app_focus_node(const struct app *app, const struct tree *t);
/* Focuses on the node of keys (1 key, the root: none), the focus before it kept for back. */
void app_focus_on(struct app *app, const uint64_t *keys, size_t len);
/*
 * Back to the focus before (or, with no history, to the focus's parent);
 * false when there is no focus to leave.
 */
bool app_focus_back(struct app *app);

/* For views: the shared selection (keys copied), and a one-frame message. */
void app_set_selection(struct app *app, const uint64_t *keys, size_t len);
void app_message(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
