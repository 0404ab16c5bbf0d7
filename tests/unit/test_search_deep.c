/*
 * Unit tests of the search on a deep tree (ui/model/outline.h): a chain of
 * DEPTH frames all named "f" (deep recursion), so every node but the root
 * matches.  The search opens the ancestors of every match by climbing each
 * node once (outline->search_steps counts the climb): DEPTH steps, where a
 * climb per match would take DEPTH * (DEPTH + 1) / 2.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "outline.h"
#include "snapshot.h"
#include "tree.h"

#define DEPTH 40000

/* root -> f -> f -> ... (DEPTH frames), one allocation of 16 bytes at the bottom. */
static struct capture *deep(void)
{
	struct capture_builder *b = capture_builder_new();
	uint32_t f = FX_FRAME(b, "f@deep.c:1"), s = 0;

	for (int i = 0; i < DEPTH; i++)
		s = capture_builder_stack(b, s, f);
	capture_builder_event(b, s, 16, 1, EV_ALLOC);
	return capture_builder_finish(b);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(deep_chain)
{
	struct capture *cap = deep();
	struct snapshot peak;
	struct tree t;
	struct outline o;
	double start;

	snapshot_peak(&peak, cap);
	tree_build(&t, cap, &peak, TREE_TOP_DOWN, NULL);
	CHECK_EQ_I64(t.n, DEPTH + 1);
	outline_init(&o);
	outline_attach(&o, &t);
	CHECK_EQ_I64(o.n_rows, 2);			/* only the root is open: it and f */
	start = seconds();
	CHECK_EQ_I64(outline_search(&o, "f"), DEPTH);
	CHECK_EQ_I64(o.search_steps, DEPTH);		/* the root and every f but the last */
	CHECK_EQ_I64(o.n_rows, DEPTH + 1);		/* every match shown */
	CHECK_EQ_I64(o.cursor, 1);			/* on the first match */
	CHECK(outline_next_match(&o, -1));		/* wraps back to the deepest */
	CHECK_EQ_I64(o.cursor, DEPTH);
	/* Again with everything open: nothing left to open, the climb is the same. */
	CHECK_EQ_I64(outline_search(&o, "f"), DEPTH);
	CHECK_EQ_I64(o.search_steps, DEPTH);
	CHECK_EQ_I64(outline_search(&o, "nothing"), 0);
	CHECK_EQ_I64(o.search_steps, 0);
	/* Loose: linear work is milliseconds; the quadratic climb took 13 s here. */
	CHECK(seconds() - start < 2.0);
	outline_release(&o);
	tree_release(&t);
	snapshot_release(&peak);
	capture_free(cap);
}

/* Two matches under one parent: the second climb stops at the shared parent. */
TEST(shared_ancestors)
{
	struct capture *cap = FX_CAPTURE("meta: format=heaptrack", "frames: @prog.c:1",
					 "main;work;leaf_a +60", "main;work;leaf_b +50",
					 "main;other;leaf_c +7");
	struct snapshot peak;
	struct tree t;
	struct outline o;

	snapshot_peak(&peak, cap);
	tree_build(&t, cap, &peak, TREE_TOP_DOWN, NULL);
	outline_init(&o);
	outline_attach(&o, &t);
	outline_collapse_all(&o, 0);
	CHECK_EQ_I64(outline_search(&o, "leaf"), 3);
	/* work, main, root for leaf_a; none more for leaf_b; other for leaf_c. */
	CHECK_EQ_I64(o.search_steps, 4);
	CHECK_EQ_I64(o.n_rows, 7);	/* root, main, work, 2 leaves, other, leaf */
	outline_release(&o);
	tree_release(&t);
	snapshot_release(&peak);
	capture_free(cap);
}

int main(void)
{
	RUN(deep_chain);
	RUN(shared_ancestors);
	return CHECK_DONE();
}
