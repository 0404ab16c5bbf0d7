/*
 * Unit tests of the capture model and the analyses on captures built by hand
 * through the builder: interning (wide stacks too), the event log across chunk and checkpoint
 * boundaries (against a naive replay), both peak rules, time marks, leak
 * suppressions, top locations under both rules, both tree directions,
 * thread frames (trees merged over threads, the filter, per-thread sums), and
 * events applied on the builder's thread equal to events applied in line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "same_capture.h"
#include "fold.h"
#include "snapshot.h"
#include "threads.h"
#include "top.h"
#include "tree.h"

TEST(interning)
{
	struct capture_builder *b = capture_builder_new();
	uint32_t f1 = FX_FRAME(b, "/bin/prog`main@a.c:1");
	uint32_t f2 = FX_FRAME(b, "/bin/prog`main@a.c:1");
	uint32_t f3 = FX_FRAME(b, "/bin/prog`main@a.c:2");
	/* Direct builder calls: the builder's stack interning is what is tested. */
	uint32_t s1 = capture_builder_stack(b, 0, f1);
	uint32_t s2 = capture_builder_stack(b, 0, f2);
	uint32_t s3 = capture_builder_stack(b, s1, f3);
	struct capture *cap;

	CHECK(f1 == f2 && f1 != f3);
	CHECK(s1 == s2 && s3 != s1);
	cap = capture_builder_finish(b);
	CHECK(capture_stack(cap, s3)->parent == s1);
	CHECK(capture_stack(cap, s3)->depth == 2);
	CHECK(capture_stack_find(cap, s1, f3) == s3);
	CHECK(capture_stack_find(cap, s3, f3) == UINT32_MAX);
	capture_free(cap);
}

/*
 * A stack with many children (past STACK_LIST_MAX, when they move from its
 * list to the hash table) and its children's own: every one is found again,
 * before the move, across it and after the capture is finished.
 */
TEST(interning_wide)
{
	struct capture_builder *b = capture_builder_new();
	uint32_t frames[40], kids[40], grand[40], parent;
	struct capture *cap;
	char name[64];

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/bin/prog`f%d@a.c:%d", i, i + 1);
		frames[i] = FX_FRAME(b, name);
	}
	parent = capture_builder_stack(b, 0, frames[0]);
	for (int i = 0; i < 40; i++) {
		kids[i] = capture_builder_stack(b, parent, frames[i]);
		grand[i] = capture_builder_stack(b, kids[i], frames[(i + 1) % 40]);
		/* Every child so far is found again, whether listed or in the table. */
		for (int k = 0; k <= i; k++)
			CHECK(capture_builder_stack(b, parent, frames[k]) == kids[k]);
	}
	cap = capture_builder_finish(b);
	for (int i = 0; i < 40; i++) {
		CHECK(capture_stack_find(cap, parent, frames[i]) == kids[i]);
		CHECK(capture_stack_find(cap, kids[i], frames[(i + 1) % 40]) == grand[i]);
		CHECK(capture_stack_find(cap, kids[i], frames[(i + 2) % 40]) == UINT32_MAX);
		CHECK(capture_stack(cap, grand[i])->parent == kids[i]);
	}
	CHECK(capture_stack_find(cap, grand[3], frames[0]) == UINT32_MAX);
	capture_free(cap);
}

/* Heap goes 10, 30 (peak), 20, 30 (equal peak), 0: the rules pick events 1 and 3. */
static struct capture *two_peaks(enum peak_rule rule)
{
	struct capture_builder *b = capture_builder_new();

	capture_builder_meta(b)->peak_rule = rule;	/* direct: the rule is a parameter */
	FX_ADD(b, "frames: /bin/prog`@f.c:1",
		  "time: 5", "f +10", "f +20",
		  "time: 9", "f -10", "f +10", "f -30 x2 temp");
	return capture_builder_finish(b);
}

TEST(peak_rules)
{
	struct capture *first = two_peaks(PEAK_FIRST_MAX), *last = two_peaks(PEAK_LAST_MAX);

	CHECK_EQ_I64(capture_totals(first)->peak_bytes, 30);
	CHECK_EQ_I64(capture_totals(first)->peak_ev_idx, 1);
	CHECK_EQ_I64(capture_time_at(first, 1), 5);
	CHECK_EQ_I64(capture_totals(last)->peak_ev_idx, 3);
	CHECK_EQ_I64(capture_time_at(last, 3), 9);
	CHECK_EQ_I64(capture_totals(last)->alloc_count, 3);
	CHECK_EQ_I64(capture_totals(last)->alloc_bytes, 40);
	CHECK_EQ_I64(capture_totals(last)->temporary_count, 1);
	CHECK_EQ_I64(capture_totals(last)->end_bytes, 0);
	CHECK_EQ_I64(capture_totals(last)->end_count, 0);
	capture_free(first);
	capture_free(last);
}

