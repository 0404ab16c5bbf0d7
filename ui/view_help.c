/*
 * view_help: the key table as a scrollable page.  Generated from keys.c's
 * table, so it cannot drift from what the keys do: consecutive bindings of
 * one action share a line; texts wider than the screen wrap at spaces.  Two
 * texts are completed with lists from other tables, and the keys of views
 * this explorer does not have are left out (key_help.h, which the manual
 * uses too).
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "key_help.h"
#include "keys.h"
#include "scroll.h"
#include "views.h"
#include "xalloc.h"

#define HELP_KEYS_WIDTH 22	/* columns of the key names */
#define HELP_TEXT_MAX 256	/* bytes of one display line's text */

/* One line on screen: the keys (first line of a binding only) and a piece of its text. */
struct help_row {
	char keys[64];
	char text[HELP_TEXT_MAX];
};

struct view_help {
	struct view base;
	size_t top;		/* first line shown */
	struct help_row *rows;	/* the table wrapped to the width of the last sync */
	size_t n_rows;
	int width;		/* text columns the rows were wrapped to */
};

static enum views_set set_of(const struct app *app)
{
	return app->ex_b ? VIEWS_TWO_CAPTURES : VIEWS_ONE_CAPTURE;
}

/* The names of the keys of binding k and those after it that share its help. */
static void binding_keys(const struct key_binding *t, size_t n_table, size_t k,
			 const struct app *app, char *keys, size_t size)
{
	size_t used = 0;
	char name[32];

	keys[0] = 0;
	for (size_t j = k; j < n_table && (j == k || !t[j].help); j++) {
		if (!key_help_shown(&t[j], views_count(set_of(app))))
			continue;
		keys_name(t[j].key, name, sizeof(name));
		used += (size_t)snprintf(keys + used, size - used, "%s%s", used ? " " : "", name);
		if (used >= size)
			break;
	}
}

static void add_row(struct view_help *v, size_t *cap, const char *keys, const char *text,
		    size_t len)
{
	struct help_row *r;

	v->rows = xgrow(v->rows, cap, v->n_rows + 1, sizeof(*v->rows));
	r = &v->rows[v->n_rows++];
	snprintf(r->keys, sizeof(r->keys), "%s", keys);
	if (len >= sizeof(r->text))
		len = sizeof(r->text) - 1;
	memcpy(r->text, text, len);
	r->text[len] = 0;
}

/* Splits every help text into lines of at most width columns, at spaces (help is ASCII). */
static void wrap(struct view_help *v, const struct app *app, int width)
{
	size_t n_table, cap = 0;
	const struct key_binding *t = keys_table(&n_table);
	size_t w = width > 10 ? (size_t)width : 10;
	char keys[64], text[HELP_TEXT_MAX], list[200];

	v->n_rows = 0;
	v->width = width;
	for (size_t k = 0; k < n_table; k++) {
		const char *p;

		if (!t[k].help)
			continue;
		binding_keys(t, n_table, k, app, keys, sizeof(keys));
		key_help_text(&t[k], views_list(set_of(app), list, sizeof(list)), text,
			      sizeof(text));
		for (p = text; strlen(p) > w;) {
			size_t cut = w;

			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)
				cut = w;
			add_row(v, &cap, keys, p, cut);
			keys[0] = 0;
			p += cut;
			while (*p == ' ')
				p++;
		}
		add_row(v, &cap, keys, p, strlen(p));
	}
}

static int text_width(int body_w)
{
	return body_w - 2 - HELP_KEYS_WIDTH;
}

static void help_sync(struct view *base, struct app *app)
{
	struct view_help *v = (struct view_help *)base;

	if (!v->rows || v->width != text_width(app->body.w))
		wrap(v, app, text_width(app->body.w));
}

static void help_draw(const struct view *base, const struct app *app, struct screen *s,
		      struct rect r)
{
	const struct view_help *v = (const struct view_help *)base;

	(void)app;
	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x + 1, r.y, r.w - 1, "memtui keys (q, Esc or ? closes)", ROLE_TITLE);
	for (int y = 1; y < r.h && v->top + (size_t)y - 1 < v->n_rows; y++) {
		const struct help_row *row = &v->rows[v->top + (size_t)y - 1];

		screen_text(s, r.x + 2, r.y + y, HELP_KEYS_WIDTH - 1, row->keys, ROLE_BAR);
		screen_text(s, r.x + 2 + HELP_KEYS_WIDTH, r.y + y, r.w - 2 - HELP_KEYS_WIDTH,
			    row->text, ROLE_NORMAL);
	}
}

static enum view_result help_key(struct view *base, struct app *app, enum action a,
				 struct view **push)
{
	struct view_help *v = (struct view_help *)base;
	size_t page = app->body.h > 2 ? (size_t)app->body.h - 1 : 1;

	(void)push;
	if (scroll_key(&v->top, v->n_rows, page, a))
		return ACT_NONE;
	switch (a) {
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
	snprintf(buf, size, "[help]  metric: %s", metric_name(app->metric));
}

static void help_free(struct view *base)
{
	struct view_help *v = (struct view_help *)base;

	free(v->rows);
	free(v);
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
