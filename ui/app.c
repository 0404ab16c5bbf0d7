/*
 * app: key dispatch, layout and the frame.
 *
 * Layout of a frame (rows, top to bottom): the capture header when the top
 * view wants it (header.h; fewer lines on short screens), the view's body,
 * and one status line.  The status line always names the view and the metric
 * (the view writes that part); the search prompt or a message replaces its
 * right-hand side.
 */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "xalloc.h"

struct app *app_new(struct screen *s, struct explore *ex, struct explore *ex_b)
{
	struct app *app = xcalloc(1, sizeof(*app));

	app->scr = s;
	app->ex = ex;
	app->ex_b = ex_b;
	app->metric = METRIC_PEAK;
	app->dir = TREE_TOP_DOWN;
	app->order = TREE_ORDER_SIZE;
	app->gen = 1;
	if (ex_b) {
		view_diff_new_pair(&app->views[0], &app->views[1]);
		app->n_views = 2;
		return app;
	}
	app->views[app->n_views++] = view_tree_new();
	app->views[app->n_views++] = view_flame_new();
	app->views[app->n_views++] = view_timeline_new();
	app->views[app->n_views++] = view_stages_new(NULL);
	return app;
}

void app_free(struct app *app)
{
	if (!app)
		return;
	while (app->depth > 0) {
		struct view *v = app->stack[--app->depth];

		v->ops->free(v);
	}
	for (int i = 0; i < app->n_views; i++)
		app->views[i]->ops->free(app->views[i]);
	free(app->sel);
	free(app);
}

