/*
 * explorer: key dispatch, layout and the frame.
 *
 * Layout of a frame (rows, top to bottom): the capture header when the top
 * view wants it (header.h; fewer lines on short screens), the view's body,
 * the rows of a message too long for the status line, and the status line.
 * The status line always names the view and the metric (the view writes its
 * fields); the search prompt or a message takes its right-hand side in place
 * of the view's trailing fields, which give way whole (plan_bottom).  Nothing
 * is drawn over anything else: every part of the frame has its own cells.
 */
#include "explorer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "editor.h"
#include "export.h"
#include "header.h"
#include "views.h"
#include "worker.h"
#include "xalloc.h"

#define EXPLORER_MAX_VIEWS 9	/* numbered views (keys 1..9) */
#define EXPLORER_MAX_STACK 8	/* views opened on top of one */
#define EXPLORER_MAX_INPUT 240	/* prompt bytes (a file name) */
#define EXPLORER_MAX_SEARCH 120	/* of which a search takes (views keep 128-byte patterns) */
#define EXPLORER_MSG_ROWS 3	/* most rows a message takes above the status line */
#define EXPLORER_MAX_MSG 256	/* bytes of a message (app.msg) */
#define EXPLORER_MAX_PENDING 16	/* keys waiting for the worker */
#define EXPLORER_POLL_MS 100	/* how often the screen looks at a running job */
#define EXPLORER_QUIET_MS 50	/* a build this short shows no "building" frame */

_Static_assert(sizeof(((struct app *)0)->msg) <= EXPLORER_MAX_MSG, "app.msg fits");

/* What the one-line prompt asks for: what Enter does with the input. */
enum prompt_kind {
	PROMPT_SEARCH,		/* /: the top view's search */
	PROMPT_EXPORT,		/* w: the file the top view is written to (export.h) */
};

static const char *const prompt_labels[] = {
	[PROMPT_SEARCH] = "/",
	[PROMPT_EXPORT] = "write view to: ",
};

struct explorer {
	struct app app;			/* what the views see */
	struct screen *scr;		/* borrowed */
	struct view *views[EXPLORER_MAX_VIEWS];	/* numbered views (owned) */
	int n_views, cur;
	struct view *stack[EXPLORER_MAX_STACK];	/* opened over views[cur] (owned) */
	int depth;
	bool prompting;			/* the prompt has the keyboard */
	enum prompt_kind prompt;	/* what the prompt asks for */
	char input[EXPLORER_MAX_INPUT + 1];
	size_t input_len;
	bool quit;
	/*
	 * A key whose tree is not built waits for the worker to build it
	 * (with the keys pressed after it that change what is shown), while
	 * the keys that move around the screen work at once.
	 */
	struct worker *worker;
	struct tree_job {
		struct explore *ex;
		bool folded;
		enum metric m;
		enum tree_direction dir;
		enum tree_order order;
	} job;
	struct view_job {
		struct view *v;
		struct app app;		/* the copy view_ops.prepare describes */
	} view_job;
	int pending[EXPLORER_MAX_PENDING];
	int n_pending;
	/*
	 * The top view's own sync (or its tree) is on the worker: the screen
	 * keeps its last frame, the view is neither synced nor drawn nor given
	 * keys (they wait) until the worker ends.
	 */
	bool frozen;
	bool sync;			/* explorer_set_sync: keys wait for their builds */
	bool busy_msg;			/* app.msg is the build's, redrawn with its time */
};

struct explorer *explorer_new(struct screen *s, struct explore *ex, struct explore *ex_b)
{
	struct explorer *e = xcalloc(1, sizeof(*e));

	e->scr = s;
	app_init(&e->app, ex, ex_b);
	e->n_views = views_make(ex_b ? VIEWS_TWO_CAPTURES : VIEWS_ONE_CAPTURE, e->views,
				EXPLORER_MAX_VIEWS);
	e->worker = worker_new();
	return e;
}

