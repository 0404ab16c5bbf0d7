/*
 * Unit tests of the outline (ui/model/outline.h): visible rows by expanded keys,
 * splicing on expand/collapse, the cursor kept by call path across trees,
 * search with smart case, the hot path, and the tree helpers it relies on
 * (tree_child, sorting by name).
 *
 * The capture: main -> work -> leaf_a (100 bytes, 2 allocations, freed at
 * the end), main -> work -> leaf_b (50, freed), main -> other (7, leaked).
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "outline.h"
#include "snapshot.h"
#include "tree.h"

static struct capture *small(void)
{
	/* has_totals and has_event_stream: true as in every new capture. */
	return FX_CAPTURE("meta: format=heaptrack",
			  "frames: @prog.c:1",
			  "main;work;leaf_a +60",
			  "main;work;leaf_a +40",
			  "main;work;leaf_b +50",
			  "main;other +7",
			  "main;work;leaf_a -60",
			  "main;work;leaf_a -40",
			  "main;work;leaf_b -50");
}

static const char *fn_of(const struct tree *t, uint32_t node)
{
	if (node == 0)
		return "<root>";
	return capture_string(t->cap, capture_frame(t->cap, t->nodes[node].frame)->function);
}

static const char *cursor_fn(const struct outline *o)
{
	return fn_of(o->t, outline_node(o));
}

