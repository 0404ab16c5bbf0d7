/*
 * Unit tests of the stage table (src/analysis/stages.h) on small synthetic captures:
 * every figure of stages_compute for the calls under a function, one row
 * per call and merged, F's own row, the outside row (never dropped), a free
 * of another stack inside a call, events of stacks without F inside a call
 * (which neither split nor close it), unnamed children and top allocators,
 * the per-row snapshots of the drill-down (what a row allocated, what of it
 * is alive at its end) and the rows' start and end, marks and slices (an
 * empty one carries the heap and a slice lasts its length), splits that
 * match nothing, the default split, the empty capture, the choice of F's
 * frames when two files define a function of that name (memray --native's
 * fallback stacks) with native frames skipped below a Python F, F named by
 * its C++ base name, the live-only rows of a capture without an event
 * stream, the labels of a narrow name column, and the exact leaked figures
 * of a leak table spread over the rows of every split (the stack rule when
 * there is none, a table dropped when it does not add up).
 *
 * The main capture (times in ms before the events they precede):
 *
 *	t=0  0 boot        +10 alloc        outside (not under main)
 *	     1 main>parse  +100 alloc       parse, call 1 opens
 *	t=2  2 main>parse  +50 alloc
 *	     3 main>parse  -100 free        parse's own free
 *	t=5  4 main>cal    +200 alloc       calibrate opens, parse's call closes
 *	     5 main>cal>h  +30 alloc
 *	t=7  6 boot        -10 free         a foreign free inside calibrate's window
 *	     7 main>cal    -200 free        calibrate's own: the free above is its
 *	t=9  8 main>parse  +60 alloc        parse, call 2
 *	     9 main        +5 alloc         main itself: closes the call; outside
 *	    10 main>parse  -50 free         no call open: outside
 *
 * Heap after each event: 10 110 160 60 260 290 280 80 140 145 95.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "snapshot.h"
#include "stages.h"

struct ids {
	uint32_t boot, main, parse, cal, helper;	/* stack ids */
};

static struct capture *staged(struct ids *s)
{
	/* has_totals and has_event_stream: true as in every new capture. */
	struct capture *cap = FX_CAPTURE("meta: format=heaptrack", "frames: @prog.c:1",
					 "time: 0", "boot +10", "main;parse +100",
					 "time: 2", "main;parse +50", "main;parse -100",
					 "time: 5", "main;calibrate +200",
					 "main;calibrate;helper +30",
					 "time: 7", "boot -10", "main;calibrate -200",
					 "time: 9", "main;parse +60", "main +5", "main;parse -50");

	s->boot = FX_FIND(cap, "boot");
	s->main = FX_FIND(cap, "main");
	s->parse = FX_FIND(cap, "main;parse");
	s->cal = FX_FIND(cap, "main;calibrate");
	s->helper = FX_FIND(cap, "main;calibrate;helper");
	return cap;
}

static void check_row(const struct stage_row *r, const char *name, uint32_t calls,
		      int64_t alloc_bytes, int64_t alloc_count, int64_t freed_bytes,
		      int64_t freed_count, int64_t net, int64_t cumulative, int64_t peak)
{
	CHECK(!strcmp(r->name, name));
	CHECK_EQ_I64(r->calls, calls);
	CHECK_EQ_I64(r->alloc_bytes, alloc_bytes);
	CHECK_EQ_I64(r->alloc_count, alloc_count);
	CHECK_EQ_I64(r->freed_bytes, freed_bytes);
	CHECK_EQ_I64(r->freed_count, freed_count);
	CHECK_EQ_I64(r->net_bytes, net);
	CHECK_EQ_I64(r->cumulative_bytes, cumulative);
	CHECK_EQ_I64(r->peak_bytes, peak);
}