void explorer_set_sync(struct explorer *e, bool sync)
{
	e->sync = sync;
}

void explorer_free(struct explorer *e)
{
	if (!e)
		return;
	worker_free(e->worker);
	while (e->depth > 0) {
		struct view *v = e->stack[--e->depth];

		v->ops->free(v);
	}
	for (int i = 0; i < e->n_views; i++)
		e->views[i]->ops->free(e->views[i]);
	app_release(&e->app);
	free(e);
}

static struct view *top_view(const struct explorer *e)
{
	return e->depth ? e->stack[e->depth - 1] : e->views[e->cur];
}

static void sync_top(struct explorer *e)
{
	struct view *v = top_view(e);

	if (e->frozen)
		return;
	if (v->synced_gen != e->app.gen) {
		v->synced_gen = e->app.gen;
		v->ops->sync(v, &e->app);
	}
}

static void layout(struct explorer *e)
{
	struct screen *s = e->scr;
	int head = top_view(e)->ops->header ? header_rows(&e->app, s) : 0;

	e->app.body.x = 0;
	e->app.body.y = head;
	e->app.body.w = s->w;
	e->app.body.h = s->h - head - 1;
	if (e->app.body.h < 0)
		e->app.body.h = 0;
}

/* Columns of the first two fields of a status text (the view and its metric). */
static int leading_fields_width(const struct screen *s, const char *text)
{
	char lead[300];
	size_t n = 0;

	for (int k = 0; k < 2 && text[n]; k++) {
		while (text[n] == ' ')
			n++;
		while (text[n] && !(text[n] == ' ' && text[n + 1] == ' '))
			n++;
	}
	snprintf(lead, sizeof(lead), "%.*s", (int)n, text);
	return screen_text_width(s, lead);
}

/*
 * Rows a message takes above the status line, wrapped at the screen's width
 * (at most EXPLORER_MSG_ROWS, the last one cut by screen_fit); drawn from
 * row y when draw is set.
 */
static int message_rows(struct screen *s, const char *msg, bool draw, int y)
{
	const char *p = msg;
	char row[EXPLORER_MAX_MSG + 8];
	int rows = 0;

	while (*p && rows < EXPLORER_MSG_ROWS) {
		size_t len = screen_wrap_len(s, p, s->w - 1);

		if (rows + 1 == EXPLORER_MSG_ROWS && p[len])
			screen_fit(s, p, s->w - 1, row, sizeof(row));
		else
			snprintf(row, sizeof(row), "%.*s", (int)len, p);
		if (draw) {
			screen_fill(s, 0, y + rows, s->w, ' ', ROLE_NORMAL);
			screen_text(s, 0, y + rows, s->w, row, ROLE_WARNING);
		}
		rows++;
		p += len;
		while (*p == ' ')
			p++;
	}
	return rows;
}

/* The prompt (label, input) as it fits in room columns: its end, where the typing is. */
static void fit_prompt(const struct screen *s, const char *label, const char *input, int room,
		       char *buf, size_t size)
{
	const char *tail = input;
	int lw = screen_text_width(s, label);

	snprintf(buf, size, "%s%s_", label, input);
	if (screen_text_width(s, buf) <= room)
		return;
	while (*tail && lw + screen_text_width(s, tail) + 2 > room)
		tail++;
	while ((*tail & 0xc0) == 0x80)
		tail++;
	snprintf(buf, size, "%s%s%s_", label, screen_ellipsis(s), tail);
}

/*
 * The thread filter as the status line's third field (after the view and
 * the metric), so no view hides it; the stage table and the diffs are of
 * all threads and say so.
 */
