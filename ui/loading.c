/*
 * loading: the worker thread and the progress frame.
 *
 * Shared state is the job struct: the worker writes done/total bytes and
 * finally phase = PHASE_DONE (release order); the main thread reads them
 * (acquire) and writes only cancel.  Nothing else is touched by both until
 * pthread_join.  Rate and ETA come from the main thread's clock: bytes read
 * so far over time since the start.  The frame keeps the file name whole
 * (on rows of its own when the title line is too short for it) and drops
 * whole fields of the progress line rather than cut a figure.
 */
#include "loading.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "fmt.h"
#include "glyphs.h"
#include "xalloc.h"

enum phase { PHASE_READING, PHASE_ANALYSING, PHASE_DONE };

struct loading {
	ui_load_fn load;
	void *ctx;
	const char *path;		/* borrowed */
	struct fold_rules fold;		/* for explore_init (the patterns borrowed) */
	pthread_t thread;
	atomic_bool cancel;		/* main -> worker */
	atomic_int phase;		/* enum phase, worker -> main */
	_Atomic uint64_t done_bytes;	/* worker -> main */
	_Atomic uint64_t total_bytes;
	struct timespec start;
	/* Results: written by the worker, read after the join. */
	int rc;
	struct capture *cap;
	struct explore *ex;
	struct mt_error err;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct loading *l = ctx;

	atomic_store(&l->total_bytes, total);
	atomic_store(&l->done_bytes, done);
}

static void *worker(void *arg)
{
	struct loading *l = arg;

	l->rc = l->load(l->ctx, l->path, &l->cancel, on_progress, l, &l->cap, &l->err);
	if (l->rc == 0) {
		atomic_store(&l->phase, PHASE_ANALYSING);
		l->ex = xcalloc(1, sizeof(*l->ex));
		explore_init(l->ex, l->cap, l->path, &l->fold);
	}
	atomic_store_explicit(&l->phase, PHASE_DONE, memory_order_release);
	return NULL;
}

int loading_start(struct loading **out, ui_load_fn load, void *ctx, const char *path,
		  const struct fold_rules *fold, struct mt_error *err)
{
	struct loading *l = xcalloc(1, sizeof(*l));
	int rc;

	l->load = load;
	l->ctx = ctx;
	l->path = path;
	l->fold = *fold;
	atomic_init(&l->cancel, false);
	atomic_init(&l->phase, PHASE_READING);
	atomic_init(&l->done_bytes, 0);
	atomic_init(&l->total_bytes, 0);
	clock_gettime(CLOCK_MONOTONIC, &l->start);
	rc = pthread_create(&l->thread, NULL, worker, l);
	*out = NULL;
	if (rc) {
		free(l);
		err->path = path;
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot start a thread: %s",
				    strerror(rc));
	}
	*out = l;
	return 0;
}

bool loading_wait(struct loading *l, int timeout_ms)
{
	struct timespec step = { 0, 2 * 1000 * 1000 };
	int waited = 0;

	for (;;) {
		int phase = atomic_load_explicit(&l->phase, memory_order_acquire);

		if (phase == PHASE_DONE || (phase == PHASE_ANALYSING && atomic_load(&l->cancel)))
			return true;
		if (waited >= timeout_ms)
			return false;
		nanosleep(&step, NULL);
		waited += 2;
	}
}

void loading_cancel(struct loading *l)
{
	atomic_store(&l->cancel, true);
}

static void fmt_duration(double s, char *buf, size_t size)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

/* Bytes of path that fit in max columns, broken after a '/' where one fits. */
static size_t path_row_len(const struct screen *s, const char *path, int max)
{
	size_t n = screen_wrap_len(s, path, max), slash = 0;

	if (!path[n])
		return n;
	for (size_t i = 0; i < n; i++)
		if (path[i] == '/')
			slash = i + 1;
	return slash ? slash : n;
}

#define LOADING_PATH_ROWS 4	/* most rows the file name takes; beyond, its start goes */

