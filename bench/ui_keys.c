/*
 * ui_keys: key -> redrawn frame latency of the explorer on a big tree.
 *
 *	bench_ui_keys [--size WxH] [--fanout F --depth D | FILE]
 *	bench_ui_keys [--size WxH] --first-keys FILE
 *	bench_ui_keys [--size WxH] --during-build FILE
 *
 * Without FILE it builds a capture in memory whose top-down tree at the peak
 * has 1 + F + F^2 + ... + F^D nodes (default 10 and 6: 1,111,111), every
 * leaf allocating once and every other leaf freed (so leaks differ from the
 * peak).  With FILE it loads that capture (e.g. the capture bench/bigtree.sh writes).
 *
 * The explorer runs on the memory screen, the same loop and views as on a
 * terminal; each measured step is explorer_key() plus explorer_draw(), i.e. the key
 * handled and the whole frame drawn into the grid (everything but the
 * terminal's own output, which curses limits to the changed cells).  Keys
 * are grouped: navigation on the collapsed tree, navigation on the fully
 * expanded tree (every node a row), and one-off operations that rebuild
 * something (expand all, search, metric, invert, sort).  For each group it
 * prints count, median, p99 and max in milliseconds.
 *
 * --first-keys (bench/explorer.sh): the time to the first screen of FILE
 * (load, analyses, first frame, each printed) and then the first press of
 * each of m, i, 2, 3, 4, z, s, 5, 6 and x, and of the keys that end a
 * sequence (Enter in T, over view 1 and over view 6; t in the stage table;
 * d between two stages; a resize of the timeline), each from the first
 * screen (a new explorer over
 * the same analyses, so what an earlier key built and kept is reused, as in
 * a session that pressed it before), as a terminal runs it (builds in a
 * worker): how long the key and its frame blocked the screen, and how long
 * until the frame with the key's result (m's line comes from --during-build,
 * which runs first so that m finds its tree unbuilt).
 *
 * --during-build: key-to-frame latency while a build runs in a worker.  It
 * presses m on the first screen and then, while explorer_busy() says the
 * metric's tree is still being built, a navigation key every 5 ms, timing
 * each.  When the tree is ready before m returns there is nothing to time
 * and it says so (MEMTUI_BUILD_DELAY_MS, read by the explorer for tests,
 * lengthens builds).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explorer.h"
#include "capture_builder.h"
#include "explore.h"
#include "keys.h"
#include "registry.h"
#include "replay.h"
#include "screen_mem.h"
#include "xalloc.h"

struct samples {
	const char *name;
	double *ms;
	size_t n, cap;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One key handled and the frame redrawn; the time goes to s. */
static void step(struct explorer *e, struct samples *s, int key)
{
	double t0 = now_ms();

	explorer_key(e, key);
	explorer_draw(e);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->ms = xrealloc_array(s->ms, s->cap, sizeof(*s->ms));
	}
	s->ms[s->n++] = now_ms() - t0;
}

