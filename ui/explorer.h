/*
 * explorer: the loop of `memtui FILE` and `memtui A B`.
 *
 * The explorer owns the numbered views (views.h: 1 tree, 2 flame graph, 3
 * timeline, 4 stages; two captures: 1 diff tree, 2 diff flame graph; Tab
 * cycles them) and a stack of views opened on top of the current one (help,
 * the tree at a moment of the timeline, a stage's tree, a diff).  It reads a
 * key, gives its action to the top view, applies what the view ignores
 * (metric, sort, direction, switching, closing, search prompt, help,
 * redraw; w and O, which go to the view's export and frame operations
 * whatever its keys do), then redraws the whole frame: header, view, status line.  The
 * same loop runs on a terminal and headless (replay), so tests see the
 * frames a user sees.  What the views share is struct app (app.h).
 */
#ifndef MT_EXPLORER_H
#define MT_EXPLORER_H

#include <stdbool.h>

#include "explore.h"
#include "screen.h"

struct explorer;

/*
 * An explorer over ex on screen s (all borrowed), showing the tree view;
 * with ex_b (not NULL), the diff of ex (A) and ex_b (B) instead.
 */
struct explorer *explorer_new(struct screen *s, struct explore *ex, struct explore *ex_b);
void explorer_free(struct explorer *e);

/*
 * Keys wait for the trees they need (sync), or not: a key whose tree is
 * not built starts a worker and is queued, with the keys after it that
 * change what is shown, while the keys that move about go on at once; the
 * status line says what is being built.  Off by default (a terminal); on
 * for replays, whose frames are then those of a run without a worker.
 */
void explorer_set_sync(struct explorer *e, bool sync);
/*
 * Handles one key (enum mt_key; MK_NONE: none came, but a build may have
 * ended); false once the explorer has quit.
 */
bool explorer_key(struct explorer *e, int key);
/* Whether keys wait for a build (the loop then polls with MK_NONE). */
bool explorer_busy(const struct explorer *e);
/* Draws the whole frame into the screen and presents it. */
void explorer_draw(struct explorer *e);
/* Draws, then reads and handles keys until quit or MK_EOF. */
void explorer_run(struct explorer *e);
/*
 * Whether a build still runs (the user quit during it): the explorer, and
 * the explores and captures it was given, are the worker's until it ends, so
 * a program that quits leaves them to it rather than wait (explorer_free
 * would wait).
 */
bool explorer_working(const struct explorer *e);

#endif