static void add_threads_field(const struct explorer *e, const struct view *v, char *full,
			      size_t size)
{
	char label[200], rest[300];
	size_t n = 0;

	explore_threads_label(e->app.ex, label, sizeof(label));
	if (!*label)
		return;
	if (!strcmp(v->ops->name, "stages") || !strcmp(v->ops->name, "diff"))
		snprintf(label, sizeof(label), "all (this view)");
	for (int k = 0; k < 2 && full[n]; k++) {
		while (full[n] == ' ')
			n++;
		while (full[n] && !(full[n] == ' ' && full[n + 1] == ' '))
			n++;
	}
	snprintf(rest, sizeof(rest), "%s", full + n);
	snprintf(full + n, size - n, "  threads: %s%s", label, rest);
}

/*
 * The bottom of the frame: the status line (the view's fields from the left;
 * the prompt, a message or the key hint at the right) and the rows of a
 * message too long for it.  A message or the prompt takes the place of the
 * view's trailing fields, whole fields at a time, never of the first two
 * (the view and the metric); a message that does not fit beside them gets
 * rows of its own above the status line, which then keeps all it can show.
 * The last column stays blank, so that no figure ends on the screen's edge.
 */
struct bottom {
	char left[300];		/* the view's fields as they fit */
	char right[EXPLORER_MAX_MSG + EXPLORER_MAX_INPUT + 8];
	enum role right_role;
	int msg_rows;		/* rows above the status line for the message */
};

static void plan_bottom(struct explorer *e, struct bottom *b)
{
	struct screen *s = e->scr;
	const struct view *v = top_view(e);
	const char *hint = "?:help q:quit";
	char full[sizeof(b->left)];
	int w = s->w, lead, rw;

	full[0] = 0;
	if (e->frozen)
		snprintf(full, sizeof(full), "[%s]", v->ops->name);
	else
		v->ops->status(v, &e->app, full, sizeof(full));
	add_threads_field(e, v, full, sizeof(full));
	lead = leading_fields_width(s, full);
	b->right[0] = 0;
	b->right_role = ROLE_STATUS;
	b->msg_rows = 0;
	if (e->prompting) {
		const char *label = prompt_labels[e->prompt];
		int room = w - lead - 3, lw = screen_text_width(s, label);

		/* Too little room beside the view and metric: the prompt takes them too. */
		if (room < 12 + lw)
			room = w / 2 + lw < w - 1 ? w / 2 + lw : w - 1;
		fit_prompt(s, label, e->input, room, b->right, sizeof(b->right));
	} else if (e->app.msg[0] && screen_text_width(s, e->app.msg) <= w - lead - 3) {
		snprintf(b->right, sizeof(b->right), "%s", e->app.msg);
		b->right_role = ROLE_WARNING;
	} else if (e->app.msg[0]) {
		b->msg_rows = message_rows(s, e->app.msg, false, 0);
	}
	if (b->right[0]) {
		rw = screen_text_width(s, b->right);
		screen_fit_fields(s, full, w - rw - 3, b->left, sizeof(b->left));
		return;
	}
	screen_fit_fields(s, full, w - 1, b->left, sizeof(b->left));
	if (screen_text_width(s, b->left) + 2 + screen_text_width(s, hint) <= w - 1)
		snprintf(b->right, sizeof(b->right), "%s", hint);
}

static void draw_bottom(struct explorer *e, const struct bottom *b)
{
	struct screen *s = e->scr;
	int y = s->h - 1, rw = screen_text_width(s, b->right);

	if (b->msg_rows)
		message_rows(s, e->app.msg, true, y - b->msg_rows);
	screen_fill(s, 0, y, s->w, ' ', ROLE_STATUS);
	screen_text(s, 0, y, s->w, b->left, ROLE_STATUS);
	if (rw)
		screen_text(s, s->w - rw - 1, y, rw, b->right, b->right_role);
}