TEST(rows_expand_collapse)
{
	struct capture *cap = small();
	struct snapshot peak;
	struct tree t;
	struct outline o;

	snapshot_peak(&peak, cap);
	tree_build(&t, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(&t, TREE_ORDER_SIZE);
	outline_init(&o);
	outline_attach(&o, &t);
	CHECK_EQ_I64(o.n_rows, 2);		/* root open, main closed */
	CHECK(!strcmp(fn_of(&t, o.rows[1]), "main"));
	outline_expand(&o, o.rows[1]);
	CHECK_EQ_I64(o.n_rows, 4);		/* root main work other */
	CHECK(!strcmp(fn_of(&t, o.rows[2]), "work"));
	CHECK(!strcmp(fn_of(&t, o.rows[3]), "other"));
	outline_set_cursor(&o, 3);
	outline_expand(&o, o.rows[2]);		/* splices leaf_a, leaf_b before other */
	CHECK_EQ_I64(o.n_rows, 6);
	CHECK(!strcmp(fn_of(&t, o.rows[3]), "leaf_a"));
	CHECK(!strcmp(fn_of(&t, o.rows[4]), "leaf_b"));
	CHECK_EQ_I64(o.cursor, 5);		/* the cursor stayed on other */
	CHECK(!strcmp(cursor_fn(&o), "other"));
	outline_set_cursor(&o, 4);
	outline_collapse(&o, o.rows[2]);	/* the cursor was inside: it moves to work */
	CHECK_EQ_I64(o.n_rows, 4);
	CHECK(!strcmp(cursor_fn(&o), "work"));
	outline_collapse_all(&o, 0);
	CHECK_EQ_I64(o.n_rows, 2);
	CHECK(!strcmp(cursor_fn(&o), "main"));
	outline_expand_all(&o, 0);
	CHECK_EQ_I64(o.n_rows, 6);
	outline_move(&o, -100);
	CHECK_EQ_I64(o.cursor, 0);
	outline_move(&o, 100);
	CHECK_EQ_I64(o.cursor, 5);
	outline_release(&o);
	tree_release(&t);
	snapshot_release(&peak);
	capture_free(cap);
}

TEST(path_across_trees)
{
	struct capture *cap = small();
	struct snapshot peak, leaks, supp;
	struct tree tp, tl;
	struct outline o;
	size_t n;

	snapshot_peak(&peak, cap);
	snapshot_leaks(&leaks, cap, &supp);
	tree_build(&tp, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(&tp, TREE_ORDER_SIZE);
	tree_build(&tl, cap, &leaks, TREE_TOP_DOWN, NULL);
	tree_sort(&tl, TREE_ORDER_SIZE);
	outline_init(&o);
	outline_attach(&o, &tp);
	CHECK_EQ_I64(outline_search(&o, "leaf_b"), 1);
	CHECK(!strcmp(cursor_fn(&o), "leaf_b"));
	outline_path(&o, &n);
	CHECK_EQ_I64(n, 4);
	/* The leaks tree has no work -> leaf_b: the cursor stands on main... */
	outline_attach(&o, &tl);
	CHECK(!strcmp(cursor_fn(&o), "main"));
	outline_path(&o, &n);
	CHECK_EQ_I64(n, 4);			/* ...but still asks for leaf_b */
	outline_attach(&o, &tp);
	CHECK(!strcmp(cursor_fn(&o), "leaf_b"));
	/* Once the cursor moves, the path is where it is. */
	outline_attach(&o, &tl);
	outline_move(&o, 0);
	outline_path(&o, &n);
	CHECK_EQ_I64(n, 2);
	outline_attach(&o, &tp);
	CHECK(!strcmp(cursor_fn(&o), "main"));
	outline_release(&o);
	tree_release(&tp);
	tree_release(&tl);
	snapshot_release(&peak);
	snapshot_release(&leaks);
	snapshot_release(&supp);
	capture_free(cap);
}

TEST(search_and_heavy)
{
	struct capture *cap = small();
	struct snapshot peak;
	struct tree t;
	struct outline o;

	snapshot_peak(&peak, cap);
	tree_build(&t, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(&t, TREE_ORDER_SIZE);
	outline_init(&o);
	outline_attach(&o, &t);
	CHECK(outline_find("Leaf_A", "leaf") != NULL);	/* lower case: any case */
	CHECK(outline_find("leaf_a", "Leaf") == NULL);	/* upper case: exact */
	CHECK_EQ_I64(outline_search(&o, "leaf"), 2);
	CHECK_EQ_I64(o.n_rows, 6);			/* expanded to both */
	CHECK(!strcmp(cursor_fn(&o), "leaf_a"));
	CHECK(outline_next_match(&o, 1));
	CHECK(!strcmp(cursor_fn(&o), "leaf_b"));
	CHECK(outline_next_match(&o, 1));		/* wraps */
	CHECK(!strcmp(cursor_fn(&o), "leaf_a"));
	CHECK(outline_next_match(&o, -1));
	CHECK(!strcmp(cursor_fn(&o), "leaf_b"));
	CHECK_EQ_I64(outline_search(&o, "nothing"), 0);
	CHECK(!outline_next_match(&o, 1));
	outline_search(&o, "");
	outline_collapse_all(&o, 0);
	outline_expand_heavy(&o, 500);			/* main 157, work 150: open */
	CHECK_EQ_I64(o.n_rows, 6);
	outline_release(&o);
	tree_release(&t);
	snapshot_release(&peak);
	capture_free(cap);
}

static uint32_t child_named(const struct tree *t, uint32_t parent, const char *fn)
{
	for (uint32_t c = t->nodes[parent].first_child; c != TREE_NONE;
	     c = t->nodes[c].next_sibling)
		if (!strcmp(fn_of(t, c), fn))
			return c;
	return TREE_NONE;
}

TEST(tree_helpers)
{
	struct capture *cap = small();
	struct snapshot peak;
	struct tree td, bu;
	uint32_t main_td, work, leaf_b, bu_leaf;

	snapshot_peak(&peak, cap);
	tree_build(&td, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_build(&bu, cap, &peak, TREE_BOTTOM_UP, NULL);
	main_td = child_named(&td, 0, "main");
	work = child_named(&td, main_td, "work");
	leaf_b = child_named(&td, work, "leaf_b");
	CHECK(leaf_b != TREE_NONE);
	CHECK_EQ_I64(tree_child(&td, 0, td.nodes[main_td].frame), main_td);
	CHECK_EQ_I64(tree_child(&td, main_td, td.nodes[main_td].frame), TREE_NONE);
	/* A top-down node's function among the bottom-up roots: its callers' tree. */
	bu_leaf = tree_child(&bu, 0, td.nodes[leaf_b].frame);
	CHECK(bu_leaf != TREE_NONE);
	CHECK_EQ_I64(bu.nodes[bu_leaf].total_bytes, 50);
	CHECK(!strcmp(fn_of(&bu, bu.nodes[bu_leaf].first_child), "work"));
	tree_sort(&td, TREE_ORDER_NAME);
	CHECK(!strcmp(fn_of(&td, td.nodes[main_td].first_child), "other"));
	CHECK(!strcmp(fn_of(&td, td.nodes[work].first_child), "leaf_a"));
	tree_sort(&td, TREE_ORDER_SIZE);
	CHECK(!strcmp(fn_of(&td, td.nodes[main_td].first_child), "work"));
	tree_sort(&td, TREE_ORDER_COUNT);
	CHECK(!strcmp(fn_of(&td, td.nodes[main_td].first_child), "work"));
	tree_release(&td);
	tree_release(&bu);
	snapshot_release(&peak);
	capture_free(cap);
}

int main(void)
{
	RUN(rows_expand_collapse);
	RUN(path_across_trees);
	RUN(search_and_heavy);
	RUN(tree_helpers);
	return CHECK_DONE();
}