void loading_draw(const struct loading *l, struct screen *s)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	uint64_t done = atomic_load(&((struct loading *)l)->done_bytes);
	uint64_t total = atomic_load(&((struct loading *)l)->total_bytes);
	int phase = atomic_load(&((struct loading *)l)->phase);
	double secs = seconds_since(&l->start), rate = secs > 0 ? (double)done / secs : 0;
	int w = s->w - 4 < 60 ? s->w - 4 : 60, x, y, path_rows = 0;
	char line[256], fit[256], a[32], b[32], c[32], eta[32];
	const char *path = l->path, *p;

	if (w < 20)
		w = s->w;
	x = (s->w - w) / 2;
	/* The file name whole: on the title line, else on rows of its own, its end kept. */
	snprintf(line, sizeof(line), "memtui: loading %s", path);
	if (screen_text_width(s, line) > w) {
		for (p = path; *p && path_rows < LOADING_PATH_ROWS; path_rows++)
			p += path_row_len(s, p, w);
		while (*p) {
			path += path_row_len(s, path, w);
			p += path_row_len(s, p, w);
		}
	}
	y = s->h / 2 - 2 - path_rows / 2;
	if (y < 0)
		y = 0;
	screen_clear(s);
	if (path_rows) {
		screen_text(s, x, y++, w, "memtui: loading", ROLE_TITLE);
		for (int i = 0; i < path_rows; i++) {
			size_t n = path_row_len(s, path, w);

			screen_textn(s, x, y++, w, path, n, ROLE_TITLE);
			path += n;
		}
	} else {
		screen_text(s, x, y++, w, line, ROLE_TITLE);
	}
	if (total && done > total)
		done = total;
	if (w > 10)
		for (int i = 0; i < w; i++) {
			uint64_t fill = total ? done * (uint64_t)w * 8 / total : 0;
			int64_t cell = (int64_t)fill - (int64_t)i * 8;

			screen_put(s, x + i, y, g->bar[cell >= 8 ? 8 : cell <= 0 ? 0 : cell],
				   ROLE_BAR);
		}
	if (rate > 0 && total > done)
		fmt_duration((double)(total - done) / rate, eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "-");
	fmt_bytes((int64_t)done, a, sizeof(a));
	fmt_bytes((int64_t)total, b, sizeof(b));
	fmt_bytes((int64_t)rate, c, sizeof(c));
	snprintf(line, sizeof(line), "%s of %s  %3d%%  %s/s  ETA %s", a, b,
		 total ? (int)(done * 100 / total) : 0, c, eta);
	screen_fit_fields(s, line, w, fit, sizeof(fit));
	screen_text(s, x, y + 1, w, fit, ROLE_NORMAL);
	if (atomic_load(&((struct loading *)l)->cancel))
		snprintf(line, sizeof(line), "cancelling...");
	else if (phase == PHASE_ANALYSING)
		snprintf(line, sizeof(line), "analysing (peak, leaks, trees)...");
	else
		snprintf(line, sizeof(line), "Ctrl-C, q or Esc cancels");
	screen_fit_fields(s, line, w, fit, sizeof(fit));
	screen_text(s, x, y + 3, w, fit, ROLE_DIM);
}

int loading_finish(struct loading *l, struct capture **cap, struct explore **ex,
		   struct mt_error *err)
{
	int rc;

	if (atomic_load(&l->cancel) &&
	    atomic_load_explicit(&l->phase, memory_order_acquire) == PHASE_ANALYSING) {
		/* Nobody waits for an analysis the user cancelled; l stays the worker's. */
		pthread_detach(l->thread);
		*cap = NULL;
		*ex = NULL;
		rc = mt_error_set(err, MT_ERR_CANCELLED, MT_NO_OFFSET, "cancelled");
		err->path = l->path;
		return rc;
	}
	pthread_join(l->thread, NULL);
	rc = l->rc;
	if (rc == 0 && atomic_load(&l->cancel)) {
		/* Cancelled while analysing: the user asked not to wait for this. */
		explore_release(l->ex);
		free(l->ex);
		capture_free(l->cap);
		l->ex = NULL;
		l->cap = NULL;
		rc = mt_error_set(&l->err, MT_ERR_CANCELLED, MT_NO_OFFSET, "cancelled");
		l->err.path = l->path;
	}
	*cap = l->cap;
	*ex = l->ex;
	if (rc < 0)
		*err = l->err;
	free(l);
	return rc;
}
