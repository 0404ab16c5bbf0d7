/*
 * loading: a capture loaded and analysed in a worker thread.
 *
 * The main thread keeps drawing and reading keys: it polls loading_wait(),
 * draws loading_draw() (a bar with bytes, percent, rate and ETA), and calls
 * loading_cancel() on Ctrl-C.  The worker reports bytes through atomics
 * only; it never touches the screen.
 */
#ifndef MT_LOADING_H
#define MT_LOADING_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "explore.h"
#include "screen.h"
#include "ui.h"

struct loading;

/*
 * Starts loading path with load(ctx, ...) into *out, its trees folded by
 * fold (copied; explore_init); 0, or -MT_ERR_IO with err
 * filled when no thread could start.
 */
int loading_start(struct loading **out, ui_load_fn load, void *ctx, const char *path,
		  const struct fold_rules *fold, struct mt_error *err);
/*
 * Waits up to timeout_ms for the worker; true when it has finished, or when
 * it was cancelled while analysing (the analysis cannot stop midway, and
 * nobody waits for it: loading_finish leaves it behind).
 */
bool loading_wait(struct loading *l, int timeout_ms);
void loading_cancel(struct loading *l);
/* Draws the progress frame over the whole screen. */
void loading_draw(const struct loading *l, struct screen *s);
/*
 * Joins the worker and frees l.  Returns 0 with *cap and *ex set (both the
 * caller's: explore_release then capture_free, ex by free), or the load's
 * negative error with err filled (-MT_ERR_CANCELLED after loading_cancel).
 * Cancelled while analysing, it returns at once: the worker is detached and
 * keeps l and its capture until the process exits, which the caller does
 * next (a cancelled load ends memtui).
 */
int loading_finish(struct loading *l, struct capture **cap, struct explore **ex,
		   struct mt_error *err);

#endif
