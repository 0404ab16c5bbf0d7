/*
 * Unit tests of the diff tree on hand-made pairs of captures: exact A, B and
 * delta per node top-down and bottom-up, nodes only in A or only in B (named
 * from their own capture), two stacks that differ only in their lines
 * merging into one path, the three orders and the changed-only filter, the
 * hot node, agreement with diff_compute (a top-down node's self figures are
 * the change `memtui report --diff` lists for its path), a capture diffed
 * with itself, empty snapshots, and Python code of one name in one file
 * (first lines apart) kept apart by the tree and by a diff within one capture
 * but matched by name across two.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "diff.h"
#include "diff_tree.h"
#include "fixture.h"
#include "snapshot.h"
#include "tree.h"

/*
 * A: main -> work (line 10) 100 B, main -> work (line 20) 50 B,
 *    main -> old 30 B, main -> same 10 B.
 */
static struct capture *capture_a(void)
{
	return FX_CAPTURE("frames: @x.py",
			  "main:1;work:10 +100",
			  "main:1;work:20 +50",
			  "main:1;old:3 +30",
			  "main:1;same:4 +10");
}

/*
 * B (other string and frame ids, other lines): main -> new 40 B,
 * main -> same 10 B, main -> work (line 99) 200 B.
 */
static struct capture *capture_b(void)
{
	struct capture_builder *b = capture_builder_new();

	/* Direct builder calls: strings ahead of the frames', so the ids differ from A's. */
	capture_builder_cstring(b, "zzz");
	capture_builder_cstring(b, "x.py");
	FX_ADD(b, "frames: @x.py",
		  "main:2;new:7 +40",
		  "main:2;same:8 +10",
		  "main:2;work:99 +200");
	return capture_builder_finish(b);
}

static const char *fn_of(const struct diff_tree *dt, uint32_t node)
{
	const struct capture *cap = dt->t.cap;

	return capture_string(cap, capture_frame(cap, dt->t.nodes[node].frame)->function);
}

/* The shown child of parent named fn, or TREE_NONE. */
static uint32_t child_named(const struct diff_tree *dt, uint32_t parent, const char *fn)
{
	for (uint32_t c = dt->t.nodes[parent].first_child; c != TREE_NONE;
	     c = dt->t.nodes[c].next_sibling)
		if (!strcmp(fn_of(dt, c), fn))
			return c;
	return TREE_NONE;
}

/* The names of the shown children of parent, "a,b,c". */
static void kids_text(const struct diff_tree *dt, uint32_t parent, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (uint32_t c = dt->t.nodes[parent].first_child; c != TREE_NONE && n < size;
	     c = dt->t.nodes[c].next_sibling)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", fn_of(dt, c));
}

struct pair {
	struct capture *a, *b;
	struct snapshot wa, wb;
};

static void pair_open(struct pair *p)
{
	p->a = capture_a();
	p->b = capture_b();
	snapshot_peak(&p->wa, p->a);
	snapshot_peak(&p->wb, p->b);
}

static void pair_close(struct pair *p)
{
	snapshot_release(&p->wa);
	snapshot_release(&p->wb);
	capture_free(p->a);
	capture_free(p->b);
}

static void check_node(const struct diff_tree *dt, uint32_t nd, int64_t a, int64_t b,
		       int64_t a_count, int64_t b_count)
{
	CHECK(nd != TREE_NONE);
	if (nd == TREE_NONE)
		return;
	CHECK_EQ_I64(dt->dn[nd].a_total, a);
	CHECK_EQ_I64(dt->dn[nd].b_total, b);
	CHECK_EQ_I64(diff_tree_delta(dt, nd), b - a);
	CHECK_EQ_I64(dt->dn[nd].a_total_count, a_count);
	CHECK_EQ_I64(dt->dn[nd].b_total_count, b_count);
	CHECK_EQ_I64(dt->t.nodes[nd].total_bytes, a > b ? a : b);
}

