/*
 * ui: the two ways to run the explorer (terminal, replay) around one loop.
 *
 * Only LC_CTYPE follows the environment: the character set decides UTF-8
 * versus ASCII glyphs, while numbers keep the C locale's decimal point so that
 * they read exactly as `memtui report` prints them.
 */
#include "ui.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explorer.h"
#include "error.h"
#include "explore.h"
#include "keys.h"
#include "loading.h"
#include "replay.h"
#include "screen_curses.h"
#include "screen_mem.h"
#include "xalloc.h"

#define LOAD_QUIET_MS 150	/* loads shorter than this never show the progress screen */
#define LOAD_TICK_MS 50		/* progress redraw period */

/* What a build still running at quit reads: left to it, and reachable (not leaked). */
static void *left_to_worker[5];

/* The rules the options give, or the presets. */
static void fold_rules_of(const struct ui_options *o, struct fold_rules *fold)
{
	if (o->fold)
		*fold = *o->fold;
	else
		fold_rules_init(fold);
}

/* Loads and explores one capture headless. */
static int replay_load(ui_load_fn load, void *ctx, const char *path,
		       const struct fold_rules *fold, struct capture **cap, struct explore *ex,
		       struct mt_error *err)
{
	int rc = load(ctx, path, NULL, NULL, NULL, cap, err);

	if (rc == 0)
		explore_init(ex, *cap, path, fold);
	return rc;
}

static int run_replay(const struct ui_options *o, ui_load_fn load, void *ctx,
		      struct mt_error *err)
{
	struct mem_key *keys = NULL;
	size_t n_keys = 0;
	struct capture *cap[2] = { NULL, NULL };
	struct explore ex[2];
	struct screen scr;
	struct explorer *e;
	struct fold_rules fold;
	int w = 80, h = 24, rc;

	fold_rules_of(o, &fold);

	if (o->size && replay_parse_size(o->size, &w, &h) < 0)
		return mt_error_set(err, MT_ERR_USAGE, MT_NO_OFFSET,
				    "--size needs WIDTHxHEIGHT (1..1000), not '%s'", o->size);
	rc = replay_parse(o->replay, &keys, &n_keys, err);
	if (rc < 0)
		return rc;
	rc = replay_load(load, ctx, o->path, &fold, &cap[0], &ex[0], err);
	if (!rc && o->path_b &&
	    (rc = replay_load(load, ctx, o->path_b, &fold, &cap[1], &ex[1], err)) != 0) {
		explore_release(&ex[0]);
		capture_free(cap[0]);
	}
	if (rc) {
		free(keys);
		return rc;
	}
	screen_mem_init(&scr, w, h, screen_locale_utf8(), keys, n_keys);
	free(keys);
	e = explorer_new(&scr, &ex[0], o->path_b ? &ex[1] : NULL);
	explorer_set_sync(e, true);	/* the frames of a replay are exact */
	if (o->shown)
		o->shown(o->shown_ctx);
	explorer_run(e);
	screen_write_text(&scr, stdout);
	explorer_free(e);
	screen_release(&scr);
	for (int i = 1 + !!o->path_b; i-- > 0;) {
		explore_release(&ex[i]);
		capture_free(cap[i]);
	}
	return 0;
}

/* Loads with a progress screen once the load takes long enough to be seen. */
static int load_on_terminal(const char *path, const struct ui_options *o, ui_load_fn load,
			    void *ctx, struct screen *scr, bool *started, struct capture **cap,
			    struct explore **ex, struct mt_error *err)
{
	struct mt_error term_err = { 0 };
	struct loading *l;
	struct fold_rules fold;
	int rc, term_rc = 0;

	fold_rules_of(o, &fold);
	rc = loading_start(&l, load, ctx, path, &fold, err);
	if (rc < 0)
		return rc;
	if (!loading_wait(l, LOAD_QUIET_MS)) {
		/* The screen may be up already, from the first of two captures. */
		if (!*started && (term_rc = screen_curses_init(scr, &term_err)) == 0)
			*started = true;
		else if (!*started)
			loading_cancel(l);
		while (*started && !loading_wait(l, 0)) {
			int key;

			loading_draw(l, scr);
			scr->be->present(scr);
			key = scr->be->read_key(scr, LOAD_TICK_MS);
			if (key == MK_CTRL_C || key == 'q' || key == 'Q' || key == MK_ESC)
				loading_cancel(l);
		}
	}
	rc = loading_finish(l, cap, ex, err);
	if (term_rc < 0) {
		/* The load was cancelled for want of a terminal: say that, not "cancelled". */
		*err = term_err;
		return term_rc;
	}
	if (rc < 0 && *started) {
		screen_release(scr);
		*started = false;
	}
	return rc;
}

static int run_terminal(const struct ui_options *o, ui_load_fn load, void *ctx,
			struct mt_error *err)
{
	struct capture *cap[2] = { NULL, NULL };
	struct explore *ex[2] = { NULL, NULL };
	struct screen scr;
	bool started = false;
	struct explorer *e;
	int rc;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		rc = mt_error_set(err, MT_ERR_USAGE, MT_NO_OFFSET, "standard %s is not a terminal; "
				  "use 'memtui report %s%s%s%s' for text output",
				  isatty(STDOUT_FILENO) ? "input" : "output",
				  o->path_b ? "--diff " : "", o->path, o->path_b ? " " : "",
				  o->path_b ? o->path_b : "");
		err->path = o->path;
		return rc;
	}
	rc = screen_curses_usable(err);
	if (rc < 0)
		return rc;
	rc = load_on_terminal(o->path, o, load, ctx, &scr, &started, &cap[0], &ex[0], err);
	if (!rc && o->path_b)
		rc = load_on_terminal(o->path_b, o, load, ctx, &scr, &started, &cap[1], &ex[1],
				      err);
	if (rc)
		goto out;
	if (!started && (rc = screen_curses_init(&scr, err)) < 0)
		goto out;
	e = explorer_new(&scr, ex[0], ex[1]);
	if (o->shown)
		o->shown(o->shown_ctx);
	explorer_run(e);
	if (explorer_working(e)) {
		/*
		 * Quit during a build: the terminal is given back at once and the
		 * program ends without waiting; the worker, still reading the
		 * captures, keeps them.
		 */
		screen_release(&scr);
		left_to_worker[0] = e;
		for (int i = 0; i < 2; i++) {
			left_to_worker[1 + i] = ex[i];
			left_to_worker[3 + i] = cap[i];
		}
		return rc;
	}
	explorer_free(e);
	screen_release(&scr);
out:
	for (int i = 0; i < 2; i++) {
		if (ex[i])
			explore_release(ex[i]);
		free(ex[i]);
		capture_free(cap[i]);
	}
	return rc;
}

int ui_run(const struct ui_options *o, ui_load_fn load, void *load_ctx, struct mt_error *err)
{
	setlocale(LC_CTYPE, "");
	if (o->replay)
		return run_replay(o, load, load_ctx, err);
	return run_terminal(o, load, load_ctx, err);
}
