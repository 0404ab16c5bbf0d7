/*
 * Unit tests of the stage table (src/analysis/stages.h) on small synthetic captures:
 * every figure of stages_compute for the calls under a function, one row
 * per call and merged, the outside row (never dropped), a free of another
 * stack inside a call, the per-row snapshots of the drill-down (what a row
 * allocated, what of it is alive at its end) and the rows' start and end,
 * marks and slices, the empty capture, and the choice of F's frames when
 * two files define a function of that name (memray --native's fallback
 * stacks) with native frames skipped below a Python F, and the live-only
 * rows of a capture without an event stream.
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
	CHECK_EQ_I64(st.n, 4);
	check_row(&st.rows[0], "parse", 1, 150, 2, 100, 1, 50, 60, 160);
	check_row(&st.rows[1], "calibrate", 1, 230, 2, 210, 2, 20, 80, 290);
	check_row(&st.rows[2], "parse", 1, 60, 1, 0, 0, 60, 140, 140);
	check_row(&st.rows[3], "<outside stages>", 0, 15, 2, 50, 1, -35, 95, 145);
	CHECK_EQ_I64(st.rows[0].first_ev, 1);
	CHECK_EQ_I64(st.rows[0].last_ev, 3);
	CHECK_EQ_I64(st.rows[1].first_ev, 4);
	CHECK_EQ_I64(st.rows[1].last_ev, 7);
	CHECK_EQ_I64(st.rows[0].start_ms, 0);
	CHECK_EQ_I64(st.rows[0].duration_ms, 2);
	CHECK_EQ_I64(st.rows[1].start_ms, 5);
	CHECK_EQ_I64(st.rows[1].duration_ms, 2);
	CHECK_EQ_I64(st.rows[2].start_ms, 9);
	CHECK_EQ_I64(st.rows[3].duration_ms, -1);
	/* Live at the end, by each stack's latest allocation. */
	CHECK_EQ_I64(st.rows[0].leaked_bytes, 0);
	CHECK_EQ_I64(st.rows[1].leaked_bytes, 30);
	CHECK_EQ_I64(st.rows[2].leaked_bytes, 60);
	CHECK_EQ_I64(st.rows[3].leaked_bytes, 5);
	CHECK(!strcmp(capture_string(cap, st.rows[1].top_function), "calibrate"));
	CHECK_EQ_I64(st.rows[1].top_bytes, 200);
	CHECK_EQ_I64(stages_row_start(&st, 0), 0);
	CHECK_EQ_I64(stages_row_end(&st, 0, cap), 3);
	CHECK_EQ_I64(stages_row_start(&st, 1), 3);
	CHECK_EQ_I64(stages_row_end(&st, 1, cap), 7);
	CHECK(stages_row_start(&st, 3) == UINT64_MAX);	/* outside: its first event is 0 */
	CHECK_EQ_I64(stages_row_end(&st, 3, cap), 10);
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
	CHECK_EQ_I64(st.n, 3);
	check_row(&st.rows[0], "parse", 2, 210, 3, 100, 1, 110, 140, 160);
	check_row(&st.rows[1], "calibrate", 1, 230, 2, 210, 2, 20, 80, 290);
	check_row(&st.rows[2], "<outside stages>", 0, 15, 2, 50, 1, -35, 95, 145);
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
	/* outside: boot's 10 (freed) and main's 5, live at the end. */
	check_snap(cap, &each, 3, 15, 2, 5, 1);
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
	check_row(&st.rows[2], "<outside stages>", 0, 7, 1, 0, 0, 7, 47, 7);
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
	CHECK_EQ_I64(stages_compute(&st, cap, &spec), 0);
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
 * native leaf allocates directly (at F: outside).
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
	CHECK_EQ_I64(st.n, 3);
	CHECK(!strcmp(st.rows[0].name, "work"));
	CHECK_EQ_I64(st.rows[0].alloc_bytes, 1000);
	CHECK(!strcmp(st.rows[1].name, "work2"));
	CHECK_EQ_I64(st.rows[1].alloc_bytes, 500);
	CHECK(!strcmp(st.rows[2].name, "<outside stages>"));
	CHECK_EQ_I64(st.rows[2].alloc_bytes, 13);
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
		CHECK_EQ_I64(r->top_function, 0);
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

int main(void)
{
	RUN(under_each_call);
	RUN(under_merged);
	RUN(row_snapshots);
	RUN(marks_and_slices);
	RUN(empty_capture);
	RUN(two_files_and_native_frames);
	RUN(live_only);
	return CHECK_DONE();
}
