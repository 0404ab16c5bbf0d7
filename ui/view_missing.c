/*
 * view_missing: the stand-in for a numbered view that is not built yet
 * (flame graph, timeline).  It says so plainly; it never draws an imitation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "view.h"
#include "xalloc.h"

struct view_missing {
	struct view base;
	struct view_ops ops;	/* the shared functions under this view's name */
	const char *why;
};

static void missing_sync(struct view *base, struct app *app)
{
	(void)base;
	(void)app;
}

static void missing_draw(const struct view *base, const struct app *app, struct screen *s,
			 struct rect r)
{
	const struct view_missing *v = (const struct view_missing *)base;

	(void)app;
	screen_text(s, r.x + 2, r.y + r.h / 2 - 1, r.w - 2, v->why, ROLE_WARNING);
	screen_text(s, r.x + 2, r.y + r.h / 2, r.w - 2, "1 or Tab: back to the tree", ROLE_NORMAL);
}

static enum view_result missing_key(struct view *base, struct app *app, enum action a,
				    struct view **push)
{
	(void)base;
	(void)app;
	(void)a;
	(void)push;
	return ACT_IGNORED;
}

static void missing_status(const struct view *base, const struct app *app, char *buf,
			   size_t size)
{
	snprintf(buf, size, "[%s] not available  metric: %s", base->ops->name,
		 app_metric_label(app->metric));
}

static void missing_free(struct view *base)
{
	free(base);
}

struct view *view_missing_new(const char *name, const char *why)
{
	struct view_missing *v = xcalloc(1, sizeof(*v));

	v->ops = (struct view_ops){
		.name = name,
		.header = true,
		.sync = missing_sync,
		.draw = missing_draw,
		.key = missing_key,
		.search = NULL,
		.status = missing_status,
		.free = missing_free,
	};
	v->base.ops = &v->ops;
	v->why = why;
	return &v->base;
}
