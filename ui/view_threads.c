/*
 * view_threads: the thread selector `T` pushes.  One row per thread of the
 * capture (threads.h): a mark, its tid, its name and its figure for the
 * app's metric over the whole run, unfiltered, so the rows add up to the
 * whole.  Space marks a thread, Enter shows the marked ones in every view
 * (none marked: all threads) and closes, Esc or Backspace closes unchanged.
 * The filter lives in the analyses (explore_set_threads), where every
 * view's weights come from.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "threads.h"
#include "xalloc.h"

struct view_threads {
	struct view base;
	bool *marked;		/* per row of ex->base.threads */
	int64_t *figure;	/* per row: the metric's weight of its stacks */
	enum metric metric;	/* of figure; -1 before the first sync */
	size_t cursor, top;
};

static const struct thread_table *table(const struct app *app)
{
	return &app->ex->base.threads;
}

static void threads_sync(struct view *base, struct app *app)
{
	struct view_threads *v = (struct view_threads *)base;
	const struct thread_table *t = table(app);
	const struct explore *ex = app->ex;
	struct snapshot w;

	if ((int)v->metric == (int)app->metric)
		return;
	v->metric = app->metric;
	memset(v->figure, 0, (t->n ? t->n : 1) * sizeof(*v->figure));
	/* Unfiltered: each thread's own figure, whatever the filter shows now. */
	metric_weights(&w, ex->cap, app->metric, &ex->base.peak, &ex->base.leaks, &ex->base.calls);
	for (uint32_t s = 0; s < w.n; s++) {
		uint32_t thread = capture_stack_thread(ex->cap, s);

		for (size_t i = 0; thread && i < t->n; i++)
			if (t->rows[i].stack == thread)
				v->figure[i] += w.bytes[s];
	}
	snapshot_release(&w);
}

static void threads_draw(const struct view *base, const struct app *app, struct screen *s,
			 struct rect r)
{
	const struct view_threads *v = (const struct view_threads *)base;
	const struct thread_table *t = table(app);
	char line[256], fig[32];

	screen_fill(s, r.x, r.y, r.w, ' ', ROLE_TITLE);
	screen_text(s, r.x + 1, r.y, r.w - 1,
		    "threads (Space marks, Enter shows the marked, Esc cancels)", ROLE_TITLE);
	for (int y = 1; y < r.h && v->top + (size_t)y - 1 < t->n; y++) {
		size_t i = v->top + (size_t)y - 1;
		const struct thread_row *row = &t->rows[i];
		enum role role = i == v->cursor ? ROLE_SELECTED : ROLE_NORMAL;
		int lw;

		fmt_figure(v->figure[i], metric_is_count(app->ex->cap, app->metric), fig,
			   sizeof(fig));
		snprintf(line, sizeof(line), "[%c] %10" PRIu64 " %10s  ", v->marked[i] ? 'x' : ' ',
			 row->tid, fig);
		lw = screen_text_width(s, line);
		screen_fill(s, r.x, r.y + y, r.w, ' ', role);
		screen_text(s, r.x + 1, r.y + y, r.w - 2, line, role);
		screen_text(s, r.x + 1 + lw, r.y + y, r.w - 2 - lw,
			    *row->name ? row->name : "(no name)", role);
	}
}

/* Enter: the marked threads become the filter of every view. */
static void apply(struct view_threads *v, struct app *app)
{
	const struct thread_table *t = table(app);
	struct thread_filter f = { 0 };
	char label[200];

	for (size_t i = 0; i < t->n; i++)
		if (v->marked[i])
			thread_filter_add(&f, t->rows[i].stack);
	/* Every thread marked is no filter at all: the whole, stacks without a thread too. */
	if (f.n == t->n)
		thread_filter_release(&f);
	explore_set_threads(app->ex, &f);
	thread_filter_release(&f);
	explore_threads_label(app->ex, label, sizeof(label));
	app_message(app, "%s%s", *label ? "threads: " : "all threads", label);
	app->gen++;
}

static enum view_result threads_key(struct view *base, struct app *app, enum action a,
				    struct view **push)
{
	struct view_threads *v = (struct view_threads *)base;
	size_t n = table(app)->n, page = app->body.h > 2 ? (size_t)app->body.h - 1 : 1;

	(void)push;
	switch (a) {
	case A_DOWN:
		v->cursor = v->cursor + 1 < n ? v->cursor + 1 : v->cursor;
		break;
	case A_UP:
		v->cursor = v->cursor ? v->cursor - 1 : 0;
		break;
	case A_FIRST:
		v->cursor = 0;
		break;
	case A_LAST:
		v->cursor = n ? n - 1 : 0;
		break;
	case A_MARK:
		if (n)
			v->marked[v->cursor] = !v->marked[v->cursor];
		if (v->cursor + 1 < n)
			v->cursor++;
		break;
	case A_ENTER:
		apply(v, app);
		return ACT_POP;
	case A_BACK:
	case A_ESC:
	case A_CLOSE:
		return ACT_POP;
	default:
		return ACT_IGNORED;
	}
	if (v->cursor < v->top)
		v->top = v->cursor;
	else if (v->cursor >= v->top + page)
		v->top = v->cursor - page + 1;
	return ACT_NONE;
}

static void threads_status(const struct view *base, const struct app *app, char *buf,
			   size_t size)
{
	const struct view_threads *v = (const struct view_threads *)base;
	size_t marked = 0;

	for (size_t i = 0; i < table(app)->n; i++)
		marked += v->marked[i];
	snprintf(buf, size, "[threads]  metric: %s  marked: %zu of %zu", metric_name(app->metric),
		 marked, table(app)->n);
}

static void threads_free(struct view *base)
{
	struct view_threads *v = (struct view_threads *)base;

	free(v->marked);
	free(v->figure);
	free(v);
}

static const struct view_ops threads_ops = {
	.name = "threads",
	.header = true,
	.sync = threads_sync,
	.draw = threads_draw,
	.key = threads_key,
	.search = NULL,
	.status = threads_status,
	.free = threads_free,
};

struct view *view_threads_new(const struct app *app)
{
	const struct thread_table *t = table(app);
	struct view_threads *v;

	if (!t->n)
		return NULL;
	v = xcalloc(1, sizeof(*v));
	v->base.ops = &threads_ops;
	v->marked = xcalloc(t->n, sizeof(*v->marked));
	v->figure = xcalloc(t->n, sizeof(*v->figure));
	v->metric = (enum metric)-1;
	for (size_t i = 0; i < t->n; i++)
		v->marked[i] = thread_filter_has(&app->ex->threads, t->rows[i].stack);
	return &v->base;
}