void explorer_draw(struct explorer *e)
{
	struct screen *s = e->scr;
	struct bottom b;
	struct view *v;

	if (e->frozen && worker_done(e->worker))
		e->frozen = false;
	layout(e);
	sync_top(e);
	v = top_view(e);
	if (e->frozen) {	/* the frame says why it does not change, over any message */
		app_message(&e->app, "building %s: %.1f s (keys wait for it; Esc: drop them)",
			    worker_what(e->worker), worker_elapsed_ms(e->worker) / 1000.0);
		e->busy_msg = true;
	} else if (e->n_pending && (!e->app.msg[0] || e->busy_msg)) {
		app_message(&e->app, "building %s: %.1f s (keys work; Esc: drop)",
			    worker_what(e->worker), worker_elapsed_ms(e->worker) / 1000.0);
		e->busy_msg = true;
	} else if (e->busy_msg) {
		e->app.msg[0] = 0;
		e->busy_msg = false;
	}
	plan_bottom(e, &b);
	e->app.body.h -= b.msg_rows;
	if (e->app.body.h < 0)
		e->app.body.h = 0;
	if (!e->frozen) {
		screen_clear(s);
		if (v->ops->header)
			header_draw(&e->app, s, 0);
		if (e->app.body.h > 0)
			v->ops->draw(v, &e->app, s, e->app.body);
	} else {
		for (int y = s->h - 1 - b.msg_rows; y < s->h; y++)
			screen_fill(s, 0, y, s->w, ' ', ROLE_NORMAL);
	}
	/* The view's fields again: drawing may have settled what they show. */
	plan_bottom(e, &b);
	draw_bottom(e, &b);
	s->be->present(s);
}

static void push(struct explorer *e, struct view *v)
{
	if (e->depth == EXPLORER_MAX_STACK) {
		v->ops->free(v);
		app_message(&e->app, "too many views open");
		return;
	}
	e->stack[e->depth++] = v;
	e->app.gen++;
}

static void pop(struct explorer *e)
{
	struct view *v;

	if (!e->depth) {
		e->quit = true;
		return;
	}
	v = e->stack[--e->depth];
	v->ops->free(v);
	e->app.gen++;
}

static void switch_view(struct explorer *e, int i)
{
	if (i < 0 || i >= e->n_views)
		return;
	while (e->depth)
		pop(e);
	e->cur = i;
	e->app.gen++;
}

/* The next metric the capture has after m, or m: what m (the key) picks. */
static enum metric metric_after(const struct explorer *e, enum metric m)
{
	for (int k = 1; k <= N_METRICS; k++) {
		enum metric n = (enum metric)((m + k) % N_METRICS);

		if (metric_available(e->app.ex->cap, n))
			return n;
	}
	return m;
}

static void next_metric(struct explorer *e)
{
	e->app.metric = metric_after(e, e->app.metric);
	e->app.gen++;
}

static void prompt_key(struct explorer *e, int key)
{
	struct view *v = top_view(e);

	if (key == MK_ENTER) {
		e->prompting = false;
		if (e->prompt == PROMPT_EXPORT)
			export_write(&e->app, v, e->input);
		else
			v->ops->search(v, &e->app, e->input);
	} else if (key == MK_ESC || key == MK_CTRL_C) {
		e->prompting = false;
	} else if (key == MK_BACKSPACE) {
		if (!e->input_len) {
			e->prompting = false;
			return;
		}
		/* Drop a whole UTF-8 sequence. */
		while (e->input_len && (e->input[e->input_len - 1] & 0xc0) == 0x80)
			e->input_len--;
		if (e->input_len)
			e->input_len--;
		e->input[e->input_len] = 0;
	} else if (key >= ' ' && key < MK_SPECIAL && key != 0x7f) {
		size_t max = e->prompt == PROMPT_SEARCH ? EXPLORER_MAX_SEARCH : EXPLORER_MAX_INPUT;
		char enc[8];
		int n;

		if (key < 0x80)
			n = snprintf(enc, sizeof(enc), "%c", key);
		else if (key < 0x800)
			n = snprintf(enc, sizeof(enc), "%c%c", 0xc0 | key >> 6,
				     0x80 | (key & 0x3f));
		else if (key < 0x10000)
			n = snprintf(enc, sizeof(enc), "%c%c%c", 0xe0 | key >> 12,
				     0x80 | (key >> 6 & 0x3f), 0x80 | (key & 0x3f));
		else
			n = snprintf(enc, sizeof(enc), "%c%c%c%c", 0xf0 | key >> 18,
				     0x80 | (key >> 12 & 0x3f), 0x80 | (key >> 6 & 0x3f),
				     0x80 | (key & 0x3f));
		if (e->input_len + (size_t)n <= max) {
			memcpy(e->input + e->input_len, enc, (size_t)n);
			e->input_len += (size_t)n;
			e->input[e->input_len] = 0;
		}
	}
}

