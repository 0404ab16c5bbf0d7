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

void app_release(struct app *app)
{
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

void app_toggle_fold(struct app *app)
{
	const struct fold_mask *all = &app->ex->base.fold;	/* the mask, on or off */
	const struct tree *t;
	bool on = !app->ex->folding;
	char what[64];
	uint64_t *keys, key;
	uint32_t nd;
	size_t len;

	if (app->ex_b) {
		app_message(app, "z: the trees of a diff are not folded");
		return;
	}
	t = explore_tree(app->ex, app->metric, app->dir, app->order, NULL);
	key = tree_key_folded(t, tree_find_path(t, app->sel, app->sel_len), all);
	explore_set_folding(app->ex, on);
	t = explore_tree(app->ex, app->metric, app->dir, app->order, NULL);
	nd = tree_find_folded(t, all, key);
	if (nd == TREE_NONE)
		nd = 0;
	len = (size_t)t->nodes[nd].depth + 1;
	keys = xmalloc(len * sizeof(*keys));
	tree_path(t, nd, keys, len);
	app_set_selection(app, keys, len);
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