TEST(top_down_figures)
{
	struct pair p;
	struct diff_tree dt;
	uint32_t m, w, old, nw, same;

	pair_open(&p);
	diff_tree_build(&dt, p.a, &p.wa, p.b, &p.wb, TREE_TOP_DOWN);
	CHECK_EQ_I64(dt.t.n, 6);		/* root main work old same new */
	check_node(&dt, 0, 190, 250, 4, 3);
	m = child_named(&dt, 0, "main");
	check_node(&dt, m, 190, 250, 4, 3);
	CHECK_EQ_I64(dt.dn[m].a_self, 0);
	/* Lines 10 and 20 in A and 99 in B are one path. */
	w = child_named(&dt, m, "work");
	check_node(&dt, w, 150, 200, 2, 1);
	CHECK_EQ_I64(dt.dn[w].a_self, 150);
	CHECK_EQ_I64(dt.dn[w].b_self, 200);
	CHECK_EQ_I64(dt.dn[w].rep_side, DIFF_A);
	old = child_named(&dt, m, "old");
	check_node(&dt, old, 30, 0, 1, 0);
	CHECK_EQ_I64(dt.dn[old].rep_side, DIFF_A);
	/* Only in B: named from B's frame, copied into the tree's own names. */
	nw = child_named(&dt, m, "new");
	check_node(&dt, nw, 0, 40, 0, 1);
	CHECK_EQ_I64(dt.dn[nw].rep_side, DIFF_B);
	CHECK(nw != TREE_NONE && !strcmp(capture_string(p.b, capture_frame(p.b,
			dt.dn[nw].rep_frame)->function), "new"));
	same = child_named(&dt, m, "same");
	check_node(&dt, same, 10, 10, 1, 1);
	CHECK(!dt.dn[same].changed);
	CHECK(dt.dn[w].changed && dt.dn[old].changed && dt.dn[nw].changed && dt.dn[m].changed);
	CHECK(dt.t.nodes[w].depth == 2 && dt.t.nodes[w].parent == m);
	CHECK_EQ_I64(diff_tree_hot(&dt), w);
	diff_tree_release(&dt);
	pair_close(&p);
}

TEST(orders_and_filter)
{
	struct pair p;
	struct diff_tree dt;
	uint32_t m;
	char kids[256];

	pair_open(&p);
	diff_tree_build(&dt, p.a, &p.wa, p.b, &p.wb, TREE_TOP_DOWN);
	m = child_named(&dt, 0, "main");
	kids_text(&dt, m, kids, sizeof(kids));
	CHECK(!strcmp(kids, "work,new,old,same"));	/* |delta| 50, 40, 30, 0 */
	diff_tree_arrange(&dt, DIFF_ORDER_SIZE, false);
	kids_text(&dt, m, kids, sizeof(kids));
	CHECK(!strcmp(kids, "work,new,old,same"));	/* max(A,B) 200, 40, 30, 10 */
	diff_tree_arrange(&dt, DIFF_ORDER_NAME, false);
	kids_text(&dt, m, kids, sizeof(kids));
	CHECK(!strcmp(kids, "new,old,same,work"));
	diff_tree_arrange(&dt, DIFF_ORDER_NAME, true);
	kids_text(&dt, m, kids, sizeof(kids));
	CHECK(!strcmp(kids, "new,old,work"));
	diff_tree_arrange(&dt, DIFF_ORDER_DELTA, false);
	kids_text(&dt, m, kids, sizeof(kids));
	CHECK(!strcmp(kids, "work,new,old,same"));
	diff_tree_release(&dt);
	pair_close(&p);
}

/* A capture where size and |delta| disagree: a 100 -> 100, b 10 -> 60. */
TEST(delta_versus_size)
{
	struct capture *a = FX_CAPTURE("a@x.py:1 +100", "b@x.py:1 +10");
	struct capture *b = FX_CAPTURE("a@x.py:1 +100", "b@x.py:1 +60");
	struct snapshot wa, wb;
	struct diff_tree dt;
	char kids[64];

	snapshot_peak(&wa, a);
	snapshot_peak(&wb, b);
	diff_tree_build(&dt, a, &wa, b, &wb, TREE_TOP_DOWN);
	kids_text(&dt, 0, kids, sizeof(kids));
	CHECK(!strcmp(kids, "b,a"));
	diff_tree_arrange(&dt, DIFF_ORDER_SIZE, false);
	kids_text(&dt, 0, kids, sizeof(kids));
	CHECK(!strcmp(kids, "a,b"));
	diff_tree_arrange(&dt, DIFF_ORDER_DELTA, true);
	kids_text(&dt, 0, kids, sizeof(kids));
	CHECK(!strcmp(kids, "b"));
	diff_tree_release(&dt);
	snapshot_release(&wa);
	snapshot_release(&wb);
	capture_free(a);
	capture_free(b);
}

