/*
 * ui: the explorer's entry point, `memtui FILE` and `memtui A B`.
 *
 * On a terminal: loads the capture in a worker thread while the screen shows
 * a progress bar (Ctrl-C, q or Esc cancels), then runs the app.  With
 * replay keys: loads, plays the keys on a memory screen of the given size
 * and prints the last frame as text on stdout (no terminal needed).  Without
 * either (stdout not a terminal): one error line pointing to `memtui report`.
 * With two captures, both are loaded (A, then B) and the app shows their
 * diff.
 *
 * ui/ never reads files itself (formats/ is not its layer): the caller passes
 * a loader.
 */
#ifndef MT_UI_H
#define MT_UI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

typedef void (*ui_progress_fn)(void *ctx, uint64_t done_bytes, uint64_t total_bytes);

/*
 * Loads path into *out (owned by the caller).  Calls progress (if not NULL)
 * now and then; stops soon after *cancel becomes true (cancel may be NULL).
 * Returns 0, or a negative mt_err with a one-line message in msg
 * ("FILE: what is wrong"); -MT_ERR_CANCELLED when cancelled.
 */
typedef int (*ui_load_fn)(void *ctx, const char *path, const atomic_bool *cancel,
			  ui_progress_fn progress, void *progress_ctx, struct capture **out,
			  char *msg, size_t size);

struct ui_options {
	const char *path;
	const char *path_b;	/* `memtui A B`: the second capture (B of the diff), or NULL */
	const char *replay;	/* keys to replay headless (replay.h), or NULL */
	const char *size;	/* "WxH" of the replay screen, or NULL for 80x24 */
};

/* Runs the explorer; returns the exit status (0, 2 on errors, 130 when cancelled). */
int ui_run(const struct ui_options *o, ui_load_fn load, void *load_ctx);

#endif
