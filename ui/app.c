/*
 * app: the shared state's two setters and its life.
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

void app_message(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->msg, sizeof(app->msg), fmt, ap);
	va_end(ap);
}