/* T: the thread selector, when there are threads to pick from. */
static void show_threads(struct explorer *e)
{
	struct view *v = e->app.ex_b ? NULL : view_threads_new(&e->app);

	if (v)
		push(e, v);
	else if (e->app.ex_b)
		app_message(&e->app, "no thread filter when comparing two captures");
	else
		app_message(&e->app, "no threads to pick: this capture does not say which thread "
				     "allocated");
}

/* w: the prompt for a file name, prefilled with the default one (export.h). */
static void start_export(struct explorer *e, const struct view *v)
{
	if (!v->ops->export) {
		app_message(&e->app, "the %s view has no report form: nothing to write",
			    v->ops->name);
		return;
	}
	export_default_name(&e->app, v, e->input, sizeof(e->input));
	e->input_len = strlen(e->input);
	e->prompt = PROMPT_EXPORT;
	e->prompting = true;
}

/* O: the selected frame in the editor (editor.h). */
static void edit_frame(struct explorer *e, const struct view *v)
{
	uint32_t frame = v->ops->frame ? v->ops->frame(v, &e->app) : VIEW_NO_FRAME;

	if (!v->ops->frame)
		app_message(&e->app, "O: the %s view selects no frame", v->ops->name);
	else if (frame == VIEW_NO_FRAME)
		app_message(&e->app, "no frame selected: no file to open");
	else
		editor_open_frame(&e->app, e->scr, frame);
}

/* What the explorer does with an action the top view ignored. */
static void global_action(struct explorer *e, enum action a)
{
	struct view *v = top_view(e);

	switch (a) {
	case A_QUIT:
		e->quit = true;
		break;
	case A_CLOSE:
		pop(e);
		break;
	case A_BACK:
	case A_ESC:
		if (e->depth)
			pop(e);
		break;
	case A_HELP:
		push(e, view_help_new());
		break;
	case A_THREADS:
		show_threads(e);
		break;
	case A_REDRAW:
		e->scr->be->invalidate(e->scr);
		break;
	case A_NEXT_VIEW:
		switch_view(e, (e->cur + 1) % e->n_views);
		break;
	case A_PREV_VIEW:
		switch_view(e, (e->cur + e->n_views - 1) % e->n_views);
		break;
	case A_METRIC:
		next_metric(e);
		break;
	case A_SORT:
		e->app.order = e->app.order == TREE_ORDER_SIZE	   ? TREE_ORDER_COUNT
			       : e->app.order == TREE_ORDER_COUNT ? TREE_ORDER_NAME
			       : e->app.order == TREE_ORDER_NAME  ? TREE_ORDER_SELF
								   : TREE_ORDER_SIZE;
		e->app.gen++;
		break;
	case A_FOLD:
		app_toggle_fold(&e->app);
		break;
	case A_FOCUS:	/* the tree and flame views take it; any other says where it works */
		app_message(&e->app, "F: focus is in the tree and the flame graph (views 1 and 2)");
		break;
	case A_NAMES:
		e->app.full_names = !e->app.full_names;
		app_message(&e->app, e->app.full_names ? "full names" : "short names");
		break;
	case A_INVERT:
		e->app.dir = e->app.dir == TREE_TOP_DOWN ? TREE_BOTTOM_UP : TREE_TOP_DOWN;
		e->app.gen++;
		break;
	case A_SEARCH:
		if (!v->ops->search) {
			app_message(&e->app, "no search in the %s view", v->ops->name);
			break;
		}
		e->prompting = true;
		e->prompt = PROMPT_SEARCH;
		e->input_len = 0;
		e->input[0] = 0;
		break;
	case A_EXPORT:
		start_export(e, v);
		break;
	case A_EDIT:
		edit_frame(e, v);
		break;
	default:
		if (a >= A_VIEW_1 && a <= A_VIEW_9) {
			if ((int)(a - A_VIEW_1) < e->n_views)
				switch_view(e, (int)(a - A_VIEW_1));
			else
				app_message(&e->app, "no view %d", (int)(a - A_VIEW_1) + 1);
		}
		break;
	}
}

