/*
 * ui: the two ways to run the explorer (terminal, replay) around one app.
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

#include "app.h"
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

static int run_replay(const struct ui_options *o, ui_load_fn load, void *ctx)
{
	struct mem_key *keys = NULL;
	size_t n_keys = 0;
	struct capture *cap = NULL;
	struct explore ex;
	struct screen scr;
	struct app *app;
	int w = 80, h = 24;
	char msg[768];

	if (o->size && replay_parse_size(o->size, &w, &h) < 0) {
		fprintf(stderr, "memtui: --size needs WIDTHxHEIGHT (1..1000), not '%s'\n", o->size);
		return 2;
	}
	if (replay_parse(o->replay, &keys, &n_keys, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "memtui: %s\n", msg);
		return 2;
	}
	if (load(ctx, o->path, NULL, NULL, NULL, &cap, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "memtui: %s\n", msg);
		free(keys);
		return 2;
	}
	explore_init(&ex, cap, o->path);
	screen_mem_init(&scr, w, h, screen_locale_utf8(), keys, n_keys);
	free(keys);
	app = app_new(&scr, &ex, NULL);
	app_run(app);
	screen_write_text(&scr, stdout);
	app_free(app);
	screen_release(&scr);
	explore_release(&ex);
	capture_free(cap);
	return 0;
}

/* Loads with a progress screen once the load takes long enough to be seen. */
static int load_on_terminal(const struct ui_options *o, ui_load_fn load, void *ctx,
			    struct screen *scr, bool *started, struct capture **cap,
			    struct explore **ex)
{
	struct loading *l;
	char msg[768];
	int rc;

	l = loading_start(load, ctx, o->path, msg, sizeof(msg));
	if (!l) {
		fprintf(stderr, "memtui: %s\n", msg);
		return 2;
	}
	if (!loading_wait(l, LOAD_QUIET_MS)) {
		if (screen_curses_init(scr, msg, sizeof(msg)) == 0)
			*started = true;
		else
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
	rc = loading_finish(l, cap, ex, msg, sizeof(msg));
	if (rc < 0) {
		if (*started)
			screen_release(scr);
		*started = false;
		fprintf(stderr, "memtui: %s\n", msg);
		return rc == -MT_ERR_CANCELLED ? 130 : 2;
	}
	return 0;
}

static int run_terminal(const struct ui_options *o, ui_load_fn load, void *ctx)
{
	struct capture *cap = NULL;
	struct explore *ex = NULL;
	struct screen scr;
	bool started = false;
	struct app *app;
	char msg[256];
	int rc;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "memtui: %s: standard %s is not a terminal; use 'memtui report %s' "
				"for text output\n", o->path,
			isatty(STDOUT_FILENO) ? "input" : "output", o->path);
		return 2;
	}
	rc = load_on_terminal(o, load, ctx, &scr, &started, &cap, &ex);
	if (rc)
		return rc;
	if (!started && screen_curses_init(&scr, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "memtui: %s\n", msg);
		rc = 2;
		goto out;
	}
	app = app_new(&scr, ex, NULL);
	app_run(app);
	app_free(app);
	screen_release(&scr);
out:
	explore_release(ex);
	free(ex);
	capture_free(cap);
	return rc;
}

int ui_run(const struct ui_options *o, ui_load_fn load, void *load_ctx)
{
	setlocale(LC_CTYPE, "");
	if (o->replay)
		return run_replay(o, load, load_ctx);
	return run_terminal(o, load, load_ctx);
}