TEST(log_matches_naive_replay)
{
	enum { STACKS = 300, EVENTS = 2600000, PROBES = 12 };
	struct capture_builder *b = capture_builder_new();
	uint32_t *stacks = malloc(STACKS * sizeof(*stacks));
	int64_t *live = calloc(STACKS, sizeof(*live));
	uint64_t probe_at[PROBES];
	int64_t *probe_live = calloc((size_t)PROBES * STACKS, sizeof(*probe_live));
	uint64_t x = 88172645463325252ULL;
	struct capture *cap;
	int p = 0;

	for (int i = 0; i < PROBES; i++)
		probe_at[i] = (uint64_t)i * (EVENTS / PROBES) + (uint64_t)i * 7919;
	probe_at[PROBES - 1] = EVENTS - 1;
	stacks[0] = 0;
	for (int i = 1; i < STACKS; i++) {
		char frame[40];

		snprintf(frame, sizeof(frame), "/bin/prog`fn%d@x.c:%d", i, i);
		stacks[i] = FX_STACK(b, stacks[(i - 1) / 3], frame);
	}
	/* Direct builder calls: 2.6M generated events on stack ids. */
	for (uint64_t e = 0; e < EVENTS; e++) {
		uint32_t k;
		int64_t bytes;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (uint32_t)(x % STACKS);
		bytes = (int64_t)(x >> 40) % 100000;
		if (live[k] > bytes && (x & 1)) {
			capture_builder_event(b, stacks[k], -bytes, -1, 0);
			live[k] -= bytes;
		} else {
			capture_builder_event(b, stacks[k], bytes, 1, EV_ALLOC);
			live[k] += bytes;
		}
		if (p < PROBES && e == probe_at[p]) {
			for (int s = 0; s < STACKS; s++)
				probe_live[(size_t)p * STACKS + s] = live[s];
			p++;
		}
	}
	cap = capture_builder_finish(b);
	CHECK_EQ_I64(capture_totals(cap)->events, EVENTS);
	for (int i = 0; i < PROBES; i++) {
		struct snapshot snap;
		int bad = 0;

		snapshot_live_at(&snap, cap, probe_at[i]);
		for (int s = 0; s < STACKS; s++)
			bad += snap.bytes[stacks[s]] != probe_live[(size_t)i * STACKS + s];
		CHECK_EQ_I64(bad, 0);
		snapshot_release(&snap);
	}
	free(stacks);
	free(live);
	free(probe_live);
	capture_free(cap);
}

/* main -> work -> {leaf_a 100 live, leaf_b 50 live}; main -> cache 7 (suppressed). */
static struct capture *small_tree(enum top_rule rule)
{
	struct capture_builder *b = capture_builder_new();

	/* Direct: a parameter and a suppression, which fixture lines do not express. */
	capture_builder_meta(b)->top_rule = rule;
	capture_builder_suppression(b, "tzset_internal");
	FX_ADD(b, "frames: /bin/prog`",
		  "main@m.c:1;work@w.c:10;leaf_a@w.c:20 +60",
		  "main@m.c:1;work@w.c:10;leaf_a@w.c:21 +40",
		  "main@m.c:1;work@w.c:10;leaf_b@w.c:30 +50",
		  "main@m.c:1;work@w.c:10;leaf_b@w.c:30 +5",
		  "main@m.c:1;work@w.c:10;leaf_b@w.c:30 -5",
		  "main@m.c:1;tzset_internal@t.c:3 +7");
	return capture_builder_finish(b);
}

TEST(leaks_suppressed)
{
	struct capture *cap = small_tree(TOP_INNERMOST_FRAME);
	struct snapshot leaks, supp;

	snapshot_leaks(&leaks, cap, &supp);
	CHECK_EQ_I64(leaks.total_bytes, 150);
	CHECK_EQ_I64(leaks.total_count, 3);
	CHECK_EQ_I64(supp.total_bytes, 7);
	CHECK_EQ_I64(supp.total_count, 1);
	snapshot_release(&leaks);
	snapshot_release(&supp);
	capture_free(cap);
}