TEST(under_each_call)
{
	struct ids s;
	struct capture *cap = staged(&s);
	struct stages st;
	struct stages_spec spec = { STAGES_UNDER, 0, "main", 0 };

	CHECK_EQ_I64(stages_compute(&st, cap, &spec), 0);
	CHECK_EQ_I64(st.n, 5);
	check_row(&st.rows[0], "parse", 1, 150, 2, 100, 1, 50, 60, 160);
	check_row(&st.rows[1], "calibrate", 1, 230, 2, 210, 2, 20, 80, 290);
	check_row(&st.rows[2], "parse", 1, 60, 1, 0, 0, 60, 140, 140);
	check_row(&st.rows[3], "<itself>", 1, 5, 1, 0, 0, 5, 145, 145);
	check_row(&st.rows[4], "<outside stages>", 0, 10, 1, 50, 1, -40, 95, 95);
	CHECK(st.rows[3].self && !st.rows[2].self && !st.rows[4].self);
	CHECK_EQ_I64(st.rows[0].first_ev, 1);
	CHECK_EQ_I64(st.rows[0].last_ev, 3);
	CHECK_EQ_I64(st.rows[1].first_ev, 4);
	CHECK_EQ_I64(st.rows[1].last_ev, 7);
	CHECK_EQ_I64(st.rows[0].start_ms, 0);
	CHECK_EQ_I64(st.rows[0].duration_ms, 2);
	CHECK_EQ_I64(st.rows[1].start_ms, 5);
	CHECK_EQ_I64(st.rows[1].duration_ms, 2);
	CHECK_EQ_I64(st.rows[2].start_ms, 9);
	CHECK_EQ_I64(st.rows[4].duration_ms, -1);
	/* Live at the end, by each stack's latest allocation. */
	CHECK_EQ_I64(st.rows[0].leaked_bytes, 0);
	CHECK_EQ_I64(st.rows[1].leaked_bytes, 30);
	CHECK_EQ_I64(st.rows[2].leaked_bytes, 60);
	CHECK_EQ_I64(st.rows[3].leaked_bytes, 5);
	CHECK_EQ_I64(st.rows[4].leaked_bytes, 0);
	CHECK(!strcmp(capture_string(cap, capture_frame(cap, st.rows[1].top_frame)->function),
		      "calibrate"));
	CHECK_EQ_I64(st.rows[1].top_bytes, 200);
	CHECK_EQ_I64(stages_row_start(&st, 0), 0);
	CHECK_EQ_I64(stages_row_end(&st, 0, cap), 3);
	CHECK_EQ_I64(stages_row_start(&st, 1), 3);
	CHECK_EQ_I64(stages_row_end(&st, 1, cap), 7);
	CHECK(stages_row_start(&st, 4) == UINT64_MAX);	/* outside: its first event is 0 */
	CHECK_EQ_I64(stages_row_end(&st, 4, cap), 10);
	CHECK(stages_under_exists(cap, "main"));
	CHECK(!stages_under_exists(cap, "helper"));
	CHECK(!stages_under_exists(cap, "nothing"));
	stages_release(&st);
	capture_free(cap);
}

TEST(under_merged)
{
	struct ids s;
	struct capture *cap = staged(&s);
	struct stages st;
	struct stages_spec spec = { STAGES_UNDER, 0, "main", STAGES_MERGE };

	stages_compute(&st, cap, &spec);
	CHECK_EQ_I64(st.n, 4);
	check_row(&st.rows[0], "parse", 2, 210, 3, 100, 1, 110, 140, 160);
	check_row(&st.rows[1], "calibrate", 1, 230, 2, 210, 2, 20, 80, 290);
	check_row(&st.rows[2], "<itself>", 1, 5, 1, 0, 0, 5, 145, 145);
	check_row(&st.rows[3], "<outside stages>", 0, 10, 1, 50, 1, -40, 95, 95);
	CHECK_EQ_I64(st.rows[0].duration_ms, 2);
	CHECK_EQ_I64(st.rows[0].leaked_bytes, 60);
	CHECK_EQ_I64(st.rows[0].leaked_count, 1);
	CHECK_EQ_I64(stages_row_start(&st, 0), 0);
	CHECK_EQ_I64(stages_row_end(&st, 0, cap), 8);
	stages_release(&st);
	capture_free(cap);
}

static void check_snap(const struct capture *cap, const struct stages_spec *spec, size_t k,
		       int64_t alloc_bytes, int64_t alloc_count, int64_t alive_bytes,
		       int64_t alive_count)
{
	struct stages st;
	struct snapshot all, alive;

	stages_compute(&st, cap, spec);
	stages_row_snapshots(&all, &alive, cap, spec, &st, k);
	CHECK_EQ_I64(all.total_bytes, alloc_bytes);
	CHECK_EQ_I64(all.total_count, alloc_count);
	CHECK_EQ_I64(alive.total_bytes, alive_bytes);
	CHECK_EQ_I64(alive.total_count, alive_count);
	/* The row's own allocations are exactly its allocated figures. */
	CHECK_EQ_I64(all.total_bytes, st.rows[k].alloc_bytes);
	CHECK_EQ_I64(all.total_count, st.rows[k].alloc_count);
	snapshot_release(&all);
	snapshot_release(&alive);
	stages_release(&st);
}

TEST(row_snapshots)
{
	struct ids s;
	struct capture *cap = staged(&s);
	struct stages_spec each = { STAGES_UNDER, 0, "main", 0 };
	struct stages_spec merged = { STAGES_UNDER, 0, "main", STAGES_MERGE };
	struct stages st;
	struct snapshot all, alive;

	/* parse, call 1: 150 on parse's stack, 50 of it live after event 3. */
	check_snap(cap, &each, 0, 150, 2, 50, 1);
	/* calibrate: 200 + 30; only helper's 30 is live after event 7. */
	check_snap(cap, &each, 1, 230, 2, 30, 1);
	/* parse, call 2: 60; the stack holds 110 then, capped at the call's own 60. */
	check_snap(cap, &each, 2, 60, 1, 60, 1);
	/* main itself: its 5, live at the end. */
	check_snap(cap, &each, 3, 5, 1, 5, 1);
	/* outside: boot's 10, freed. */
	check_snap(cap, &each, 4, 10, 1, 0, 0);
	/* merged parse: both calls' 210, and after its last event (8) 110 live in 2. */
	check_snap(cap, &merged, 0, 210, 3, 110, 2);
	/* Per stack, not only in total. */
	stages_compute(&st, cap, &each);
	stages_row_snapshots(&all, &alive, cap, &each, &st, 1);
	CHECK_EQ_I64(all.bytes[s.cal], 200);
	CHECK_EQ_I64(all.bytes[s.helper], 30);
	CHECK_EQ_I64(alive.bytes[s.cal], 0);
	CHECK_EQ_I64(alive.bytes[s.helper], 30);
	CHECK_EQ_I64(all.bytes[s.parse], 0);
	snapshot_release(&all);
	snapshot_release(&alive);
	stages_release(&st);
	capture_free(cap);
}

