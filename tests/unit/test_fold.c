/*
 * Unit tests of folding (src/analysis/fold.h) and of the trees built with it
 * (tree_build, tree_key_folded, tree_find_folded), on a small synthetic
 * capture: libc's start-up frames above main, a frame a user rule folds
 * between main and leaf (std_push: fixture names hold no colons), a path of
 * start-up frames alone, and a Python function that happens to be called
 * _start (the presets fold native frames only).
 */
#include <locale.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "fold.h"
#include "snapshot.h"
#include "tree.h"

static struct capture *sample(void)
{
	return FX_CAPTURE("frames: @prog.c:1",
			  "_start;__libc_start_main;main;work;leaf +100",
			  "_start;__libc_start_main;main;std_push;leaf +50",
			  "_start;__libc_start_main;main;leaf +25",
			  "_start +7",
			  "_start@app.py:3 +9");
}

/* The child of parent named fn, or TREE_NONE. */
static uint32_t named(const struct tree *t, uint32_t parent, const char *fn)
{
	for (uint32_t c = t->nodes[parent].first_child; c != TREE_NONE;
	     c = t->nodes[c].next_sibling) {
		const struct frame *f = capture_frame(t->cap, t->nodes[c].frame);

		if (!strcmp(capture_string(t->cap, f->function), fn))
			return c;
	}
	return TREE_NONE;
}

/* The node of an unfolded tree for stack (its frames from the root). */
static uint32_t node_of(const struct tree *t, const struct capture *cap, uint32_t stack)
{
	const struct stack_node *sn = capture_stack(cap, stack);

	if (!sn->depth)
		return 0;
	return tree_child(t, node_of(t, cap, sn->parent), sn->frame);
}

TEST(rules)
{
	struct fold_rules r;
	char buf[64];

	fold_rules_init(&r);
	CHECK(!strcmp(fold_rules_describe(&r, buf, sizeof(buf)), "3 presets"));
	CHECK_EQ_I64(fold_rules_add(&r, ""), -1);
	CHECK_EQ_I64(fold_rules_add(&r, "file:"), -1);
	CHECK_EQ_I64(fold_rules_add(&r, "std_*"), 0);
	CHECK(!strcmp(fold_rules_describe(&r, buf, sizeof(buf)), "3 presets, 1 rule"));
	r.presets = false;
	CHECK(!strcmp(fold_rules_describe(&r, buf, sizeof(buf)), "1 rule"));
	CHECK_EQ_I64(fold_rules_count(&r), 1);
	r.n_patterns = 0;
	CHECK(!strcmp(fold_rules_describe(&r, buf, sizeof(buf)), "none"));
}

TEST(mask)
{
	struct capture *cap = sample();
	struct fold_rules r;
	struct fold_mask m;
	uint32_t s_main = FX_FIND(cap, "_start@prog.c;__libc_start_main;main");
	uint32_t s_std = FX_FIND(cap, "_start@prog.c;__libc_start_main;main;std_push");
	uint32_t s_py = FX_FIND(cap, "_start@app.py");
	uint32_t *rep;

	fold_rules_init(&r);
	fold_rules_add(&r, "std_*");
	fold_mask_build(&m, cap, &r);
	CHECK(fold_mask_has(&m, capture_stack(cap, s_std)->frame));
	CHECK(!fold_mask_has(&m, capture_stack(cap, s_main)->frame));
	CHECK(fold_mask_has(&m, capture_stack(cap, capture_stack(cap, s_main)->parent)->frame));
	CHECK(!fold_mask_has(&m, capture_stack(cap, s_py)->frame));	/* a Python _start */
	CHECK(!fold_mask_has(NULL, capture_stack(cap, s_std)->frame));
	CHECK_EQ_I64(m.n_folded, 3);	/* _start, __libc_start_main, std_push */
	/* main;std;leaf and main;leaf are one folded path; _start alone is the root's. */
	rep = fold_stack_reps(&m, cap);
	CHECK_EQ_I64(rep[FX_FIND(cap, "_start@prog.c;__libc_start_main;main;std_push;"
				 "leaf")],
		     rep[FX_FIND(cap, "_start@prog.c;__libc_start_main;main;leaf")]);
	CHECK_EQ_I64(rep[FX_FIND(cap, "_start@prog.c")], 0);
	CHECK_EQ_I64(rep[s_std], rep[s_main]);
	free(rep);
	fold_mask_release(&m);
	capture_free(cap);
}