/*
 * The job that builds the tree the top view shows as the app stands, when
 * it shows the explore's trees (the tree and flame views of one capture).
 */
static bool tree_job_of(const struct explorer *e, struct tree_job *j)
{
	if (e->app.ex_b || !top_view(e)->ops->explore_trees)
		return false;
	j->ex = e->app.ex;
	j->folded = e->app.ex->folding;
	j->m = e->app.metric;
	j->dir = e->app.dir;
	j->order = e->app.order;
	return true;
}

/*
 * The tree action a makes the top view show, when it is not built: the
 * tree and flame views show the explore's trees; metric, direction and
 * folding pick another one.
 */
static bool needs_tree(struct explorer *e, enum action a, struct tree_job *j)
{
	if (!tree_job_of(e, j))
		return false;
	if (a == A_METRIC)
		j->m = metric_after(e, e->app.metric);
	else if (a == A_INVERT)
		j->dir = j->dir == TREE_TOP_DOWN ? TREE_BOTTOM_UP : TREE_TOP_DOWN;
	else if (a == A_FOLD)
		j->folded = !j->folded;
	else
		return false;
	return !explore_tree_built(j->ex, j->folded, j->m, j->dir);
}

/*
 * MEMTUI_BUILD_DELAY_MS (tests only) makes every build that long at least,
 * so that a test can press keys while one runs, on captures of any size.
 */
static void test_delay(void)
{
	const char *delay = getenv("MEMTUI_BUILD_DELAY_MS");

	if (delay && atoi(delay) > 0) {
		struct timespec ts = { atoi(delay) / 1000, atoi(delay) % 1000 * 1000000L };

		nanosleep(&ts, NULL);
	}
}

static void build_tree(void *ctx)
{
	const struct tree_job *j = ctx;

	test_delay();
	explore_build(j->ex, j->folded, j->m, j->dir, j->order);
}

static void sync_view(void *ctx)
{
	struct view_job *j = ctx;

	test_delay();
	j->v->ops->sync(j->v, &j->app);
}

/* The job that syncs v on the worker, with the copy of the app view_ops.prepare describes. */
static void view_job_of(const struct explorer *e, struct view *v, struct view_job *j)
{
	memset(&j->app, 0, sizeof(j->app));
	j->v = v;
	j->app.ex = e->app.ex;
	j->app.ex_b = e->app.ex_b;
	j->app.metric = e->app.metric;
	j->app.dir = e->app.dir;
	j->app.order = e->app.order;
	j->app.body = e->app.body;
}

/*
 * The numbered view a switches to, when its sync would be long
 * (view_ops.prepare): the job that syncs it on the worker.
 */
