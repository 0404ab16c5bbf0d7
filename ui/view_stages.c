/*
 * view_stages: the stage table (placeholder until the view lands).
 */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "view.h"
#include "xalloc.h"

static void stages_sync(struct view *v, struct app *app)
{
	(void)v;
	(void)app;
}

static void stages_draw(const struct view *v, const struct app *app, struct screen *s,
			struct rect r)
{
	(void)v;
	(void)app;
	screen_text(s, r.x, r.y, r.w, "stages", ROLE_TITLE);
}

static enum view_result stages_key(struct view *v, struct app *app, enum action a,
				   struct view **push)
{
	(void)v;
	(void)app;
	(void)a;
	(void)push;
	return ACT_IGNORED;
}

static void stages_status(const struct view *v, const struct app *app, char *buf, size_t size)
{
	(void)v;
	snprintf(buf, size, " [stages] metric: %s", app_metric_label(app->metric));
}

static void stages_free(struct view *v)
{
	free(v);
}

static const struct view_ops stages_ops = {
	.name = "stages",
	.header = true,
	.sync = stages_sync,
	.draw = stages_draw,
	.key = stages_key,
	.status = stages_status,
	.free = stages_free,
};

struct view *view_stages_new(const char *function)
{
	struct view *v = xcalloc(1, sizeof(*v));

	(void)function;
	v->ops = &stages_ops;
	return v;
}