TEST(trees)
{
	struct capture *cap = sample();
	struct fold_rules r;
	struct fold_mask m;
	struct snapshot peak;
	struct tree td, bu, plain;
	uint32_t main_nd, leaf, std_nd;

	fold_rules_init(&r);
	fold_rules_add(&r, "std_*");
	fold_mask_build(&m, cap, &r);
	snapshot_peak(&peak, cap);
	tree_build(&td, cap, &peak, TREE_TOP_DOWN, &m);
	CHECK_EQ_I64(td.nodes[0].total_bytes, 191);
	CHECK_EQ_I64(td.nodes[0].self_bytes, 7);	/* the path of folded frames alone */
	main_nd = named(&td, 0, "main");
	CHECK(main_nd != TREE_NONE);
	CHECK_EQ_I64(td.nodes[main_nd].total_bytes, 175);
	CHECK_EQ_I64(named(&td, 0, "_start") != TREE_NONE, 1);	/* the Python one */
	leaf = named(&td, main_nd, "leaf");
	CHECK(leaf != TREE_NONE);
	CHECK_EQ_I64(td.nodes[leaf].total_bytes, 75);	/* via std_push and directly: merged */
	CHECK_EQ_I64(td.nodes[named(&td, main_nd, "work")].total_bytes, 100);
	CHECK_EQ_I64(named(&td, main_nd, "std_push"), TREE_NONE);

	tree_build(&bu, cap, &peak, TREE_BOTTOM_UP, &m);
	CHECK_EQ_I64(bu.nodes[0].total_bytes, 191);
	CHECK_EQ_I64(bu.nodes[0].self_bytes, 7);
	leaf = named(&bu, 0, "leaf");
	CHECK_EQ_I64(bu.nodes[leaf].self_bytes, 175);
	CHECK_EQ_I64(named(&bu, leaf, "std_push"), TREE_NONE);
	CHECK_EQ_I64(bu.nodes[named(&bu, leaf, "main")].total_bytes, 75);

	/* From the unfolded tree: std_push's place is main's when folded. */
	tree_build(&plain, cap, &peak, TREE_TOP_DOWN, NULL);
	std_nd = node_of(&plain, cap,
			 FX_FIND(cap, "_start@prog.c;__libc_start_main;main;std_push"));
	CHECK(std_nd != TREE_NONE);
	CHECK_EQ_I64(tree_find_folded(&td, &m, tree_key_folded(&plain, std_nd, &m)), main_nd);
	/* And back: main of the folded tree is the unfolded main, below the start-up. */
	CHECK_EQ_I64(tree_find_folded(&plain, &m, td.nodes[main_nd].key),
		     plain.nodes[std_nd].parent);
	tree_release(&plain);
	tree_release(&bu);
	tree_release(&td);
	snapshot_release(&peak);
	fold_mask_release(&m);
	capture_free(cap);
}

/*
 * A tree cut at a depth is the whole tree's nodes down to there, each with
 * the same figures: what is below is in the totals, not the self (with and
 * without folding, both directions, every depth).
 */