void app_set_selection(struct app *app, const uint64_t *keys, size_t len)
{
	if (len > app->sel_cap) {
		app->sel_cap = len * 2;
		app->sel = xrealloc_array(app->sel, app->sel_cap, sizeof(*app->sel));
	}
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

static struct view *top_view(const struct app *app)
{
	return app->depth ? app->stack[app->depth - 1] : app->views[app->cur];
}

static void sync_top(struct app *app)
{
	struct view *v = top_view(app);

	if (v->synced_gen != app->gen) {
		v->synced_gen = app->gen;
		v->ops->sync(v, app);
	}
}

static void layout(struct app *app)
{
	struct screen *s = app->scr;
	int head = top_view(app)->ops->header ? header_rows(app, s) : 0;

	app->body.x = 0;
	app->body.y = head;
	app->body.w = s->w;
	app->body.h = s->h - head - 1;
	if (app->body.h < 0)
		app->body.h = 0;
}

static void draw_status(struct app *app)
{
	struct screen *s = app->scr;
	const struct view *v = top_view(app);
	char left[300], right[sizeof(app->msg) + APP_MAX_INPUT + 8];
	int y = s->h - 1, rw;

	left[0] = 0;
	v->ops->status(v, app, left, sizeof(left));
	screen_fill(s, 0, y, s->w, ' ', ROLE_STATUS);
	screen_text(s, 0, y, s->w, left, ROLE_STATUS);
	if (app->prompting)
		snprintf(right, sizeof(right), "/%s_", app->input);
	else if (app->msg[0])
		snprintf(right, sizeof(right), "%s", app->msg);
	else
		snprintf(right, sizeof(right), "?:help q:quit");
	rw = screen_text_width(s, right) + 1;
	if (app->prompting || app->msg[0]) {
		/* The prompt and messages win over the left part when space is short. */
		int x = s->w - rw < s->w / 3 ? s->w / 3 : s->w - rw;

		screen_fill(s, x - 1, y, s->w - x + 1, ' ', ROLE_STATUS);
		screen_text(s, x, y, s->w - x, right, app->prompting ? ROLE_STATUS : ROLE_WARNING);
	} else if (screen_text_width(s, left) + rw < s->w) {
		screen_text(s, s->w - rw, y, rw, right, ROLE_STATUS);
	}
}

void app_draw(struct app *app)
{
	struct screen *s = app->scr;
	struct view *v;

	layout(app);
	sync_top(app);
	v = top_view(app);
	screen_clear(s);
	if (v->ops->header)
		header_draw(app, s, 0);
	if (app->body.h > 0)
		v->ops->draw(v, app, s, app->body);
	draw_status(app);
	s->be->present(s);
}

static void push(struct app *app, struct view *v)
{
	if (app->depth == APP_MAX_STACK) {
		v->ops->free(v);
		app_message(app, "too many views open");
		return;
	}
	app->stack[app->depth++] = v;
	app->gen++;
}

static void pop(struct app *app)
{
	struct view *v;

	if (!app->depth) {
		app->quit = true;
		return;
	}
	v = app->stack[--app->depth];
	v->ops->free(v);
	app->gen++;
}

static void switch_view(struct app *app, int i)
{
	if (i < 0 || i >= app->n_views)
		return;
	while (app->depth)
		pop(app);
	app->cur = i;
	app->gen++;
}

/* The next metric the capture has, after the current one. */
static void next_metric(struct app *app)
{
	for (int k = 1; k <= N_METRICS; k++) {
		enum metric m = (enum metric)((app->metric + k) % N_METRICS);

		if (metric_available(app->ex->cap, m)) {
			app->metric = m;
			break;
		}
	}
	app->gen++;
}

static void prompt_key(struct app *app, int key)
{
	struct view *v = top_view(app);

	if (key == MK_ENTER) {
		app->prompting = false;
		v->ops->search(v, app, app->input);
	} else if (key == MK_ESC || key == MK_CTRL_C) {
		app->prompting = false;
	} else if (key == MK_BACKSPACE) {
		if (!app->input_len) {
			app->prompting = false;
			return;
		}
		/* Drop a whole UTF-8 sequence. */
		while (app->input_len && (app->input[app->input_len - 1] & 0xc0) == 0x80)
			app->input_len--;
		if (app->input_len)
			app->input_len--;
		app->input[app->input_len] = 0;
	} else if (key >= ' ' && key < MK_SPECIAL && key != 0x7f) {
		char enc[8];
		int n;

		if (key < 0x80)
			n = snprintf(enc, sizeof(enc), "%c", key);
		else if (key < 0x800)
			n = snprintf(enc, sizeof(enc), "%c%c", 0xc0 | key >> 6, 0x80 | (key & 0x3f));
		else if (key < 0x10000)
			n = snprintf(enc, sizeof(enc), "%c%c%c", 0xe0 | key >> 12,
				     0x80 | (key >> 6 & 0x3f), 0x80 | (key & 0x3f));
		else
			n = snprintf(enc, sizeof(enc), "%c%c%c%c", 0xf0 | key >> 18,
				     0x80 | (key >> 12 & 0x3f), 0x80 | (key >> 6 & 0x3f),
				     0x80 | (key & 0x3f));
		if (app->input_len + (size_t)n <= APP_MAX_INPUT) {
			memcpy(app->input + app->input_len, enc, (size_t)n);
			app->input_len += (size_t)n;
			app->input[app->input_len] = 0;
		}
	}
}

/* What the app does with an action the top view ignored. */
static void global_action(struct app *app, enum action a)
{
	struct view *v = top_view(app);

	switch (a) {
	case A_QUIT:
		app->quit = true;
		break;
	case A_CLOSE:
		pop(app);
		break;
	case A_BACK:
	case A_ESC:
		if (app->depth)
			pop(app);
		break;
	case A_HELP:
		push(app, view_help_new());
		break;
	case A_REDRAW:
		app->scr->be->invalidate(app->scr);
		break;
	case A_NEXT_VIEW:
		switch_view(app, (app->cur + 1) % app->n_views);
		break;
	case A_PREV_VIEW:
		switch_view(app, (app->cur + app->n_views - 1) % app->n_views);
		break;
	case A_METRIC:
		next_metric(app);
		break;
	case A_SORT:
		app->order = app->order == TREE_ORDER_SIZE ? TREE_ORDER_COUNT
			    : app->order == TREE_ORDER_COUNT ? TREE_ORDER_NAME
							: TREE_ORDER_SIZE;
		app->gen++;
		break;
	case A_INVERT:
		app->dir = app->dir == TREE_TOP_DOWN ? TREE_BOTTOM_UP : TREE_TOP_DOWN;
		app->gen++;
		break;
	case A_SEARCH:
		if (!v->ops->search) {
			app_message(app, "no search in the %s view", v->ops->name);
			break;
		}
		app->prompting = true;
		app->input_len = 0;
		app->input[0] = 0;
		break;
	default:
		if (a >= A_VIEW_1 && a <= A_VIEW_9) {
			if ((int)(a - A_VIEW_1) < app->n_views)
				switch_view(app, (int)(a - A_VIEW_1));
			else
				app_message(app, "no view %d", (int)(a - A_VIEW_1) + 1);
		}
		break;
	}
}

bool app_key(struct app *app, int key)
{
	struct view *v, *pushed = NULL;
	enum action a;

	if (key == MK_EOF) {
		app->quit = true;
		return false;
	}
	app->msg[0] = 0;
	if (key == MK_RESIZE)
		app->gen++;	/* views laid out for a width (timeline) sync again */
	if (key == MK_RESIZE || key == MK_NONE)
		return !app->quit;
	layout(app);
	sync_top(app);
	if (app->prompting) {
		prompt_key(app, key);
		return true;
	}
	a = keys_action(key);
	if (a == A_NONE)
		return true;
	v = top_view(app);
	switch (v->ops->key(v, app, a, &pushed)) {
	case ACT_IGNORED:
		global_action(app, a);
		break;
	case ACT_PUSH:
		push(app, pushed);
		break;
	case ACT_POP:
		pop(app);
		break;
	case ACT_QUIT:
		app->quit = true;
		break;
	case ACT_RECOMPUTE:
		app->gen++;
		break;
	case ACT_NONE:
		break;
	}
	return !app->quit;
}

void app_run(struct app *app)
{
	app_draw(app);
	while (!app->quit) {
		int key = app->scr->be->read_key(app->scr, -1);

		if (!app_key(app, key))
			break;
		app_draw(app);
	}
}
