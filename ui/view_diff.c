/*
 * view_diff: a diff of two snapshots (placeholder until the view lands).
 */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "snapshot.h"
#include "view.h"
#include "xalloc.h"

static void diff_sync(struct view *v, struct app *app)
{
	(void)v;
	(void)app;
}

static void diff_draw(const struct view *v, const struct app *app, struct screen *s, struct rect r)
{
	(void)v;
	(void)app;
	screen_text(s, r.x, r.y, r.w, "diff", ROLE_TITLE);
}

static enum view_result diff_key(struct view *v, struct app *app, enum action a,
				 struct view **push)
{
	(void)v;
	(void)app;
	(void)a;
	(void)push;
	return ACT_IGNORED;
}

static void diff_status(const struct view *v, const struct app *app, char *buf, size_t size)
{
	(void)v;
	snprintf(buf, size, " [diff] metric: %s", app_metric_label(app->metric));
}

static void diff_free(struct view *v)
{
	free(v);
}

static const struct view_ops diff_ops = {
	.name = "diff",
	.header = true,
	.sync = diff_sync,
	.draw = diff_draw,
	.key = diff_key,
	.status = diff_status,
	.free = diff_free,
};

struct view *view_diff_new_captures(bool flame)
{
	struct view *v = xcalloc(1, sizeof(*v));

	(void)flame;
	v->ops = &diff_ops;
	return v;
}

struct view *view_diff_new_snapshots(struct snapshot *a, const char *label_a,
				     struct snapshot *b, const char *label_b)
{
	(void)label_a;
	(void)label_b;
	snapshot_release(a);
	snapshot_release(b);
	return view_diff_new_captures(false);
}