TEST(trees_to_depth)
{
	struct capture *cap = sample();
	struct fold_rules r;
	struct fold_mask m;
	struct snapshot peak;

	fold_rules_init(&r);
	fold_rules_add(&r, "std_*");
	fold_mask_build(&m, cap, &r);
	snapshot_peak(&peak, cap);
	for (int k = 0; k < 4; k++) {
		enum tree_direction dir = k & 1 ? TREE_BOTTOM_UP : TREE_TOP_DOWN;
		const struct fold_mask *fold = k & 2 ? &m : NULL;
		struct tree whole;

		tree_build(&whole, cap, &peak, dir, fold);
		for (uint32_t depth = 0; depth < 7; depth++) {
			struct tree cut;
			uint32_t kept = 0;

			tree_build_to(&cut, cap, &peak, dir, fold, depth);
			for (uint32_t i = 0; i < whole.n; i++) {
				const struct tree_node *w = &whole.nodes[i];
				uint32_t j = 0;

				if (w->depth > depth)
					continue;
				kept++;
				while (j < cut.n && cut.nodes[j].key != w->key)
					j++;
				CHECK(j < cut.n);
				if (j == cut.n)
					continue;
				CHECK_EQ_I64(cut.nodes[j].total_bytes, w->total_bytes);
				CHECK_EQ_I64(cut.nodes[j].total_count, w->total_count);
				CHECK_EQ_I64(cut.nodes[j].self_bytes, w->self_bytes);
				CHECK_EQ_I64(cut.nodes[j].self_count, w->self_count);
			}
			CHECK_EQ_I64(cut.n, kept);
			tree_release(&cut);
		}
		tree_release(&whole);
	}
	snapshot_release(&peak);
	fold_mask_release(&m);
	capture_free(cap);
}

TEST(sort_self)
{
	struct capture *cap = FX_CAPTURE("frames: @prog.c:1", "main;big;leaf +1000",
					 "main;own +10", "main;mid +30", "main;mid;x +500");
	struct snapshot peak;
	struct tree t;
	uint32_t main_nd, c;

	snapshot_peak(&peak, cap);
	tree_build(&t, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(&t, TREE_ORDER_SELF);
	CHECK(!strcmp(tree_order_name(TREE_ORDER_SELF), "self"));
	main_nd = named(&t, 0, "main");
	c = t.nodes[main_nd].first_child;	/* by |self|: mid 30, own 10, big 0 */
	CHECK_EQ_I64(t.nodes[c].self_bytes, 30);
	c = t.nodes[c].next_sibling;
	CHECK_EQ_I64(t.nodes[c].self_bytes, 10);
	c = t.nodes[c].next_sibling;
	CHECK_EQ_I64(t.nodes[c].total_bytes, 1000);
	tree_release(&t);
	snapshot_release(&peak);
	capture_free(cap);
}

/*
 * Globs match bytes whatever the locale, as the report (C locale) matches
 * them: under the explorer's UTF-8 locale too, "gr????e" is "größe" (4 bytes
 * between "gr" and "e", 2 characters) and "gr??e" is not; the thread's
 * locale is as it was after.
 */
TEST(bytes_in_any_locale)
{
	struct capture *cap = FX_CAPTURE("frames: @prog.c:1", "main;gr\xc3\xb6\xc3\x9f" "e +8");
	uint32_t frame = capture_stack(cap, FX_FIND(cap, "main;gr\xc3\xb6\xc3\x9f" "e"))->frame;
	const char *was = setlocale(LC_CTYPE, "C.UTF-8");

	for (int k = 0; k < 2; k++) {
		struct fold_rules r;
		struct fold_mask m;

		fold_rules_init(&r);
		r.presets = false;
		fold_rules_add(&r, k ? "gr??e" : "gr????e");
		fold_mask_build(&m, cap, &r);
		CHECK_EQ_I64(fold_mask_has(&m, frame), !k);
		CHECK(uselocale((locale_t)0) == LC_GLOBAL_LOCALE);
		fold_mask_release(&m);
	}
	if (was)
		setlocale(LC_CTYPE, "C");
	capture_free(cap);
}

int main(void)
{
	RUN(rules);
	RUN(mask);
	RUN(trees);
	RUN(trees_to_depth);
	RUN(sort_self);
	RUN(bytes_in_any_locale);
	return CHECK_DONE();
}