TEST(marks_and_slices)
{
	struct capture *cap = FX_CAPTURE("frames: @x.c:1",
					 "a +7",		/* before the first mark */
					 "mark: load",
					 "a +100",
					 "mark: work",
					 "a -100",
					 "a +40");
	struct stages st;
	struct stages_spec marks = { STAGES_MARKS, 0, NULL, 0 };
	struct stages_spec slices = { STAGES_SLICES, 2, NULL, 0 };

	stages_compute(&st, cap, &marks);
	CHECK_EQ_I64(st.n, 3);
	check_row(&st.rows[0], "load", 1, 100, 1, 0, 0, 100, 107, 107);
	check_row(&st.rows[1], "work", 1, 40, 1, 100, 1, -60, 47, 107);
	/* Before the first mark: a window like the others, its heap after its events. */
	check_row(&st.rows[2], "<before first mark>", 0, 7, 1, 0, 0, 7, 7, 7);
	stages_release(&st);
	/* No time marks: equal halves of the 4 events. */
	stages_compute(&st, cap, &slices);
	CHECK_EQ_I64(st.n, 3);
	check_row(&st.rows[0], "slice 1", 1, 107, 2, 0, 0, 107, 107, 107);
	check_row(&st.rows[1], "slice 2", 1, 40, 1, 100, 1, -60, 47, 107);
	CHECK_EQ_I64(st.rows[2].alloc_count, 0);
	stages_release(&st);
	check_snap(cap, &marks, 1, 40, 1, 40, 1);
	check_snap(cap, &slices, 0, 107, 2, 107, 2);
	capture_free(cap);
}

/*
 * Stack a allocates in every row; the leak table says which of its
 * allocations are left (events 0, 3 and 6; event 1's was freed by event 5;
 * event 3's is a mapping split in two pieces), b's is freed.  Rows of the
 * marks: <before> {0}, one {1,2}, two {3,4}, three {5,6}.
 */
static struct capture *leaky(bool table, int64_t first_bytes)
{
	struct capture_builder *b = capture_builder_new();
	uint32_t a;

	FX_ADD(b, "frames: @x.c:1", "a +7", "mark: one", "a +100", "b +50", "mark: two",
	       "a +200 x2", "b -50", "mark: three", "a -100", "a +300");
	a = FX_STACK(b, 0, "a@x.c:1");
	if (table) {
		capture_builder_leaks_known(b);
		capture_builder_leak(b, 6, a, 300, 1);
		capture_builder_leak(b, 0, a, first_bytes, 1);
		capture_builder_leak(b, 3, a, 150, 1);	/* two pieces of one allocation */
		capture_builder_leak(b, 3, a, 50, 1);
	}
	return capture_builder_finish(b);
}

static void check_leaked(const struct stage_row *r, int64_t bytes, int64_t count)
{
	CHECK_EQ_I64(r->leaked_bytes, bytes);
	CHECK_EQ_I64(r->leaked_count, count);
}

TEST(leak_table)
{
	struct capture *cap = leaky(true, 7), *plain = leaky(false, 7), *bad = leaky(true, 8);
	struct stages_spec marks = { STAGES_MARKS, 0, NULL, 0 };
	struct stages_spec slices = { STAGES_SLICES, 2, NULL, 0 };
	struct stages_spec under = { STAGES_UNDER, 0, "a", 0 };
	const struct leak *l;
	struct stages st;
	size_t n;

	l = capture_leaks(cap, &n);
	CHECK(l && n == 3);
	CHECK(l && l[0].ev_idx == 0 && l[1].ev_idx == 3 && l[2].ev_idx == 6);
	CHECK(l && l[1].bytes == 200 && l[1].count == 2);
	stages_compute(&st, cap, &marks);
	CHECK(st.leaks_exact && st.n == 4);
	check_leaked(&st.rows[0], 0, 0);		/* one: its allocation was freed */
	check_leaked(&st.rows[1], 200, 2);		/* two */
	check_leaked(&st.rows[2], 300, 1);		/* three */
	check_leaked(&st.rows[3], 7, 1);		/* <before first mark> */
	/* The window before the first mark ends before it, not at the end. */
	CHECK_EQ_I64(stages_row_end(&st, 3, cap), 0);
	stages_release(&st);
	/* 7 events in two halves: [0, 3) and [3, 7). */
	stages_compute(&st, cap, &slices);
	check_leaked(&st.rows[0], 7, 1);
	check_leaked(&st.rows[1], 500, 3);
	check_leaked(&st.rows[2], 0, 0);
	stages_release(&st);
	/* A split that matches nothing: every leak is outside. */
	CHECK_EQ_I64(stages_compute(&st, cap, &under), -1);
	check_leaked(&st.rows[st.n - 1], 507, 4);
	stages_release(&st);
	/* Without a table, a's live figures go to its latest allocation's row. */
	CHECK(!capture_leaks(plain, &n) && n == 0);
	stages_compute(&st, plain, &marks);
	CHECK(!st.leaks_exact);
	check_leaked(&st.rows[1], 0, 0);
	check_leaked(&st.rows[2], 507, 4);
	check_leaked(&st.rows[3], 0, 0);
	CHECK_EQ_I64(stages_row_end(&st, 3, plain), 0);
	stages_release(&st);
	/* A table that does not add up to a's live figures is dropped, with a warning. */
	CHECK(!capture_leaks(bad, &n));
	CHECK_EQ_I64(capture_meta(bad)->n_warnings, 1);
	capture_free(cap);
	capture_free(plain);
	capture_free(bad);
}