static bool needs_view(struct explorer *e, enum action a, struct view_job *j)
{
	int i = a == A_NEXT_VIEW   ? (e->cur + 1) % e->n_views
		: a == A_PREV_VIEW ? (e->cur + e->n_views - 1) % e->n_views
				   : (int)a - (int)A_VIEW_1;
	struct view *v;

	if ((a < A_VIEW_1 || a > A_VIEW_9) && a != A_NEXT_VIEW && a != A_PREV_VIEW)
		return false;
	if (i < 0 || i >= e->n_views || (i == e->cur && !e->depth))
		return false;
	v = e->views[i];
	if (!v->ops->prepare || !v->ops->prepare(v, &e->app))
		return false;
	view_job_of(e, v, j);
	return true;
}

/* Actions that only move about the screen: they need not wait for a build. */
static bool moves_only(enum action a)
{
	return (a >= A_DOWN && a <= A_OUT) || a == A_EXPAND || a == A_EXPAND_ALL ||
	       a == A_COLLAPSE || a == A_COLLAPSE_ALL || a == A_SEARCH || a == A_NEXT_MATCH ||
	       a == A_PREV_MATCH || a == A_HELP || a == A_REDRAW || a == A_QUIT;
}

static bool handle_key(struct explorer *e, int key);
static void start_top_sync(struct explorer *e);

/* Starts e->job, the tree's build, on the worker; false when it cannot. */
static bool start_tree_job(struct explorer *e)
{
	char what[160];

	snprintf(what, sizeof(what), "the %s tree of %s",
		 e->job.dir == TREE_TOP_DOWN ? "top-down" : "bottom-up", metric_title(e->job.m));
	return worker_start(e->worker, build_tree, &e->job, what);
}

/* Starts e->view_job, a view's sync, on the worker; false when it cannot. */
static bool start_view_job(struct explorer *e)
{
	char what[160];

	snprintf(what, sizeof(what), "the %s view", e->view_job.v->ops->name);
	return worker_start(e->worker, sync_view, &e->view_job, what);
}

/* A job just started: a replay waits for it; a terminal, a moment (no frame for short ones). */
static void wait_started(struct explorer *e)
{
	if (e->sync)
		worker_wait(e->worker);
	else
		worker_wait_for(e->worker, EXPLORER_QUIET_MS);
}

/*
 * Starts the build key needs, if any, and queues the key behind it;
 * false when the key can be handled now.
 */
static bool defer(struct explorer *e, int key, enum action a)
{
	/* A job runs (perhaps with no key left waiting for it: Esc): it may read the filter. */
	if (e->n_pending || worker_busy(e->worker)) {
		if (moves_only(a))
			return false;
		if (e->n_pending < EXPLORER_MAX_PENDING)
			e->pending[e->n_pending++] = key;
		return true;
	}
	if (needs_tree(e, a, &e->job)) {
		if (!start_tree_job(e))
			return false;
	} else if (!needs_view(e, a, &e->view_job) || !start_view_job(e)) {
		return false;
	}
	e->pending[e->n_pending++] = key;
	wait_started(e);
	return true;
}

/*
 * After a key (or a resize): when the top view's next sync would be long
 * (its tree to build, or view_ops.prepare says so), the sync goes to the
 * worker and the screen freezes (explorer.frozen) until it ends, rather
 * than block.  A key that would make it long before it is shown (a metric,
 * a view switch) waited for its build in defer() instead, with the screen
 * live.
 */
static void start_top_sync(struct explorer *e)
{
	struct view *v = top_view(e);

	if (e->quit || worker_busy(e->worker) || v->synced_gen == e->app.gen)
		return;
	if (tree_job_of(e, &e->job) &&
	    !explore_tree_built(e->job.ex, e->job.folded, e->job.m, e->job.dir)) {
		if (!start_tree_job(e))
			return;
	} else if (v->ops->prepare && v->ops->prepare(v, &e->app)) {
		view_job_of(e, v, &e->view_job);
		if (!start_view_job(e))
			return;
		v->synced_gen = e->app.gen;
	} else {
		return;
	}
	e->frozen = true;
	wait_started(e);
	if (!worker_busy(e->worker))
		e->frozen = false;
}