static void keys(struct explorer *e, struct samples *s, const char *seq)
{
	struct mem_key *k;
	size_t n;
	struct mt_error err = { 0 };

	if (replay_parse(seq, &k, &n, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return;
	}
	for (size_t i = 0; i < n; i++)
		step(e, s, k[i].key);
	free(k);
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(struct samples *s)
{
	size_t p99;

	if (!s->n)
		return;
	qsort(s->ms, s->n, sizeof(*s->ms), cmp_double);
	p99 = (size_t)((double)(s->n - 1) * 0.99 + 0.5);
	printf("%-34s %6zu %9.3f %9.3f %9.3f\n", s->name, s->n, s->ms[s->n / 2], s->ms[p99],
	       s->ms[s->n - 1]);
	free(s->ms);
}

struct synth {
	struct capture_builder *b;
	unsigned fanout, depth;
	uint32_t *frames;	/* level * fanout + position */
	uint32_t *leaves;	/* leaf stacks, in order */
	uint64_t n_leaves, cap_leaves;
};

/* Stacks for every path of a full F-ary tree of depth D; each leaf allocates once. */
static void synth_level(struct synth *y, uint32_t parent, unsigned level)
{
	for (unsigned j = 0; j < y->fanout; j++) {
		uint32_t s = capture_builder_stack(y->b, parent, y->frames[level * y->fanout + j]);

		if (level + 1 < y->depth) {
			synth_level(y, s, level + 1);
			continue;
		}
		capture_builder_event(y->b, s, 32 * (int64_t)(y->fanout - j) +
					       (int64_t)(y->n_leaves % 31), 1, EV_ALLOC);
		if (y->n_leaves == y->cap_leaves) {
			y->cap_leaves = y->cap_leaves ? y->cap_leaves * 2 : 1024;
			y->leaves = xrealloc_array(y->leaves, y->cap_leaves, sizeof(*y->leaves));
		}
		y->leaves[y->n_leaves++] = s;
	}
}

static struct capture *synthetic(unsigned fanout, unsigned depth)
{
	struct synth y = { capture_builder_new(), fanout, depth, NULL, NULL, 0, 0 };
	struct capture_meta *m = capture_builder_meta(y.b);
	struct frame f = { 0 };
	char name[64];

	m->format = "heaptrack";
	capture_meta_set_str(&m->command, "synthetic tree");
	m->has_totals = true;
	m->has_event_stream = true;
	m->duration_ms = 1000;
	y.frames = xmalloc((size_t)fanout * depth * sizeof(*y.frames));
	for (unsigned k = 0; k < depth; k++) {
		for (unsigned j = 0; j < fanout; j++) {
			snprintf(name, sizeof(name), "L%u_f%u", k, j);
			f.function = capture_builder_cstring(y.b, name);
			snprintf(name, sizeof(name), "gen/level%u.c", k);
			f.file = capture_builder_cstring(y.b, name);
			f.line = j + 1;
			f.kind = FRAME_NATIVE;
			y.frames[k * fanout + j] = capture_builder_frame(y.b, &f);
		}
	}
	synth_level(&y, 0, 0);
	/* Free every other leaf after the peak: the leaks tree is half the peak's. */
	for (uint64_t i = 0; i < y.n_leaves; i += 2)
		capture_builder_event(y.b, y.leaves[i], -(32 * (int64_t)(fanout - i % fanout) +
						       (int64_t)(i % 31)), -1, 0);
	free(y.frames);
	free(y.leaves);
	return capture_builder_finish(y.b);
}

/*
 * One key on a new explorer of ex, after the keys of before (not timed), as
 * a terminal runs it: *blocked_ms is how long the key and its frame took,
 * *result_ms how long until the frame that shows the key's result (the
 * explorer polled every millisecond while a worker builds).
 */
static void first_key(struct screen *scr, struct explore *ex, const char *before, int key,
		      double *blocked_ms, double *result_ms)
{
	struct explorer *e = explorer_new(scr, ex, NULL);
	struct samples ignored = { "", NULL, 0, 0 };
	double t0;

	explorer_set_sync(e, true);
	explorer_draw(e);
	keys(e, &ignored, before);
	free(ignored.ms);
	explorer_set_sync(e, false);
	t0 = now_ms();
	explorer_key(e, key);
	explorer_draw(e);
	*blocked_ms = now_ms() - t0;
	while (explorer_busy(e)) {
		sleep_ms(1);
		explorer_key(e, MK_NONE);
	}
	explorer_draw(e);
	*result_ms = now_ms() - t0;
	explorer_free(e);
}

static void first_keys(struct screen *scr, struct explore *ex)
{
	static const struct {
		const char *before;
		int key;
		const char *what;
	} firsts[] = {
		{ "", 'i', "invert: the bottom-up tree" },
		{ "", '2', "flame graph" },
		{ "", '3', "timeline" },
		{ "", '4', "stages" },
		{ "2i", 'm', "after 2 i: next metric in the bottom-up flame graph" },
		{ "", 'z', "fold off: the unfolded tree" },
		{ "", 's', "sort by count" },
		{ "", '5', "view 5" },
		{ "", '6', "view 6" },
		{ "", 'x', "callers of the selected function" },
		{ "T<Space>", MK_ENTER, "threads: the first thread only" },
		{ "6T<Space>", MK_ENTER, "threads: the first thread only, over view 6" },
		{ "4", 't', "stages: merge repeated calls" },
		{ "4<Space>j", 'd', "stages: diff of two stages" },
		{ "3", MK_RESIZE, "timeline: the screen resized" },
	};

	for (size_t i = 0; i < sizeof(firsts) / sizeof(*firsts); i++) {
		double blocked, result;

		char name[32], label[40];

		first_key(scr, ex, firsts[i].before, firsts[i].key, &blocked, &result);
		if (firsts[i].key == MK_RESIZE)
			snprintf(name, sizeof(name), "resize");
		else
			keys_name(firsts[i].key, name, sizeof(name));
		snprintf(label, sizeof(label), "%s:", name);
		printf("first %-7s %9.1f ms blocked, %9.1f ms to the result  (%s%s%s)\n", label,
		       blocked, result, *firsts[i].before ? firsts[i].before : "",
		       *firsts[i].before ? " then the key: " : "", firsts[i].what);
	}
}

/*
 * The first m on the first screen, as a terminal runs it, with navigation
 * keys (one every 5 ms) while its tree is built in a worker; prints m's
 * times as first_keys() does, then the keys' latencies.
 */
static void during_build(struct screen *scr, struct explore *ex)
{
	struct explorer *e = explorer_new(scr, ex, NULL);
	struct samples nav = { "navigate while m builds", NULL, 0, 0 };
	static const int moves[] = { 'j', 'j', 'k', 'j', 'k', 'k' };
	double t0, blocked;
	size_t i = 0;

	explorer_draw(e);
	t0 = now_ms();
	explorer_key(e, 'm');
	explorer_draw(e);
	blocked = now_ms() - t0;
	while (explorer_busy(e)) {
		sleep_ms(5);
		step(e, &nav, moves[i++ % (sizeof(moves) / sizeof(*moves))]);
	}
	printf("first m: %9.1f ms blocked, %9.1f ms to the result  (next metric: its tree)\n",
	       blocked, now_ms() - t0);
	if (!nav.n) {
		printf("during build: nothing to measure: m's tree was ready when m returned "
		       "(MEMTUI_BUILD_DELAY_MS=N lengthens builds)\n");
	} else {
		printf("during build: %-21s %6s %9s %9s %9s\n", "(key + whole frame)", "n",
		       "median", "p99", "max ms");
		printf("during build: ");
		report(&nav);
	}
	explorer_free(e);
}

int main(int argc, char **argv)
{
	unsigned fanout = 10, depth = 6;
	int w = 120, h = 40;
	const char *file = NULL;
	enum { KEYS_ALL, KEYS_FIRST, KEYS_DURING_BUILD } mode = KEYS_ALL;
	struct capture *cap = NULL;
	struct explore ex;
	struct screen scr;
	struct explorer *e;
	double t0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fanout") && i + 1 < argc)
			fanout = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
			depth = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			replay_parse_size(argv[++i], &w, &h);
		else if (!strcmp(argv[i], "--first-keys"))
			mode = KEYS_FIRST;
		else if (!strcmp(argv[i], "--during-build"))
			mode = KEYS_DURING_BUILD;
		else
			file = argv[i];
	}
	if (mode != KEYS_ALL && !file) {
		fprintf(stderr, "bench: --first-keys and --during-build need a FILE\n");
		return 2;
	}
	t0 = now_ms();
	if (file) {
		struct mt_error err = { 0 };
		char msg[512];

		if (formats_load(file, NULL, &cap, &err) < 0) {
			mt_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "bench: %s\n", msg);
			return 2;
		}
	} else {
		cap = synthetic(fanout, depth);
	}
	printf("load %.0f ms", now_ms() - t0);
	t0 = now_ms();
	explore_init(&ex, cap, file ? file : "synthetic", NULL);
	printf(", analyses %.0f ms, peak tree %" PRIu32 " nodes, screen %dx%d\n", now_ms() - t0,
	       ex.trees[ex.folding][METRIC_PEAK][TREE_TOP_DOWN].t.n, w, h);
	screen_mem_init(&scr, w, h, true, NULL, 0);
	e = explorer_new(&scr, &ex, NULL);
	explorer_set_sync(e, true);	/* each key is timed with the build it needs */
	if (mode != KEYS_ALL) {
		t0 = now_ms();
		explorer_draw(e);
		printf("first frame %.1f ms\n", now_ms() - t0);
		during_build(&scr, &ex);
		if (mode == KEYS_FIRST)
			first_keys(&scr, &ex);
	} else {
		struct samples first = { "first frame (tree built)", NULL, 0, 0 };
		struct samples nav = { "navigate, tree as opened", NULL, 0, 0 };
		struct samples open = { "expand/collapse one node", NULL, 0, 0 };
		struct samples all = { "E: expand all", NULL, 0, 0 };
		struct samples big = { "navigate, every node a row", NULL, 0, 0 };
		struct samples srch = { "/ search (whole tree)", NULL, 0, 0 };
		struct samples coll = { "C: collapse all", NULL, 0, 0 };
		struct samples metric = { "m: metric (new tree, cached after)", NULL, 0, 0 };
		struct samples inv = { "i: invert (bottom-up tree)", NULL, 0, 0 };
		struct samples sort = { "s: sort order (re-sort in place)", NULL, 0, 0 };
		struct samples flame = { "flame: move, zoom in/out", NULL, 0, 0 };
		struct samples tl_open = { "3: timeline (one pass, first time)", NULL, 0, 0 };
		struct samples tl = { "timeline: move the cursor", NULL, 0, 0 };
		char seq[4096];

		t0 = now_ms();
		explorer_draw(e);
		first.ms = xmalloc(sizeof(double));
		first.ms[0] = now_ms() - t0;
		first.n = first.cap = 1;
		for (int r = 0; r < 20; r++)
			keys(e, &nav, "jjjjjjjjjjkkkkk<PgDn><PgDn><PgUp>Gg");
		for (int r = 0; r < 50; r++)
			keys(e, &open, "jlhlh");
		keys(e, &all, "gE");
		for (int r = 0; r < 20; r++)
			keys(e, &big, "jjjjjjjjjjkkkkk<PgDn><PgDn><PgUp><End><Home>jlhjhl");
		snprintf(seq, sizeof(seq), "/L%u_f3<Enter>", depth - 1);
		keys(e, &srch, "g");
		keys(e, &srch, seq);
		for (int r = 0; r < 20; r++)
			keys(e, &big, "nnnnnN");
		keys(e, &coll, "<Esc>C");
		keys(e, &metric, "mmmmm");
		keys(e, &inv, "ii");
		keys(e, &sort, "sss");
		keys(e, &flame, "2");
		for (int r = 0; r < 20; r++)
			keys(e, &flame, "jjjjlllhhh<Enter>jj<Enter><BS><BS>kkkk");
		keys(e, &tl_open, "3");
		for (int r = 0; r < 20; r++)
			keys(e, &tl, "hhhhhlllll<PgUp><PgDn>");
		printf("%-34s %6s %9s %9s %9s\n", "keys (each: key + whole frame)", "n", "median",
		       "p99", "max ms");
		report(&first);
		report(&nav);
		report(&open);
		report(&big);
		report(&all);
		report(&srch);
		report(&coll);
		report(&metric);
		report(&inv);
		report(&sort);
		report(&flame);
		report(&tl_open);
		report(&tl);
	}
	explorer_free(e);
	screen_release(&scr);
	explore_release(&ex);
	capture_free(cap);
	return 0;
}