/* A capture whose table is known and empty: nothing leaks anywhere. */
TEST(leak_table_empty)
{
	struct capture_builder *b = capture_builder_new();
	struct stages_spec marks = { STAGES_MARKS, 0, NULL, 0 };
	struct capture *cap;
	struct stages st;
	size_t n = 1;

	FX_ADD(b, "frames: @x.c:1", "mark: one", "a +10", "a -10");
	capture_builder_leaks_known(b);
	cap = capture_builder_finish(b);
	CHECK(capture_leaks(cap, &n) && n == 0);
	stages_compute(&st, cap, &marks);
	CHECK(st.leaks_exact);
	check_leaked(&st.rows[0], 0, 0);
	/* No event before the first mark: its window ends before any event. */
	CHECK(stages_row_end(&st, 1, cap) == UINT64_MAX);
	stages_release(&st);
	capture_free(cap);
}

TEST(empty_capture)
{
	struct capture_builder *b = capture_builder_new();
	struct capture *cap;
	struct stages st;
	struct stages_spec spec = { STAGES_UNDER, 0, "main", 0 };
	struct snapshot all, alive;

	capture_builder_meta(b)->has_totals = true;
	capture_builder_meta(b)->has_event_stream = true;
	cap = capture_builder_finish(b);
	/* No frame is main: the split matches nothing (everything outside). */
	CHECK_EQ_I64(stages_compute(&st, cap, &spec), -1);
	CHECK_EQ_I64(st.n, 1);
	check_row(&st.rows[0], "<outside stages>", 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK(st.rows[0].first_ev == STAGES_NO_EVENT);
	CHECK(stages_row_start(&st, 0) == UINT64_MAX);
	CHECK(stages_row_end(&st, 0, cap) == UINT64_MAX);
	stages_row_snapshots(&all, &alive, cap, &spec, &st, 0);
	CHECK_EQ_I64(all.total_bytes, 0);
	CHECK_EQ_I64(alive.total_bytes, 0);
	snapshot_release(&all);
	snapshot_release(&alive);
	stages_release(&st);
	CHECK(!stages_under_exists(cap, "main"));
	spec.function = "";
	CHECK_EQ_I64(stages_compute(&st, cap, &spec), -1);
	CHECK_EQ_I64(st.n, 1);
	stages_release(&st);
	capture_free(cap);
}

/*
 * Two mains, as in a memray --native capture's unelided fallback stacks:
 * the tool's main (tool.py) above the script's (script.py).  The script's
 * carries the most bytes, so it is F; the tool's `run` is no stage.  Below
 * the script's main a native frame sits before one stage (skipped), and a
 * native leaf allocates directly (F itself, as memray's Python stack says).
 */
TEST(two_files_and_native_frames)
{
	struct capture *cap = FX_CAPTURE("frames: @script.py:1",
					 "main@tool.py;run@tool.py;namedtuple@c.py +10",
					 "main@tool.py;run@tool.py;main;work +1000",
					 "main@tool.py;run@tool.py;main;PyObject_Call@;work2 +500",
					 "main@tool.py;run@tool.py;main;memcpy@ +3");
	struct stages st;
	struct stages_spec spec = { STAGES_UNDER, 0, "main", STAGES_MERGE };

	stages_compute(&st, cap, &spec);
	CHECK_EQ_I64(st.n, 4);
	CHECK(!strcmp(st.rows[0].name, "work"));
	CHECK_EQ_I64(st.rows[0].alloc_bytes, 1000);
	CHECK(!strcmp(st.rows[1].name, "work2"));
	CHECK_EQ_I64(st.rows[1].alloc_bytes, 500);
	CHECK(!strcmp(st.rows[2].name, "<itself>"));
	CHECK_EQ_I64(st.rows[2].alloc_bytes, 3);
	CHECK(!strcmp(st.rows[3].name, "<outside stages>"));
	CHECK_EQ_I64(st.rows[3].alloc_bytes, 10);
	stages_release(&st);
	/* Named as the tool's function, run is a stage of it. */
	spec.function = "run";
	stages_compute(&st, cap, &spec);
	CHECK_EQ_I64(st.n, 3);
	CHECK(!strcmp(st.rows[0].name, "namedtuple"));
	CHECK(!strcmp(st.rows[1].name, "main"));
	stages_release(&st);
	capture_free(cap);
}

/*
 * No event stream (memray --aggregate): the events are the peak snapshot,
 * then the deltas to the end.  `late` (called at main:30) is interned before
 * `early` (main:10), so the rows come by call line, not by stack id.  Peak:
 * late 100/1, early 40/2, boot 7/1; end: early 25/1, boot 7/1.
 */
TEST(live_only)
{
	struct capture *cap = FX_CAPTURE("meta: format=memray peak=last aggregated",
					 "frames: @script.py",
					 "main:30;late:3 +100",
					 "main:10;early:5 +40 x2",
					 "boot:1 +7",
					 "main:30;late:3 -100",
					 "main:10;early:5 -15");
	uint32_t early = FX_FIND(cap, "main;early"), boot = FX_FIND(cap, "boot");
	struct stages st;
	struct stages_spec spec = { STAGES_UNDER, 0, "main", 0 };
	struct stages_spec slices = { STAGES_SLICES, 4, NULL, 0 };
	struct snapshot all, alive;

	CHECK(!stages_unavailable(cap, &spec));
	CHECK_EQ_I64(stages_compute(&st, cap, &spec), 0);
	CHECK(st.live_only);
	CHECK_EQ_I64(st.n, 3);
	CHECK(!strcmp(st.rows[0].name, "early"));
	CHECK(!strcmp(st.rows[1].name, "late"));
	CHECK(!strcmp(st.rows[2].name, "<outside stages>"));
	CHECK_EQ_I64(st.rows[0].calls, 1);
	CHECK_EQ_I64(st.rows[2].calls, 0);
	CHECK_EQ_I64(st.rows[0].at_peak_bytes, 40);
	CHECK_EQ_I64(st.rows[0].at_peak_count, 2);
	CHECK_EQ_I64(st.rows[0].leaked_bytes, 25);
	CHECK_EQ_I64(st.rows[0].leaked_count, 1);
	CHECK_EQ_I64(st.rows[1].at_peak_bytes, 100);
	CHECK_EQ_I64(st.rows[1].leaked_bytes, 0);
	CHECK_EQ_I64(st.rows[2].at_peak_bytes, 7);
	CHECK_EQ_I64(st.rows[2].leaked_count, 1);
	for (size_t i = 0; i < st.n; i++) {
		const struct stage_row *r = &st.rows[i];

		CHECK(r->first_ev == STAGES_NO_EVENT);
		CHECK(r->start_ms == STAGES_UNKNOWN && r->duration_ms == STAGES_UNKNOWN);
		CHECK(r->alloc_count == STAGES_UNKNOWN && r->alloc_bytes == STAGES_UNKNOWN);
		CHECK(r->freed_count == STAGES_UNKNOWN && r->freed_bytes == STAGES_UNKNOWN);
		CHECK(r->net_bytes == STAGES_UNKNOWN && r->cumulative_bytes == STAGES_UNKNOWN);
		CHECK(r->peak_bytes == STAGES_UNKNOWN && r->top_bytes == STAGES_UNKNOWN);
		CHECK_EQ_I64(r->top_frame, 0);
	}
	CHECK_EQ_I64(stages_row_snapshots(&all, &alive, cap, &spec, &st, 0), -1);
	CHECK_EQ_I64(all.total_bytes, 0);
	CHECK_EQ_I64(alive.total_bytes, 25);
	CHECK_EQ_I64(alive.bytes[early], 25);
	snapshot_release(&all);
	snapshot_release(&alive);
	stages_row_snapshots(&all, &alive, cap, &spec, &st, 2);
	CHECK_EQ_I64(alive.total_bytes, 7);
	CHECK_EQ_I64(alive.bytes[boot], 7);
	snapshot_release(&all);
	snapshot_release(&alive);
	stages_release(&st);
	/* Merging changes nothing: a class is one row anyway. */
	spec.flags = STAGES_MERGE;
	stages_compute(&st, cap, &spec);
	CHECK_EQ_I64(st.n, 3);
	stages_release(&st);
	/* By time: refused, every live figure on the outside row. */
	CHECK(stages_unavailable(cap, &slices) != NULL);
	CHECK_EQ_I64(stages_compute(&st, cap, &slices), -1);
	CHECK(st.live_only);
	CHECK_EQ_I64(st.n, 1);
	CHECK_EQ_I64(st.rows[0].at_peak_bytes, 147);
	CHECK_EQ_I64(st.rows[0].at_peak_count, 4);
	CHECK_EQ_I64(st.rows[0].leaked_bytes, 32);
	CHECK_EQ_I64(st.rows[0].leaked_count, 2);
	stages_release(&st);
	capture_free(cap);
}

/*
 * Rows without events: an empty slice or mark holds the heap of its moment
 * (not 0), and with time marks every slice starts at its own start and
 * lasts its length.  Slices of 25 ms: the two middle ones are empty.
 */
TEST(empty_rows_carry_the_heap)
{
	struct capture *cap = FX_CAPTURE("meta: format=heaptrack duration=100", "frames: @x.c:1",
					 "time: 0", "a +100", "time: 90", "a -30");
	struct capture *marked = FX_CAPTURE("frames: @x.c:1", "x +5", "mark: m1", "mark: m2",
					    "x +7");
	struct stages_spec slices = { STAGES_SLICES, 4, NULL, 0 };
	struct stages_spec marks = { STAGES_MARKS, 0, NULL, 0 };
	struct stages st;

	CHECK_EQ_I64(stages_compute(&st, cap, &slices), 0);
	CHECK_EQ_I64(st.n, 5);
	check_row(&st.rows[0], "slice 1", 1, 100, 1, 0, 0, 100, 100, 100);
	check_row(&st.rows[1], "slice 2", 0, 0, 0, 0, 0, 0, 100, 100);
	check_row(&st.rows[2], "slice 3", 0, 0, 0, 0, 0, 0, 100, 100);
	check_row(&st.rows[3], "slice 4", 1, 0, 0, 30, 1, -30, 70, 100);
	for (int k = 0; k < 4; k++) {
		CHECK_EQ_I64(st.rows[k].start_ms, 25 * k);
		CHECK_EQ_I64(st.rows[k].duration_ms, 25);
	}
	stages_release(&st);
	CHECK_EQ_I64(stages_compute(&st, marked, &marks), 0);
	CHECK_EQ_I64(st.n, 3);
	check_row(&st.rows[0], "m1", 0, 0, 0, 0, 0, 0, 5, 5);
	check_row(&st.rows[1], "m2", 1, 7, 1, 0, 0, 7, 12, 12);
	CHECK_EQ_I64(st.rows[0].duration_ms, 0);
	stages_release(&st);
	capture_free(marked);
	capture_free(cap);
}

/*
 * Stacks without F (a stack the profiler cut short, another thread) inside
 * a call: outside, and the call goes on; F's own allocation ends it.
 */
TEST(foreign_events_keep_the_call)
{
	struct capture *cap = FX_CAPTURE("frames: @p.c:1", "main;work +10", "deep;x +1",
					 "main;work +10", "thread;y +2", "main;work -5",
					 "main +4", "main;work +1");
	struct stages_spec spec = { STAGES_UNDER, 0, "main", 0 };
	struct stages st;

	CHECK_EQ_I64(stages_compute(&st, cap, &spec), 0);
	CHECK_EQ_I64(st.n, 4);
	check_row(&st.rows[0], "work", 1, 20, 2, 5, 1, 15, 18, 23);
	check_row(&st.rows[1], "<itself>", 1, 4, 1, 0, 0, 4, 22, 22);
	check_row(&st.rows[2], "work", 1, 1, 1, 0, 0, 1, 23, 23);
	check_row(&st.rows[3], "<outside stages>", 0, 3, 2, 0, 0, 3, 23, 23);
	stages_release(&st);
	spec.flags = STAGES_MERGE;
	stages_compute(&st, cap, &spec);
	CHECK_EQ_I64(st.n, 3);
	CHECK_EQ_I64(st.rows[0].calls, 2);
	stages_release(&st);
	capture_free(cap);
}

static uint32_t frame_at(struct capture_builder *b, const char *fn, const char *mod,
			 uint64_t address)
{
	struct frame f = { 0 };

	if (fn)
		f.function = capture_builder_cstring(b, fn);
	f.module = capture_builder_cstring(b, mod);
	f.address = address;
	f.kind = FRAME_NATIVE;
	return capture_builder_frame(b, &f);
}

/*
 * Unnamed children are one stage per module, named for it; the top
 * allocator counts a named leaf by function (all its addresses) and an
 * unnamed one by its own address.
 */
TEST(unnamed_children_and_top)
{
	struct capture_builder *b = capture_builder_new();
	uint32_t fm = frame_at(b, "main", "/bin/prog", 1);
	uint32_t fu1 = frame_at(b, NULL, "/bin/prog", 0x10);
	uint32_t fu2 = frame_at(b, NULL, "/bin/prog", 0x20);
	uint32_t fx = frame_at(b, NULL, "/lib/libx.so", 0x30);
	uint32_t fl1 = frame_at(b, "leaf", "/lib/libx.so", 0x40);
	uint32_t fl2 = frame_at(b, "leaf", "/lib/libx.so", 0x50);
	uint32_t sm, su1, su2, sx;
	struct stages_spec spec = { STAGES_UNDER, 0, "main", 0 };
	struct capture *cap;
	struct stages st;

	capture_builder_meta(b)->format = "heaptrack";
	capture_builder_meta(b)->has_totals = true;
	capture_builder_meta(b)->has_event_stream = true;
	sm = capture_builder_stack(b, 0, fm);
	su1 = capture_builder_stack(b, sm, fu1);
	su2 = capture_builder_stack(b, sm, fu2);
	sx = capture_builder_stack(b, sm, fx);
	capture_builder_event(b, su1, 10, 1, EV_ALLOC);
	capture_builder_event(b, su2, 5, 1, EV_ALLOC);
	capture_builder_event(b, sx, 9, 1, EV_ALLOC);
	capture_builder_event(b, capture_builder_stack(b, sx, fl1), 6, 1, EV_ALLOC);
	capture_builder_event(b, capture_builder_stack(b, sx, fl2), 6, 1, EV_ALLOC);
	cap = capture_builder_finish(b);
	CHECK_EQ_I64(stages_compute(&st, cap, &spec), 0);
	CHECK_EQ_I64(st.n, 3);
	CHECK(!strcmp(st.rows[0].name, "<unnamed code in prog>"));
	CHECK_EQ_I64(st.rows[0].alloc_bytes, 15);
	CHECK_EQ_I64(st.rows[0].top_frame, fu1);
	CHECK_EQ_I64(st.rows[0].top_bytes, 10);
	CHECK(!strcmp(st.rows[1].name, "<unnamed code in libx.so>"));
	CHECK_EQ_I64(st.rows[1].alloc_bytes, 21);
	CHECK_EQ_I64(capture_frame(cap, st.rows[1].top_frame)->function,
		     capture_frame(cap, fl1)->function);
	CHECK_EQ_I64(st.rows[1].top_bytes, 12);
	stages_release(&st);
	capture_free(cap);
}

/* A split that matches nothing says why, and stages_compute refuses it. */
TEST(splits_matching_nothing)
{
	struct ids s;
	struct capture *cap = staged(&s);
	struct stages_spec marks = { STAGES_MARKS, 0, NULL, 0 };
	struct stages_spec nosuch = { STAGES_UNDER, 0, "nosuch", 0 };
	struct stages_spec leaf = { STAGES_UNDER, 0, "helper", 0 };
	struct stages_spec main = { STAGES_UNDER, 0, "main", 0 };
	struct stages st;
	const char *why;

	why = stages_unavailable(cap, &marks);
	CHECK(why && strstr(why, "matches nothing") && strstr(why, "no stage marks"));
	why = stages_unavailable(cap, &nosuch);
	CHECK(why && strstr(why, "no function has that name"));
	why = stages_unavailable(cap, &leaf);
	CHECK(why && strstr(why, "nothing it calls allocates"));
	CHECK(!stages_unavailable(cap, &main));
	CHECK_EQ_I64(stages_compute(&st, cap, &nosuch), -1);
	CHECK_EQ_I64(st.n, 1);
	CHECK_EQ_I64(st.rows[0].alloc_count, 7);
	stages_release(&st);
	CHECK(stages_under_exists(cap, "main"));
	CHECK(!stages_under_exists(cap, "helper"));
	CHECK(!stages_under_exists(cap, "nothing"));
	capture_free(cap);
}

/*
 * The default split: under main while one row per call gives at most
 * STAGES_DEFAULT_MAX_ROWS rows, merged while that does, else slices, each
 * fallback with its reason; marks first.
 */
TEST(default_split)
{
	struct capture_builder *b = capture_builder_new();
	struct capture *cap;
	struct stages_spec spec;
	char why[128], line[64];

	capture_builder_meta(b)->has_totals = true;
	capture_builder_meta(b)->has_event_stream = true;
	FX_ADD(b, "frames: @p.c:1");
	for (int k = 0; k < 60; k++) {
		snprintf(line, sizeof(line), "main;step%d +1", k);
		FX_ADD(b, line);
	}
	cap = capture_builder_finish(b);
	stages_default(&spec, cap, why, sizeof(why));
	CHECK_EQ_I64(spec.split, STAGES_SLICES);
	CHECK_EQ_I64(spec.slices, STAGES_DEFAULT_SLICES);
	CHECK(!strcmp(why, "under main gives 60 rows, 60 merged"));
	capture_free(cap);

	b = capture_builder_new();
	capture_builder_meta(b)->has_totals = true;
	capture_builder_meta(b)->has_event_stream = true;
	FX_ADD(b, "frames: @p.c:1");
	for (int k = 0; k < 30; k++)
		FX_ADD(b, "main;read +1", "main;write +1");
	cap = capture_builder_finish(b);
	stages_default(&spec, cap, why, sizeof(why));
	CHECK_EQ_I64(spec.split, STAGES_UNDER);
	CHECK(!strcmp(spec.function, "main"));
	CHECK_EQ_I64(spec.flags, STAGES_MERGE);
	CHECK(!strcmp(why, "one row per call would be 60 rows"));
	capture_free(cap);

	cap = FX_CAPTURE("frames: @p.c:1", "main;a +1", "main;b +1", "main +1");
	stages_default(&spec, cap, why, sizeof(why));
	CHECK(spec.split == STAGES_UNDER && !spec.flags && !why[0]);
	capture_free(cap);
	cap = FX_CAPTURE("frames: @p.c:1", "mark: load", "main;a +1");
	stages_default(&spec, cap, why, sizeof(why));
	CHECK(spec.split == STAGES_MARKS && !why[0]);
	capture_free(cap);
	cap = FX_CAPTURE("frames: @p.c:1", "run;a +1");
	stages_default(&spec, cap, why, sizeof(why));
	CHECK(spec.split == STAGES_SLICES && !strcmp(why, "nothing under main"));
	capture_free(cap);
}

#define EXEC "clang::driver::Driver::ExecuteCompilation(clang::driver::Compilation&, " \
	     "llvm::SmallVectorImpl<std::pair<int, clang::driver::Command const*> >&)"

/* C++ names: F by its base name, short labels that keep the method and never merge two. */
TEST(cxx_names)
{
	static const char *const kids[] = {
		"a::b::Sema::ActOnX(int)", "a::b::Sema::ActOnX(long)", "a::CodeGen::ActOnX(int)",
	};
	struct capture_builder *b = capture_builder_new();
	uint32_t sm = capture_builder_stack(b, 0, frame_at(b, "main", "/bin/cc", 1));
	uint32_t se = capture_builder_stack(b, sm, frame_at(b, EXEC, "/lib/libclang.so", 2));
	struct stages_spec spec = { STAGES_UNDER, 0, "ExecuteCompilation", 0 };
	struct capture *cap;
	struct stages st;
	char buf[256], **labels;

	capture_builder_meta(b)->has_totals = true;
	capture_builder_meta(b)->has_event_stream = true;
	for (int k = 0; k < 3; k++)
		capture_builder_event(b, capture_builder_stack(b, se, frame_at(b, kids[k], "/lib/x",
									     (uint64_t)k + 8)),
				      10, 1, EV_ALLOC);
	cap = capture_builder_finish(b);
	CHECK_EQ_I64(stages_compute(&st, cap, &spec), 0);
	CHECK_EQ_I64(st.n, 4);
	CHECK(!strcmp(st.rows[1].name, kids[1]));
	stages_release(&st);
	spec.function = "Driver::ExecuteCompilation";
	CHECK(!stages_unavailable(cap, &spec));
	spec.function = "Execute";
	CHECK(stages_unavailable(cap, &spec) != NULL);
	spec.function = "main";
	stages_compute(&st, cap, &spec);
	CHECK_EQ_I64(st.n, 2);
	CHECK(!strcmp(st.rows[0].name, EXEC));
	labels = stages_labels(&st, 24, "~");
	CHECK(!strcmp(labels[0], "~ExecuteCompilation(...)"));
	stages_labels_free(labels, st.n);
	stages_release(&st);
	spec.function = "ExecuteCompilation";
	stages_compute(&st, cap, &spec);
	labels = stages_labels(&st, 15, "~");
	for (int k = 0; k < 3; k++) {
		snprintf(buf, sizeof(buf), "~ActOnX(...) #%d", k == 2 ? 1 : k + 2);
		CHECK(!strcmp(labels[k], buf));
	}
	stages_labels_free(labels, st.n);
	labels = stages_labels(&st, 24, "~");
	CHECK(!strcmp(labels[0], kids[0]) && !strcmp(labels[1], kids[1]));
	CHECK(!strcmp(labels[2], "a::CodeGen::ActOnX(int)"));
	stages_labels_free(labels, st.n);
	stages_release(&st);
	CHECK(!strcmp(stages_short_name("std::vector<int, std::allocator<int> >::push_back(int "
					"const&)", 30, "~", buf, sizeof(buf)),
		      "std::vector<>::push_back(...)"));
	CHECK(!strcmp(stages_short_name("operator<<(std::ostream&, int)", 20, "~", buf,
					sizeof(buf)), "operator<<(...)"));
	CHECK(!strcmp(stages_short_name("(anonymous namespace)::f(int, long)", 30, "~", buf,
					sizeof(buf)), "(anonymous namespace)::f(...)"));
	CHECK(!strcmp(stages_short_name("GetExecutablePath[abi:cxx11](char const*, bool)", 22,
					"~", buf, sizeof(buf)), "GetExecutablePath(...)"));
	CHECK(!strcmp(stages_short_name("<listcomp>", 4, "~", buf, sizeof(buf)), "~mp>"));
	CHECK(!strcmp(stages_short_name("pkg.mod.Class.method", 14, "~", buf, sizeof(buf)),
		      "~Class.method"));
	CHECK(!strcmp(stages_short_name("0x7f00 in libstdc++.so.6", 12, "~", buf, sizeof(buf)),
		      "~stdc++.so.6"));
	capture_free(cap);
}

int main(void)
{
	RUN(under_each_call);
	RUN(under_merged);
	RUN(row_snapshots);
	RUN(marks_and_slices);
	RUN(empty_capture);
	RUN(two_files_and_native_frames);
	RUN(live_only);
	RUN(empty_rows_carry_the_heap);
	RUN(foreign_events_keep_the_call);
	RUN(unnamed_children_and_top);
	RUN(splits_matching_nothing);
	RUN(default_split);
	RUN(cxx_names);
	RUN(leak_table);
	RUN(leak_table_empty);
	return CHECK_DONE();
}