TEST(bottom_up)
{
	struct pair p;
	struct diff_tree dt, td;
	uint32_t w, caller, old, nw;

	pair_open(&p);
	diff_tree_build(&dt, p.a, &p.wa, p.b, &p.wb, TREE_BOTTOM_UP);
	check_node(&dt, 0, 190, 250, 4, 3);
	w = child_named(&dt, 0, "work");
	check_node(&dt, w, 150, 200, 2, 1);
	CHECK_EQ_I64(dt.dn[w].a_self, 150);
	CHECK_EQ_I64(dt.dn[w].b_self, 200);
	caller = child_named(&dt, w, "main");
	check_node(&dt, caller, 150, 200, 2, 1);
	CHECK_EQ_I64(dt.dn[caller].a_self, 0);
	CHECK(caller != TREE_NONE && dt.t.nodes[caller].first_child == TREE_NONE);
	old = child_named(&dt, 0, "old");
	check_node(&dt, old, 30, 0, 1, 0);
	nw = child_named(&dt, 0, "new");
	check_node(&dt, nw, 0, 40, 0, 1);
	CHECK(child_named(&dt, 0, "main") == TREE_NONE);	/* main allocates nothing itself */
	CHECK_EQ_I64(diff_tree_hot(&dt), w);
	/* "This function" across directions. */
	diff_tree_build(&td, p.a, &p.wa, p.b, &p.wb, TREE_TOP_DOWN);
	CHECK_EQ_I64(diff_tree_child_like(&dt, 0, &td, child_named(&td, child_named(&td, 0, "main"),
								     "work")), w);
	CHECK_EQ_I64(diff_tree_child_like(&dt, 0, &td, child_named(&td, 0, "main")), TREE_NONE);
	diff_tree_release(&td);
	diff_tree_release(&dt);
	pair_close(&p);
}

/* Every change diff_compute lists is the self figure of the top-down node with its key. */
TEST(agrees_with_diff_compute)
{
	struct pair p;
	struct diff_tree dt;
	struct diff d;

	pair_open(&p);
	diff_tree_build(&dt, p.a, &p.wa, p.b, &p.wb, TREE_TOP_DOWN);
	diff_compute(&d, p.a, &p.wa, p.b, &p.wb);
	CHECK_EQ_I64(d.n, 4);
	for (size_t i = 0; i < d.n; i++) {
		uint32_t found = TREE_NONE;

		for (uint32_t nd = 0; nd < dt.t.n; nd++)
			if (dt.t.nodes[nd].key == d.changes[i].key)
				found = nd;
		CHECK(found != TREE_NONE);
		if (found == TREE_NONE)
			continue;
		CHECK_EQ_I64(dt.dn[found].a_self, d.changes[i].a_bytes);
		CHECK_EQ_I64(dt.dn[found].b_self, d.changes[i].b_bytes);
		CHECK_EQ_I64(dt.dn[found].a_self_count, d.changes[i].a_count);
		CHECK_EQ_I64(dt.dn[found].b_self_count, d.changes[i].b_count);
	}
	/* The report's first change is the hot node. */
	CHECK_EQ_I64(dt.t.nodes[diff_tree_hot(&dt)].key, d.changes[0].key);
	diff_release(&d);
	diff_tree_release(&dt);
	pair_close(&p);
}

/* One capture against itself: nothing changed, the names are the capture's own. */
TEST(same_capture)
{
	struct capture *a = capture_a();
	struct snapshot w;
	struct diff_tree dt;

	snapshot_peak(&w, a);
	for (int dir = 0; dir < 2; dir++) {
		diff_tree_build(&dt, a, &w, a, &w, (enum tree_direction)dir);
		CHECK(dt.t.cap == a);
		CHECK(dt.names == NULL);
		check_node(&dt, 0, 190, 190, 4, 4);
		for (uint32_t nd = 0; nd < dt.t.n; nd++) {
			CHECK_EQ_I64(diff_tree_delta(&dt, nd), 0);
			CHECK(!dt.dn[nd].changed);
		}
		CHECK_EQ_I64(diff_tree_hot(&dt), 0);
		diff_tree_arrange(&dt, DIFF_ORDER_DELTA, true);
		CHECK_EQ_I64(dt.t.nodes[0].first_child, TREE_NONE);
		diff_tree_arrange(&dt, DIFF_ORDER_SIZE, false);
		CHECK(!strcmp(fn_of(&dt, dt.t.nodes[0].first_child), dir ? "work" : "main"));
		diff_tree_release(&dt);
	}
	snapshot_release(&w);
	capture_free(a);
}

