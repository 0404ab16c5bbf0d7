/*
 * app: the explorer's loop and the state the views share.
 *
 * The app owns the numbered views (1 tree, 2 flame graph, 3 timeline; Tab
 * cycles them) and a stack of views opened on top of the current one (help,
 * the tree at a moment of the timeline).  It reads a key, gives its action
 * to the top view, applies what the view ignores (metric, sort, direction,
 * switching, closing, search prompt, help, redraw), then redraws the whole
 * frame: header, view, status line.  The same loop runs on a terminal and
 * headless (replay), so tests see the frames a user sees.
 *
 * Shared settings live here, not in a view: the metric, the tree direction,
 * the sort order and the selected call path (node keys from the root).  A
 * change bumps gen; a view is synced before it is drawn with a newer gen, so
 * the selection follows the user across metrics, sort orders and views.
 */
#ifndef MT_APP_H
#define MT_APP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore.h"
#include "screen.h"
#include "view.h"

#define APP_MAX_VIEWS 9		/* numbered views */
#define APP_MAX_STACK 8		/* views opened on top of one */
#define APP_MAX_INPUT 120	/* search prompt bytes */

struct app {
	struct screen *scr;		/* borrowed */
	struct explore *ex;		/* borrowed: the analyses (capture A of a diff) */
	struct explore *ex_b;		/* borrowed: capture B of `memtui A B`, else NULL */
	enum metric metric;		/* what the trees weigh */
	enum tree_direction dir;
	enum tree_order order;		/* sort order: by size (the metric), count, name */
	uint64_t *sel;			/* selected call path: node keys from the root */
	size_t sel_len, sel_cap;
	unsigned gen;			/* bumped when a shared setting changes */

	struct view *views[APP_MAX_VIEWS];	/* numbered views (owned) */
	int n_views, cur;
	struct view *stack[APP_MAX_STACK];	/* opened over views[cur] (owned) */
	int depth;

	struct rect body;		/* where the top view draws (from the last layout) */
	bool prompting;			/* the search prompt has the keyboard */
	char input[APP_MAX_INPUT + 1];
	size_t input_len;
	char msg[200];			/* shown on the next frame only */
	bool quit;
};

/*
 * An app over ex on screen s (all borrowed), showing the tree view; with
 * ex_b (not NULL), the diff of ex (A) and ex_b (B) instead.
 */
struct app *app_new(struct screen *s, struct explore *ex, struct explore *ex_b);
void app_free(struct app *app);

/* Handles one key (enum mt_key); false once the app has quit. */
bool app_key(struct app *app, int key);
/* Draws the whole frame into the screen and presents it. */
void app_draw(struct app *app);
/* Draws, then reads and handles keys until quit or MK_EOF. */
void app_run(struct app *app);

/* For views: the shared selection (keys copied), and a one-frame message. */
void app_set_selection(struct app *app, const uint64_t *keys, size_t len);
void app_message(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