TEST(top_rules)
{
	struct capture *cap = small_tree(TOP_INNERMOST_FRAME);
	struct snapshot peak, calls;
	struct top_list top;

	snapshot_peak(&peak, cap);
	snapshot_allocated(&calls, cap, 0, capture_totals(cap)->events);
	CHECK_EQ_I64(peak.total_bytes, 157);
	top_locations(&top, cap, &peak, &calls);
	CHECK_EQ_I64(top.n, 4);
	CHECK(!strcmp(top.entries[0].function, "leaf_a"));
	CHECK_EQ_I64(top.entries[0].line, 20);
	CHECK_EQ_I64(top.entries[0].bytes, 60);
	CHECK(!strcmp(top.entries[1].function, "leaf_b"));
	CHECK_EQ_I64(top.entries[1].allocations, 2);	/* calls over the run */
	top_list_release(&top);
	snapshot_release(&peak);
	snapshot_release(&calls);
	capture_free(cap);
}

TEST(trees)
{
	struct capture *cap = small_tree(TOP_INNERMOST_FRAME);
	struct snapshot peak;
	struct tree td, bu;
	const struct tree_node *main_node, *work, *leaf;

	snapshot_peak(&peak, cap);
	tree_build(&td, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(&td, TREE_ORDER_SIZE);
	CHECK_EQ_I64(td.nodes[0].total_bytes, 157);
	main_node = &td.nodes[td.nodes[0].first_child];
	CHECK_EQ_I64(main_node->total_bytes, 157);
	work = &td.nodes[main_node->first_child];
	CHECK_EQ_I64(work->total_bytes, 150);
	leaf = &td.nodes[work->first_child];
	/* leaf_a at lines 20 and 21 merge into one node by function. */
	CHECK_EQ_I64(leaf->total_bytes, 100);
	CHECK_EQ_I64(leaf->total_count, 2);
	CHECK(leaf->next_sibling != TREE_NONE);
	CHECK_EQ_I64(td.nodes[leaf->next_sibling].total_bytes, 50);

	tree_build(&bu, cap, &peak, TREE_BOTTOM_UP, NULL);
	tree_sort(&bu, TREE_ORDER_SIZE);
	CHECK_EQ_I64(bu.nodes[0].total_bytes, 157);
	leaf = &bu.nodes[bu.nodes[0].first_child];
	CHECK_EQ_I64(leaf->total_bytes, 100);	/* leaf_a first, its callers below */
	CHECK_EQ_I64(bu.nodes[leaf->first_child].total_bytes, 100);
	/* Keys are stable identities: same path, same key, across builds. */
	{
		struct tree td2;

		tree_build(&td2, cap, &peak, TREE_TOP_DOWN, NULL);
		CHECK(td2.nodes[td2.nodes[0].first_child].key == main_node->key);
		tree_release(&td2);
	}
	tree_release(&td);
	tree_release(&bu);
	snapshot_release(&peak);
	capture_free(cap);
}

/*
 * Threads 1 and 2 both run main;work (100 and 50 bytes), thread 2 also main
 * (7), thread 1 allocates 3 bytes with no call frame: the trees are as if
 * there were no threads, a filter keeps one thread's, the table adds up.
 */
TEST(threads)
{
	struct capture_builder *b = capture_builder_new();
	uint32_t fm = FX_FRAME(b, "/bin/prog`main@a.c:1"), fw = FX_FRAME(b, "/bin/prog`work@a.c:2");
	uint32_t t1 = capture_builder_thread_stack(b, 1), t2 = capture_builder_thread_stack(b, 2);
	uint32_t s1 = capture_builder_stack(b, capture_builder_stack(b, t1, fm), fw);
	uint32_t s3 = capture_builder_stack(b, t2, fm), s2 = capture_builder_stack(b, s3, fw);
	struct thread_filter only2 = { 0 };
	struct thread_table tt;
	struct snapshot peak, w, none = { 0 };
	uint32_t *rep;
	struct tree td, bu;
	struct capture *cap;

	capture_builder_event(b, s1, 100, 1, EV_ALLOC);
	capture_builder_event(b, s2, 50, 1, EV_ALLOC);
	capture_builder_event(b, s3, 7, 1, EV_ALLOC);
	capture_builder_event(b, t1, 3, 1, EV_ALLOC);
	cap = capture_builder_finish(b);
	CHECK(capture_thread_stacks(cap) == 2);
	CHECK(capture_stack_thread(cap, s1) == t1 && capture_stack_thread(cap, s2) == t2);
	CHECK(capture_stack_thread(cap, t1) == t1 && capture_stack_thread(cap, 0) == 0);
	CHECK(capture_stack_call_depth(cap, s1) == 2 && capture_stack_call_depth(cap, t2) == 0);
	snapshot_peak(&peak, cap);
	tree_build(&td, cap, &peak, TREE_TOP_DOWN, NULL);
	CHECK_EQ_I64(td.nodes[0].total_bytes, 160);
	CHECK_EQ_I64(td.nodes[0].self_bytes, 3);
	CHECK(td.nodes[td.nodes[0].first_child].next_sibling == TREE_NONE);	/* one main */
	CHECK_EQ_I64(td.nodes[td.nodes[0].first_child].total_bytes, 157);
	tree_build(&bu, cap, &peak, TREE_BOTTOM_UP, NULL);
	CHECK_EQ_I64(bu.nodes[0].total_bytes, 160);
	CHECK_EQ_I64(bu.nodes[0].self_bytes, 3);
	tree_sort(&bu, TREE_ORDER_SIZE);
	CHECK_EQ_I64(bu.nodes[bu.nodes[0].first_child].total_bytes, 150);	/* one work */
	thread_filter_add(&only2, t2);
	snapshot_dup(&w, &peak);
	thread_filter_apply(&only2, cap, &w);
	CHECK_EQ_I64(w.total_bytes, 57);
	rep = fold_stack_reps(NULL, cap);	/* one path over threads: one representative */
	CHECK(rep[s1] == s1 && rep[s2] == s1 && rep[t1] == 0 && rep[t2] == 0);
	free(rep);
	thread_table_compute(&tt, cap, &peak, &peak, &none);
	CHECK(tt.n == 2);
	CHECK_EQ_I64(tt.rows[0].peak_bytes + tt.rows[1].peak_bytes, 160);
	CHECK_EQ_I64(tt.rows[1].peak_bytes, 57);
	CHECK_EQ_I64(tt.rows[0].alloc_count + tt.rows[1].alloc_count, 4);
	CHECK(thread_table_find(&tt, "2") == 1 && thread_table_find(&tt, "x") == -1);
	thread_table_release(&tt);
	snapshot_release(&w);
	thread_filter_release(&only2);
	tree_release(&td);
	tree_release(&bu);
	snapshot_release(&peak);
	capture_free(cap);
}

/*
 * One stream of events, stacks made along the way, time marks, a stage mark
 * and the leak table, into a builder that applies events on its own thread
 * (capture_builder_threaded) or in line: the two captures must be equal in
 * everything the events make.  1.3 M events: batches of the pipe wrap its
 * ring several times, and the log crosses a checkpoint.
 */
static struct capture *pipe_stream(bool threaded, bool streamed, enum peak_rule rule)
{
	enum { EVENTS = 1300000 };
	struct capture_builder *b = capture_builder_new();
	uint32_t stacks[64], n = 1, frame = FX_FRAME(b, "/bin/prog`fn@x.c:1");
	uint64_t x = 88172645463325252ULL, alloc_ev[64] = { 0 };
	int64_t live[64] = { 0 };
	struct event run[5];

	if (threaded)
		capture_builder_threaded(b);
	if (streamed)
		capture_builder_streamed(b);
	capture_builder_meta(b)->peak_rule = rule;
	capture_builder_leaks_known(b);
	stacks[0] = capture_builder_stack(b, 0, frame);
	for (uint64_t e = 0; e < EVENTS;) {
		uint32_t k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (n < 64 && x % 20000 == 0) {
			/* a new stack while events are in flight */
			stacks[n] = capture_builder_stack(b, stacks[n - 1], frame);
			n++;
		}
		if (x % 20000 == 1)
			capture_builder_time(b, (int64_t)(e / 1000));
		if (e == 700001)
			capture_builder_mark(b, "middle");
		k = (uint32_t)(x % n);
		if (live[k]) {
			CHECK_EQ_I64(capture_builder_events(b), e);
			capture_builder_event(b, stacks[k], -live[k], -1,
					      x & 2 ? EV_TEMPORARY : 0);
			live[k] = 0;
			e++;
		} else if (x & 4) {
			alloc_ev[k] = capture_builder_events(b);
			capture_builder_event(b, stacks[k], (int64_t)(x >> 44) + 1, 1, EV_ALLOC);
			live[k] = (int64_t)(x >> 44) + 1;
			e++;
		} else {
			/* a run: allocations on one stack, freed at once */
			for (int i = 0; i < 5; i++)
				run[i] = (struct event){ stacks[k], i < 2 ? EV_ALLOC : 0,
							 i < 2 ? 10 : i == 2 ? -20 : 0,
							 i < 2 ? 1 : i == 2 ? -2 : 0 };
			capture_builder_event_run(b, run, 5);
			e += 5;
		}
	}
	for (uint32_t k = 0; k < n; k++)
		if (live[k])
			capture_builder_leak(b, alloc_ev[k], stacks[k], live[k], 1);
	return capture_builder_finish(b);
}

TEST(event_pipe_equals_inline)
{
	struct capture *a = pipe_stream(false, false, PEAK_FIRST_MAX),
		       *t = pipe_stream(true, false, PEAK_FIRST_MAX);
	size_t n;

	CHECK_EQ_I64(captures_differ(a, t), 0);
	CHECK(capture_totals(t)->events >= 1300000);
	CHECK(capture_checkpoint_count(t) >= 2);
	CHECK(capture_leaks(t, &n) && n > 0);
	CHECK(capture_time_marks(t, &n) && n > 10);
	CHECK(capture_stage_marks(t, &n)->ev_idx > 700000 && n == 1);
	capture_free(a);
	capture_free(t);
}

/*
 * The same stream into a builder that keeps no log (capture_builder_streamed),
 * on the events' thread and in line, under both peak rules: everything but
 * the log as when it is kept, the live figures at the peak and at the end
 * too (the stream's runs put peaks inside a run of events, and its peak
 * comes after stacks were made on the way).
 */
TEST(streamed_equals_kept)
{
	for (int rule = 0; rule < 2; rule++) {
		enum peak_rule r = rule ? PEAK_LAST_MAX : PEAK_FIRST_MAX;
		struct capture *k = pipe_stream(false, false, r), *s = pipe_stream(false, true, r),
			       *t = pipe_stream(true, true, r);
		size_t n = capture_stack_count(s);
		int64_t *peak = calloc(n, sizeof(*peak)), *end = calloc(n, sizeof(*end)),
			*c = calloc(n, sizeof(*c));

		CHECK_EQ_I64(streamed_differs(k, s), 0);
		CHECK_EQ_I64(streamed_differs(k, t), 0);
		CHECK(capture_totals(s)->peak_ev_idx > 1000);
		CHECK_EQ_I64(capture_chunk_count(s), 0);
		/* the two moments are not one */
		capture_live_at(s, capture_totals(s)->peak_ev_idx, peak, c);
		capture_live_at(s, capture_totals(s)->events - 1, end, c);
		CHECK(memcmp(peak, end, n * sizeof(*peak)) != 0);
		free(peak);
		free(end);
		free(c);
		capture_free(k);
		capture_free(s);
		capture_free(t);
	}
}

/*
 * One stream of allocations and frees of (stack, size) pairs, given as key
 * events (capture_builder_key_run, threaded or not) or as the plain events
 * they stand for: 70,000 pairs, so keys cross a block of definitions, some
 * defined and stacks made while events are in flight, runs of up to 40 key
 * events, time marks between them.
 */
static struct capture *key_stream(bool keyed, bool threaded, bool streamed, enum peak_rule rule)
{
	enum { EVENTS = 1300000, PAIRS = 70000 };
	struct capture_builder *b = capture_builder_new();
	uint32_t stacks[64], n_stacks = 1, n_keys = 0, frame = FX_FRAME(b, "/bin/prog`fn@x.c:1");
	uint32_t *pair_stack = calloc(PAIRS, sizeof(*pair_stack)), run[40];
	int64_t *pair_bytes = calloc(PAIRS, sizeof(*pair_bytes)), *live = calloc(PAIRS, 8);
	uint64_t x = 88172645463325252ULL, last = UINT64_MAX;

	if (threaded)
		capture_builder_threaded(b);
	if (streamed)
		capture_builder_streamed(b);
	capture_builder_meta(b)->peak_rule = rule;
	stacks[0] = capture_builder_stack(b, 0, frame);
	for (uint64_t e = 0; e < EVENTS;) {
		size_t n = 0, want;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (n_stacks < 64 && x % 20000 == 0) {
			stacks[n_stacks] = capture_builder_stack(b, stacks[n_stacks - 1], frame);
			n_stacks++;
		}
		while (n_keys < PAIRS && (n_keys < 60000 || x % 50 == 0)) {
			uint32_t st = stacks[(n_keys * 7 + x) % n_stacks];
			/* a third of the pairs of 0 bytes */
			int64_t size = n_keys % 3 ? (int64_t)((x >> 20) % 5000) + 1 : 0;

			if (keyed)
				CHECK_EQ_I64(capture_builder_key(b, st, size), n_keys);
			pair_stack[n_keys] = st;
			pair_bytes[n_keys++] = size;
			x = x * 6364136223846793005ULL + 1;
		}
		if (x % 5000 == 1)
			capture_builder_time(b, (int64_t)(e / 1000));
		CHECK_EQ_I64(capture_builder_events(b), e);
		for (want = 1 + (x >> 8) % 40; n < want; n++) {
			/* the last allocation freed at once now and then: a temporary */
			bool again = last != UINT64_MAX && x % 4 == 0;
			uint32_t k = again ? (uint32_t)last : (uint32_t)((x >> 24) % n_keys);
			/* A growing heap for a while, so that peaks fall inside runs. */
			bool alloc = !live[k] || (e < 400000 && x % 3 == 0);
			unsigned kind = alloc	    ? KEY_ALLOC
					: last == k ? KEY_FREE_TEMPORARY
						    : KEY_FREE;

			live[k] += alloc ? 1 : -1;
			last = alloc ? k : UINT64_MAX;
			if (keyed) {
				run[n] = KEY_EVENT(k, kind);
			} else {
				capture_builder_event(b, pair_stack[k],
						      alloc ? pair_bytes[k] : -pair_bytes[k],
						      alloc ? 1 : -1,
						      alloc			  ? EV_ALLOC
						      : kind == KEY_FREE_TEMPORARY ? EV_TEMPORARY
										  : 0);
			}
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		}
		if (keyed)
			capture_builder_key_run(b, run, n);
		e += n;
	}
	free(pair_stack);
	free(pair_bytes);
	free(live);
	return capture_builder_finish(b);
}

/*
 * Key events are the events they stand for: streamed (summed per key,
 * folded into the stacks at the end), the same figures as the plain events
 * kept, at the peak, at the end and per stack, on the events' thread and
 * in line, under both peak rules.
 */
TEST(keyed_equals_plain)
{
	for (int rule = 0; rule < 2; rule++) {
		enum peak_rule r = rule ? PEAK_LAST_MAX : PEAK_FIRST_MAX;
		struct capture *plain = key_stream(false, false, false, r),
			       *in_line = key_stream(true, false, true, r),
			       *threaded = key_stream(true, true, true, r);

		CHECK_EQ_I64(streamed_differs(plain, in_line), 0);
		CHECK_EQ_I64(streamed_differs(plain, threaded), 0);
		CHECK(capture_totals(threaded)->peak_ev_idx > 1000);
		CHECK(capture_totals(threaded)->temporary_count > 1000);
		CHECK(capture_totals(threaded)->end_count > 0);
		capture_free(plain);
		capture_free(in_line);
		capture_free(threaded);
	}
}

/* More frees than allocations on a stack flag the capture; a balanced one does not. */
static void test_inconsistent_frees(void)
{
	struct capture *ok = FX_CAPTURE("a;b +100", "a;b -100", "a;c +8"),
		       *bad = FX_CAPTURE("a;b +100", "a;b -100", "a;b -100 x3", "a;c +8");

	CHECK(!capture_meta(ok)->inconsistent);
	CHECK(capture_meta(bad)->inconsistent);
	CHECK(!strcmp(capture_meta(bad)->inconsistent_why,
		      "3 more frees than allocations on 1 call stack: leaks are negative there"));
	CHECK_EQ_I64(capture_totals(bad)->end_count, -2);	/* as recorded */
	capture_free(ok);
	capture_free(bad);
}

int main(void)
{
	RUN(interning);
	RUN(interning_wide);
	RUN(peak_rules);
	RUN(log_matches_naive_replay);
	RUN(leaks_suppressed);
	RUN(top_rules);
	RUN(trees);
	RUN(threads);
	RUN(inconsistent_frees);
	RUN(event_pipe_equals_inline);
	RUN(streamed_equals_kept);
	RUN(keyed_equals_plain);
	return CHECK_DONE();
}