/* The build ended: the keys that waited for it apply, until one needs another. */
static void run_pending(struct explorer *e)
{
	int keys[EXPLORER_MAX_PENDING], n = e->n_pending;

	if (!n || worker_busy(e->worker))
		return;
	memcpy(keys, e->pending, sizeof(keys));
	e->n_pending = 0;
	for (int i = 0; i < n && !e->quit; i++) {
		if (e->n_pending) {
			e->pending[e->n_pending++] = keys[i];
			continue;
		}
		handle_key(e, keys[i]);
	}
}

bool explorer_key(struct explorer *e, int key)
{
	if (key == MK_EOF) {
		worker_wait(e->worker);
		e->frozen = false;
		run_pending(e);
		e->quit = true;
		return false;
	}
	worker_done(e->worker);
	if (!worker_busy(e->worker))
		e->frozen = false;
	run_pending(e);
	return handle_key(e, key);
}

bool explorer_working(const struct explorer *e)
{
	return worker_busy(e->worker);
}

bool explorer_busy(const struct explorer *e)
{
	return e->n_pending > 0 || e->frozen;
}

static bool handle_key_now(struct explorer *e, int key);

/* A key while the frame is frozen: Q quits, Esc drops the keys waiting, any other waits. */
static void frozen_key(struct explorer *e, int key)
{
	enum action a = keys_action(key);

	if (a == A_QUIT)
		e->quit = true;
	else if (a == A_ESC && e->n_pending)
		e->n_pending = 0;
	else if (e->n_pending < EXPLORER_MAX_PENDING)
		e->pending[e->n_pending++] = key;
}

/* One key, then the top view's sync on the worker if it would be long. */
static bool handle_key(struct explorer *e, int key)
{
	bool go = handle_key_now(e, key);

	start_top_sync(e);
	return go && !e->quit;
}

static bool handle_key_now(struct explorer *e, int key)
{
	struct view *v, *pushed = NULL;
	enum action a;

	if (key != MK_NONE) {
		e->app.msg[0] = 0;
		e->busy_msg = false;
	}
	if (key == MK_RESIZE)
		e->app.gen++;	/* views laid out for a width (timeline) sync again */
	if (key == MK_RESIZE || key == MK_NONE)
		return !e->quit;
	if (e->frozen) {
		frozen_key(e, key);
		return !e->quit;
	}
	layout(e);
	sync_top(e);
	if (e->prompting) {
		prompt_key(e, key);
		return true;
	}
	a = keys_action(key);
	if (a == A_NONE)
		return true;
	if (a == A_ESC && e->n_pending) {
		e->n_pending = 0;
		app_message(&e->app, "dropped the keys waiting for %s (it is kept when built)",
			    worker_what(e->worker));
		return true;
	}
	if (defer(e, key, a)) {
		run_pending(e);
		return !e->quit;
	}
	v = top_view(e);
	/* w and O act on any view through its ops (export, frame), never through its keys. */
	if (a == A_EXPORT || a == A_EDIT) {
		global_action(e, a);
		return !e->quit;
	}
	switch (v->ops->key(v, &e->app, a, &pushed)) {
	case ACT_IGNORED:
		global_action(e, a);
		break;
	case ACT_PUSH:
		push(e, pushed);
		break;
	case ACT_POP:
		pop(e);
		break;
	case ACT_QUIT:
		e->quit = true;
		break;
	case ACT_RECOMPUTE:
		e->app.gen++;
		break;
	case ACT_NONE:
		break;
	}
	return !e->quit;
}

void explorer_run(struct explorer *e)
{
	explorer_draw(e);
	while (!e->quit) {
		int key = e->scr->be->read_key(e->scr, explorer_busy(e) ? EXPLORER_POLL_MS : -1);

		if (!explorer_key(e, key))
			break;
		explorer_draw(e);
	}
}
