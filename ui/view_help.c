/*
 * view_help: the key table as a scrollable page.  Generated from keys.c's
 * table, so it cannot drift from what the keys do: consecutive bindings of
 * one action share a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keys.h"
#include "view.h"
#include "xalloc.h"

#define HELP_KEYS_WIDTH 22	/* columns of the key names */

struct view_help {
	struct view base;
	size_t top;		/* first line shown */
};

/* Help lines: for line i, the names of its keys and its text; false past the end. */
static bool help_line(size_t i, char *keys, size_t size, const char **text)
{
	size_t n_table, line = 0;
	const struct key_binding *t = keys_table(&n_table);

	for (size_t k = 0; k < n_table; k++) {
		size_t used = 0;
		char name[32];

		if (!t[k].help)
			continue;
		if (line++ != i)
			continue;
		keys[0] = 0;
		for (size_t j = k; j < n_table && (j == k || !t[j].help); j++) {
			keys_name(t[j].key, name, sizeof(name));
			used += (size_t)snprintf(keys + used, size - used, "%s%s", j == k ? "" : " ",
						 name);
			if (used >= size)
				break;
		}
		*text = t[k].help;
		return true;
	}
	return false;
}

static size_t help_lines(void)
{
	char keys[128];
	const char *text;
	size_t n = 0;

	while (help_line(n, keys, sizeof(keys), &text))
		n++;
	return n;
}

static void help_sync(struct view *base, struct app *app)
{
	(void)base;
	(void)app;
}

static void help_draw(const struct view *base, const struct app *app, struct screen *s,
		      struct rect r)
{
	const struct view_help *v = (const struct view_help *)base;
	char keys[128];
	const char *text;

	(void)app;
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x + 1, r.y, r.w - 1, "memtui keys (q, Esc or ? closes)", ROLE_TITLE);
	for (int y = 1; y < r.h; y++) {
		if (!help_line(v->top + (size_t)y - 1, keys, sizeof(keys), &text))
			break;
		screen_text(s, r.x + 2, r.y + y, HELP_KEYS_WIDTH - 1, keys, ROLE_BAR);
		screen_text(s, r.x + 2 + HELP_KEYS_WIDTH, r.y + y, r.w - 2 - HELP_KEYS_WIDTH, text,
			    ROLE_NORMAL);
	}
}

static enum view_result help_key(struct view *base, struct app *app, enum action a,
				 struct view **push)
{
	struct view_help *v = (struct view_help *)base;
	size_t n = help_lines(), page = app->body.h > 2 ? (size_t)app->body.h - 1 : 1;
	size_t last = n > page ? n - page : 0;

	(void)push;
	switch (a) {
	case A_DOWN:
		v->top = v->top < last ? v->top + 1 : last;
		return ACT_NONE;
	case A_UP:
		v->top = v->top ? v->top - 1 : 0;
		return ACT_NONE;
	case A_PGDN:
		v->top = v->top + page < last ? v->top + page : last;
		return ACT_NONE;
	case A_PGUP:
		v->top = v->top > page ? v->top - page : 0;
		return ACT_NONE;
	case A_FIRST:
		v->top = 0;
		return ACT_NONE;
	case A_LAST:
		v->top = last;
		return ACT_NONE;
	case A_HELP:
	case A_OUT:
	case A_BACK:
	case A_ESC:
	case A_CLOSE:
		return ACT_POP;
	default:
		return ACT_IGNORED;
	}
}

static void help_status(const struct view *base, const struct app *app, char *buf, size_t size)
{
	(void)base;
	snprintf(buf, size, "[help]  metric: %s", app_metric_label(app->metric));
}

static void help_free(struct view *base)
{
	free(base);
}

static const struct view_ops help_ops = {
	.name = "help",
	.header = false,
	.sync = help_sync,
	.draw = help_draw,
	.key = help_key,
	.search = NULL,
	.status = help_status,
	.free = help_free,
};

struct view *view_help_new(void)
{
	struct view_help *v = xcalloc(1, sizeof(*v));

	v->base.ops = &help_ops;
	return &v->base;
}