/* Two moments of one capture: before anything, and at the peak. */
TEST(empty_snapshots)
{
	struct capture *a = capture_a();
	struct capture *none = capture_builder_finish(capture_builder_new());
	struct snapshot before, peak, empty;
	struct diff_tree dt;

	snapshot_live_at(&before, a, UINT64_MAX);
	snapshot_peak(&peak, a);
	diff_tree_build(&dt, a, &before, a, &peak, TREE_TOP_DOWN);
	check_node(&dt, 0, 0, 190, 0, 4);
	CHECK_EQ_I64(dt.dn[child_named(&dt, 0, "main")].rep_side, DIFF_B);
	diff_tree_release(&dt);
	snapshot_peak(&empty, none);
	for (int dir = 0; dir < 2; dir++) {
		diff_tree_build(&dt, none, &empty, none, &empty, (enum tree_direction)dir);
		CHECK_EQ_I64(dt.t.n, 1);
		check_node(&dt, 0, 0, 0, 0, 0);
		CHECK_EQ_I64(diff_tree_hot(&dt), 0);
		diff_tree_arrange(&dt, DIFF_ORDER_NAME, true);
		diff_tree_release(&dt);
		diff_tree_build(&dt, none, &empty, a, &peak, (enum tree_direction)dir);
		check_node(&dt, 0, 0, 190, 0, 4);
		CHECK(dt.dn[0].changed);
		diff_tree_release(&dt);
	}
	snapshot_release(&empty);
	snapshot_release(&before);
	snapshot_release(&peak);
	capture_free(none);
	capture_free(a);
}

/*
 * Three list comprehensions of one file: code objects first at lines 22 and
 * 30 (the one at 22 allocating on two lines).  Python frames are different
 * code when their code objects' first lines differ (frame.address).
 */
static struct capture *listcomps(void)
{
	return FX_CAPTURE("frames: @a.py",
			  "main:5^1;<listcomp>:22^22 +100",
			  "main:6^1;<listcomp>:30^30 +50",
			  "main:5^1;<listcomp>:23^22 +7");
}

/* The totals of parent's children, largest first, into got[] (at most n). */
static size_t kid_totals(const struct tree *t, uint32_t parent, int64_t *got, size_t n)
{
	size_t k = 0;

	for (uint32_t c = t->nodes[parent].first_child; c != TREE_NONE && k < n;
	     c = t->nodes[c].next_sibling)
		got[k++] = t->nodes[c].total_bytes;
	return k;
}

TEST(different_code_stays_apart)
{
	struct capture *a = listcomps(), *b = listcomps();
	struct snapshot wa, wb;
	struct tree t;
	struct diff_tree dt;
	struct diff d;
	int64_t got[4] = { 0 };

	snapshot_peak(&wa, a);
	snapshot_peak(&wb, b);
	/* The call tree: two <listcomp> nodes in both directions. */
	tree_build(&t, a, &wa, TREE_BOTTOM_UP, NULL);
	tree_sort(&t, TREE_ORDER_SIZE);
	CHECK_EQ_I64(kid_totals(&t, 0, got, 4), 2);
	CHECK_EQ_I64(got[0], 107);
	CHECK_EQ_I64(got[1], 50);
	tree_release(&t);
	tree_build(&t, a, &wa, TREE_TOP_DOWN, NULL);
	tree_sort(&t, TREE_ORDER_SIZE);
	CHECK_EQ_I64(kid_totals(&t, t.nodes[0].first_child, got, 4), 2);
	CHECK_EQ_I64(got[0], 107);
	CHECK_EQ_I64(got[1], 50);
	tree_release(&t);
	/* One capture against itself: matched as the tree merges (two paths). */
	diff_tree_build(&dt, a, &wa, a, &wa, TREE_BOTTOM_UP);
	diff_tree_arrange(&dt, DIFF_ORDER_SIZE, false);
	CHECK_EQ_I64(kid_totals(&dt.t, 0, got, 4), 2);
	CHECK_EQ_I64(got[0], 107);
	CHECK_EQ_I64(got[1], 50);
	diff_tree_release(&dt);
	diff_compute(&d, a, &wa, a, &wa);
	CHECK_EQ_I64(d.n, 2);
	diff_release(&d);
	/* Two captures: first lines move with edits, so names alone match. */
	diff_tree_build(&dt, a, &wa, b, &wb, TREE_BOTTOM_UP);
	CHECK_EQ_I64(kid_totals(&dt.t, 0, got, 4), 1);
	check_node(&dt, dt.t.nodes[0].first_child, 157, 157, 3, 3);
	diff_tree_release(&dt);
	diff_compute(&d, a, &wa, b, &wb);
	CHECK_EQ_I64(d.n, 1);
	diff_release(&d);
	snapshot_release(&wa);
	snapshot_release(&wb);
	capture_free(a);
	capture_free(b);
}

int main(void)
{
	RUN(top_down_figures);
	RUN(orders_and_filter);
	RUN(delta_versus_size);
	RUN(bottom_up);
	RUN(agrees_with_diff_compute);
	RUN(same_capture);
	RUN(empty_snapshots);
	RUN(different_code_stays_apart);
	return CHECK_DONE();
}
