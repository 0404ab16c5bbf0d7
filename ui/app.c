/*
 * app: the shared state's setters (selection, message, folding) and its life.
 */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void app_init(struct app *app, struct explore *ex, struct explore *ex_b)
{
	memset(app, 0, sizeof(*app));
	app->ex = ex;
	app->ex_b = ex_b;
	app->metric = METRIC_PEAK;
	app->dir = TREE_TOP_DOWN;
	app->order = TREE_ORDER_SIZE;
	app->gen = 1;
}

static void forget_history(struct app *app)
{
	for (size_t i = 0; i < app->n_back; i++)
		free(app->back[i].keys);
	app->n_back = 0;
}

void app_release(struct app *app)
{
	free(app->focus.keys);
	forget_history(app);
	free(app->back);
	app->back = NULL;
	app->n_back = app->back_cap = 0;
	free(app->sel);
	app->sel = NULL;
	app->sel_len = app->sel_cap = 0;
}

void app_set_selection(struct app *app, const uint64_t *keys, size_t len)
{
	XGROW(app->sel, app->sel_cap, len);
	if (len)
		memmove(app->sel, keys, len * sizeof(*keys));
	app->sel_len = len;
}

size_t app_focus(const struct app *app, const uint64_t **keys)
{
	*keys = app->focus.keys;
	return app->focus.dir == app->dir && app->focus.len > 1 ? app->focus.len : 0;
}

uint32_t app_focus_node(const struct app *app, const struct tree *t)
{
	const uint64_t *keys;
	size_t len = app_focus(app, &keys);

	return len ? tree_find_path(t, keys, len) : 0;
}

static void set_focus(struct app_focus *f, const uint64_t *keys, size_t len,
		      enum tree_direction dir)
{
	free(f->keys);
	f->keys = NULL;
	f->len = len > 1 ? len : 0;
	if (f->len) {
		f->keys = xmalloc(len * sizeof(*keys));
		memcpy(f->keys, keys, len * sizeof(*keys));
	}
	f->dir = dir;
}

void app_focus_on(struct app *app, const uint64_t *keys, size_t len)
{
	XGROW(app->back, app->back_cap, app->n_back + 1);
	app->back[app->n_back++] = app->focus;	/* the history takes the keys over */
	memset(&app->focus, 0, sizeof(app->focus));
	set_focus(&app->focus, keys, len, app->dir);
	app->gen++;
}

bool app_focus_back(struct app *app)
{
	const uint64_t *keys;
	size_t len = app_focus(app, &keys);

	if (!len)
		return false;
	if (app->n_back) {
		free(app->focus.keys);
		app->focus = app->back[--app->n_back];
	} else {
		app->focus.len--;	/* the parent */
	}
	app->gen++;
	return true;
}

/* The keys of node's path (malloc'd) and their number; TREE_NONE: the root's. */
static uint64_t *path_of(const struct tree *t, uint32_t node, size_t *len)
{
	uint64_t *keys;

	if (node == TREE_NONE)
		node = 0;
	*len = (size_t)t->nodes[node].depth + 1;
	keys = xmalloc(*len * sizeof(*keys));
	tree_path(t, node, keys, *len);
	return keys;
}

void app_toggle_fold(struct app *app)
{
	const struct fold_mask *all = &app->ex->base.fold;	/* the mask, on or off */
	const struct tree *t;
	bool on = !app->ex->folding;
	char what[64];
	const uint64_t *focus;
	uint64_t *keys, key, focus_key;
	size_t len;

	/* Two captures: both fold alike; the selection (diff keys) finds its deepest match. */
	if (app->ex_b) {
		explore_set_folding(app->ex, on);
		explore_set_folding(app->ex_b, on);
		app->gen++;
		app_message(app, "folding %s: %s", on ? "on" : "off",
			    fold_rules_describe(explore_fold_rules(app->ex), what, sizeof(what)));
		return;
	}
	t = explore_tree(app->ex, app->metric, app->dir, app->order, NULL);
	key = tree_key_folded(t, tree_find_path(t, app->sel, app->sel_len), all);
	len = app_focus(app, &focus);
	focus_key = tree_key_folded(t, tree_find_path(t, focus, len), all);
	explore_set_folding(app->ex, on);
	t = explore_tree(app->ex, app->metric, app->dir, app->order, NULL);
	keys = path_of(t, tree_find_folded(t, all, key), &len);
	app_set_selection(app, keys, len);
	free(keys);
	/* The focus moves as the selection does; the history was of the other trees. */
	keys = path_of(t, tree_find_folded(t, all, focus_key), &len);
	forget_history(app);
	set_focus(&app->focus, keys, len, app->dir);
	free(keys);
	app->gen++;
	app_message(app, "folding %s: %s", on ? "on" : "off",
		    fold_rules_describe(explore_fold_rules(app->ex), what, sizeof(what)));
}

char *app_fold_status(const struct app *app, char *buf, size_t size)
{
	char what[64];

	if (!app->ex->folding)
		snprintf(buf, size, "fold: off");
	else
		snprintf(buf, size, "fold: %s",
			 fold_rules_describe(explore_fold_rules(app->ex), what, sizeof(what)));
	return buf;
}

void app_message(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
	va_end(ap);
}
