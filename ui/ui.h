/*
 * ui: the explorer's entry point, `memtui FILE` and `memtui A B`.
 *
 * On a terminal: loads the capture in a worker thread while the screen shows
 * a progress bar (Ctrl-C, q or Esc cancels), then runs the app.  With
 * replay keys: loads, plays the keys on a memory screen of the given size
 * and prints the last frame as text on stdout (no terminal needed).  Without
 * either (stdout not a terminal): an error that points to `memtui report`.
 * With two captures, both are loaded (A, then B) and the app shows their
 * diff.
 *
 * ui/ never reads files itself (formats/ is not its layer): the caller passes
 * a loader.
 */
#ifndef MT_UI_H
#define MT_UI_H

#include <stdatomic.h>

#include "capture.h"
#include "error.h"
#include "fold.h"
#include "progress.h"

/*
 * Loads path into *out (owned by the caller).  Calls progress (if not NULL)
 * now and then; stops soon after *cancel becomes true (cancel may be NULL).
 * Returns 0, or a negative mt_err with err filled (err->path the file);
 * -MT_ERR_CANCELLED when cancelled.
 */
typedef int (*ui_load_fn)(void *ctx, const char *path, const atomic_bool *cancel,
			  mt_progress_fn progress, void *progress_ctx, struct capture **out,
			  struct mt_error *err);

struct ui_options {
	const char *path;
	const char *path_b;	/* `memtui A B`: the second capture (B of the diff), or NULL */
	const char *replay;	/* keys to replay headless (replay.h), or NULL */
	const char *size;	/* "WxH" of the replay screen, or NULL for 80x24 */
	const struct fold_rules *fold;	/* what the trees fold (--fold, --no-fold); NULL: presets */
	/* Called once the first screen is computed (may be NULL): work that can wait till then. */
	void (*shown)(void *ctx);
	void *shown_ctx;
};

/*
 * Runs the explorer until the user quits.  Returns 0, or a negative mt_err
 * with err filled: the load's error, -MT_ERR_CANCELLED when the user
 * cancelled a load, -MT_ERR_USAGE for replay keys or a size that do not
 * parse or a standard output that is not a terminal, -MT_ERR_IO when the
 * terminal cannot be used.  Prints nothing but the replay's frame.
 */
int ui_run(const struct ui_options *o, ui_load_fn load, void *load_ctx, struct mt_error *err);

#endif
